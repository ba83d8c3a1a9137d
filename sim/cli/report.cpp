#include "ternac/sim/cli/report.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "ternac/model/base/text_io.h"
#include "ternac/model/energy/claims.h"
#include "ternac/model/energy/storage.h"
#include "ternac/model/workload/workload.h"

namespace ternac::cli {

Json config_json(const ArrayConfig& c) {
  return {{"name", c.name()},
          {"lanes", c.lanes},
          {"tree_inputs", c.tree_inputs},
          {"acc_width", c.acc_width},
          {"weight_rows_per_beat", c.weight_rows_per_beat},
          {"token_tile", c.token_tile},
          {"datapath", c.int8() ? "int8" : "ternary"},
          {"pipe_every", c.pipe_every},
          {"level_width_cap", c.level_width_cap},
          {"reduction", reduction_name(c.reduction)},
          {"peak_macs_per_cycle", c.peak_macs_per_cycle()}};
}

Json provenance(const std::string& command, const ArrayConfig& config, const Options& options,
                std::uint64_t seed, const std::string& energy_dir) {
  Json given = Json::object();
  for (const auto& [name, value] : options.given()) given[name] = value;
  return {{"tool", "ternac"},
          {"command", command},
          {"ternac_version", version()},
          {"git", {{"commit", git_commit()}, {"dirty", git_dirty()}}},
          {"verilator", verilator_version()},
          {"compiler", compiler_version()},
          {"configuration", config_json(config)},
          {"options", given},
          {"seed", seed},
          {"energy_dir", energy_dir}};
}

std::string json_text(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

double NodeEnergy::fj_per_mac(double pj) const {
  return macs == 0 ? 0.0 : 1e3 * pj / static_cast<double>(macs);
}

void declare_energy_options(Options& o) {
  o.value("energy-dir", "DIR",
          "energy tables (default: the shipped model/energy/tables, or $TERNAC_ENERGY_DIR)");
  o.value("onchip-bytes", "SIZE",
          "on-chip SRAM for the activation, result and weight buffers, placed in that order while "
          "they fit; the rest is off-chip DRAM (default: 1M; K, M, G suffixes)");
  o.value("nodes", "LIST",
          "energy tables to report, comma-separated: a node in nm (every table at that node, "
          "e.g. 7) or a table's key (7nm-pokebnn7) (default: every table)");
}

void energy_inputs(Files& files, const EnergyOptions& energy) {
  namespace fs = std::filesystem;
  for (const std::string& sub : {std::string(), std::string("/calibration")}) {
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(energy.dir + sub, ec)) {
      if (e.path().extension() == ".csv" && e.is_regular_file(ec)) {
        files.input("--energy-dir", e.path().string());
      }
    }
  }
}

EnergyOptions energy_options(const Options& o) {
  EnergyOptions e;
  e.dir = o.str("energy-dir", default_energy_dir());
  if (o.has("onchip-bytes")) {
    e.storage.onchip_bytes = parse_size(o.str("onchip-bytes", ""), "--onchip-bytes");
    if (e.storage.onchip_bytes > (std::uint64_t{1} << 40)) {
      throw std::invalid_argument(
          fmt::format("--onchip-bytes must be at most 1T, got {}", o.str("onchip-bytes", "")));
    }
  }
  e.nodes = o.str("nodes", "");
  if (o.has("nodes") && e.nodes.empty()) throw std::invalid_argument("--nodes: an empty list");
  return e;
}

std::vector<std::string> chosen_tables(const EnergyOptions& options, const EnergyTables& tables) {
  const std::vector<std::string> all = tables.keys();
  if (options.nodes.empty()) return all;
  std::vector<bool> chosen(all.size(), false);
  const std::string& list = options.nodes;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string item = list.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) {
      throw std::invalid_argument(fmt::format("--nodes: an empty item in '{}'", printable(list)));
    }
    const bool number = item.find_first_not_of("0123456789") == std::string::npos;
    bool found = false;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (number ? std::to_string(tables.table(all[i]).node_nm()) == item : all[i] == item) {
        chosen[i] = true;
        found = true;
      }
    }
    if (!found) {
      throw std::invalid_argument(fmt::format("--nodes: no table '{}' in {} (the tables: {})",
                                              printable(item), printable(options.dir),
                                              fmt::join(all, ", ")));
    }
  }
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (chosen[i]) keys.push_back(all[i]);
  }
  return keys;
}

