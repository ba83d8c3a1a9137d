// Stream backpressure of a co-simulation run, shared by the C++ harness and the SystemC bench.
#pragma once

namespace ternac {

// Probability, per cycle, that a producer offers a beat (valid) or the result consumer accepts
// one (ready). 1.0 everywhere is the no-stall run whose cycle count must match the cycle model.
struct Backpressure {
  double cmd_valid = 1.0;
  double wgt_valid = 1.0;
  double act_valid = 1.0;
  double res_ready = 1.0;
  bool none() const {
    return cmd_valid >= 1.0 && wgt_valid >= 1.0 && act_valid >= 1.0 && res_ready >= 1.0;
  }
  static Backpressure random_all(double p) { return {p, p, p, p}; }
};

}  // namespace ternac
