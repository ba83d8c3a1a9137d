#include "ternac/model/core/config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <stdexcept>

#include "ternac/model/base/file_io.h"
#include "ternac/model/base/text_io.h"

namespace ternac {
namespace {

void check_range(const char* name, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    throw std::invalid_argument(
        fmt::format("array parameter {} must be in {}..{}, got {}", name, lo, hi, value));
  }
}

}  // namespace

const char* reduction_name(Reduction r) {
  switch (r) {
    case Reduction::kSigned:
      return "signed";
    case Reduction::kSplit:
      return "split";
    case Reduction::kCsa:
      return "csa";
  }
  return "?";
}

Reduction parse_reduction(const std::string& name) {
  for (Reduction r : {Reduction::kSigned, Reduction::kSplit, Reduction::kCsa}) {
    if (name == reduction_name(r)) return r;
  }
  throw std::invalid_argument(
      fmt::format("unknown reduction '{}' (expected signed, split or csa)", name));
}

int ArrayConfig::csa_count(int inputs, int level) {
  int c = inputs;
  for (int l = 0; l < level && c > 2; ++l) c = 2 * (c / 3) + c % 3;
  return c;
}

int ArrayConfig::csa_levels() const {
  int n = 0;
  for (int c = tree_inputs; c > 2; c = 2 * (c / 3) + c % 3) ++n;
  return n;
}

int ArrayConfig::add_entries() const {
  switch (reduction) {
    case Reduction::kSplit:
      return tree_levels() + 1;
    case Reduction::kCsa:
      return csa_levels() + 1;
    case Reduction::kSigned:
      break;
  }
  return tree_levels();
}

int ArrayConfig::add_width(int entry) const {
  // Tree adds at level entry + 1 take operands of level entry; the split subtract takes the two
  // trees' roots; every compressor and the final adder of a carry-save lane are full width.
  if (reduction == Reduction::kCsa) return tree_width();
  return level_width(entry);
}

int ArrayConfig::entry_adders(int entry) const {
  if (reduction == Reduction::kCsa)
    return entry < csa_levels() ? csa_count(tree_inputs, entry) / 3 : 1;
  const int below = (tree_inputs + (1 << entry) - 1) >> entry;  // nodes at level `entry`
  if (reduction == Reduction::kSplit) return entry < tree_levels() ? 2 * (below / 2) : 1;
  return below / 2;
}

bool ArrayConfig::entry_saturates(int entry) const {
  return reduction != Reduction::kCsa && entry < tree_levels() &&
         level_width(entry + 1) == level_width(entry);
}

bool ArrayConfig::entry_is_compressor(int entry) const {
  return reduction == Reduction::kCsa && entry < csa_levels();
}

std::string ArrayConfig::add_name(int entry) const {
  if (reduction == Reduction::kCsa) {
    return entry < csa_levels() ? fmt::format("csa_l{}", entry + 1) : "final_add";
  }
  if (reduction == Reduction::kSplit && entry == tree_levels()) return "final_sub";
  return fmt::format("tree_adds_l{}", entry + 1);
}

int ArrayConfig::lane_register_bits() const {
  int bits = 0;
  if (reduction != Reduction::kCsa) {
    for (int l = 1; l < tree_levels(); ++l) {
      if (pipe_every > 0 && l % pipe_every == 0) {
        const int nodes = (tree_inputs + (1 << l) - 1) >> l;
        bits += nodes * (level_width(l) + 1) + 1;
      }
    }
    if (reduction == Reduction::kSplit) bits *= 2;
  }
  return bits + tree_width() + 2;
}

int ArrayConfig::tree_levels() const {
  int levels = 0;
  while ((1 << levels) < tree_inputs) ++levels;
  return levels;
}

std::uint32_t ArrayConfig::max_k() const {
  const std::uint64_t bound = ((std::uint64_t{1} << (acc_width - 1)) - 1) >> (operand_bits() - 1);
  return bound > kMaxDim ? kMaxDim : static_cast<std::uint32_t>(bound);
}

void ArrayConfig::validate() const {
  check_range("Lanes", lanes, 1, kMaxLanes);
  check_range("TreeInputs", tree_inputs, 1, kMaxTreeInputs);
  if (level_width_cap != 0) {
    check_range("LevelWidthCap", level_width_cap, operand_bits() + 1,
                operand_bits() + kMaxCapGrowth);
  }
  check_range("AccWidth", acc_width, tree_width() + 1, kMaxAccWidth);
  check_range("WeightRowsPerBeat", weight_rows_per_beat, 1, lanes);
  check_range("TokenTile", token_tile, 1, kMaxTokenTile);
  check_range("PipeEvery", pipe_every, 0, kMaxPipeEvery);
  check_range("Reduction", static_cast<int>(reduction), 0, 2);
  if (reduction != Reduction::kSigned && int8()) {
    throw std::invalid_argument(fmt::format(
        "array parameter Reduction {} needs the ternary datapath (the INT8 baseline is signed)",
        reduction_name(reduction)));
  }
  if (reduction == Reduction::kCsa &&
      (pipe_every != 0 || level_width_cap != 0 || tree_inputs < 3)) {
    throw std::invalid_argument(fmt::format(
        "array parameter Reduction csa needs PipeEvery = 0, LevelWidthCap = 0 and TreeInputs >= "
        "3, got {}, {} and {}",
        pipe_every, level_width_cap, tree_inputs));
  }
}

