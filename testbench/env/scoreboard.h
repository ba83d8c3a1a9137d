// Scoreboard: compares every result beat of the array with the golden model, bit-exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/streams.h"

namespace ternac {

struct Mismatch {
  std::uint64_t beat;
  std::uint32_t m;
  std::uint32_t n;  // output row; n >= N marks a padding lane that should read zero
  std::int64_t expected;
  std::int64_t actual;
  std::uint64_t cycle;
  std::string what;  // "value", "last flag", "extra beat"
};

class Scoreboard {
 public:
  // Expected results: the golden GEMM of `problem` (or nothing, for a command the array drops).
  Scoreboard(const ArrayConfig& config, const GemmProblem& problem);
  // Expected results given by the caller (for example the SystemC model's response), M x N.
  Scoreboard(const ArrayConfig& config, const GemmShape& shape, std::vector<std::int64_t> expected);

  // One result beat as it left the array: `lanes` values in a beat of Lanes x AccWidth bits.
  void on_result(const Beat& beat, bool last, std::uint64_t cycle);

  bool complete() const { return received_ == order_.total_beats(); }
  std::uint64_t received() const { return received_; }
  std::uint64_t expected_beats() const { return order_.total_beats(); }
  // Values compared: every lane of every beat, padding lanes (which must read zero) included.
  std::uint64_t checked_values() const { return checked_; }
  // Of those, the results of the GEMM (lanes inside N): M x N once every beat has arrived.
  std::uint64_t checked_results() const { return checked_results_; }
  const std::vector<Mismatch>& mismatches() const { return mismatches_; }
  // Empty when every beat matched and none is missing; otherwise a readable report: every kept
  // mismatch with its tile coordinates, and for the first value mismatch the golden model's
  // partial sum after each K tile and what the wrong value is consistent with (a K tile dropped
  // or added twice, the accumulation stopped after a tile), when the problem is known. The
  // problem must outlive the scoreboard.
  std::string final_report() const;
  bool passed() const { return mismatches_.empty() && complete(); }

 private:
  void record(Mismatch m);
  std::string triage(const Mismatch& m) const;
  ArrayConfig config_;
  const GemmProblem* problem_ = nullptr;  // for triage; null when the caller gave the results
  GemmShape shape_;
  std::vector<std::int64_t> expected_;
  ResultOrder order_;
  std::uint64_t received_ = 0;
  std::uint64_t checked_ = 0;
  std::uint64_t checked_results_ = 0;
  std::uint64_t total_mismatches_ = 0;
  std::vector<Mismatch> mismatches_;  // the first few, for the report
};

}  // namespace ternac
