// Operation-count model: predicts, from the data, every operation counter of the RTL's energy
// monitors (testbench/dv/ternac_*_monitor.sv) for one GEMM command, independently of the RTL.
// docs/energy.md defines each counter. The monitors also report switching activity
// (ToggleCounts), which this model does not predict: the gate-level simulation of the same lane
// checks it (docs/energy.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"

namespace ternac {

// The counter ids of the RTL's monitors (testbench/dv/ternac_dv_pkg.sv, counter_e): the harness
// sums every monitor's counters by these ids. Adder entry e has two: its adds with a nonzero
// input at kNumFixedCounters + 2e, its output toggles at kNumFixedCounters + 2e + 1.
enum CounterId : int {
  kCntFires = 0,
  kCntSelPos,
  kCntSelNeg,
  kCntSelZero,
  kCntMuls,
  kCntAccAdds,
  kCntRegPipeBits,
  kCntPsumReadBits,
  kCntPsumWriteBits,
  kCntWgtStreamBits,
  kCntWgtBankWriteBits,
  kCntActStreamBits,
  kCntResStreamBits,
  kCntTogSelPos,
  kCntTogSelNeg,
  kCntTogSelZero,
  kCntTogMul,
  kCntTogAcc,
  kCntTogRegStage0,
  kCntTogRegTree,
  kCntTogBank,
  kCntTogPsum,
  kNumFixedCounters
};

struct OpCounts {
  std::uint64_t fires = 0;     // activation beats computed (array cycles of work)
  std::uint64_t sel_pos = 0;   // selects that drove a nonzero +x (split: into the +1 tree)
  std::uint64_t sel_neg = 0;   // selects that took the -x path (split: drove the -1 tree)
  std::uint64_t sel_zero = 0;  // the other selects of a computed beat (gated, padding, x = 0)
  std::uint64_t muls = 0;      // INT8 array: multipliers with both operands nonzero
  // Adder entries (ArrayConfig::add_entries, add_width, add_name): adds with a nonzero input
  // (an operand or its carry), in a cycle where that adder computes a valid item. Signed tree:
  // per level; split trees: per level of both trees, then the final subtracts; carry-save: the
  // 3:2 compressors per level, then the final carry-propagate adds.
  std::vector<std::uint64_t> tree_adds;
  std::uint64_t acc_adds = 0;             // accumulator adds with a nonzero input
  std::uint64_t reg_pipe_bits = 0;        // register bits loaded with a valid item (stage-0 input,
                                          // tree stages, root)
  std::uint64_t psum_read_bits = 0;       // partial sums read (K tiles after the first)
  std::uint64_t psum_write_bits = 0;      // partial sums written (K tiles before the last)
  std::uint64_t wgt_stream_bits = 0;      // weight bits delivered on the weight stream
  std::uint64_t wgt_bank_write_bits = 0;  // weight bits written into the double buffer
  std::uint64_t act_stream_bits = 0;      // activation bits delivered on the activation stream
  std::uint64_t res_stream_bits = 0;      // result bits delivered on the result stream

  // The operation counters in a fixed order (names()), adder entries last.
  std::vector<std::uint64_t> flat() const;
  static std::vector<std::string> names(const ArrayConfig& config);
  OpCounts& operator+=(const OpCounts& o);
  bool operator==(const OpCounts& o) const { return flat() == o.flat(); }
};

inline constexpr int kFixedCounters = 13;  // operation counters before the adder entries

// Switching activity, as counted by the RTL's monitors when told to (the harness's
// count_toggles): output bits that changed from one clock cycle to the next, per class
// (docs/energy.md).
struct ToggleCounts {
  // Select outputs (operand bits and negation carries), by what each select did in that cycle:
  // drove +x, took the -x path, or neither (gated, or +x of x = 0).
  std::uint64_t sel_pos = 0, sel_neg = 0, sel_zero = 0;
  std::uint64_t mul = 0;            // INT8 multiplier products
  std::uint64_t acc = 0;            // accumulator adder outputs
  std::uint64_t reg_stage0 = 0;     // the stage-0 activation register
  std::uint64_t reg_tree = 0;       // the trees' pipeline registers and the root registers
  std::uint64_t bank = 0;           // the weight double buffer
  std::uint64_t psum = 0;           // the partial-sum memories
  std::vector<std::uint64_t> adds;  // per adder entry: adder outputs

  ToggleCounts& operator+=(const ToggleCounts& o);
};

// What the monitors report: counters by id (CounterId, two per adder entry after them).
struct MonitorCounts {
  OpCounts ops;
  ToggleCounts toggles;
  // From the per-id totals (missing ids count zero), and the difference of two readings.
  static MonitorCounts from_ids(const std::vector<std::uint64_t>& by_id, int entries);
  static MonitorCounts delta(const std::vector<std::uint64_t>& before,
                             const std::vector<std::uint64_t>& after, int entries);
  MonitorCounts& operator+=(const MonitorCounts& o);
};

// Counts for one command, walking the same tiles as the array: padding weights are zero codes,
// every adder input is the bit pattern the RTL's tree holds (negation as ~x with its pending
// carry, saturation in width-capped trees), and partial sums run across K tiles.
OpCounts predict_op_counts(const ArrayConfig& config, const GemmProblem& problem);

}  // namespace ternac
