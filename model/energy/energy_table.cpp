#include "ternac/model/energy/energy_table.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ternac {
namespace {

// Longest chain of tables (scale-from / scale-missing-from) or of proxies accepted: real
// directories have chains of one or two; the bound keeps every lookup's recursion shallow.
constexpr int kMaxChain = 16;

// Largest energy of one operation or one access accepted, read, derived or scaled: 1 uJ. The
// largest real figure in the tables is a DRAM access of a few nJ; a bound six orders of
// magnitude above every physical figure keeps every total, ratio and per-MAC figure finite
// (1e300 pJ made "inf" and "-nan" totals with exit 0) and catches a wrong unit.
constexpr double kMaxPj = 1e6;
bool in_energy_range(double pj) { return std::isfinite(pj) && pj > 0.0 && pj <= kMaxPj; }

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Splits a CSV line; fields may be double-quoted (with "" for a quote inside).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (quoted) throw std::invalid_argument("unterminated quote");
  out.push_back(trim(cur));
  return out;
}

double parse_double(const std::string& s, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v)) {
    throw std::invalid_argument(fmt::format("{} '{}' is not a finite number", what, s));
  }
  if (errno == ERANGE) {
    throw std::invalid_argument(
        fmt::format("{} '{}' is outside the range of a normal double", what, s));
  }
  return v;
}

int parse_int(const std::string& s, const std::string& what) {
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE || v < 1 || v > 100000) {
    throw std::invalid_argument(
        fmt::format("{} '{}' is not an integer between 1 and 100000", what, s));
  }
  return static_cast<int>(v);
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string basename(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A comment "# key: value" is a directive when key is one lower-case word (dashes allowed);
// anything else before a colon ("# Proxy energies: ...") is prose.
bool directive_like(const std::string& key) {
  if (key.empty() || key[0] < 'a' || key[0] > 'z') return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

void check_directive(const std::string& key, const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), key) == known.end()) {
    throw std::invalid_argument(fmt::format(
        "unknown directive '# {}:' (known here: {}); a plain comment must not start with one "
        "lower-case word and a colon",
        key, known.empty() ? std::string("none") : join(known, ", ")));
  }
}

bool valid_family_name(const std::string& f) {
  return !f.empty() && f.size() <= 64 && std::all_of(f.begin(), f.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string parse_family(const std::string& value) {
  if (!valid_family_name(value)) {
    throw std::invalid_argument(fmt::format(
        "family '{}' must be 1 to 64 characters of a-z, 0-9 and _ (e.g. horowitz45)", value));
  }
  return value;
}

void check_operation(const std::string& op, const std::string& what) {
  if (!is_known_operation(op)) {
    throw std::invalid_argument(
        fmt::format("unknown operation '{}' in {} (known: {}, sram_read_<N>kb, sram_read_<N>mb)",
                    op, what, join(known_operations(), ", ")));
  }
}

// Capacity in bytes of an sram_read_<N>kb / sram_read_<N>mb operation; 0 for any other name.
std::uint64_t sram_capacity(const std::string& op) {
  const std::string prefix = "sram_read_";
  if (op.size() <= prefix.size() + 2 || op.compare(0, prefix.size(), prefix) != 0) return 0;
  const std::string unit = op.substr(op.size() - 2);
  const std::string digits = op.substr(prefix.size(), op.size() - prefix.size() - 2);
  if (unit != "kb" && unit != "mb") return 0;
  if (digits.empty() || digits.size() > 7 || digits[0] == '0') return 0;
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stoull(digits) * (unit == "kb" ? 1024ull : 1024ull * 1024ull);
}

std::string bytes_text(std::uint64_t b) {
  if (b % (1024ull * 1024ull) == 0) return fmt::format("{} MiB", b / (1024ull * 1024ull));
  if (b % 1024ull == 0) return fmt::format("{} KiB", b / 1024ull);
  return fmt::format("{} B", b);
}

// Calls row(fields, line) for every data row of a CSV text whose header must equal `header`;
// directive(key, value, line) for every "# key: value" comment whose key is in `directives`
// (other directive-like keys are an error); plain comments and blank lines are skipped. Errors
// name the file and line.
void for_each_csv_row(
    const std::string& text, const std::string& file, const std::vector<std::string>& header,
    const std::vector<std::string>& directives,
    const std::function<void(const std::string&, const std::string&, int)>& directive,
    const std::function<void(const std::vector<std::string>&, int)>& row) {
  std::istringstream lines(text);
  std::string line;
  int line_no = 0;
  bool header_seen = false;
  while (std::getline(lines, line)) {
    ++line_no;
    try {
      line = trim(line);
      if (line.empty()) continue;
      if (line[0] == '#') {
        const std::string body = trim(line.substr(1));
        const auto colon = body.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = trim(body.substr(0, colon));
        if (!directive_like(key)) continue;
        check_directive(key, directives);
        directive(key, trim(body.substr(colon + 1)), line_no);
        continue;
      }
      const auto f = split_csv(line);
      if (!header_seen) {
        if (f != header) throw std::invalid_argument("header must be '" + join(header, ",") + "'");
        header_seen = true;
        continue;
      }
      if (f.size() != header.size()) {
        throw std::invalid_argument(
            fmt::format("expected {} fields, got {}", header.size(), f.size()));
      }
      row(f, line_no);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}:{}: {}", file, line_no, e.what()));
    }
  }
  if (!header_seen) throw std::invalid_argument(file + ": no header line");
}

std::vector<EnergyProxy> parse_proxies(const std::string& text, const std::string& file) {
  std::vector<EnergyProxy> out;
  std::string family;
  std::set<std::pair<std::string, int>> seen;
  for_each_csv_row(
      text, file, {"operation", "width", "factor", "of_operation", "of_width", "source"},
      {"family"},
      [&](const std::string&, const std::string& value, int) {
        if (!family.empty()) throw std::invalid_argument("a second '# family:' line");
        if (!out.empty()) throw std::invalid_argument("'# family:' must come before the rows");
        family = parse_family(value);
      },
      [&](const std::vector<std::string>& f, int line) {
        check_operation(f[0], "a proxy row");
        check_operation(f[3], "a proxy's of_operation");
        EnergyProxy p{f[0],   parse_int(f[1], "width"),        parse_double(f[2], "factor"),
                      f[3],   parse_int(f[4], "of_width"),     f[5],
                      family, fmt::format("{}:{}", file, line)};
        if (!(p.factor > 0.0)) {
          throw std::invalid_argument(
              fmt::format("proxy factor {} of {} width {} must be positive", f[2], f[0], p.width));
        }
        if (p.source.empty()) throw std::invalid_argument("proxy row has no source");
        if (!seen.insert({p.operation, p.width}).second) {
          throw std::invalid_argument(
              fmt::format("a second proxy for {} width {}", p.operation, p.width));
        }
        out.push_back(std::move(p));
      });
  return out;
}

std::vector<NodeScaling> parse_scaling(const std::string& text, const std::string& file) {
  std::vector<NodeScaling> out;
  for_each_csv_row(
      text, file, {"node", "e2", "e1", "e0"}, {},
      [](const std::string&, const std::string&, int) {},
      [&](const std::vector<std::string>& f, int line) {
        out.push_back({parse_int(f[0], "node"), parse_double(f[1], "e2"), parse_double(f[2], "e1"),
                       parse_double(f[3], "e0"), fmt::format("{}:{}", file, line)});
      });
  return out;
}

// Reads a regular file without blocking: stat first (a FIFO, a socket, a device or a directory is
// refused before anything opens it), then open non-blocking and check again on the descriptor.
std::string read_regular_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw std::invalid_argument(
        fmt::format("energy table file {}: cannot stat it: {}", path, std::strerror(errno)));
  }
  const auto refuse = [&](const struct stat& s) {
    const char* what = S_ISFIFO(s.st_mode)   ? "a FIFO"
                       : S_ISDIR(s.st_mode)  ? "a directory"
                       : S_ISSOCK(s.st_mode) ? "a socket"
                       : S_ISCHR(s.st_mode)  ? "a character device"
                       : S_ISBLK(s.st_mode)  ? "a block device"
                                             : "not a regular file";
    throw std::invalid_argument(fmt::format(
        "energy table file {} is {}: an energy directory may hold only regular *.csv files", path,
        what));
  };
  if (!S_ISREG(st.st_mode)) refuse(st);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    throw std::invalid_argument(
        fmt::format("energy table file {}: cannot open it: {}", path, std::strerror(errno)));
  }
  std::string out;
  try {
    if (::fstat(fd, &st) != 0) throw std::invalid_argument("cannot fstat " + path);
    if (!S_ISREG(st.st_mode)) refuse(st);
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        throw std::invalid_argument(
            fmt::format("energy table file {}: read failed: {}", path, std::strerror(errno)));
      }
      if (n == 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return out;
}

