// Energy tables: per-operation energy per process node, read from data files with their sources.
//
// A table file (model/energy/tables/*.csv) holds rows "operation,width,pj,kind,source" and
// directives in comments: "# node: N", "# voltage: V [assumed]", "# family: F", "# rule:
// <operation> linear|quadratic" (derives other widths of that operation from the listed ones), "#
// scale-from: N" (every row is node N's row scaled by Stillmaker-Baas) and "# scale-missing-from:
// N" (rows this file lacks are scaled from node N). Tables come in families (horowitz45: Horowitz's
// 45 nm figures and every node scaled from them; pokebnn7: PokeBNN's 7 nm figures); every row names
// its family, so a figure that combines rows of two families can say so. docs/energy_tables.md
// documents the format and every rule. Asking for a row that is neither listed nor derivable
// throws std::out_of_range naming the node, the operation and the width; a malformed or
// inconsistent directory throws std::invalid_argument naming the file and line.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ternac {

// The shipped families.
inline constexpr const char* kFamilyHorowitz45 = "horowitz45";
inline constexpr const char* kFamilyPokeBnn7 = "pokebnn7";

struct EnergyRow {
  std::string operation;
  int width = 0;
  double pj = 0.0;
  std::string kind;  // published | measured | derived | proxy | scaled
  std::string source;
  // The family of the figures the row rests on: the table's family for its listed and derived
  // rows, the base table's for a scaled row, the referenced row's for a proxy; a row computed from
  // rows of two families (an SRAM capacity between anchors of two families) reads
  // "mixed(a,b)".
  std::string family;
  // A Stillmaker-Baas factor entered the figure (directly, or in the row a proxy or a capacity
  // rule rests on): an estimate, to be labelled "scaled" wherever it appears.
  bool scaled = false;
};

// An (operation, width) pair, as asked of a table.
struct RowKey {
  std::string operation;
  int width = 0;
};

// An operation charged as a fraction of another operation of the same table (proxies*.csv).
struct EnergyProxy {
  std::string operation;
  int width = 0;
  double factor = 0.0;
  std::string of_operation;
  int of_width = 0;
  std::string source;
  std::string family;  // the family whose tables use it; empty: every family
  std::string where;   // file:line, for messages
};

// Stillmaker-Baas energy polynomial of one node.
struct NodeScaling {
  int node_nm = 0;
  double e2 = 0, e1 = 0, e0 = 0;
  std::string where;  // file:line, or how the coefficients were interpolated
  double factor(double volts) const { return e2 * volts * volts + e1 * volts + e0; }
};

// Operations a table, a rule or a proxy may name: the fixed list below and sram_read_<N>kb /
// sram_read_<N>mb (a 64-bit read of an SRAM of N KiB / MiB). Anything else is a misspelling.
const std::vector<std::string>& known_operations();
bool is_known_operation(const std::string& operation);

// The family of a figure that combines `rows`: their family when they share one, else
// "mixed(a,b,...)" (names sorted).
std::string combined_family(const std::vector<EnergyRow>& rows);
bool mixes_families(const std::vector<EnergyRow>& rows);

class EnergyTable {
 public:
  int node_nm() const { return node_nm_; }
  double voltage() const { return voltage_; }
  bool voltage_assumed() const { return voltage_assumed_; }  // "# voltage: 0.7 assumed"
  const std::string& file() const { return file_; }
  const std::string& family() const { return family_; }
  // "<node>nm-<family>", e.g. "7nm-pokebnn7" and "7nm-horowitz45": unique within a directory.
  std::string key() const;

  // True when some row this table answers can be scaled from another node: every row of a
  // scale-from table, the rows a scale-missing-from table does not list (the 7 nm PokeBNN table's
  // SRAM rows). Each row's own `scaled` says which.
  bool scaled() const { return !base_ref_.empty(); }
  bool fully_scaled() const { return scale_all_; }  // "# scale-from:"
  // The families this table's rows can come from, its own first (7nm-pokebnn7: pokebnn7,
  // horowitz45), and whether there are several.
  std::vector<std::string> families() const;
  bool mixes_families() const { return families().size() > 1; }
  // One paragraph: which rows are listed (by kind), derived (rules), proxied, scaled (from which
  // table, by which factor) and which families they belong to.
  std::string describe() const;

  // The row for (operation, width): listed, derived by the operation's width rule, a proxy, or
  // scaled; throws std::out_of_range naming what is missing.
  EnergyRow row(const std::string& operation, int width) const;
  double pj(const std::string& operation, int width) const { return row(operation, width).pj; }
  const std::vector<EnergyRow>& listed_rows() const { return rows_; }

  // Storage levels, pJ per bit (docs/energy_tables.md). An SRAM of `capacity_bytes` (at least 8):
  // a power law in capacity through the table's sram_read_<size> rows (64-bit reads; Horowitz:
  // 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ), extrapolated with the nearest segment's exponent,
  // divided by 64; kind "derived". Writes are charged as reads (no published write figure).
  EnergyRow sram_read_bit(std::uint64_t capacity_bytes) const;
  EnergyRow sram_write_bit(std::uint64_t capacity_bytes) const;
  // One bit of a 64-bit DRAM access (dram_read,64 / 64; read or write).
  EnergyRow dram_bit() const;
  // One register (flip-flop) bit written: the reg_bit,1 row (a proxy in the shipped tables).
  EnergyRow register_bit() const;

  // Parses one table file's text; throws std::invalid_argument naming the file and line.
  static EnergyTable parse(const std::string& text, const std::string& file);

