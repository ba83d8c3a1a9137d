// Energy of counted operations: OpCounts (from the RTL's counters) times an energy table.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/op_counts.h"
#include "ternac/model/energy/energy_table.h"

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
  std::string family;  // the family of the figures the row rests on (EnergyRow::family)
  bool scaled = false;
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
  double total_pj() const;       // every line
  double onchip_pj() const;      // registers + onchip (storage_lines)
  double offchip_pj() const;     // offchip (storage_lines)
  // The family of the rows the lines of `groups` (every group when empty) rest on, and the rows
  // of each family when they are not all one ("<operation> <width>: <family>").
  std::string family(const std::vector<std::string>& groups = {}) const;
  std::vector<std::string> mixed_rows(const std::vector<std::string>& groups = {}) const;
  double arithmetic_per_mac() const { return arithmetic_pj() / static_cast<double>(macs); }
  double total_per_mac() const { return total_pj() / static_cast<double>(macs); }
};

// Mixed rows ("<operation> <width>: <family>") grouped by family for a reader:
// "pokebnn7: select 8, int_add 8, int_add 32; horowitz45: sram_read_bit 1".
std::string rows_by_family(const std::vector<std::string>& mixed_rows);

// An array's energy from its RTL counters. Ternary: selects (+x, -x) at the select proxy, gated
// zero selects free (nothing toggles), the +1 of a negation free (an adder's carry-in). INT8: an
// 8 x 8 multiply per weight slot. Both: tree adds at their operand width, accumulator adds at
// AccWidth, register bits, buffer bits.
EnergyBreakdown array_energy(const ArrayConfig& config, const OpCounts& counts, std::uint64_t macs,
                             const EnergyTable& table);

// Output toggles per operation of each datapath unit on uniformly random inputs, measured on the
// RTL units (testbench/activity; model/energy/tables/calibration/activity.csv): the basis of the
// activity-based estimate.
class ActivityCalibration {
 public:
  // Reads the table; throws std::invalid_argument naming the file and line of a bad row.
  static ActivityCalibration load(const std::string& path);
  // Toggles per operation of `unit` (int_add, int_add_sat, csa_3to2, select, select_split,
  // int_mul, reg_bit) at `width`; throws std::out_of_range naming a missing row.
  double toggles_per_op(const std::string& unit, int width) const;
  const std::string& file() const { return file_; }

 private:
  std::map<std::pair<std::string, int>, double> rows_;
  std::string file_;
};

// The shipped calibration: <energy directory>/calibration/activity.csv.
std::string default_activity_calibration();

// The activity-based estimate: every output toggle the RTL's monitors counted (`m.toggles`; the
// model must count toggles) charged as its unit's table energy over the unit's toggles per
// operation on random inputs. Registers and weight banks likewise (a written random bit toggles
// half the time); buffers (SRAM) are charged per access, as in array_energy, because an SRAM
// access costs about the same whatever the data.
EnergyBreakdown activity_energy(const ArrayConfig& config, const MonitorCounts& m,
                                std::uint64_t macs, const EnergyTable& table,
                                const ActivityCalibration& calibration);

// FP16 MAC baseline as an exact operation count: one FP16 multiply and one FP16 add per MAC, and
// the ternary array's buffer traffic with 16-bit weights and activations.
EnergyBreakdown fp16_energy(const ArrayConfig& ternary_config, const OpCounts& ternary,
                            std::uint64_t macs, const EnergyTable& table);

}  // namespace ternac