namespace {

// Family, mixed and mixed_rows from the rows.
void set_families(NodeEnergy& n) {
  n.family = n.rows.empty() ? "" : combined_family(n.rows);
  n.mixed = !n.rows.empty() && mixes_families(n.rows);
  n.mixed_rows.clear();
  if (!n.mixed) return;
  for (const EnergyRow& r : n.rows) {
    n.mixed_rows.push_back(fmt::format("{} {}: {}", r.operation, r.width, r.family));
  }
}

void add_row(std::vector<EnergyRow>& rows, const EnergyRow& r) {
  for (const EnergyRow& x : rows) {
    if (x.operation == r.operation && x.width == r.width && x.family == r.family) return;
  }
  rows.push_back(r);
}

}  // namespace

std::vector<NodeEnergy> energy_per_node(const ArrayConfig& config, const OpCounts& counts,
                                        const GemmShape& shape, const EnergyTables& tables,
                                        const StorageConfig& storage,
                                        const std::vector<std::string>& keys) {
  std::vector<NodeEnergy> out;
  for (const std::string& key : keys) {
    const EnergyTable& t = tables.table(key);
    const EnergyBreakdown e = counted_energy(config, counts, shape, t, storage);
    NodeEnergy n;
    n.table = key;
    n.node_nm = t.node_nm();
    n.macs = shape.macs();
    n.arithmetic_pj = e.arithmetic_pj();
    n.onchip_pj = e.onchip_pj();
    n.offchip_pj = e.offchip_pj();
    for (const EnergyLine& l : e.lines) {
      if (l.count == 0) continue;
      n.scaled = n.scaled || l.scaled;
      EnergyRow r;
      r.operation = l.operation;
      r.width = l.width;
      r.family = l.family;
      add_row(n.rows, r);
    }
    set_families(n);
    out.push_back(n);
  }
  return out;
}

void add_energy(std::vector<NodeEnergy>& sum, const std::vector<NodeEnergy>& part) {
  if (sum.empty()) {
    sum = part;
    return;
  }
  if (sum.size() != part.size()) throw std::logic_error("add_energy: different tables");
  for (std::size_t i = 0; i < sum.size(); ++i) {
    NodeEnergy& s = sum[i];
    const NodeEnergy& p = part[i];
    if (s.table != p.table) throw std::logic_error("add_energy: different tables");
    s.macs += p.macs;
    s.arithmetic_pj += p.arithmetic_pj;
    s.onchip_pj += p.onchip_pj;
    s.offchip_pj += p.offchip_pj;
    s.scaled = s.scaled || p.scaled;
    for (const EnergyRow& r : p.rows) add_row(s.rows, r);
    set_families(s);
  }
}

std::vector<std::string> energy_columns(const std::vector<std::string>& keys) {
  std::vector<std::string> h;
  for (const std::string& key : keys) {
    h.push_back("arith_fj_per_mac_" + key);
    h.push_back("onchip_fj_per_mac_" + key);
    h.push_back("offchip_fj_per_mac_" + key);
  }
  return h;
}

std::vector<std::string> energy_values(const std::vector<NodeEnergy>& energy) {
  std::vector<std::string> v;
  for (const NodeEnergy& n : energy) {
    v.push_back(csv_real(n.arithmetic_fj_per_mac()));
    v.push_back(csv_real(n.with_onchip_fj_per_mac()));
    v.push_back(csv_real(n.with_offchip_fj_per_mac()));
  }
  return v;
}

std::string energy_text(const std::vector<NodeEnergy>& energy) {
  std::string s;
  for (const NodeEnergy& n : energy) {
    s += fmt::format("  {:>3} nm {:<13} {:>9.2f} {:>9.2f} {:>9.2f}  {}{}\n", n.node_nm,
                     n.table.substr(n.table.find('-') + 1), n.arithmetic_fj_per_mac(),
                     n.with_onchip_fj_per_mac(), n.with_offchip_fj_per_mac(), n.family,
                     n.scaled ? ", scaled rows (estimates)" : "");
    if (n.mixed) {
      s += fmt::format("         WARNING: mixes families: {}\n", rows_by_family(n.mixed_rows));
    }
  }
  return s;
}

