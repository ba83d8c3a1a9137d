// The gate-level energy estimate (docs/energy.md): one lane's gate netlist simulated on the
// lane's real beats, every net's toggles weighted by its fan-out (a capacitance proxy, in
// "units"), and turned into energy with one calibration per node: the 8-bit adder netlist on
// uniformly random operands costs the node's table energy of an 8-bit add.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ternac/model/energy/energy_table.h"

namespace ternac {

struct GateLevelResult {
  std::uint64_t beats = 0;  // lane cycles simulated
  std::uint64_t macs = 0;   // useful MACs in those beats (real rows and columns)
  int tree_inputs = 0;
  bool int8 = false;  // the INT8 baseline's lane
  // Per unit of the lane that drives the nets (select, multiply, tree, lane, register, input):
  // toggles and toggles x (fan-out + 1).
  std::map<std::string, std::uint64_t> toggles, units;
  std::uint64_t units_total = 0;
  // The calibration: the 8-bit adder netlist on `samples` uniformly random operand pairs.
  std::uint64_t calibration_samples = 0, calibration_seed = 0;
  double adder_units_per_add = 0, adder_output_toggles_per_add = 0;
  // The RTL monitor's toggles equal the netlist's at the same signals (checked by ternac_gate).
  bool rtl_matches = false;
  std::uint64_t rtl_select_toggles = 0;
  std::vector<std::uint64_t> rtl_entry_toggles;

  // Parses ternac_gate's JSON output (sim/gate/gate_sim.cpp); throws naming what is missing.
  static GateLevelResult from_json(const std::string& text, std::uint64_t macs, int tree_inputs,
                                   bool int8);

  // pJ per unit at `table`'s node: the table's 8-bit add over the adder's units per add.
  double pj_per_unit(const EnergyTable& table) const;
  // Energy of the lane's switching in pJ (all units, or one unit's nets).
  double pj(const EnergyTable& table) const { return pj_per_unit(table) * double(units_total); }
  double pj_of(const EnergyTable& table, const std::string& unit) const;
  double fj_per_mac(const EnergyTable& table) const { return 1e3 * pj(table) / double(macs); }
};

}  // namespace ternac