std::string ArrayConfig::name() const {
  std::string s = fmt::format("{}x{}", lanes, tree_inputs);
  if (acc_width != 32) s += fmt::format("_acc{}", acc_width);
  if (weight_rows_per_beat != lanes) s += fmt::format("_wr{}", weight_rows_per_beat);
  if (token_tile != 128) s += fmt::format("_tt{}", token_tile);
  if (int8()) s += "_int8";
  if (pipe_every != 0) s += fmt::format("_p{}", pipe_every);
  if (level_width_cap != 0) s += fmt::format("_cap{}", level_width_cap);
  if (reduction != Reduction::kSigned) s += fmt::format("_{}", reduction_name(reduction));
  return s;
}

ArrayConfig default_config() { return ArrayConfig{}; }

namespace {

const char* const kConfigColumns[] = {
    "name",       "lanes",    "tree_inputs", "acc_width",       "rows_per_beat",
    "token_tile", "datapath", "pipe_every",  "level_width_cap", "reduction",
    "use"};

}  // namespace

std::vector<NamedConfig> load_named_configs(const std::string& path) {
  check_input_file(path);  // a regular file: a FIFO or a directory is refused, never read
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(fmt::format("cannot read {}", printable(path)));
  std::vector<NamedConfig> out;
  std::set<std::string> names;
  std::string line;
  bool header = false;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string where = fmt::format("{}:{}", printable(path), number);
    const std::vector<std::string> f = split_commas(line);
    constexpr std::size_t kColumns = std::size(kConfigColumns);
    if (!header) {
      for (std::size_t i = 0; i < kColumns; ++i) {
        if (f.size() != kColumns || f[i] != kConfigColumns[i]) {
          throw std::invalid_argument(
              fmt::format("{}: the header must be {}", where, fmt::join(kConfigColumns, ",")));
        }
      }
      header = true;
      continue;
    }
    if (f.size() != kColumns) {
      throw std::invalid_argument(
          fmt::format("{}: {} fields, expected {}", where, f.size(), kColumns));
    }
    NamedConfig n;
    n.name = f[0];
    if (n.name.empty() ||
        n.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      throw std::invalid_argument(fmt::format(
          "{}: the name '{}' is not lower-case letters, digits and _", where, printable(n.name)));
    }
    if (!names.insert(n.name).second) {
      throw std::invalid_argument(fmt::format("{}: the name '{}' is repeated", where, n.name));
    }
    try {
      const auto num = [&](int i) {
        return static_cast<int>(parse_decimal(f[i], kConfigColumns[i], 0, 1u << 20));
      };
      ArrayConfig& c = n.config;
      c.lanes = num(1);
      c.tree_inputs = num(2);
      c.acc_width = num(3);
      c.weight_rows_per_beat = num(4);
      c.token_tile = num(5);
      const int datapath = num(6);
      if (datapath > 1) {
        throw std::invalid_argument(
            fmt::format("datapath must be 0 (ternary) or 1 (INT8), got {}", datapath));
      }
      c.datapath = static_cast<Datapath>(datapath);
      c.pipe_every = num(7);
      c.level_width_cap = num(8);
      const int reduction = num(9);
      if (reduction > 2) {
        throw std::invalid_argument(fmt::format(
            "reduction must be 0 (signed), 1 (split) or 2 (carry-save), got {}", reduction));
      }
      c.reduction = static_cast<Reduction>(reduction);
      c.validate();
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(fmt::format("{}: configuration {}: {}", where, n.name, e.what()));
    }
    n.use = f[10];
    if (n.use != "cosim" && n.use != "fault" && n.use != "lint" && n.use != "max") {
      throw std::invalid_argument(fmt::format("{}: use must be cosim, fault, lint or max, got '{}'",
                                              where, printable(n.use)));
    }
    out.push_back(n);
  }
  if (!header) throw std::invalid_argument(fmt::format("{}: no header line", printable(path)));
  return out;
}

std::string default_configs_file() {
  if (const char* env = std::getenv("TERNAC_CONFIGS_FILE"); env && *env) return env;
#ifdef TERNAC_DEFAULT_CONFIGS_FILE
  return TERNAC_DEFAULT_CONFIGS_FILE;
#else
  return "rtl/configs.csv";
#endif
}

const NamedConfig& find_named_config(const std::vector<NamedConfig>& configs,
                                     const std::string& name) {
  for (const NamedConfig& n : configs) {
    if (n.name == name) return n;
  }
  std::vector<std::string> names;
  for (const NamedConfig& n : configs) names.push_back(n.name);
  throw std::invalid_argument(fmt::format("no configuration named '{}' (the configurations: {})",
                                          printable(name), fmt::join(names, ", ")));
}

}  // namespace ternac
