// Runs the gate-level energy estimate (docs/energy.md): builds the gate-level simulator of the
// array's lane on first use (sim/gate, through the build cache), feeds it the beats the array's
// lanes compute for a GEMM, and returns the raw figures.
#pragma once

#include <cstdint>

#include "config.h"
#include "gate_energy.h"
#include "gemm.h"

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

}  // namespace ternac