const std::vector<std::string> kKinds{"published", "measured", "derived", "proxy", "scaled"};
const std::vector<std::string> kTableDirectives{
    "node", "voltage", "family", "rule", "scale-from", "scale-missing-from", "note"};

// The width rule an operation would naturally take (for the remedy of a missing row).
std::string natural_rule(const std::string& op) {
  return op.size() > 4 && op.compare(op.size() - 4, 4, "_mul") == 0 ? "quadratic" : "linear";
}

}  // namespace

const std::vector<std::string>& known_operations() {
  static const std::vector<std::string> ops{
      "int_add",  "int_mul", "fp16_add",     "fp16_mul", "bf16_add", "bf16_mul", "fp32_add",
      "fp32_mul", "select",  "select_split", "reg_bit",  "sram_bit", "dram_read"};
  return ops;
}

bool is_known_operation(const std::string& operation) {
  const auto& ops = known_operations();
  return std::find(ops.begin(), ops.end(), operation) != ops.end() || sram_capacity(operation) > 0;
}

std::string combined_family(const std::vector<EnergyRow>& rows) {
  std::set<std::string> families;
  for (const auto& r : rows) {
    const std::string& f = r.family;
    if (f.rfind("mixed(", 0) == 0 && f.size() > 7) {
      std::stringstream inner(f.substr(6, f.size() - 7));
      std::string part;
      while (std::getline(inner, part, ',')) families.insert(part);
    } else {
      families.insert(f);
    }
  }
  if (families.empty()) return "";
  if (families.size() == 1) return *families.begin();
  return "mixed(" + join({families.begin(), families.end()}, ",") + ")";
}

bool mixes_families(const std::vector<EnergyRow>& rows) {
  return combined_family(rows).rfind("mixed(", 0) == 0;
}

// ---------------------------------------------------------------------------------------------
// EnergyTable