std::vector<std::string> summary_claim_keys(const EnergyOptions& options,
                                            const EnergyTables& tables,
                                            const std::vector<std::string>& chosen) {
  if (!options.nodes.empty()) return chosen;
  std::vector<std::string> keys;
  for (const std::string& key : tables.keys()) {
    const int nm = tables.table(key).node_nm();
    if ((nm == 45 && key == tables.node(45).key()) || nm == 7) keys.push_back(key);
  }
  return keys;
}

void preflight_energy(const ArrayConfig& config, const EnergyTables& tables,
                      const StorageConfig& storage, const std::vector<std::string>& keys,
                      const std::vector<std::string>& claim_keys) {
  const GemmShape shape{1, static_cast<std::uint32_t>(config.lanes),
                        static_cast<std::uint32_t>(config.tree_inputs)};
  const OpCounts counts =
      predict_op_counts(config, random_problem({shape, 1, 0.4, ActProfile::kGaussian}));
  (void)energy_text(energy_per_node(config, counts, shape, tables, storage, keys));
  // The tiny shape's buffers all fit on chip: once more with none on chip, so that the off-chip
  // rows (DRAM) a real run may need are resolved before it starts too.
  (void)energy_text(energy_per_node(config, counts, shape, tables, StorageConfig{0}, keys));
  if (claim_keys.empty()) return;
  ArrayConfig int8_config = config;
  int8_config.datapath = Datapath::kInt8;
  RandomSpec spec{shape, 1, 0.0, ActProfile::kGaussian};
  spec.format = WeightFormat::kInt8;
  const OpCounts int8_counts = predict_op_counts(int8_config, random_problem(spec));
  for (const std::string& key : claim_keys) {
    counted_claims(config, counts, int8_counts, shape.macs(), tables.table(key));
  }
}

Json finite_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json energy_json(const std::vector<NodeEnergy>& energy) {
  Json a = Json::array();
  for (const NodeEnergy& n : energy) {
    a.push_back({{"table", n.table},
                 {"node_nm", n.node_nm},
                 {"family", n.family},
                 {"scaled", n.scaled},
                 {"mixed_families", n.mixed},
                 {"mixed_rows", n.mixed_rows},
                 {"arithmetic_fj_per_mac", finite_or_null(n.arithmetic_fj_per_mac())},
                 {"with_onchip_fj_per_mac", finite_or_null(n.with_onchip_fj_per_mac())},
                 {"with_offchip_fj_per_mac", finite_or_null(n.with_offchip_fj_per_mac())},
                 {"arithmetic_pj", finite_or_null(n.arithmetic_pj)},
                 {"onchip_pj", finite_or_null(n.onchip_pj)},
                 {"offchip_pj", finite_or_null(n.offchip_pj)}});
  }
  return a;
}

void CsvTable::row(const std::vector<std::string>& fields) {
  if (fields.size() != header_.size()) {
    throw std::logic_error(
        fmt::format("CSV row of {} fields under a header of {}", fields.size(), header_.size()));
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    rows_ += (i ? "," : "") + csv_field(fields[i]);
  }
  rows_ += "\n";
}

std::string CsvTable::text() const {
  std::string s;
  for (std::size_t i = 0; i < header_.size(); ++i) s += (i ? "," : "") + csv_field(header_[i]);
  return s + "\n" + rows_;
}

std::string csv_real(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : ""; }

std::vector<std::string> provenance_columns() {
  return {"schema_version", "ternac_version", "git_commit",    "git_dirty",
          "verilator",      "compiler",       "configuration", "seed"};
}

std::vector<std::string> provenance_values(const Json& p) {
  return {std::to_string(kSchemaVersion),
          p.at("ternac_version").get<std::string>(),
          p.at("git").at("commit").get<std::string>(),
          p.at("git").at("dirty").get<bool>() ? "1" : "0",
          p.at("verilator").get<std::string>(),
          p.at("compiler").get<std::string>(),
          p.at("configuration").at("name").get<std::string>(),
          std::to_string(p.at("seed").get<std::uint64_t>())};
}

}  // namespace ternac::cli
