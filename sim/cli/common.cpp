#include "ternac/sim/cli/common.h"

#include <fmt/format.h>
#include <verilated_config.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "build_info.h"
#include "ternac/model/base/text_io.h"

namespace ternac::cli {

// ---- Options ----

namespace {

// The columns of the help text (CLI11 prints descriptions as they are, indenting after each
// newline): names in the first kHelpColumn, descriptions wrapped to 100 columns in all.
constexpr std::size_t kHelpColumn = 26;

}  // namespace

std::string wrap_help(const std::string& text) {
  const std::size_t width = 100 - kHelpColumn;
  std::string out, line;
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    if (!line.empty() && line.size() + 1 + w.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  return out + line;
}

void format_help(CLI::App& app) { app.get_formatter()->column_width(kHelpColumn); }

void Options::value(const std::string& name, const std::string& type, const std::string& help) {
  // TakeAll: CLI11 keeps every occurrence, so that check_once() can name a repeated option
  // (its own policy would stop at the first conversion instead).
  CLI::Option* o = app_->add_option("--" + name)
                       ->description(wrap_help(help))
                       ->type_name(type)
                       ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                       ->expected(1);
  options_[name] = o;
}

void Options::flag(const std::string& name, const std::string& help) {
  CLI::Option* o =
      app_->add_flag("--" + name)->description(wrap_help(help))->disable_flag_override();
  options_[name] = o;
}

void Options::check_once() const {
  for (const auto& [name, o] : options_) {
    if (o->count() > 1) {
      throw std::invalid_argument(
          fmt::format("--{} is given {} times: each option may be given once", name, o->count()));
    }
  }
}

bool Options::has(const std::string& name) const {
  const auto it = options_.find(name);
  return it != options_.end() && it->second->count() > 0;
}

const std::string& Options::raw(const std::string& name) const {
  const CLI::Option* o = options_.at(name);
  return o->results().front();
}

std::string Options::str(const std::string& name, const std::string& fallback) const {
  return has(name) ? raw(name) : fallback;
}

std::uint64_t Options::decimal(const std::string& name, std::uint64_t lo, std::uint64_t hi,
                               std::uint64_t fallback) const {
  return has(name) ? parse_decimal(raw(name), "--" + name, lo, hi) : fallback;
}

double Options::real(const std::string& name, double fallback) const {
  return has(name) ? parse_real(raw(name), "--" + name) : fallback;
}

float Options::real32(const std::string& name, float fallback) const {
  return has(name) ? parse_float(raw(name), "--" + name) : fallback;
}

std::uint32_t Options::dim(const std::string& name, std::uint32_t fallback) const {
  return static_cast<std::uint32_t>(decimal(name, 1, kMaxDim, fallback));
}

double Options::fraction(const std::string& name, double fallback) const {
  const double v = real(name, fallback);
  if (!(v >= 0.0 && v <= 1.0)) {
    throw std::invalid_argument(fmt::format("--{} must be in [0, 1], got {}", name, raw(name)));
  }
  return v;
}

std::map<std::string, std::string> Options::given() const {
  std::map<std::string, std::string> g;
  for (const auto& [name, o] : options_) {
    if (o->count() == 0) continue;
    g[name] = o->get_expected_min() == 0 ? "true" : o->results().front();
  }
  return g;
}

Command make_command(CLI::App& root, const std::string& name, const std::string& description,
                     const std::function<void(Options&)>& declare,
                     std::function<int(const Options&)> run) {
  Command c;
  c.app = root.add_subcommand(name, wrap_help(description));
  c.options = std::make_shared<Options>(c.app);
  declare(*c.options);
  c.run = std::move(run);
  return c;
}

// ---- Files ----

void Files::input(const std::string& option, const std::string& path) {
  inputs_.push_back({option, path});
}

void Files::output(const std::string& option, const std::string& path) {
  outputs_.push_back({option, path});
}

void Files::outputs_of(const Options& o, const std::vector<std::string>& options) {
  for (const std::string& name : options) {
    if (o.has(name)) output("--" + name, o.str(name, ""));
  }
}

void Files::check() const {
  for (const NamedPath& in : inputs_) {
    try {
      InputFile::open(in.path);  // a regular file that opens for reading; nothing is read
    } catch (const FileError& e) {
      throw FileError(e.path(), e.error_number(), in.name + ": " + e.what());
    }
  }
  for (const NamedPath& out : outputs_) {
    try {
      check_output_writable(out.path);
    } catch (const FileError& e) {
      throw FileError(e.path(), e.error_number(), out.name + ": " + e.what());
    }
  }
  check_distinct_paths(outputs_, inputs_);
}

void write_output(const std::string& path, std::string_view bytes) {
  write_file_atomic(path, bytes);
}

// ---- Memory ----

std::uint64_t gemm_bytes(const GemmShape& s) {
  const auto m = static_cast<double>(s.m), n = static_cast<double>(s.n),
             k = static_cast<double>(s.k);
  // Weights N x K and activations M x K, a byte each; the expected results M x N as int64 in
  // the scoreboard (the golden model makes them in place).
  const double bytes = n * k + m * k + 8.0 * m * n;
  return bytes >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max()
                         : static_cast<std::uint64_t>(bytes);
}

void declare_max_cycles(Options& o) {
  o.value("max-cycles", "N",
          "a layer not finished after N cycles fails its check, exit 1 (default: 64 x the cycle "
          "model + 10000, divided by the backpressure)");
}

std::uint64_t max_cycles(const Options& o) {
  return o.decimal("max-cycles", 1, std::uint64_t{1} << 62, 0);
}

void declare_memory_limit(Options& o) {
  o.value("memory-limit", "SIZE",
          "refuse to start when the estimated memory is larger than this (default: the memory "
          "available now); K, M, G, T suffixes, e.g. 64G");
}

namespace {

// MemAvailable of /proc/meminfo in bytes, or 0 when it cannot be read.
std::uint64_t mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit) {
    if (key == "MemAvailable:") return kb * 1024;
  }
  return 0;
}

// What the cgroup (v2, then v1) still lets this process take, or 0 when there is no limit.
std::uint64_t cgroup_room() {
  const auto read_u64 = [](const char* path, std::uint64_t* v) {
    std::ifstream in(path);
    std::string s;
    if (!(in >> s) || s == "max" || s.empty() || s.size() > 19) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    *v = std::stoull(s);
    return true;
  };
  std::uint64_t limit = 0, used = 0;
  if (read_u64("/sys/fs/cgroup/memory.max", &limit)) {
    read_u64("/sys/fs/cgroup/memory.current", &used);
  } else if (read_u64("/sys/fs/cgroup/memory/memory.limit_in_bytes", &limit)) {
    if (limit >= (1ull << 62)) return 0;  // v1's "no limit"
    read_u64("/sys/fs/cgroup/memory/memory.usage_in_bytes", &used);
  } else {
    return 0;
  }
  return limit > used ? limit - used : 1;
}

}  // namespace

