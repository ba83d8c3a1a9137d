// The beats one lane of the array computes for a GEMM: the stimulus of the gate-level energy
// estimate (docs/energy.md), which simulates one lane as RTL and as a gate netlist.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"

namespace ternac {

struct LaneStimulus {
  int tree_inputs = 0;
  int weight_bits = 2;  // bits of one weight on the lane's port: 2 (trit codes) or 8 (INT8)
  int pipe_stages = 0;  // register stages inside the tree (the stage-1 controls wait for them)
  // Per beat: tree_inputs activations, tree_inputs weights (a code or an int8 byte each, zero
  // past N or K), and whether the beat is on the first / last K tile of its row.
  std::vector<std::int8_t> acts;
  std::vector<std::uint8_t> weights;
  std::vector<std::uint8_t> first_k, last_k;
  std::uint64_t macs = 0;  // useful MACs in the beats: real rows and columns
  std::size_t beats() const { return first_k.size(); }
};

// Lane `lane`'s beats in the array's order (token block, N tile, K tile, token), one per cycle
// as the array computes them with no stall: the activation beat and the lane's row of the
// weight tile. At most `max_beats` (0: all).
LaneStimulus lane_stimulus(const ArrayConfig& config, const GemmProblem& problem, int lane,
                           std::uint64_t max_beats = 0);

// Writes the stimulus file that sim/gate/gate_sim.cpp reads; throws naming the path.
void write_lane_stimulus(const LaneStimulus& s, const std::string& path);

}  // namespace ternac