EnergyTable EnergyTable::parse(const std::string& text, const std::string& file) {
  EnergyTable t;
  t.file_ = file;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  bool header_seen = false;
  bool have_node = false, have_voltage = false;
  std::set<std::string> seen_directives;
  while (std::getline(in, line)) {
    ++line_no;
    try {
      line = trim(line);
      if (line.empty()) continue;
      if (line[0] == '#') {
        const std::string body = trim(line.substr(1));
        const auto colon = body.find(':');
        if (colon == std::string::npos) continue;  // a plain comment
        const std::string key = trim(body.substr(0, colon));
        const std::string value = trim(body.substr(colon + 1));
        if (!directive_like(key)) continue;  // prose with a colon
        check_directive(key, kTableDirectives);
        if (key != "rule" && key != "note" && !seen_directives.insert(key).second) {
          throw std::invalid_argument(fmt::format("a second '# {}:' line", key));
        }
        if (key == "node") {
          t.node_nm_ = parse_int(value, "node");
          have_node = true;
        } else if (key == "voltage") {
          std::istringstream vs(value);
          std::string v, assumed, extra;
          vs >> v >> assumed >> extra;
          t.voltage_ = parse_double(v, "voltage");
          if (!(t.voltage_ > 0.0 && t.voltage_ <= 5.0)) {
            throw std::invalid_argument(fmt::format("voltage {} is out of range (0, 5] V", v));
          }
          if ((!assumed.empty() && assumed != "assumed") || !extra.empty()) {
            throw std::invalid_argument(
                fmt::format("voltage must read '<volts>' or '<volts> assumed', got '{}'", value));
          }
          t.voltage_assumed_ = assumed == "assumed";
          t.voltage_line_ = line_no;
          have_voltage = true;
        } else if (key == "family") {
          t.family_ = parse_family(value);
          t.family_given_ = true;
        } else if (key == "rule") {
          std::istringstream rs(value);
          std::string op, kind, extra;
          rs >> op >> kind >> extra;
          if (op.empty() || (kind != "linear" && kind != "quadratic") || !extra.empty()) {
            throw std::invalid_argument(fmt::format(
                "rule must read '<operation> linear' or '<operation> quadratic', got '{}'", value));
          }
          check_operation(op, "a rule");
          if (t.rules_.count(op)) {
            throw std::invalid_argument(fmt::format("a second rule for {}", op));
          }
          t.rules_[op] = kind;
        } else if (key == "scale-from" || key == "scale-missing-from") {
          parse_int(value, key + " node");
          if (!t.base_ref_.empty()) {
            throw std::invalid_argument(
                "a table has either '# scale-from:' or '# scale-missing-from:', not both");
          }
          t.base_ref_ = value;
          t.scale_all_ = key == "scale-from";
          t.base_line_ = line_no;
        }
        continue;
      }
      const auto f = split_csv(line);
      if (!header_seen) {
        if (f != std::vector<std::string>{"operation", "width", "pj", "kind", "source"}) {
          throw std::invalid_argument("the header must be 'operation,width,pj,kind,source', got '" +
                                      line + "'");
        }
        header_seen = true;
        continue;
      }
      if (f.size() != 5) {
        throw std::invalid_argument(fmt::format("expected 5 fields, got {}", f.size()));
      }
      EnergyRow r{f[0], parse_int(f[1], "width"), 0.0, f[3], f[4], "", false};
      if (r.operation.empty()) throw std::invalid_argument("empty operation");
      check_operation(r.operation, "a row");
      r.pj = parse_double(f[2], "energy (pJ)");
      if (!(r.pj > 0.0)) {
        throw std::invalid_argument(
            fmt::format("energy {} pJ of {} width {} is not positive", f[2], r.operation, r.width));
      }
      if (r.pj > kMaxPj) {
        throw std::invalid_argument(fmt::format(
            "energy {} pJ of {} width {} is above {:g} pJ, the largest figure ternac accepts", f[2],
            r.operation, r.width, kMaxPj));
      }
      if (std::find(kKinds.begin(), kKinds.end(), r.kind) == kKinds.end()) {
        throw std::invalid_argument(
            fmt::format("kind '{}' must be one of {}", r.kind, join(kKinds, ", ")));
      }
      if (r.source.empty()) {
        throw std::invalid_argument(fmt::format("row {} {} has no source", r.operation, r.width));
      }
      if (!t.index_.emplace(std::make_pair(r.operation, r.width), t.rows_.size()).second) {
        throw std::invalid_argument(fmt::format("duplicate row for {} width {} (first on line {})",
                                                r.operation, r.width,
                                                t.row_lines_[t.index_.at({r.operation, r.width})]));
      }
      r.scaled = r.kind == "scaled";
      t.rows_.push_back(std::move(r));
      t.row_lines_.push_back(line_no);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("energy table {}:{}: {}", file, line_no, e.what()));
    }
  }
  if (!have_node || !have_voltage) {
    throw std::invalid_argument(
        fmt::format("energy table {}: needs '# node:' and '# voltage:' lines", file));
  }
  if (!header_seen) {
    throw std::invalid_argument(fmt::format("energy table {}: no header line", file));
  }
  if (t.scale_all_ && !t.rows_.empty()) {
    throw std::invalid_argument(fmt::format(
        "energy table {}: a scaled table (scale-from) must not list rows of its own", file));
  }
  if (t.rows_.empty() && t.base_ref_.empty()) {
    throw std::invalid_argument(fmt::format(
        "energy table {}: lists no rows and scales none (add rows, or '# scale-from:')", file));
  }
  // A table that lists rows and names no family forms one of its own; a scale-from table's
  // family is its base's (set when the directory is resolved).
  if (!t.family_given_ && !t.scale_all_) t.family_ = fmt::format("{}nm", t.node_nm_);
  for (auto& r : t.rows_) r.family = t.family_;
  for (std::size_t i = 0; i < t.rows_.size(); ++i)
    t.by_operation_[t.rows_[i].operation].push_back(i);
  for (auto& [op, idx] : t.by_operation_) {
    std::sort(idx.begin(), idx.end(),
              [&](std::size_t a, std::size_t b) { return t.rows_[a].width < t.rows_[b].width; });
  }
  return t;
}

std::string EnergyTable::key() const { return fmt::format("{}nm-{}", node_nm_, family_); }

std::string EnergyTable::where(int line) const { return fmt::format("{}:{}", file_, line); }

std::vector<std::string> EnergyTable::families() const {
  std::vector<std::string> out{family_};
  for (const EnergyTable* b = base_; b; b = b->base_) {
    if (std::find(out.begin(), out.end(), b->family_) == out.end()) out.push_back(b->family_);
  }
  return out;
}

std::string EnergyTable::describe() const {
  std::string s = fmt::format("{} ({}): {} nm at {} V{}, family {}; ", key(), file_, node_nm_,
                              voltage_, voltage_assumed_ ? " (assumed)" : "", family_);
  if (scale_all_) {
    s += base_ ? fmt::format("every row scaled from {} ({}, {}): {}", base_->key(), base_->file_,
                             base_->family_, base_note_)
               : fmt::format("every row scaled from {} nm (not resolved)", base_ref_);
  } else {
    std::map<std::string, int> kinds;
    for (const auto& r : rows_) ++kinds[r.kind];
    std::vector<std::string> k;
    for (const auto& [kind, n] : kinds) k.push_back(fmt::format("{} {}", n, kind));
    s += fmt::format("{} rows listed ({})", rows_.size(), join(k, ", "));
    std::vector<std::string> rules;
    for (const auto& [op, kind] : rules_) rules.push_back(op + " " + kind);
    if (!rules.empty()) s += "; other widths derived by " + join(rules, ", ");
    if (proxies_ && !proxies_->empty()) {
      std::vector<std::string> p;
      for (const auto& [k2, proxy] : *proxies_) {
        if (!find(k2.first, k2.second)) p.push_back(fmt::format("{} {}", k2.first, k2.second));
      }
      if (!p.empty()) {
        s += fmt::format("; proxies ({}): {} (each in the family of the row it is a fraction of)",
                         proxy_files_, join(p, ", "));
      }
    }
    if (base_) {
      s += fmt::format("; rows it does not list scaled from {} ({}, family {}): {}", base_->key(),
                       base_->file_, base_->family_, base_note_);
    }
  }
  const auto f = families();
  s += f.size() > 1 ? fmt::format("; rows from families {}: a figure combining them mixes families",
                                  join(f, " and "))
                    : fmt::format("; every row in family {}", family_);
  return s;
}

