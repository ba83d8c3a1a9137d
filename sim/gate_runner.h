// Runs the gate-level energy estimate (docs/energy.md): builds the gate-level simulator of the
// array's lane on first use (sim/gate, through the build cache), feeds it the beats the array's
// lanes compute for a GEMM, and returns the raw figures.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/energy/gate_energy.h"

namespace ternac {

struct GateRunOptions {
  int lanes = 1;                       // the array's first `lanes` lanes, one after the other
  std::uint64_t max_beats = 0;         // per lane (0: every beat of the GEMM)
  std::uint64_t calibration = 100000;  // random operand pairs for the 8-bit adder
  std::uint64_t seed = 1;
};

// Throws std::runtime_error when the simulator cannot be built or run, and when the RTL's toggles
// differ from the netlist's at the same signals (a bug: they are the same bits).
GateLevelResult run_gate_level(const ArrayConfig& config, const GemmProblem& problem,
                               const GateRunOptions& options = {});

// The glitch bound (docs/energy.md): lane 0's first `beats` beats through the lane netlist with a
// unit delay on every gate (every intermediate change counted) and with zero delay, both in the
// event-driven simulation of sim/gate_eventsim.h; toggles x (fan-out + 1) per unit of the lane.
struct GlitchBound {
  std::uint64_t beats = 0;
  std::map<std::string, std::uint64_t> zero_delay, unit_delay;  // units per driving unit
  std::uint64_t zero_delay_total = 0, unit_delay_total = 0;
  double factor() const {
    return zero_delay_total ? double(unit_delay_total) / double(zero_delay_total) : 0.0;
  }
};

GlitchBound run_glitch_bound(const ArrayConfig& config, const GemmProblem& problem,
                             std::uint64_t beats);

}  // namespace ternac
