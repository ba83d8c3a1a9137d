// Array configuration: the C++ mirror of ternac_top's parameters and ternac_pkg's limits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/trit.h"

namespace ternac {

inline constexpr int kDimWidth = 24;                              // ternac_pkg::DimWidth
inline constexpr std::uint32_t kMaxDim = (1u << kDimWidth) - 1u;  // ternac_pkg::MaxDim

// Legal ranges of the parameters (ternac_pkg::Max*; sim/pkg_mirror.cpp checks them against the
// Verilated package at compile time). ArrayConfig::validate applies them with the dependencies.
inline constexpr int kMaxLanes = 1024;       // ternac_pkg::MaxLanes
inline constexpr int kMaxTreeInputs = 4096;  // ternac_pkg::MaxTreeInputs
inline constexpr int kMaxTokenTile = 4096;   // ternac_pkg::MaxTokenTile
inline constexpr int kMaxAccWidth = 64;      // ternac_pkg::MaxAccWidth
inline constexpr int kMaxPipeEvery = 12;     // ternac_pkg::MaxPipeEvery
inline constexpr int kMaxCapGrowth = 12;     // ternac_pkg::MaxCapGrowth

// The lanes' datapath (ternac_pkg::DatapathTernary / DatapathInt8): the ternary select-and-add
// array, or the INT8 multiply-and-add baseline of the same geometry used for energy comparisons.
enum class Datapath { kTernary = 0, kInt8 = 1 };

// How a lane reduces its operands (ternac_pkg::Reduction*): one signed tree with negation through
// carry-in, split +1 and -1 trees with one final subtract, or 3:2 carry-save compressors with one
// final carry-propagate adder.
enum class Reduction { kSigned = 0, kSplit = 1, kCsa = 2 };

// "signed", "split", "csa"; parse_reduction throws std::invalid_argument naming a bad name.
const char* reduction_name(Reduction r);
Reduction parse_reduction(const std::string& name);

struct ArrayConfig {
  int lanes = 16;
  int tree_inputs = 64;
  int acc_width = 32;
  int weight_rows_per_beat = 16;
  int token_tile = 128;
  Datapath datapath = Datapath::kTernary;
  int pipe_every = 0;       // tree register after every pipe_every-th level; 0: combinational tree
  int level_width_cap = 0;  // tree levels capped at this many bits (saturating); 0: full precision
  Reduction reduction = Reduction::kSigned;

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
  // Width of the lane's reduced sum before the accumulator (ternac_pkg::root_width): the signed
  // tree's root, one bit more after the split trees' subtract, full precision for carry-save.
  int tree_width() const {
    if (reduction == Reduction::kCsa) return operand_bits() + tree_levels();
    return level_width(tree_levels()) + (reduction == Reduction::kSplit ? 1 : 0);
  }
  // 3:2 levels of the carry-save reduction (ternac_pkg::csa_levels); values left after `level`
  // levels (csa_count).
  int csa_levels() const;
  static int csa_count(int inputs, int level);
  // The adder-energy entries after the fixed counters (ternac_pkg::add_entries), the operand
  // width each one is charged at, and their names.
  int add_entries() const;
  int add_width(int entry) const;
  std::string add_name(int entry) const;
  // Adders of one adder entry in one lane (ternac_pkg::entry_adders), and whether they saturate
  // (a width-capped level that does not grow) or are 3:2 compressors (carry-save levels).
  int entry_adders(int entry) const;
  bool entry_saturates(int entry) const;
  bool entry_is_compressor(int entry) const;
  // Register stages inside a pipelined tree (ternac_pkg::tree_stages).
  int tree_stages() const {
    return (pipe_every == 0 || tree_levels() == 0) ? 0 : (tree_levels() - 1) / pipe_every;
  }
  // Register bits one item loads in a lane (the lane's probe_reg_q, rtl/ternac_lane.sv): every
  // registered level of a pipelined tree (each node's sum and pending carry, and the level's
  // overflow flag; both trees when split, none with carry-save) and the root register (sum,
  // carry and overflow flag), including the bits that synthesis removes as constants.
  int lane_register_bits() const;
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
           level_width_cap == o.level_width_cap && reduction == o.reduction;
  }
};

// The default array: 16 lanes of 64 inputs, 32-bit accumulators, a whole tile per weight beat.
ArrayConfig default_config();

}  // namespace ternac

namespace ternac {

// A named configuration of rtl/configs.csv (the one list of them: CMake's co-simulations,
// lint, `ternac config --list` and `--config NAME` read it).
struct NamedConfig {
  std::string name;
  std::string use;  // cosim, fault, lint or max
  ArrayConfig config;
};

// Reads a configurations file; throws std::invalid_argument naming the file, the line and what
// is wrong (a malformed row, a repeated name, a configuration ArrayConfig::validate refuses).
std::vector<NamedConfig> load_named_configs(const std::string& path);
// $TERNAC_CONFIGS_FILE, else the source tree's rtl/configs.csv.
std::string default_configs_file();
// The configuration called `name`; throws std::invalid_argument listing the names.
const NamedConfig& find_named_config(const std::vector<NamedConfig>& configs,
                                     const std::string& name);

}  // namespace ternac
