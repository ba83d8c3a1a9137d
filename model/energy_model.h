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

// An array's energy from its RTL counters. Ternary: selects (+x, -x) at the select proxy, gated
// zero selects free (nothing toggles), the +1 of a negation free (an adder's carry-in). INT8: an
// 8 x 8 multiply per weight slot. Both: tree adds at their operand width, accumulator adds at
// AccWidth, register bits, buffer bits.
EnergyBreakdown array_energy(const ArrayConfig& config, const OpCounts& counts, std::uint64_t macs,
                             const EnergyTable& table);

// FP16 MAC baseline as an exact operation count: one FP16 multiply and one FP16 add per MAC, and
// the ternary array's buffer traffic with 16-bit weights and activations.
EnergyBreakdown fp16_energy(const ArrayConfig& ternary_config, const OpCounts& ternary,
                            std::uint64_t macs, const EnergyTable& table);

}  // namespace ternac