const EnergyRow* EnergyTable::find(const std::string& operation, int width) const {
  const auto it = index_.find({operation, width});
  return it == index_.end() ? nullptr : &rows_[it->second];
}

EnergyRow EnergyTable::derive(const std::string& operation, int width) const {
  const std::string& rule = rules_.at(operation);
  const std::vector<std::size_t>& idx = by_operation_.at(operation);
  EnergyRow out;
  out.operation = operation;
  out.width = width;
  out.kind = "derived";
  out.family = family_;
  if (rule == "quadratic") {
    // From the nearest listed width: E(w) = E(w0) * (w / w0)^2.
    const EnergyRow* ref = &rows_[idx.front()];
    for (std::size_t i : idx) {
      if (std::abs(rows_[i].width - width) < std::abs(ref->width - width)) ref = &rows_[i];
    }
    const double ratio = double(width) / double(ref->width);
    out.pj = ref->pj * ratio * ratio;
    out.scaled = ref->scaled;
    out.source =
        fmt::format("quadratic in width from {} width {} ({})", operation, ref->width, ref->source);
    return out;
  }
  // Linear: interpolate between the neighbouring listed widths; outside them, proportional to
  // the width from the nearest one.
  const EnergyRow* lo = nullptr;
  const EnergyRow* hi = nullptr;
  for (std::size_t i : idx) {
    const EnergyRow* p = &rows_[i];
    if (p->width <= width) lo = p;
    if (p->width >= width && !hi) hi = p;
  }
  if (lo && hi && lo != hi) {
    const double t = double(width - lo->width) / double(hi->width - lo->width);
    out.pj = lo->pj + t * (hi->pj - lo->pj);
    out.scaled = lo->scaled || hi->scaled;
    out.source = fmt::format("linear between {} widths {} and {} ({})", operation, lo->width,
                             hi->width, lo->source);
  } else {
    const EnergyRow* ref = lo ? lo : hi;
    out.pj = ref->pj * double(width) / double(ref->width);
    out.scaled = ref->scaled;
    out.source = fmt::format("proportional to width from {} width {} ({})", operation, ref->width,
                             ref->source);
  }
  return out;
}

EnergyRow EnergyTable::from_base(const std::string& operation, int width) const {
  EnergyRow r = base_->lookup(operation, width);
  r.pj *= base_factor_;
  r.kind = "scaled";
  r.scaled = true;
  r.source = base_note_ + "; base row: " + r.source;
  return r;
}

EnergyRow EnergyTable::lookup(const std::string& operation, int width) const {
  if (scale_all_ && base_) return from_base(operation, width);
  if (const EnergyRow* r = find(operation, width)) return *r;
  if (rules_.count(operation) && by_operation_.count(operation)) return derive(operation, width);
  if (proxies_) {
    const auto it = proxies_->find({operation, width});
    if (it != proxies_->end()) {
      const EnergyProxy& p = it->second;
      const EnergyRow of = lookup(p.of_operation, p.of_width);
      return {operation,
              width,
              p.factor * of.pj,
              "proxy",
              fmt::format("{} x {} width {} ({}, {}); {}", p.factor, p.of_operation, p.of_width,
                          of.kind, of.family, p.source),
              of.family,
              of.scaled};
    }
  }
  if (base_) {
    try {
      return from_base(operation, width);
    } catch (const std::out_of_range&) {
    }
  }
  throw std::out_of_range(fmt::format(
      "energy table {} nm ({}, {}) has no row for {} width {}{}", node_nm_, key(), file_, operation,
      width, is_known_operation(operation) ? "" : " (an unknown operation)"));
}

EnergyRow EnergyTable::row(const std::string& operation, int width) const {
  EnergyRow r = lookup(operation, width);
  if (!in_energy_range(r.pj)) {
    throw std::out_of_range(fmt::format(
        "energy table {} nm ({}): {} width {} comes to {} pJ, out of range (0, {:g}] ({})",
        node_nm_, file_, operation, width, r.pj, kMaxPj, r.source));
  }
  return r;
}

