#include "report.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "claims.h"
#include "text_io.h"
#include "workload.h"

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

std::vector<NodeEnergy> energy_per_node(const ArrayConfig& config, const OpCounts& counts,
                                        std::uint64_t macs, const EnergyTables& tables) {
  std::vector<NodeEnergy> out;
  for (int node : tables.nodes()) {
    const EnergyTable& t = tables.node(node);
    const EnergyBreakdown e = array_energy(config, counts, macs, t);
    NodeEnergy n;
    n.node_nm = node;
    n.table = t.key();
    n.family = t.family();
    n.scaled = e.scaled;
    n.all_pj = e.total_pj();
    n.arithmetic_pj = e.arithmetic_pj();
    n.all_fj_per_mac = 1e3 * e.total_per_mac();
    n.arithmetic_fj_per_mac = 1e3 * e.arithmetic_per_mac();
    out.push_back(n);
  }
  return out;
}

void preflight_energy(const ArrayConfig& config, const EnergyTables& tables,
                      const std::vector<int>& claim_nodes) {
  const GemmShape shape{1, static_cast<std::uint32_t>(config.lanes),
                        static_cast<std::uint32_t>(config.tree_inputs)};
  const OpCounts counts =
      predict_op_counts(config, random_problem({shape, 1, 0.4, ActProfile::kGaussian}));
  energy_per_node(config, counts, shape.macs(), tables);
  if (claim_nodes.empty()) return;
  ArrayConfig int8_config = config;
  int8_config.datapath = Datapath::kInt8;
  RandomSpec spec{shape, 1, 0.0, ActProfile::kGaussian};
  spec.format = WeightFormat::kInt8;
  const OpCounts int8_counts = predict_op_counts(int8_config, random_problem(spec));
  for (int node : claim_nodes) {
    node_claims(config, counts, int8_counts, shape.macs(), tables.node(node));
  }
}

Json finite_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json energy_json(const std::vector<NodeEnergy>& energy) {
  Json a = Json::array();
  for (const NodeEnergy& n : energy) {
    a.push_back({{"node_nm", n.node_nm},
                 {"table", n.table},
                 {"family", n.family},
                 {"scaled", n.scaled},
                 {"all_fj_per_mac", finite_or_null(n.all_fj_per_mac)},
                 {"arithmetic_fj_per_mac", finite_or_null(n.arithmetic_fj_per_mac)},
                 {"all_pj", finite_or_null(n.all_pj)},
                 {"arithmetic_pj", finite_or_null(n.arithmetic_pj)}});
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
