// Operation-count model: predicts, from the data, every energy counter of the RTL
// (rtl/ternac_energy_counters.sv) for one GEMM command. docs/energy.md defines each counter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "gemm.h"

namespace ternac {

struct OpCounts {
  std::uint64_t fires = 0;     // activation beats computed (array cycles of work)
  std::uint64_t sel_pos = 0;   // selects that passed +x (INT8 array: every 8 x 8 multiply)
  std::uint64_t sel_neg = 0;   // selects that passed -x (invert + carry); 0 on the INT8 array
  std::uint64_t sel_zero = 0;  // selects gated to zero (zero, padding, illegal); 0 on INT8
  // Adder-energy entries (ArrayConfig::add_entries, add_width, add_name). Signed tree: adds per
  // level (index 0 is level 1, whose operands are 8 bits wide, 16 on the INT8 array). Split trees:
  // the same over both trees, then the final subtracts. Carry-save: the 3:2 compressors per level,
  // then the final carry-propagate adds. An add counts when a nonzero weight is in its input cone
  // (for a compressor, also the weight whose negation carry it takes in).
  std::vector<std::uint64_t> tree_adds;
  std::uint64_t acc_adds = 0;         // accumulator adds, AccWidth bits, every lane per fire
  std::uint64_t reg_pipe_bits = 0;    // pipeline register bits: stage-0 input, tree stages, root
  std::uint64_t psum_read_bits = 0;   // partial sums read (K tiles after the first)
  std::uint64_t psum_write_bits = 0;  // partial sums written (K tiles before the last)
  std::uint64_t wgt_stream_bits = 0;  // weight bits delivered on the weight stream
  std::uint64_t wgt_bank_write_bits = 0;  // weight bits written into the double buffer
  std::uint64_t act_stream_bits = 0;      // activation bits delivered on the activation stream
  std::uint64_t res_stream_bits = 0;      // result bits delivered on the result stream

  // Flat list in the RTL's order (ternac_pkg::EnergyCounter), tree levels last.
  std::vector<std::uint64_t> flat() const;
  static std::vector<std::string> names(const ArrayConfig& config);
  OpCounts& operator+=(const OpCounts& o);
  bool operator==(const OpCounts& o) const { return flat() == o.flat(); }
};

inline constexpr int kFixedCounters = 12;  // counters before the per-level tree adds

// Counts for one command, walking the same tiles as the array (padding masked to zero codes).
OpCounts predict_op_counts(const ArrayConfig& config, const GemmProblem& problem);

}  // namespace ternac