EnergyRow EnergyTable::sram_read_bit(std::uint64_t capacity_bytes) const {
  if (capacity_bytes < 8) {
    throw std::invalid_argument(fmt::format(
        "SRAM capacity {} bytes: must be at least 8 (one 64-bit word)", capacity_bytes));
  }
  // The anchors: every sram_read_<size> operation this table or its bases list.
  std::map<std::uint64_t, std::string> anchors;
  for (const EnergyTable* t = this; t; t = t->base_) {
    for (const auto& [op, idx] : t->by_operation_) {
      const std::uint64_t cap = sram_capacity(op);
      if (cap == 0) continue;
      const auto [it, fresh] = anchors.emplace(cap, op);
      if (!fresh && it->second != op) {
        throw std::out_of_range(fmt::format("energy table {} nm ({}): {} and {} are both {}",
                                            node_nm_, file_, it->second, op, bytes_text(cap)));
      }
    }
  }
  if (anchors.size() < 2) {
    throw std::out_of_range(fmt::format(
        "energy table {} nm ({}) has {} sram_read_<size> rows; an SRAM of {} needs two at least",
        node_nm_, file_, anchors.size(), bytes_text(capacity_bytes)));
  }
  std::vector<std::pair<std::uint64_t, EnergyRow>> pts;
  for (const auto& [cap, op] : anchors) pts.emplace_back(cap, row(op, 64));
  // The segment [i, i + 1] holding the capacity; below the first or above the last anchor, the
  // nearest segment, extrapolated with its exponent.
  std::size_t i = 0;
  while (i + 2 < pts.size() && capacity_bytes > pts[i + 1].first) ++i;
  const auto& [c0, r0] = pts[i];
  const auto& [c1, r1] = pts[i + 1];
  const double alpha = std::log(r1.pj / r0.pj) / std::log(double(c1) / double(c0));
  const bool inside = capacity_bytes >= c0 && capacity_bytes <= c1;
  // From the segment's nearer end at a published capacity (exactly the anchor there).
  const auto& [cref, rref] = capacity_bytes >= c1 ? pts[i + 1] : pts[i];
  const double word_pj = rref.pj * std::pow(double(capacity_bytes) / double(cref), alpha);
  EnergyRow out;
  out.operation = "sram_read_bit";
  out.width = 1;
  out.pj = word_pj / 64.0;
  out.kind = "derived";
  out.family = combined_family({r0, r1});
  out.scaled = r0.scaled || r1.scaled;
  out.source = fmt::format(
      "1 bit of a 64-bit read of an SRAM of {} ({:.6g} pJ / 64): power law in capacity {} {} "
      "({:.6g} pJ, {}) and {} ({:.6g} pJ, {}), exponent {:.4f}; {}",
      bytes_text(capacity_bytes), word_pj, inside ? "between" : "extrapolated from", r0.operation,
      r0.pj, r0.kind, r1.operation, r1.pj, r1.kind, alpha, rref.source);
  if (!in_energy_range(out.pj)) {
    throw std::out_of_range(fmt::format("energy table {} nm ({}): SRAM of {} comes to {} pJ",
                                        node_nm_, file_, bytes_text(capacity_bytes), out.pj));
  }
  return out;
}

EnergyRow EnergyTable::sram_write_bit(std::uint64_t capacity_bytes) const {
  EnergyRow r = sram_read_bit(capacity_bytes);
  r.operation = "sram_write_bit";
  r.source = "a write charged as a read (no published SRAM write figure): " + r.source;
  return r;
}

EnergyRow EnergyTable::dram_bit() const {
  const EnergyRow r = row("dram_read", 64);
  if (!(r.pj / 64.0 > 0.0)) {
    throw std::out_of_range(fmt::format("energy table {} nm ({}): one DRAM bit of {} pJ / 64 is 0",
                                        node_nm_, file_, r.pj));
  }
  return {
      "dram_bit",
      1,
      r.pj / 64.0,
      "derived",
      fmt::format("1 bit of a 64-bit DRAM access ({:.6g} pJ / 64, {}): {}", r.pj, r.kind, r.source),
      r.family,
      r.scaled};
}

EnergyRow EnergyTable::register_bit() const { return row("reg_bit", 1); }

// ---------------------------------------------------------------------------------------------
// EnergyTables

EnergyTables EnergyTables::from_files(const std::vector<File>& files) {
  std::vector<EnergyTable> tables;
  std::vector<NodeScaling> scaling;
  std::vector<EnergyProxy> proxies;
  std::string scaling_file;
  for (const File& f : files) {
    const std::string name = basename(f.name);
    if (name == "stillmaker.csv") {
      if (!scaling_file.empty()) {
        throw std::invalid_argument(
            fmt::format("two Stillmaker-Baas files: {} and {}", scaling_file, f.name));
      }
      scaling_file = f.name;
      scaling = parse_scaling(f.text, f.name);
    } else if (name.rfind("proxies", 0) == 0) {
      for (auto& p : parse_proxies(f.text, f.name)) proxies.push_back(std::move(p));
    } else {
      tables.push_back(EnergyTable::parse(f.text, f.name));
    }
  }
  if (tables.empty()) {
    throw std::invalid_argument(
        "no energy tables (*.csv other than stillmaker.csv and proxies*.csv)");
  }
  return from_tables(std::move(tables), std::move(scaling), std::move(proxies));
}

EnergyTables EnergyTables::from_tables(std::vector<EnergyTable> tables,
                                       std::vector<NodeScaling> scaling,
                                       std::vector<EnergyProxy> proxies) {
  EnergyTables out;
  out.add_scaling(scaling);
  const std::map<int, std::size_t> default_of = default_tables(tables);
  const std::vector<long> base = link_bases(tables, default_of);
  out.place(std::move(tables), base, default_of);
  out.check_scaled_ranges();
  out.attach_proxies(std::move(proxies));
  return out;
}

void EnergyTables::add_scaling(const std::vector<NodeScaling>& scaling) {
  for (auto& s : scaling) {
    const auto [it, fresh] = scaling_.emplace(s.node_nm, s);
    if (!fresh) {
      throw std::invalid_argument(
          fmt::format("{}: a second set of Stillmaker-Baas coefficients for {} nm (first: {})",
                      s.where.empty() ? "stillmaker" : s.where, s.node_nm, it->second.where));
    }
  }
}

std::map<int, std::size_t> EnergyTables::default_tables(const std::vector<EnergyTable>& tables) {
  const std::size_t n = tables.size();
  // The default table of each node: the one that lists rows of its own, or the only one.
  std::map<int, std::vector<std::size_t>> by_node;
  for (std::size_t i = 0; i < n; ++i) by_node[tables[i].node_nm()].push_back(i);
  std::map<int, std::size_t> default_of;
  for (const auto& [node, idx] : by_node) {
    std::vector<std::size_t> own;
    for (std::size_t i : idx) {
      if (!tables[i].scale_all_) own.push_back(i);
    }
    if (own.size() == 1) {
      default_of[node] = own.front();
    } else if (own.empty() && idx.size() == 1) {
      default_of[node] = idx.front();
    } else {
      std::vector<std::string> files;
      for (std::size_t i : (own.empty() ? idx : own)) files.push_back(tables[i].file());
      throw std::invalid_argument(fmt::format(
          "{} tables for {} nm {} ({}): the node's default table (node({}), 'scale-from: {}') "
          "would be ambiguous; keep one such table per node in a directory",
          own.empty() ? idx.size() : own.size(), node,
          own.empty() ? "are all scaled (scale-from)" : "list rows of their own", join(files, ", "),
          node, node));
    }
  }
  return default_of;
}

