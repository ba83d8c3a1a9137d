// Stream backpressure of a co-simulation run, shared by the C++ harness and the SystemC bench.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace ternac {

// How producers offer beats (valid) and the result consumer takes them (ready), per cycle.
struct Backpressure {
  enum class Pattern {
    kRandom,            // each stream independently, with its probability below
    kAlternate,         // every other cycle, streams out of phase
    kBursts,            // on and off runs of 1..64 cycles, random lengths, per stream
    kStallThenRelease,  // nothing at all for 300 cycles, then everything every cycle
    kStallLastResult,   // no stall, except the final result beat waits 200 cycles
  };
  Pattern pattern = Pattern::kRandom;
  double cmd_valid = 1.0;
  double wgt_valid = 1.0;
  double act_valid = 1.0;
  double res_ready = 1.0;

  // True for the no-stall run whose cycle count must equal the cycle model's.
  bool none() const {
    return pattern == Pattern::kRandom && cmd_valid >= 1.0 && wgt_valid >= 1.0 &&
           act_valid >= 1.0 && res_ready >= 1.0;
  }
  // The lowest rate at which some stream moves, as a fraction of cycles: the random pattern's
  // smallest probability (1 for the other patterns, which stall for bounded stretches). A run
  // takes about 1 / rate times the cycles of a run without stalls.
  double slowest_rate() const {
    if (pattern != Pattern::kRandom) return 1.0;
    double r = cmd_valid;
    for (double p : {wgt_valid, act_valid, res_ready}) r = p < r ? p : r;
    return r < 1.0 ? r : 1.0;
  }
  static Backpressure random_all(double p) { return {Pattern::kRandom, p, p, p, p}; }
  // The patterns by name, as the benches' --pattern options spell them.
  static constexpr const char* kPatternNames[] = {"random", "alternate", "bursts",
                                                  "stall_then_release", "stall_last_result"};
  static constexpr int kPatterns = sizeof(kPatternNames) / sizeof(kPatternNames[0]);
  static_assert(kPatterns == static_cast<int>(Pattern::kStallLastResult) + 1,
                "a name for every pattern, in the enum's order");
  static const char* name(Pattern p) { return kPatternNames[static_cast<int>(p)]; }
  // The names, comma-separated, for messages.
  static std::string names() {
    std::string s;
    for (int i = 0; i < kPatterns; ++i) s += std::string(i ? ", " : "") + kPatternNames[i];
    return s;
  }
  // The pattern called `name`; false if there is none.
  static bool parse(const std::string& name, Pattern& out) {
    for (int i = 0; i < kPatterns; ++i) {
      if (name == kPatternNames[i]) {
        out = static_cast<Pattern>(i);
        return true;
      }
    }
    return false;
  }
  static Backpressure with(Pattern p) { return {p, 1.0, 1.0, 1.0, 1.0}; }
};

// Per-stream decisions for one run (streams: 0 cmd, 1 wgt, 2 act, 3 res).
class BackpressureGen {
 public:
  BackpressureGen(const Backpressure& bp, std::uint64_t seed) : bp_(bp), rng_(seed) {}

  // Whether stream `s` offers (or accepts) a beat in `cycle` of the run; `last_result` tells
  // that only the final result beat is still to come.
  bool offer(int s, std::uint64_t cycle, bool last_result = false) {
    switch (bp_.pattern) {
      case Backpressure::Pattern::kRandom: {
        const double p = s == 0   ? bp_.cmd_valid
                         : s == 1 ? bp_.wgt_valid
                         : s == 2 ? bp_.act_valid
                                  : bp_.res_ready;
        return p >= 1.0 || unit_(rng_) < p;
      }
      case Backpressure::Pattern::kAlternate:
        return (cycle + static_cast<std::uint64_t>(s)) % 2 == 0;
      case Backpressure::Pattern::kBursts:
        if (left_[s] == 0) {
          on_[s] = !on_[s];
          left_[s] = 1 + rng_() % 64;
        }
        --left_[s];
        return on_[s];
      case Backpressure::Pattern::kStallThenRelease:
        return cycle >= 300;
      case Backpressure::Pattern::kStallLastResult:
        if (s == 3 && last_result) return last_wait_++ >= 200;
        return true;
    }
    return true;
  }

 private:
  Backpressure bp_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> unit_{0.0, 1.0};
  bool on_[4] = {true, false, true, false};
  std::uint64_t left_[4] = {0, 0, 0, 0};
  std::uint64_t last_wait_ = 0;
};

}  // namespace ternac
