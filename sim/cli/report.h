// The JSON and CSV outputs of the subcommands (docs/outputs.md): schema version, provenance,
// energy per MAC per node, and CSV tables with every field quoted as it must be.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common.h"
#include "config.h"
#include "energy_model.h"
#include "energy_table.h"
#include "op_counts.h"

namespace ternac::cli {

// JSON objects keep their keys in the order written (schema_version and provenance first).
using Json = nlohmann::ordered_json;

// Version of the JSON and CSV layouts of `ternac run` and `ternac model` (docs/outputs.md).
inline constexpr int kSchemaVersion = 1;

Json config_json(const ArrayConfig& config);

// Where a report came from: ternac's version and git commit, the Verilator and compiler
// versions, the array configuration, the options as given, the seed and the energy tables.
Json provenance(const std::string& command, const ArrayConfig& config, const Options& options,
                std::uint64_t seed, const std::string& energy_dir);

// Pretty-printed JSON ending in a newline. Text that is not UTF-8 (a tensor name from a file) is
// written with U+FFFD in place of the bad bytes, as JSON has no way to hold them.
std::string json_text(const Json& j);

// Energy of counted operations at one node (the node's default table), per MAC in fJ.
struct NodeEnergy {
  int node_nm = 0;
  std::string table;   // key, e.g. "7nm-pokebnn7"
  std::string family;  // the table's family
  bool scaled = false;
  double all_fj_per_mac = 0;         // arithmetic, registers and buffers
  double arithmetic_fj_per_mac = 0;  // selects (or multiplies), tree adds, accumulator adds
  double all_pj = 0, arithmetic_pj = 0;
};
// At every node of `tables`, largest first. `macs` must be nonzero.
std::vector<NodeEnergy> energy_per_node(const ArrayConfig& config, const OpCounts& counts,
                                        std::uint64_t macs, const EnergyTables& tables);
Json energy_json(const std::vector<NodeEnergy>& energy);

// Every energy figure a report will show, computed once on a small GEMM predicted by the
// operation-count model (energy per node, and the claims at `claim_nodes`), so that tables that
// cannot answer are refused before anything is simulated.
void preflight_energy(const ArrayConfig& config, const EnergyTables& tables,
                      const std::vector<int>& claim_nodes);

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