// The base of each table (-1: none), checked for cycles; scale-from tables take their base's
// family.
std::vector<long> EnergyTables::link_bases(std::vector<EnergyTable>& tables,
                                           const std::map<int, std::size_t>& default_of) {
  const std::size_t n = tables.size();
  // Base of each table (scale-from / scale-missing-from name a node: its default table).
  std::vector<long> base(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const EnergyTable& t = tables[i];
    if (t.base_ref_.empty()) continue;
    const int node = std::stoi(t.base_ref_);
    const auto it = default_of.find(node);
    if (it == default_of.end()) {
      std::vector<std::string> known;
      for (const auto& kv : default_of) known.push_back(std::to_string(kv.first));
      throw std::invalid_argument(
          fmt::format("energy table {}: {} {}: no table for {} nm (tables exist for {} nm)",
                      t.where(t.base_line_), t.scale_all_ ? "scale-from" : "scale-missing-from",
                      node, node, join(known, ", ")));
    }
    base[i] = static_cast<long>(it->second);
  }
  // No cycles, no chain longer than kMaxChain.
  const auto name = [&](std::size_t i) {
    return default_of.at(tables[i].node_nm()) == i
               ? fmt::format("{} nm", tables[i].node_nm())
               : fmt::format("{} nm ({})", tables[i].node_nm(), tables[i].file());
  };
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::size_t> path{i};
    for (long b = base[i]; b >= 0; b = base[static_cast<std::size_t>(b)]) {
      const auto bi = static_cast<std::size_t>(b);
      const auto seen = std::find(path.begin(), path.end(), bi);
      if (seen != path.end()) {
        // The cycle, started at its smallest node so that the message does not depend on the
        // order of the files.
        std::vector<std::size_t> cycle(seen, path.end());
        std::rotate(cycle.begin(),
                    std::min_element(cycle.begin(), cycle.end(),
                                     [&](std::size_t a, std::size_t b) {
                                       return std::make_pair(tables[a].node_nm(),
                                                             tables[a].file()) <
                                              std::make_pair(tables[b].node_nm(), tables[b].file());
                                     }),
                    cycle.end());
        std::vector<std::string> names, files;
        for (std::size_t c : cycle) {
          names.push_back(name(c));
          files.push_back(tables[c].where(tables[c].base_line_));
        }
        names.push_back(name(cycle.front()));
        throw std::invalid_argument(
            fmt::format("energy tables scale from each other in a cycle: {} ({})",
                        join(names, " -> "), join(files, ", ")));
      }
      path.push_back(bi);
      if (path.size() > static_cast<std::size_t>(kMaxChain)) {
        throw std::invalid_argument(
            fmt::format("energy table {}: a chain of more than {} scaled tables from it",
                        tables[i].file(), kMaxChain));
      }
    }
  }
  // Families of scale-from tables: their base's (the first table up the chain that lists rows).
  for (std::size_t i = 0; i < n; ++i) {
    EnergyTable& t = tables[i];
    if (!t.scale_all_) continue;
    std::size_t b = static_cast<std::size_t>(base[i]);
    while (tables[b].scale_all_) b = static_cast<std::size_t>(base[b]);
    const std::string& inherited = tables[b].family_;
    if (t.family_given_ && t.family_ != inherited) {
      throw std::invalid_argument(
          fmt::format("energy table {}: '# family: {}', but scale-from {} makes every row {} ({})",
                      t.file(), t.family_, t.base_ref_, inherited, tables[b].file()));
    }
    t.family_ = inherited;
  }
  return base;
}

// Moves the tables into place (map nodes do not move afterwards) and points each at its base
// with its Stillmaker-Baas factor.
void EnergyTables::place(std::vector<EnergyTable> tables, const std::vector<long>& base,
                         const std::map<int, std::size_t>& default_of) {
  const std::size_t n = tables.size();
  // Keys are unique; move the tables into place (map nodes do not move afterwards).
  std::vector<std::string> key_of(n);
  for (std::size_t i = 0; i < n; ++i) {
    key_of[i] = tables[i].key();
    tables[i].is_default_ = default_of.at(tables[i].node_nm()) == i;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::string file = tables[i].file();
    const auto [it, fresh] = tables_.emplace(key_of[i], std::move(tables[i]));
    if (!fresh) {
      throw std::invalid_argument(fmt::format("two energy tables for {} nm in family {}: {} and {}",
                                              it->second.node_nm(), it->second.family(),
                                              it->second.file(), file));
    }
  }
  for (const auto& [node, i] : default_of) default_key_[node] = key_of[i];
  // Base pointers and Stillmaker-Baas factors, every factor checked.
  for (std::size_t i = 0; i < n; ++i) {
    if (base[i] < 0) continue;
    EnergyTable& t = tables_.at(key_of[i]);
    const EnergyTable& b = tables_.at(key_of[static_cast<std::size_t>(base[i])]);
    t.base_ = &b;
    try {
      t.base_factor_ = scale_factor(b.node_nm(), b.voltage(), t.node_nm(), t.voltage());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format(
          "energy table {}: {} {} (voltages: {} V at {}, {} V at {}): {}", t.where(t.base_line_),
          t.scale_all_ ? "scale-from" : "scale-missing-from", t.base_ref_, b.voltage(),
          b.where(b.voltage_line_), t.voltage(), t.where(t.voltage_line_), e.what()));
    }
    const NodeScaling to = coefficients(t.node_nm());
    t.base_note_ = fmt::format(
        "scaled from {} nm at {} V{} to {} nm at {} V{} by x{:.4f} (Stillmaker-Baas 2017{})",
        b.node_nm(), b.voltage(), b.voltage_assumed() ? " (assumed)" : "", t.node_nm(), t.voltage(),
        t.voltage_assumed() ? " (assumed)" : "", t.base_factor_,
        scaling_.count(t.node_nm())
            ? ""
            : fmt::format("; {} nm coefficients {}", t.node_nm(), to.where));
  }
}

