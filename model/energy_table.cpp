#include "energy_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

namespace ternac {
namespace {

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
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || !std::isfinite(v)) {
    throw std::invalid_argument(fmt::format("{} '{}' is not a number", what, s));
  }
  return v;
}

int parse_int(const std::string& s, const std::string& what) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < 1 || v > 100000) {
    throw std::invalid_argument(fmt::format("{} '{}' is not a positive integer", what, s));
  }
  return static_cast<int>(v);
}

// Calls row(fields) for every data row of a CSV text whose header must equal `header`; comment
// and blank lines are skipped; errors name the file and line.
void for_each_csv_row(const std::string& text, const std::string& file,
                      const std::vector<std::string>& header,
                      const std::function<void(const std::vector<std::string>&)>& row) {
  std::istringstream lines(text);
  std::string line;
  int line_no = 0;
  bool header_seen = false;
  while (std::getline(lines, line)) {
    ++line_no;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    try {
      const auto f = split_csv(line);
      if (!header_seen) {
        if (f != header) {
          std::string want;
          for (const auto& h : header) want += (want.empty() ? "" : ",") + h;
          throw std::invalid_argument("header must be '" + want + "'");
        }
        header_seen = true;
        continue;
      }
      if (f.size() != header.size()) {
        throw std::invalid_argument(
            fmt::format("expected {} fields, got {}", header.size(), f.size()));
      }
      row(f);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}:{}: {}", file, line_no, e.what()));
    }
  }
  if (!header_seen) throw std::invalid_argument(file + ": no header line");
}

std::vector<EnergyProxy> parse_proxies(const std::string& text, const std::string& file) {
  std::vector<EnergyProxy> out;
  for_each_csv_row(text, file,
                   {"operation", "width", "factor", "of_operation", "of_width", "source"},
                   [&](const std::vector<std::string>& f) {
                     if (f[5].empty()) throw std::invalid_argument("proxy row has no source");
                     out.push_back({f[0], parse_int(f[1], "width"), parse_double(f[2], "factor"),
                                    f[3], parse_int(f[4], "of_width"), f[5]});
                   });
  return out;
}

std::vector<NodeScaling> parse_scaling(const std::string& text, const std::string& file) {
  std::vector<NodeScaling> out;
  for_each_csv_row(text, file, {"node", "e2", "e1", "e0"}, [&](const std::vector<std::string>& f) {
    out.push_back({parse_int(f[0], "node"), parse_double(f[1], "e2"), parse_double(f[2], "e1"),
                   parse_double(f[3], "e0")});
  });
  return out;
}

}  // namespace

EnergyTable EnergyTable::parse(const std::string& text, const std::string& file) {
  EnergyTable t;
  t.file_ = file;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  bool header_seen = false;
  bool have_node = false, have_voltage = false;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string where = fmt::format("{}:{}", file, line_no);
    try {
      line = trim(line);
      if (line.empty()) continue;
      if (line[0] == '#') {
        const std::string body = trim(line.substr(1));
        const auto colon = body.find(':');
        if (colon == std::string::npos) continue;  // a plain comment
        const std::string key = trim(body.substr(0, colon));
        const std::string value = trim(body.substr(colon + 1));
        if (key == "node") {
          t.node_nm_ = parse_int(value, "node");
          have_node = true;
        } else if (key == "voltage") {
          t.voltage_ = parse_double(value, "voltage");
          if (t.voltage_ <= 0.0 || t.voltage_ > 5.0) {
            throw std::invalid_argument(fmt::format("voltage {} is out of range", value));
          }
          have_voltage = true;
        } else if (key == "rule") {
          std::istringstream rs(value);
          std::string op, kind;
          rs >> op >> kind;
          if (op.empty() || (kind != "linear" && kind != "quadratic")) {
            throw std::invalid_argument(fmt::format(
                "rule must read '<operation> linear' or '<operation> quadratic', got '{}'", value));
          }
          t.rules_[op] = kind;
        } else if (key == "scale-from") {
          parse_int(value, "scale-from node");
          t.scale_from_ = value;
        } else if (key == "scale-missing-from") {
          parse_int(value, "scale-missing-from node");
          t.scale_missing_from_ = value;
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
      EnergyRow r{f[0], parse_int(f[1], "width"), parse_double(f[2], "pj"), f[3], f[4]};
      if (r.operation.empty()) throw std::invalid_argument("empty operation");
      if (r.pj < 0.0) throw std::invalid_argument(fmt::format("negative energy {}", r.pj));
      if (r.source.empty()) {
        throw std::invalid_argument(fmt::format("row {} {} has no source", r.operation, r.width));
      }
      if (t.find(r.operation, r.width)) {
        throw std::invalid_argument(
            fmt::format("duplicate row for {} width {}", r.operation, r.width));
      }
      t.rows_.push_back(std::move(r));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("energy table {}: {}", where, e.what()));
    }
  }
  if (!have_node || !have_voltage) {
    throw std::invalid_argument(
        fmt::format("energy table {}: needs '# node:' and '# voltage:' lines", file));
  }
  if (!header_seen) {
    throw std::invalid_argument(fmt::format("energy table {}: no header line", file));
  }
  if (!t.scale_from_.empty() && !t.rows_.empty()) {
    throw std::invalid_argument(fmt::format(
        "energy table {}: a scaled table (scale-from) must not list rows of its own", file));
  }
  return t;
}

