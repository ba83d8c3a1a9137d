// An event-driven simulation of a lane's gate netlist (the cells nets.py writes: NOT, NAND, NOR
// and enabled flip-flops), for the glitch bound of the gate-level estimate (docs/energy.md).
//
// Zero delay: every net settles once per clock phase, as in the Verilator simulation of the same
// netlist (ternac_gate), whose per-net toggles this reproduces exactly; a test compares them.
// Unit delay: every gate takes one unit of time, and every intermediate change of a net (a
// glitch) counts. The ratio of the two bounds what zero-delay simulation leaves out, under the
// unit-delay model (real gates have unequal delays: a model, not a measurement).
// Verilator's own --timing (5.006) cannot do this: its first evaluation of the 8-input lane with
// a delay on every gate did not finish in 15 s.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ternac/model/workload/lane_stimulus.h"

namespace ternac {

struct EventSimResult {
  std::uint64_t beats = 0;
  std::map<std::string, std::uint64_t> toggles, units;  // per driving unit (nets.py's classes)
  std::uint64_t units_total = 0;
  std::uint64_t time_steps = 0;  // unit-delay steps simulated (0 with zero delay)
};

// Simulates the netlist of `cells_path` / `nets_path` (netlist.sh's gate_lane.cells and
// gate_lane.nets) on the stimulus, as ternac_gate drives the lane; throws std::runtime_error
// naming a malformed file or an unknown port.
EventSimResult simulate_lane_netlist(const std::string& cells_path, const std::string& nets_path,
                                     const LaneStimulus& stimulus, bool unit_delay);

}  // namespace ternac
