// Exact cycle model of one GEMM command on the array with no stalls on any stream.
//
// Cycle 0 is the cycle in which the command handshake happens; the count runs to the cycle of the
// last result handshake, inclusive. docs/cycle_model.md derives the formula.
#pragma once

#include <cstdint>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"

namespace ternac {

// Cycles from the command handshake to the first weight beat (1); from the last activation beat
// to the result entering the result FIFO (2: stage 0 computes it from the input register, stage 1
// accumulates it), and to the result handshake (1).
inline constexpr std::uint64_t kCommandCycles = 1;
inline constexpr std::uint64_t kPipelineCycles = 3;

struct CycleEstimate {
  std::uint64_t cycles = 0;       // command handshake to last result handshake, inclusive
  std::uint64_t busy_cycles = 0;  // cycles in which the array computed (= activation beats)
  std::uint64_t lower_bound = 0;  // ceil(N/Lanes) * ceil(K/TreeInputs) * M
  std::uint64_t latency = 0;      // cycles - lower_bound
};

// Throws std::invalid_argument (via check_shape) for a command the array would reject.
CycleEstimate predict_cycles(const ArrayConfig& config, const GemmShape& shape);

// The same prediction, tile by tile, following the load/compute recurrence of the double buffer;
// predict_cycles uses the closed form when the weight port delivers a whole tile per beat.
std::uint64_t predict_cycles_by_tiles(const ArrayConfig& config, const GemmShape& shape);

// Ternary MACs of the command that do useful work, per cycle, against the array's peak.
double utilization(const ArrayConfig& config, const GemmShape& shape, std::uint64_t cycles);

}  // namespace ternac