std::uint64_t peak_resident_bytes() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t kb = 0;
    if (fields >> key >> kb && key == "VmHWM:") return kb * 1024;
  }
  return 0;
}

MemoryLimit memory_limit(const Options& o) {
  if (o.has("memory-limit")) {
    return {parse_size(o.str("memory-limit", ""), "--memory-limit"), "--memory-limit"};
  }
  MemoryLimit l{mem_available(), "MemAvailable of /proc/meminfo"};
  const std::uint64_t room = cgroup_room();
  if (room != 0 && (l.bytes == 0 || room < l.bytes)) {
    l = {room, "what the memory cgroup still allows"};
  }
  if (l.bytes == 0) l = {std::numeric_limits<std::uint64_t>::max(), "no memory figure found"};
  return l;
}

void check_memory(const MemoryEstimate& estimate, const MemoryLimit& limit) {
  if (estimate.bytes <= limit.bytes) return;
  throw std::invalid_argument(fmt::format(
      "this run needs about {} of memory ({}), more than the limit of {} (from {}); nothing was "
      "simulated. A smaller shape or fewer --jobs needs less; --memory-limit SIZE raises the "
      "limit",
      bytes_text(estimate.bytes), estimate.what, bytes_text(limit.bytes), limit.source));
}

std::string bytes_text(std::uint64_t bytes) {
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes) / 1024.0;
  int u = 0;
  while (v >= 1024.0 && u < 5) v /= 1024.0, ++u;
  return fmt::format("{:.{}f} {}", v, v < 10 ? 2 : 1, units[u]);
}

std::uint64_t parse_size(std::string_view text, std::string_view what) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string_view unit = text.substr(digits);
  int shift = 0;
  if (!unit.empty()) {
    const char u = unit[0];
    shift = u == 'K' || u == 'k' ? 10 : u == 'M' ? 20 : u == 'G' ? 30 : u == 'T' ? 40 : -1;
    const std::string_view rest = unit.substr(1);
    if (shift < 0 || !(rest.empty() || rest == "B" || rest == "iB")) {
      throw std::invalid_argument(fmt::format(
          "{} needs a size (digits, then K, M, G or T), got '{}'", what, printable(text)));
    }
  }
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max() >> shift;
  const std::uint64_t n = parse_decimal(text.substr(0, digits), what, 1, max);
  return n << shift;
}

// ---- Version ----

const char* version() { return TERNAC_VERSION; }
const char* git_commit() { return TERNAC_GIT_COMMIT; }
bool git_dirty() { return TERNAC_GIT_DIRTY; }
const char* verilator_version() { return VERILATOR_VERSION; }

std::string compiler_version() {
#if defined(__clang__)
  return fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return fmt::format("GCC {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

std::string version_text() {
  return fmt::format("ternac {} (git commit {}{}; Verilator {}; {})", version(), git_commit(),
                     git_dirty() ? ", with uncommitted changes" : "", verilator_version(),
                     compiler_version());
}

}  // namespace ternac::cli
