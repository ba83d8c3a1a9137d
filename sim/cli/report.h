// The JSON and CSV outputs of the subcommands (docs/outputs.md): schema version, provenance,
// energy per MAC per node, and CSV tables with every field quoted as it must be.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/op_counts.h"
#include "ternac/model/energy/energy_model.h"
#include "ternac/model/energy/energy_table.h"
#include "ternac/model/energy/storage.h"
#include "ternac/sim/cli/common.h"

namespace ternac::cli {

// JSON objects keep their keys in the order written (schema_version and provenance first).
using Json = nlohmann::ordered_json;

// Version of the JSON and CSV layouts of `ternac run` and `ternac model` (docs/outputs.md).
inline constexpr int kSchemaVersion = 2;

Json config_json(const ArrayConfig& config);

// Where a report came from: ternac's version and git commit, the Verilator and compiler
// versions, the array configuration, the options as given, the seed and the energy tables.
Json provenance(const std::string& command, const ArrayConfig& config, const Options& options,
                std::uint64_t seed, const std::string& energy_dir);

// Pretty-printed JSON ending in a newline. Text that is not UTF-8 (a tensor name from a file) is
// written with U+FFFD in place of the bad bytes, as JSON has no way to hold them.
std::string json_text(const Json& j);

// Energy of counted operations with one energy table, at three storage levels
// (docs/energy.md): the arithmetic (selects or multiplies, tree adds, accumulator adds), + on-chip
// storage (registers, partial-sum memories, the stream buffers that fit on chip), + off-chip
// traffic (DRAM behind the buffers that do not). Sums over GEMMs add their energies.
struct NodeEnergy {
  std::string table;  // key, e.g. "7nm-pokebnn7"
  int node_nm = 0;
  std::string family;                   // the families of the rows used ("mixed(...)" if mixed)
  bool scaled = false;                  // some row was scaled from another node: an estimate
  bool mixed = false;                   // the rows come from several families
  std::vector<std::string> mixed_rows;  // "<operation> <width>: <family>" when mixed
  std::uint64_t macs = 0;
  double arithmetic_pj = 0, onchip_pj = 0, offchip_pj = 0;
  std::vector<EnergyRow> rows;  // the table rows charged (operation, width, family), once each

  double with_onchip_pj() const { return arithmetic_pj + onchip_pj; }
  double with_offchip_pj() const { return arithmetic_pj + onchip_pj + offchip_pj; }
  double fj_per_mac(double pj) const;
  double arithmetic_fj_per_mac() const { return fj_per_mac(arithmetic_pj); }
  double with_onchip_fj_per_mac() const { return fj_per_mac(with_onchip_pj()); }
  double with_offchip_fj_per_mac() const { return fj_per_mac(with_offchip_pj()); }
};

// Where the energy figures come from: the tables and the storage assumption. Every command that
// reports energy declares --energy-dir and --onchip-bytes.
struct EnergyOptions {
  std::string dir;
  StorageConfig storage;
  std::string nodes;  // --nodes as given; empty: every table
};
// --energy-dir, --onchip-bytes and --nodes.
void declare_energy_options(Options& o);
// The energy directory's files (its *.csv and calibration/*.csv) as inputs of `files`, so that no
// output of the command can replace a table.
void energy_inputs(Files& files, const EnergyOptions& energy);
EnergyOptions energy_options(const Options& o);
// The tables --nodes names, in the tables' order (largest node first, each node's default table
// first): a key ("7nm-pokebnn7") or a node in nm ("7": every table at 7 nm), comma-separated;
// every table when not given. Throws std::invalid_argument naming an item that matches nothing.
std::vector<std::string> chosen_tables(const EnergyOptions& options, const EnergyTables& tables);

// One GEMM of `shape` with `counts` on `config`, with the tables `keys`.
std::vector<NodeEnergy> energy_per_node(const ArrayConfig& config, const OpCounts& counts,
                                        const GemmShape& shape, const EnergyTables& tables,
                                        const StorageConfig& storage,
                                        const std::vector<std::string>& keys);
// Adds `part` (the same tables in the same order) to `sum`; an empty `sum` becomes `part`.
void add_energy(std::vector<NodeEnergy>& sum, const std::vector<NodeEnergy>& part);
Json energy_json(const std::vector<NodeEnergy>& energy);
// CSV columns per table: arith_fj_per_mac_<key>, onchip_fj_per_mac_<key>,
// offchip_fj_per_mac_<key> (the three totals, cumulative), and their values.
std::vector<std::string> energy_columns(const std::vector<std::string>& keys);
std::vector<std::string> energy_values(const std::vector<NodeEnergy>& energy);
// "  45 nm horowitz45: ..." lines for the terminal, one per table, with a warning under a table
// whose rows mix families.
std::string energy_text(const std::vector<NodeEnergy>& energy);

// The tables the short claims summary of `ternac run` uses: those --nodes chose, or by default
// 45 nm and every 7 nm table (those the two claims are about; any that exist).
std::vector<std::string> summary_claim_keys(const EnergyOptions& options,
                                            const EnergyTables& tables,
                                            const std::vector<std::string>& chosen);

// Every energy figure a report will show, computed once on a small GEMM predicted by the
// operation-count model (energy with the tables `keys`, and the counted claims with the tables
// `claim_keys`), so that tables that cannot answer are refused before anything is simulated.
void preflight_energy(const ArrayConfig& config, const EnergyTables& tables,
                      const StorageConfig& storage, const std::vector<std::string>& keys,
                      const std::vector<std::string>& claim_keys);

// A finite number as JSON, or null (a ratio over zero energy, say).
Json finite_or_null(double v);

// A CSV table: a header and rows of fields, each field quoted where it must be (RFC 4180).
class CsvTable {
 public:
  explicit CsvTable(std::vector<std::string> header) : header_(std::move(header)) {}
  // Throws std::logic_error when the row's length differs from the header's.
  void row(const std::vector<std::string>& fields);
  std::string text() const;

 private:
  std::vector<std::string> header_;
  std::string rows_;
};

// Numbers for CSV fields: integers as they are, reals with 6 significant digits ("" for a number
// that is not finite).
std::string csv_real(double v);

// The provenance columns that end every CSV row (a comment line would break CSV readers): their
// names, and their values for `p` (a provenance object).
std::vector<std::string> provenance_columns();
std::vector<std::string> provenance_values(const Json& p);

}  // namespace ternac::cli