const EnergyRow* EnergyTable::find(const std::string& operation, int width) const {
  for (const auto& r : rows_) {
    if (r.operation == operation && r.width == width) return &r;
  }
  return nullptr;
}

EnergyRow EnergyTable::derive(const std::string& operation, int width) const {
  const auto rule = rules_.find(operation);
  if (rule == rules_.end()) {
    throw std::out_of_range("no rule");
  }
  std::vector<const EnergyRow*> pts;
  for (const auto& r : rows_) {
    if (r.operation == operation) pts.push_back(&r);
  }
  if (pts.empty()) throw std::out_of_range("no listed width to derive from");
  std::sort(pts.begin(), pts.end(), [](auto* a, auto* b) { return a->width < b->width; });
  EnergyRow out;
  out.operation = operation;
  out.width = width;
  out.kind = "derived";
  if (rule->second == "quadratic") {
    // From the nearest listed width: E(w) = E(w0) * (w / w0)^2.
    const EnergyRow* ref = pts.front();
    for (auto* p : pts) {
      if (std::abs(p->width - width) < std::abs(ref->width - width)) ref = p;
    }
    const double ratio = double(width) / double(ref->width);
    out.pj = ref->pj * ratio * ratio;
    out.source =
        fmt::format("quadratic in width from {} width {} ({})", operation, ref->width, ref->source);
    return out;
  }
  // Linear: interpolate between the neighbouring listed widths; outside them, proportional to
  // the width from the nearest one.
  const EnergyRow* lo = nullptr;
  const EnergyRow* hi = nullptr;
  for (auto* p : pts) {
    if (p->width <= width) lo = p;
    if (p->width >= width && !hi) hi = p;
  }
  if (lo && hi && lo != hi) {
    const double t = double(width - lo->width) / double(hi->width - lo->width);
    out.pj = lo->pj + t * (hi->pj - lo->pj);
    out.source = fmt::format("linear between {} widths {} and {} ({})", operation, lo->width,
                             hi->width, lo->source);
  } else {
    const EnergyRow* ref = lo ? lo : hi;
    out.pj = ref->pj * double(width) / double(ref->width);
    out.source = fmt::format("proportional to width from {} width {} ({})", operation, ref->width,
                             ref->source);
  }
  return out;
}

EnergyRow EnergyTable::row(const std::string& operation, int width) const {
  if (!scale_from_.empty()) {
    EnergyRow r = base_->row(operation, width);
    r.pj *= base_factor_;
    r.kind = "scaled";
    r.source = base_note_ + "; base row: " + r.source;
    return r;
  }
  if (const EnergyRow* r = find(operation, width)) return *r;
  if (rules_.count(operation)) return derive(operation, width);
  if (proxies_) {
    for (const EnergyProxy& p : *proxies_) {
      if (p.operation == operation && p.width == width) {
        const EnergyRow of = row(p.of_operation, p.of_width);
        return {operation, width, p.factor * of.pj, "proxy",
                fmt::format("{} x {} width {} ({}); {}", p.factor, p.of_operation, p.of_width,
                            of.kind, p.source)};
      }
    }
  }
  if (base_) {
    try {
      EnergyRow r = base_->row(operation, width);
      r.pj *= base_factor_;
      r.kind = "scaled";
      r.source = base_note_ + "; base row: " + r.source;
      return r;
    } catch (const std::out_of_range&) {
    }
  }
  throw std::out_of_range(fmt::format("energy table {} nm ({}) has no row for {} width {}",
                                      node_nm_, file_, operation, width));
}

