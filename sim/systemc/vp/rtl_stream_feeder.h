// Feeds one GEMM command into the Verilated RTL's valid/ready streams (SystemC flavour) and
// collects its results through the shared driver (testbench/env/gemm_driver.h): the only code
// that touches the RTL's ports. It knows nothing about
// registers or memory; the RTL accelerator hands it a command with its operands and gets back
// Y, the cycle count and the status counters. Every producer offers a beat in every cycle and the
// result consumer is always ready, so the command takes exactly the cycle model's count.
//
// The RTL's clock is gated: this module toggles it only while a command runs (one period per
// cycle), so an idle device costs nothing. Power-on reset happens at time 0 in delta cycles (no
// simulated time). One SystemC thread owns every signal; run() hands it a command and waits.
#pragma once

// The Verilated SystemC header (before this one) brings in systemc.h, which verilated.h needs.
#include <verilated.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <systemc>
#include <type_traits>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/streams.h"
#include "ternac/sim/systemc/top_pins.h"
#include "ternac/testbench/env/gemm_driver.h"
#include "ternac/testbench/env/hw_config.h"
#include "ternac/testbench/env/port_bits.h"

namespace ternac::vp {

// What one command did in the RTL.
struct StreamRun {
  std::vector<std::int64_t> y;  // M x N, row-major
  std::uint64_t cycles = 0;     // command handshake to last result handshake, inclusive
  std::uint32_t illegal_trits = 0, bad_cmds = 0, tree_overflows = 0;  // the RTL's counters
  std::string failure;  // empty unless the RTL broke the stream protocol or timed out
};

template <typename VTop>
class RtlStreamFeeder : public sc_core::sc_module {
 public:
  // `expected`: the configuration the RTL must report on hw_config_o (checked at reset).
  RtlStreamFeeder(sc_core::sc_module_name name, const ArrayConfig& expected,
                  sc_core::sc_time period)
      : sc_module(name), expected_(expected), half_(period / 2), dut_("dut") {
    if (period.value() % 2 != 0) {
      throw std::invalid_argument("the RTL's clock period must be an even number of time units");
    }
    pins_.bind(dut_, clk_);
    SC_HAS_PROCESS(RtlStreamFeeder);
    SC_THREAD(thread);
  }

  // Runs `problem` (already checked: the array accepts its shape) through the RTL; returns after
  // its last result handshake, StreamRun::cycles periods later. Call from a SystemC thread.
  StreamRun run(const GemmProblem& problem) {
    job_ = &problem;
    job_event_.notify();
    wait(done_event_);
    return std::move(outcome_);
  }

  // The configuration the RTL reported (valid once the reset at time 0 is over).
  const ArrayConfig& hw_config() const { return reported_; }

 private:
  // A clock edge pair in zero time (power-on reset only), each edge settled over two deltas.
  void pulse_in_zero_time() {
    clk_.write(false);
    wait(sc_core::SC_ZERO_TIME);
    wait(sc_core::SC_ZERO_TIME);
    clk_.write(true);
    wait(sc_core::SC_ZERO_TIME);
    wait(sc_core::SC_ZERO_TIME);
  }

  void thread() {
    pins_.rst_n.write(false);
    for (int i = 0; i < 3; ++i) pulse_in_zero_time();
    pins_.rst_n.write(true);
    pulse_in_zero_time();
    Beat cfg((kHwConfigBits + 31) / 32);
    sc::beat_from(pins_.hw_config.read(), cfg);
    reported_ = decode_hw_config(cfg);
    if (!(reported_ == expected_)) {
      SC_REPORT_ERROR(name(), ("the RTL reports hw_config " + reported_.name() +
                               ", the device was made for " + expected_.name())
                                  .c_str());
    }
    for (;;) {
      while (job_ == nullptr) wait(job_event_);
      outcome_ = feed(*job_);
      job_ = nullptr;
      done_event_.notify();
    }
  }

  // The shared driver (testbench/env/gemm_driver.h) makes the beats and takes the results; this
  // adapter moves them to and from the signals, one clock period per cycle.
  StreamRun feed(const GemmProblem& p) {
    const ArrayConfig& c = expected_;
    StreamRun out;
    CommandSpec spec;
    spec.problem = &p;
    spec.check = false;  // the device wants the RTL's results, whatever they are
    spec.collect = true;
    GemmDriver driver(c, Backpressure{}, 1);  // no stall: the cycle model's count exactly
    driver.push(std::move(spec));
    const std::uint64_t limit = predict_cycles(c, p.shape).cycles * 4 + 1000;
    Beat res(static_cast<std::size_t>((c.lanes * c.acc_width + 31) / 32));
    // The counters count this command alone: cleared in the cycle the command is taken.
    pins_.clr_status.write(true);
    while (!driver.idle()) {
      if (driver.cycle() > limit) {
        out.failure = "no last result after " + std::to_string(driver.cycle()) + " cycles";
        break;
      }
      const TopInputs& in = driver.inputs();
      pins_.write(in);
      clk_.write(false);
      wait(half_);  // inputs and the ready outputs have settled: sample the handshakes
      driver.observe(pins_.read(in.res_ready, res));
      clk_.write(true);
      wait(half_);  // the rising edge has been taken
      if (driver.command(0).taken) pins_.clr_status.write(false);
    }
    pins_.idle(true);
    pins_.clr_status.write(false);
    const CommandState& run = driver.command(0);
    out.y = run.y;
    out.cycles = run.cycles();
    out.failure += run.failure;
    if (!run.streams_done()) out.failure += " streams left untaken";
    if (driver.stray_beats() != 0) out.failure += " result beats with no command";
    out.illegal_trits = pins_.illegal_count.read();
    out.bad_cmds = pins_.bad_count.read();
    out.tree_overflows = pins_.overflow_count.read();
    return out;
  }

  ArrayConfig expected_, reported_;
  sc_core::sc_time half_;
  VTop dut_;
  sc_core::sc_signal<bool> clk_{"clk"};  // gated: toggled only while a command runs
  sc::TopPins<VTop> pins_;
  const GemmProblem* job_ = nullptr;
  StreamRun outcome_;
  sc_core::sc_event job_event_, done_event_;
};

}  // namespace ternac::vp