void EnergyTables::check_scaled_ranges() const {
  // Every listed row reachable through a base, times the factors on the way, stays a finite,
  // positive energy.
  for (const auto& [key, t] : tables_) {
    double f = 1.0;
    for (const EnergyTable *b = t.base_, *from = &t; b; from = b, b = b->base_) {
      f *= from->base_factor_;
      for (std::size_t r = 0; r < b->rows_.size(); ++r) {
        const double v = b->rows_[r].pj * f;
        if (!in_energy_range(v)) {
          throw std::invalid_argument(fmt::format(
              "energy table {}: {} width {} = {} pJ, scaled to {} nm by x{:.6g} ({}), is {} pJ: "
              "out of range (0, 1e6]",
              b->where(b->row_lines_[r]), b->rows_[r].operation, b->rows_[r].width, b->rows_[r].pj,
              t.node_nm(), f, t.where(t.base_line_), v));
        }
      }
    }
  }
}

void EnergyTables::attach_proxies(std::vector<EnergyProxy> proxies) {
  // Proxies, per family: those without a family apply to every family, a family's own override
  // them row by row. Every family's set is checked for cycles.
  std::set<std::string> families;
  for (const auto& [key, t] : tables_) families.insert(t.family());
  std::map<std::string, std::map<std::pair<std::string, int>, const EnergyProxy*>> specific;
  std::map<std::pair<std::string, int>, const EnergyProxy*> generic;
  for (const EnergyProxy& p : proxies) {
    if (!p.family.empty() && !families.count(p.family)) {
      throw std::invalid_argument(
          fmt::format("{}: proxy for family '{}', but no table is in that family (families: {})",
                      p.where.empty() ? "proxies" : p.where, p.family,
                      join({families.begin(), families.end()}, ", ")));
    }
    auto& m = p.family.empty() ? generic : specific[p.family];
    const auto [it, fresh] = m.emplace(std::make_pair(p.operation, p.width), &p);
    if (!fresh) {
      throw std::invalid_argument(
          fmt::format("{}: a second proxy for {} width {}{} (first: {})",
                      p.where.empty() ? "proxies" : p.where, p.operation, p.width,
                      p.family.empty() ? "" : " in family " + p.family, it->second->where));
    }
  }
  for (const std::string& family : families) {
    auto map = std::make_shared<EnergyTable::ProxyMap>();
    std::set<std::string> files;
    for (const auto& [k, p] : generic) (*map)[k] = *p;
    if (specific.count(family)) {
      for (const auto& [k, p] : specific.at(family)) (*map)[k] = *p;
    }
    for (const auto& [k, p] : *map) {
      const auto colon = p.where.rfind(':');
      files.insert(colon == std::string::npos ? "proxies" : basename(p.where.substr(0, colon)));
    }
    for (const auto& [start, unused] : *map) {
      std::vector<std::pair<std::string, int>> path{start};
      for (auto it = map->find(start); it != map->end();) {
        const std::pair<std::string, int> next{it->second.of_operation, it->second.of_width};
        const auto seen = std::find(path.begin(), path.end(), next);
        if (seen != path.end()) {
          std::vector<std::pair<std::string, int>> cycle(seen, path.end());
          std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
          std::vector<std::string> names, wheres;
          for (const auto& c : cycle) {
            names.push_back(fmt::format("{} width {}", c.first, c.second));
            wheres.push_back(map->at(c).where);
          }
          names.push_back(fmt::format("{} width {}", cycle.front().first, cycle.front().second));
          throw std::invalid_argument(fmt::format("proxies of family {} form a cycle: {} ({})",
                                                  family, join(names, " -> "), join(wheres, ", ")));
        }
        path.push_back(next);
        if (path.size() > static_cast<std::size_t>(kMaxChain)) {
          throw std::invalid_argument(
              fmt::format("{}: a chain of more than {} proxies", map->at(start).where, kMaxChain));
        }
        it = map->find(next);
      }
    }
    const std::shared_ptr<const EnergyTable::ProxyMap> shared = map;
    for (auto& [key, t] : tables_) {
      if (t.family() == family) {
        t.proxies_ = shared;
        t.proxy_files_ = join({files.begin(), files.end()}, ", ");
      }
    }
  }
  proxies_ = std::move(proxies);
}

NodeScaling EnergyTables::coefficients(int node_nm) const {
  const auto exact = scaling_.find(node_nm);
  if (exact != scaling_.end()) return exact->second;
  if (scaling_.empty()) {
    throw std::invalid_argument(fmt::format(
        "no Stillmaker-Baas coefficients for {} nm (no stillmaker.csv in the directory)", node_nm));
  }
  const auto hi = scaling_.upper_bound(node_nm);  // the next larger listed node
  if (hi == scaling_.end() || hi == scaling_.begin()) {
    throw std::invalid_argument(fmt::format(
        "no Stillmaker-Baas coefficients for {} nm: it is outside the listed nodes {}..{} nm "
        "(add its coefficients to stillmaker.csv)",
        node_nm, scaling_.begin()->first, scaling_.rbegin()->first));
  }
  const NodeScaling& a = hi->second;             // larger node
  const NodeScaling& b = std::prev(hi)->second;  // smaller node
  // Each coefficient linear in ln(node) between the neighbours: at a given voltage the factor is
  // then linear in ln(node) as well, and monotone between them.
  const double t = std::log(double(a.node_nm) / node_nm) / std::log(double(a.node_nm) / b.node_nm);
  return {node_nm, a.e2 + t * (b.e2 - a.e2), a.e1 + t * (b.e1 - a.e1), a.e0 + t * (b.e0 - a.e0),
          fmt::format("interpolated linearly in ln(node) between {} nm ({}) and {} nm ({}), "
                      "t = {:.6f}",
                      a.node_nm, a.where, b.node_nm, b.where, t)};
}

