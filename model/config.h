// Array configuration: the C++ mirror of ternac_top's parameters and ternac_pkg's limits.
#pragma once

#include <cstdint>
#include <string>

#include "trit.h"

namespace ternac {

inline constexpr int kDimWidth = 24;                              // ternac_pkg::DimWidth
inline constexpr std::uint32_t kMaxDim = (1u << kDimWidth) - 1u;  // ternac_pkg::MaxDim

// The lanes' datapath (ternac_pkg::DatapathTernary / DatapathInt8): the ternary select-and-add
// array, or the INT8 multiply-and-add baseline of the same geometry used for energy comparisons.
enum class Datapath { kTernary = 0, kInt8 = 1 };

struct ArrayConfig {
  int lanes = 16;
  int tree_inputs = 64;
  int acc_width = 32;
  int weight_rows_per_beat = 16;
  int token_tile = 128;
  Datapath datapath = Datapath::kTernary;
  int pipe_every = 0;       // tree register after every pipe_every-th level; 0: combinational tree
  int level_width_cap = 0;  // tree levels capped at this many bits (saturating); 0: full precision

  // Throws std::invalid_argument naming the first parameter out of its legal range.
  void validate() const;

  int beats_per_tile() const { return (lanes + weight_rows_per_beat - 1) / weight_rows_per_beat; }
  int tree_levels() const;
  bool int8() const { return datapath == Datapath::kInt8; }
  int weight_bits() const { return int8() ? 8 : kTritBits; }
  int operand_bits() const { return int8() ? 2 * kActBits : kActBits; }
  // Width of tree level l's sums (ternac_pkg::level_width); level 0 is the operands.
  int level_width(int l) const {
    return (level_width_cap > 0 && operand_bits() + l > level_width_cap) ? level_width_cap
                                                                         : operand_bits() + l;
  }
  int tree_width() const { return level_width(tree_levels()); }
  // Register stages inside a pipelined tree (ternac_pkg::tree_stages).
  int tree_stages() const {
    return (pipe_every == 0 || tree_levels() == 0) ? 0 : (tree_levels() - 1) / pipe_every;
  }
  std::int64_t peak_macs_per_cycle() const {
    return static_cast<std::int64_t>(lanes) * tree_inputs;
  }
  // Largest K whose sums cannot overflow the accumulator (ternac_pkg::max_k).
  std::uint32_t max_k() const;
  // "16x64" style name; the suffix lists parameters that differ from their defaults.
  std::string name() const;

  bool operator==(const ArrayConfig& o) const {
    return lanes == o.lanes && tree_inputs == o.tree_inputs && acc_width == o.acc_width &&
           weight_rows_per_beat == o.weight_rows_per_beat && token_tile == o.token_tile &&
           datapath == o.datapath && pipe_every == o.pipe_every &&
           level_width_cap == o.level_width_cap;
  }
};

// The default array: 16 lanes of 64 inputs, 32-bit accumulators, a whole tile per weight beat.
ArrayConfig default_config();

}  // namespace ternac
