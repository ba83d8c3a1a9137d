#include "config.h"

#include <fmt/format.h>

#include <stdexcept>

namespace ternac {
namespace {

void check_range(const char* name, int value, int lo, int hi) {
  if (value < lo || value > hi) {
    throw std::invalid_argument(
        fmt::format("array parameter {} must be in {}..{}, got {}", name, lo, hi, value));
  }
}

}  // namespace

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
  check_range("Lanes", lanes, 1, 1024);
  check_range("TreeInputs", tree_inputs, 1, 4096);
  if (level_width_cap != 0) {
    check_range("LevelWidthCap", level_width_cap, operand_bits() + 1, operand_bits() + 12);
  }
  check_range("AccWidth", acc_width, tree_width() + 1, 64);
  check_range("WeightRowsPerBeat", weight_rows_per_beat, 1, lanes);
  check_range("TokenTile", token_tile, 1, 4096);
  check_range("PipeEvery", pipe_every, 0, 12);
}

std::string ArrayConfig::name() const {
  std::string s = fmt::format("{}x{}", lanes, tree_inputs);
  if (acc_width != 32) s += fmt::format("_acc{}", acc_width);
  if (weight_rows_per_beat != lanes) s += fmt::format("_wr{}", weight_rows_per_beat);
  if (token_tile != 128) s += fmt::format("_tt{}", token_tile);
  if (int8()) s += "_int8";
  if (pipe_every != 0) s += fmt::format("_p{}", pipe_every);
  if (level_width_cap != 0) s += fmt::format("_cap{}", level_width_cap);
  return s;
}

ArrayConfig default_config() { return ArrayConfig{}; }

}  // namespace ternac
