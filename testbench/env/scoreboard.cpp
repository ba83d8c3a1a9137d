#include "ternac/testbench/env/scoreboard.h"

#include <fmt/format.h>

#include <stdexcept>

namespace ternac {
namespace {
constexpr std::size_t kKeptMismatches = 16;
}

Scoreboard::Scoreboard(const ArrayConfig& config, const GemmProblem& problem)
    : config_(config),
      problem_(&problem),
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
    if (real) ++checked_results_;
    if (actual != expected) record({index, place.m, n, expected, actual, cycle, "value"});
  }
  if (last != place.last) {
    record({index, place.m, place.n0, place.last, last, cycle, "last flag"});
  }
}

std::string Scoreboard::triage(const Mismatch& m) const {
  if (problem_ == nullptr || m.what != "value" || m.n >= shape_.n) return "";
  // The golden model's sum of the first mismatch tile by tile, as the lane accumulates it
  // (full-precision trees; with capped trees a tile's sum may saturate, and the exact sums
  // below are only a guide).
  const auto T = static_cast<std::uint32_t>(config_.tree_inputs);
  const std::int8_t* x = &problem_->activations[std::size_t{m.m} * shape_.k];
  std::vector<std::int64_t> tile_sums, prefix;
  std::int64_t acc = 0;
  for (std::uint32_t k0 = 0; k0 < shape_.k; k0 += T) {
    std::int64_t t = 0;
    for (std::uint32_t k = k0; k < shape_.k && k < k0 + T; ++k) {
      t += problem_->weight_value(std::size_t{m.n} * shape_.k + k) * x[k];
    }
    tile_sums.push_back(t);
    acc += t;
    prefix.push_back(wrap_to_width(acc, config_.acc_width));
  }
  std::string r = fmt::format(
      "  triage of token m={}, row n={}: the golden partial sum after each "
      "of the {} K tiles:",
      m.m, m.n, prefix.size());
  for (std::size_t t = 0; t < prefix.size() && t < 12; ++t) r += fmt::format(" {}", prefix[t]);
  r += prefix.size() > 12 ? " ...\n" : "\n";
  const std::int64_t diff = m.actual - m.expected;
  std::string why;
  for (std::size_t t = 0; t + 1 < prefix.size() && why.empty(); ++t) {
    if (prefix[t] == m.actual) {
      why = fmt::format(
          "the array's value is the partial sum after K tile {}: the tiles after it "
          "were not accumulated",
          t);
    }
  }
  for (std::size_t t = 0; t < tile_sums.size() && why.empty(); ++t) {
    if (tile_sums[t] != 0 && diff == -tile_sums[t]) {
      why = fmt::format("the difference is minus K tile {}'s sum ({}): that tile was dropped", t,
                        tile_sums[t]);
    } else if (tile_sums[t] != 0 && diff == tile_sums[t]) {
      why = fmt::format("the difference is K tile {}'s sum ({}): that tile was added twice", t,
                        tile_sums[t]);
    }
  }
  if (why.empty()) {
    std::int64_t negatives = 0;  // -1 weights of the row
    for (std::uint32_t k = 0; k < shape_.k; ++k) {
      negatives += problem_->weight_value(std::size_t{m.n} * shape_.k + k) < 0;
    }
    if (negatives != 0 && diff == -negatives) {
      why = fmt::format(
          "the difference is minus the row's {} weights of -1: the +1 of each "
          "negation (-x = ~x + 1) was lost",
          negatives);
    }
  }
  r += fmt::format("  difference {}{}\n", diff, why.empty() ? "" : "; " + why);
  return r;
}

std::string Scoreboard::final_report() const {
  std::string r;
  if (!complete()) {
    r += fmt::format("received {} of {} result beats\n", received_, order_.total_beats());
  }
  if (total_mismatches_ > 0) {
    r += fmt::format("{} mismatches (first {} shown):\n", total_mismatches_, mismatches_.size());
    const auto lanes = static_cast<std::uint32_t>(config_.lanes);
    const auto tokens = static_cast<std::uint32_t>(config_.token_tile);
    for (const auto& m : mismatches_) {
      r += fmt::format(
          "  {} at result beat {} (token m={}, row n={}{}; token block {}, N tile {}, lane {}) "
          "cycle {}: expected {}, got {}\n",
          m.what, m.beat, m.m, m.n, m.n >= shape_.n ? ", padding lane" : "", m.m / tokens,
          m.n / lanes, m.n % lanes, m.cycle, m.expected, m.actual);
    }
    for (const auto& m : mismatches_) {
      if (m.what == "value" && m.n < shape_.n) {
        r += triage(m);
        break;
      }
    }
  }
  return r;
}

}  // namespace ternac
