// Energy of counted operations: OpCounts (from the RTL's counters) times an energy table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "energy_table.h"
#include "op_counts.h"

namespace ternac {

// One charged item: count x energy of (operation, width).
struct EnergyLine {
  std::string group;  // select | tree | accumulate | registers | buffers | multiply
  std::string item;   // counter name
  std::uint64_t count = 0;
  std::string operation;
  int width = 0;
  double pj_each = 0.0;
  std::string kind;    // the table row's kind: published | derived | proxy | scaled
  std::string source;  // the table row's source
  double pj() const { return static_cast<double>(count) * pj_each; }
};

struct EnergyBreakdown {
  std::string design;  // "ternary RTL", "INT8 array (op-count)", ...
  int node_nm = 0;
  bool scaled = false;
  std::uint64_t macs = 0;  // useful MACs of the workload
  std::vector<EnergyLine> lines;

  double group_pj(const std::string& group) const;
  double arithmetic_pj() const;  // select + multiply + tree + accumulate
  double total_pj() const;       // arithmetic + registers + buffers
  double arithmetic_per_mac() const { return arithmetic_pj() / static_cast<double>(macs); }
  double total_per_mac() const { return total_pj() / static_cast<double>(macs); }
};

// The ternary array's energy from its counters. Gated zero selects are not charged (nothing
// toggles); the +1 of a negation rides an adder's carry-in and costs nothing extra.
EnergyBreakdown ternary_energy(const ArrayConfig& config, const OpCounts& counts,
                               std::uint64_t macs, const EnergyTable& table);

// Operation counts of an INT8 MAC array of the same geometry on the same work: one 8 x 8 multiply
// per weight slot (zeros included: nothing gates them), a tree of 16-bit products growing a bit per
// level, the same accumulator, 8-bit weights on the stream and in the banks.
struct Int8Counts {
  std::uint64_t muls = 0;
  std::vector<std::uint64_t> tree_adds;  // level l adds (15 + l)-bit operands
  std::uint64_t acc_adds = 0;
  std::uint64_t reg_bits = 0;
  std::uint64_t buffer_bits = 0;
};
Int8Counts int8_counts(const ArrayConfig& config, const OpCounts& ternary);
EnergyBreakdown int8_energy(const ArrayConfig& config, const OpCounts& ternary, std::uint64_t macs,
                            const EnergyTable& table);

// FP16 MAC baseline as an exact operation count: one FP16 multiply and one FP16 add per MAC,
// with the same buffer traffic as the INT8 array at 16 bits per weight and activation.
EnergyBreakdown fp16_energy(const ArrayConfig& config, const OpCounts& ternary, std::uint64_t macs,
                            const EnergyTable& table);

}  // namespace ternac