 private:
  friend class EnergyTables;
  using ProxyMap = std::map<std::pair<std::string, int>, EnergyProxy>;
  const EnergyRow* find(const std::string& operation, int width) const;
  EnergyRow derive(const std::string& operation, int width) const;
  EnergyRow lookup(const std::string& operation, int width) const;
  EnergyRow from_base(const std::string& operation, int width) const;
  std::string where(int line) const;

  int node_nm_ = 0;
  double voltage_ = 0.0;
  bool voltage_assumed_ = false;
  std::string file_;
  std::string family_;  // resolved: the directive, the base's (scale-from) or "<node>nm"
  bool family_given_ = false;
  std::vector<EnergyRow> rows_;
  std::vector<int> row_lines_;                                    // line of each listed row
  std::map<std::pair<std::string, int>, std::size_t> index_;      // (operation, width) -> row
  std::map<std::string, std::vector<std::size_t>> by_operation_;  // rows by width, ascending
  std::map<std::string, std::string> rules_;                      // operation -> linear | quadratic
  int voltage_line_ = 0;
  std::string base_ref_;  // the scale-from / scale-missing-from node, as written
  bool scale_all_ = false;
  int base_line_ = 0;
  std::shared_ptr<const ProxyMap> proxies_;
  std::string proxy_files_;
  const EnergyTable* base_ = nullptr;  // resolved base table
  double base_factor_ = 1.0;           // E_this(V) / E_base(V_base)
  std::string base_note_;
  bool is_default_ = true;  // node(node_nm()) returns this table
};

// A missing row, with the rule or the line that would supply it.
struct MissingRow {
  std::string table;  // key
  std::string file;
  std::string operation;
  int width = 0;
  std::string remedy;
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

  // One file of a directory: its name (path) and its text.
  struct File {
    std::string name;
    std::string text;
  };

  // Reads every *.csv of `dir` (each must be a regular file: a FIFO or a directory named *.csv is
  // refused without being opened): stillmaker.csv holds the Stillmaker-Baas coefficients,
  // proxies*.csv the proxies, every other file a table. Throws std::invalid_argument naming any
  // malformed file and line, an unknown base node, a node without scaling coefficients, a cycle
  // of scale-from / scale-missing-from or of proxies, or a scaled value out of range.
  static EnergyTables load(const std::string& dir);
  // The same from file contents already in memory (names classify them as load() does).
  static EnergyTables from_files(const std::vector<File>& files);
  static EnergyTables from_tables(std::vector<EnergyTable> tables, std::vector<NodeScaling> scaling,
                                  std::vector<EnergyProxy> proxies = {});

  // The node's default table: the one that lists rows of its own (7 nm: PokeBNN's), or its only
  // table. Throws std::out_of_range naming the node and the known ones.
  const EnergyTable& node(int node_nm) const;
  const EnergyTable& node(int node_nm, const std::string& family) const;
  const EnergyTable& table(const std::string& key) const;  // by key(), e.g. "7nm-horowitz45"
  std::vector<int> nodes() const;                          // distinct nodes, largest first
  std::vector<std::string> keys() const;  // every table: largest node first, its default first

  // Stillmaker-Baas coefficients of a node: listed in stillmaker.csv, or, for a node between two
  // listed ones, each coefficient linear in ln(node) between them (docs/energy_tables.md). Throws
  // std::invalid_argument for a node outside the listed range.
  NodeScaling coefficients(int node_nm) const;
  double scale_factor(int from_nm, double from_v, int to_nm, double to_v) const;

  // Every row of `required` that some table cannot answer, each with the rule or line that would
  // supply it; require() throws std::out_of_range listing all of them at once.
  std::vector<MissingRow> missing(const std::vector<RowKey>& required) const;
  void require(const std::vector<RowKey>& required) const;

 private:
  // from_tables' steps, in order.
  void add_scaling(const std::vector<NodeScaling>& scaling);
  static std::map<int, std::size_t> default_tables(const std::vector<EnergyTable>& tables);
  static std::vector<long> link_bases(std::vector<EnergyTable>& tables,
                                      const std::map<int, std::size_t>& default_of);
  void place(std::vector<EnergyTable> tables, const std::vector<long>& base,
             const std::map<int, std::size_t>& default_of);
  void check_scaled_ranges() const;
  void attach_proxies(std::vector<EnergyProxy> proxies);
  std::string remedy(const EnergyTable& t, const RowKey& r) const;
  std::map<std::string, EnergyTable> tables_;  // by key
  std::map<int, std::string> default_key_;     // node -> key of node(n)
  std::map<int, NodeScaling> scaling_;
  std::vector<EnergyProxy> proxies_;
};

// Directory of the tables shipped with ternac (TERNAC_ENERGY_DIR overrides it). Compiled into the
// library: the source tree's model/energy/tables, which a program built against an installation
// may not have; such a program asks installed_energy_dir() below.
std::string default_energy_dir();

// The tables as the program being compiled should find them: $TERNAC_ENERGY_DIR when set; in a
// program built against an installed ternac (find_package(ternac), linking ternac::ternac_energy),
// the installation's share/ternac/energy, which the imported target defines as
// TERNAC_INSTALLED_ENERGY_DIR from where the package was found (a moved installation finds its
// own); otherwise, inside ternac's build tree, default_energy_dir(). Internal linkage (static):
// its body depends on the including program's definitions, so copies must not be merged.
static inline std::string installed_energy_dir() {
  if (const char* env = std::getenv("TERNAC_ENERGY_DIR"); env && *env) return env;
#ifdef TERNAC_INSTALLED_ENERGY_DIR
  return TERNAC_INSTALLED_ENERGY_DIR;
#else
  return default_energy_dir();
#endif
}

}  // namespace ternac