double EnergyTables::scale_factor(int from_nm, double from_v, int to_nm, double to_v) const {
  const NodeScaling a = coefficients(from_nm);
  const NodeScaling b = coefficients(to_nm);
  for (const auto& [s, v] : {std::make_pair(a, from_v), std::make_pair(b, to_v)}) {
    const double f = s.factor(v);
    if (!(std::isfinite(f) && f > 0.0)) {
      throw std::invalid_argument(fmt::format(
          "{}: the Stillmaker-Baas factor of {} nm at {} V is {:.6g}; it must be positive",
          s.where.empty() ? "coefficients" : s.where, s.node_nm, v, f));
    }
  }
  const double r = b.factor(to_v) / a.factor(from_v);
  if (!(std::isfinite(r) && r > 0.0)) {
    throw std::invalid_argument(fmt::format(
        "the Stillmaker-Baas factor from {} nm at {} V to {} nm at {} V is {:.6g}: out of range",
        from_nm, from_v, to_nm, to_v, r));
  }
  return r;
}

const EnergyTable& EnergyTables::node(int node_nm) const {
  const auto it = default_key_.find(node_nm);
  if (it == default_key_.end()) {
    std::vector<std::string> known;
    for (int k : nodes()) known.push_back(std::to_string(k));
    throw std::out_of_range(
        fmt::format("no energy table for {} nm (tables exist for {})", node_nm, join(known, ", ")));
  }
  return tables_.at(it->second);
}

const EnergyTable& EnergyTables::node(int node_nm, const std::string& family) const {
  return table(fmt::format("{}nm-{}", node_nm, family));
}

const EnergyTable& EnergyTables::table(const std::string& key) const {
  const auto it = tables_.find(key);
  if (it == tables_.end()) {
    throw std::out_of_range(
        fmt::format("no energy table '{}' (tables: {})", key, join(keys(), ", ")));
  }
  return it->second;
}

std::vector<int> EnergyTables::nodes() const {
  std::vector<int> n;
  for (const auto& kv : default_key_) n.push_back(kv.first);
  std::sort(n.rbegin(), n.rend());
  return n;
}

std::vector<std::string> EnergyTables::keys() const {
  std::vector<std::string> out;
  for (int node : nodes()) {
    const std::string& def = default_key_.at(node);
    out.push_back(def);
    for (const auto& [key, t] : tables_) {
      if (t.node_nm() == node && key != def) out.push_back(key);
    }
  }
  return out;
}

std::string EnergyTables::remedy(const EnergyTable& t, const RowKey& r) const {
  if (!is_known_operation(r.operation)) {
    return fmt::format("'{}' is not a known operation (known: {})", r.operation,
                       join(known_operations(), ", "));
  }
  if (t.scale_all_) {
    return fmt::format("every row of {} is scaled from {}, which lacks it: supply it there",
                       t.file(), t.base_ ? t.base_->key() : t.base_ref_ + " nm");
  }
  const auto listed = t.by_operation_.find(r.operation);
  if (listed != t.by_operation_.end() && !t.rules_.count(r.operation)) {
    std::vector<std::string> widths;
    for (std::size_t i : listed->second) widths.push_back(std::to_string(t.rows_[i].width));
    return fmt::format("'# rule: {} {}' in {} would derive it from the listed widths {}",
                       r.operation, natural_rule(r.operation), t.file(), join(widths, ", "));
  }
  for (const EnergyProxy& p : proxies_) {
    if (p.operation == r.operation && p.width == r.width && p.family != t.family()) {
      return fmt::format(
          "a proxy row '{},{},{},{},{},...' for family {} (one exists for family {} at {}) would "
          "derive it",
          p.operation, p.width, p.factor, p.of_operation, p.of_width, t.family(), p.family,
          p.where);
    }
  }
  if (!t.base_) {
    for (const std::string& key : keys()) {
      const EnergyTable& other = tables_.at(key);
      if (other.node_nm() == t.node_nm() || !other.is_default_) continue;
      bool depends_on_t = false;  // a base that scales from t would close a cycle
      for (const EnergyTable* b = &other; b; b = b->base_) depends_on_t |= b == &t;
      if (depends_on_t) continue;
      try {
        const EnergyRow has = other.row(r.operation, r.width);
        return fmt::format(
            "'# scale-missing-from: {}' in {} would scale it from {} ({}, family {})",
            other.node_nm(), t.file(), other.key(), has.kind, has.family);
      } catch (const std::out_of_range&) {
      }
    }
  }
  return fmt::format("list it in {}: '{},{},<pJ>,published,<source>'", t.file(), r.operation,
                     r.width);
}

std::vector<MissingRow> EnergyTables::missing(const std::vector<RowKey>& required) const {
  std::vector<MissingRow> out;
  for (const std::string& key : keys()) {
    const EnergyTable& t = tables_.at(key);
    for (const RowKey& r : required) {
      try {
        t.row(r.operation, r.width);
      } catch (const std::out_of_range&) {
        out.push_back({key, t.file(), r.operation, r.width, remedy(t, r)});
      }
    }
  }
  return out;
}

void EnergyTables::require(const std::vector<RowKey>& required) const {
  const std::vector<MissingRow> m = missing(required);
  if (m.empty()) return;
  std::string s = fmt::format("energy tables lack {} row{}:", m.size(), m.size() == 1 ? "" : "s");
  for (const MissingRow& r : m) {
    s += fmt::format("\n  {} ({}): {} width {}: {}", r.table, r.file, r.operation, r.width,
                     r.remedy);
  }
  throw std::out_of_range(s);
}

EnergyTables EnergyTables::load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw std::invalid_argument(fmt::format("energy table directory '{}' does not exist", dir));
  }
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".csv") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<File> files;
  for (const auto& path : paths) files.push_back({path, read_regular_file(path)});
  if (files.empty()) {
    throw std::invalid_argument(fmt::format("no energy tables (*.csv) in '{}'", dir));
  }
  try {
    return from_files(files);
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).rfind("no energy tables", 0) == 0) {
      throw std::invalid_argument(fmt::format("{} in '{}'", e.what(), dir));
    }
    throw;
  }
}

std::string default_energy_dir() {
  if (const char* env = std::getenv("TERNAC_ENERGY_DIR"); env && *env) return env;
#ifdef TERNAC_DEFAULT_ENERGY_DIR
  return TERNAC_DEFAULT_ENERGY_DIR;
#else
  return "model/energy/tables";
#endif
}

}  // namespace ternac
