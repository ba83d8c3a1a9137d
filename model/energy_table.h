// Energy tables: per-operation energy per process node, read from data files with their sources.
//
// A table file (model/energy/<node>nm.csv) holds rows "operation,width,pj,kind,source" and
// directives in comments: "# node: N", "# voltage: V", "# rule: <operation> linear|quadratic"
// (derives other widths of that operation from the listed ones), "# scale-from: N" (every row is
// node N's row scaled by Stillmaker-Baas) and "# scale-missing-from: N" (rows this file lacks are
// scaled from node N). docs/energy.md documents the rules. Asking for a row that is neither listed
// nor derivable throws an error naming the node, the operation and the width.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ternac {

struct EnergyRow {
  std::string operation;
  int width = 0;
  double pj = 0.0;
  std::string kind;  // published | derived | proxy | scaled
  std::string source;
};

// An operation charged as a fraction of another operation of the same node (proxies.csv).
struct EnergyProxy {
  std::string operation;
  int width = 0;
  double factor = 0.0;
  std::string of_operation;
  int of_width = 0;
  std::string source;
};

// Stillmaker-Baas energy polynomial of one node.
struct NodeScaling {
  int node_nm = 0;
  double e2 = 0, e1 = 0, e0 = 0;
  double factor(double volts) const { return e2 * volts * volts + e1 * volts + e0; }
};

class EnergyTable {
 public:
  int node_nm() const { return node_nm_; }
  double voltage() const { return voltage_; }
  const std::string& file() const { return file_; }
  // True when the whole table is scaled from another node (an estimate, not a measurement).
  bool scaled() const { return !scale_from_.empty(); }

  // The row for (operation, width): listed, derived by the operation's width rule, or scaled;
  // throws std::out_of_range naming what is missing.
  EnergyRow row(const std::string& operation, int width) const;
  double pj(const std::string& operation, int width) const { return row(operation, width).pj; }
  const std::vector<EnergyRow>& listed_rows() const { return rows_; }

  // Parses one table file's text; throws std::invalid_argument naming the file and line.
  static EnergyTable parse(const std::string& text, const std::string& file);

 private:
  friend class EnergyTables;
  const EnergyRow* find(const std::string& operation, int width) const;
  EnergyRow derive(const std::string& operation, int width) const;

  int node_nm_ = 0;
  double voltage_ = 0.0;
  std::string file_;
  std::vector<EnergyRow> rows_;
  std::map<std::string, std::string> rules_;  // operation -> linear | quadratic
  std::string scale_from_;                    // node whose rows this table scales
  std::string scale_missing_from_;            // node that fills this table's missing rows
  std::shared_ptr<const std::vector<EnergyProxy>> proxies_;
  const EnergyTable* base_ = nullptr;  // resolved scale-from / scale-missing-from
  double base_factor_ = 1.0;           // E_this(V) / E_base(V_base)
  std::string base_note_;
};

// Every table of a directory, with scaling and proxies resolved. Movable, not copyable: scaled
// tables point at their base table inside the same object.
class EnergyTables {
 public:
  EnergyTables() = default;
  EnergyTables(EnergyTables&&) = default;
  EnergyTables& operator=(EnergyTables&&) = default;
  EnergyTables(const EnergyTables&) = delete;
  EnergyTables& operator=(const EnergyTables&) = delete;

  // Reads every *.csv table and stillmaker.csv in `dir`; throws naming any malformed file, an
  // unknown base node or a node without scaling coefficients.
  static EnergyTables load(const std::string& dir);
  static EnergyTables from_tables(std::vector<EnergyTable> tables, std::vector<NodeScaling> scaling,
                                  std::vector<EnergyProxy> proxies = {});

  const EnergyTable& node(int node_nm) const;  // throws naming the node and the known ones
  std::vector<int> nodes() const;              // largest node first
  double scale_factor(int from_nm, double from_v, int to_nm, double to_v) const;

 private:
  void resolve();
  std::map<int, EnergyTable> tables_;
  std::map<int, NodeScaling> scaling_;
  std::shared_ptr<const std::vector<EnergyProxy>> proxies_;
};

// Directory of the tables shipped with ternac (TERNAC_ENERGY_DIR overrides it).
std::string default_energy_dir();

}  // namespace ternac
