#include "scoreboard.h"

#include <fmt/format.h>

#include <stdexcept>

namespace ternac {
namespace {
constexpr std::size_t kKeptMismatches = 16;
}

Scoreboard::Scoreboard(const ArrayConfig& config, const GemmProblem& problem)
    : config_(config),
      shape_(problem.shape),
      expected_(golden_gemm(problem, config)),
      order_(config, problem.shape) {}

Scoreboard::Scoreboard(const ArrayConfig& config, const GemmShape& shape,
                       std::vector<std::int64_t> expected)
    : config_(config), shape_(shape), expected_(std::move(expected)), order_(config, shape) {
  if (expected_.size() != std::size_t{shape.m} * shape.n) {
    throw std::invalid_argument(
        fmt::format("scoreboard: {} expected values for {}", expected_.size(), shape.str()));
  }
}

void Scoreboard::record(Mismatch m) {
  ++total_mismatches_;
  if (mismatches_.size() < kKeptMismatches) mismatches_.push_back(std::move(m));
}

void Scoreboard::on_result(const Beat& beat, bool last, std::uint64_t cycle) {
  const std::uint64_t index = received_++;
  if (index >= order_.total_beats()) {
    record({index, 0, 0, 0, 0, cycle, "extra beat"});
    return;
  }
  const ResultBeatPlace place = order_.place(index);
  for (int lane = 0; lane < config_.lanes; ++lane) {
    const std::int64_t actual = get_signed_bits(
        beat, static_cast<std::uint64_t>(lane) * config_.acc_width, config_.acc_width);
    const std::uint32_t n = place.n0 + static_cast<std::uint32_t>(lane);
    const bool real = static_cast<std::uint32_t>(lane) < place.lanes_used;
    const std::int64_t expected = real ? expected_[std::size_t{place.m} * shape_.n + n] : 0;
    ++checked_;
    if (actual != expected) record({index, place.m, n, expected, actual, cycle, "value"});
  }
  if (last != place.last) {
    record({index, place.m, place.n0, place.last, last, cycle, "last flag"});
  }
}

std::string Scoreboard::final_report() const {
  std::string r;
  if (!complete()) {
    r += fmt::format("received {} of {} result beats\n", received_, order_.total_beats());
  }
  if (total_mismatches_ > 0) {
    r += fmt::format("{} mismatches (first {} shown):\n", total_mismatches_, mismatches_.size());
    for (const auto& m : mismatches_) {
      r += fmt::format(
          "  {} at result beat {} (token m={}, row n={}{}) cycle {}: expected {}, "
          "got {}\n",
          m.what, m.beat, m.m, m.n, m.n >= shape_.n ? ", padding lane" : "", m.cycle, m.expected,
          m.actual);
    }
  }
  return r;
}

}  // namespace ternac