EnergyTables EnergyTables::from_tables(std::vector<EnergyTable> tables,
                                       std::vector<NodeScaling> scaling,
                                       std::vector<EnergyProxy> proxies) {
  EnergyTables t;
  t.proxies_ = std::make_shared<const std::vector<EnergyProxy>>(std::move(proxies));
  for (auto& s : scaling) t.scaling_[s.node_nm] = s;
  for (auto& table : tables) {
    const int node = table.node_nm();
    if (t.tables_.count(node)) {
      throw std::invalid_argument(fmt::format("two energy tables for {} nm: {} and {}", node,
                                              t.tables_.at(node).file(), table.file()));
    }
    t.tables_.emplace(node, std::move(table));
  }
  t.resolve();
  return t;
}

void EnergyTables::resolve() {
  for (auto& [node, table] : tables_) table.proxies_ = proxies_;
  for (auto& [node, table] : tables_) {
    const std::string& from =
        table.scale_from_.empty() ? table.scale_missing_from_ : table.scale_from_;
    if (from.empty()) continue;
    const int base = std::stoi(from);
    const auto it = tables_.find(base);
    if (it == tables_.end()) {
      throw std::invalid_argument(
          fmt::format("energy table {} scales from {} nm, which has no table", table.file(), base));
    }
    if (!it->second.scale_from_.empty()) {
      throw std::invalid_argument(fmt::format(
          "energy table {} scales from {} nm, which is itself scaled", table.file(), base));
    }
    table.base_ = &it->second;
    table.base_factor_ = scale_factor(base, it->second.voltage(), node, table.voltage());
    table.base_note_ =
        fmt::format("scaled from {} nm at {} V to {} nm at {} V by x{:.4f} (Stillmaker-Baas 2017)",
                    base, it->second.voltage(), node, table.voltage(), table.base_factor_);
  }
}

double EnergyTables::scale_factor(int from_nm, double from_v, int to_nm, double to_v) const {
  const auto a = scaling_.find(from_nm);
  const auto b = scaling_.find(to_nm);
  if (a == scaling_.end() || b == scaling_.end()) {
    throw std::invalid_argument(fmt::format("no Stillmaker-Baas coefficients for {} nm",
                                            a == scaling_.end() ? from_nm : to_nm));
  }
  return b->second.factor(to_v) / a->second.factor(from_v);
}

const EnergyTable& EnergyTables::node(int node_nm) const {
  const auto it = tables_.find(node_nm);
  if (it == tables_.end()) {
    std::string known;
    for (int n : nodes()) known += (known.empty() ? "" : ", ") + std::to_string(n);
    throw std::out_of_range(
        fmt::format("no energy table for {} nm (tables exist for {})", node_nm, known));
  }
  return it->second;
}

std::vector<int> EnergyTables::nodes() const {
  std::vector<int> n;
  for (const auto& kv : tables_) n.push_back(kv.first);
  std::sort(n.rbegin(), n.rend());
  return n;
}

EnergyTables EnergyTables::load(const std::string& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) {
    throw std::invalid_argument(fmt::format("energy table directory '{}' does not exist", dir));
  }
  std::vector<EnergyTable> tables;
  std::vector<NodeScaling> scaling;
  std::vector<EnergyProxy> proxies;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".csv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::ifstream in(path);
    if (!in) throw std::invalid_argument(fmt::format("cannot read {}", path.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    if (path.filename() == "proxies.csv") {
      proxies = parse_proxies(ss.str(), path.string());
    } else if (path.filename() == "stillmaker.csv") {
      scaling = parse_scaling(ss.str(), path.string());
    } else {
      tables.push_back(EnergyTable::parse(ss.str(), path.string()));
    }
  }
  if (tables.empty()) {
    throw std::invalid_argument(fmt::format("no energy tables (*.csv) in '{}'", dir));
  }
  return from_tables(std::move(tables), std::move(scaling), std::move(proxies));
}

std::string default_energy_dir() {
  if (const char* env = std::getenv("TERNAC_ENERGY_DIR"); env && *env) return env;
#ifdef TERNAC_DEFAULT_ENERGY_DIR
  return TERNAC_DEFAULT_ENERGY_DIR;
#else
  return "model/energy";
#endif
}

}  // namespace ternac
