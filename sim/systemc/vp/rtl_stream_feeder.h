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

namespace detail {

// Beats in and out of SystemC signals of any width (bool, integers, sc_bv).
template <typename T>
std::enable_if_t<std::is_integral_v<T>, T> beat_to(const Beat& b, T*) {
  T v{};
  assign_port(v, b);
  return v;
}
template <int W>
sc_dt::sc_bv<W> beat_to(const Beat& b, sc_dt::sc_bv<W>*) {
  sc_dt::sc_bv<W> v;
  for (int i = 0; i * 32 < W; ++i) v.set_word(i, i < static_cast<int>(b.size()) ? b[i] : 0u);
  return v;
}
template <typename T>
std::enable_if_t<std::is_integral_v<T>> beat_from(const T& v, Beat& b) {
  read_port(v, b);
}
template <int W>
void beat_from(const sc_dt::sc_bv<W>& v, Beat& b) {
  for (int i = 0; i * 32 < W && i < static_cast<int>(b.size()); ++i) b[i] = v.get_word(i);
}
template <typename S>
void drive(S& sig, const Beat& b) {
  using T = typename S::value_type;
  sig.write(beat_to(b, static_cast<T*>(nullptr)));
}
template <typename Port>
using signal_for = sc_core::sc_signal<typename std::remove_reference_t<Port>::data_type>;

}  // namespace detail

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
    dut_.clk_i(clk_);
    dut_.rst_ni(rst_n_);
    dut_.cmd_valid_i(cmd_valid_);
    dut_.cmd_ready_o(cmd_ready_);
    dut_.cmd_i(cmd_);
    dut_.wgt_valid_i(wgt_valid_);
    dut_.wgt_ready_o(wgt_ready_);
    dut_.wgt_data_i(wgt_);
    dut_.act_valid_i(act_valid_);
    dut_.act_ready_o(act_ready_);
    dut_.act_data_i(act_);
    dut_.res_valid_o(res_valid_);
    dut_.res_ready_i(res_ready_);
    dut_.res_data_o(res_);
    dut_.res_last_o(res_last_);
    dut_.clr_status_i(clr_status_);
    dut_.busy_o(busy_);
    dut_.status_o(status_);
    dut_.illegal_trit_count_o(illegal_count_);
    dut_.bad_cmd_count_o(bad_count_);
    dut_.tree_overflow_count_o(overflow_count_);
    dut_.hw_config_o(hw_config_);
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
    rst_n_.write(false);
    for (int i = 0; i < 3; ++i) pulse_in_zero_time();
    rst_n_.write(true);
    pulse_in_zero_time();
    Beat cfg((kHwConfigBits + 31) / 32);
    detail::beat_from(hw_config_.read(), cfg);
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
    clr_status_.write(true);
    while (!driver.idle()) {
      if (driver.cycle() > limit) {
        out.failure = "no last result after " + std::to_string(driver.cycle()) + " cycles";
        break;
      }
      const TopInputs& in = driver.inputs();
      cmd_valid_.write(in.cmd_valid);
      if (in.cmd_valid) detail::drive(cmd_, *in.cmd);
      wgt_valid_.write(in.wgt_valid);
      if (in.wgt_valid) detail::drive(wgt_, *in.wgt);
      act_valid_.write(in.act_valid);
      if (in.act_valid) detail::drive(act_, *in.act);
      res_ready_.write(in.res_ready);
      clk_.write(false);
      wait(half_);  // inputs and the ready outputs have settled: sample the handshakes
      TopOutputs o;
      o.cmd_ready = cmd_ready_.read();
      o.wgt_ready = wgt_ready_.read();
      o.act_ready = act_ready_.read();
      o.res_valid = res_valid_.read();
      o.res_last = res_last_.read();
      o.busy = busy_.read();
      if (o.res_valid && in.res_ready) detail::beat_from(res_.read(), res);
      o.res = &res;
      driver.observe(o);
      clk_.write(true);
      wait(half_);  // the rising edge has been taken
      if (driver.command(0).taken) clr_status_.write(false);
    }
    cmd_valid_.write(false);
    wgt_valid_.write(false);
    act_valid_.write(false);
    clr_status_.write(false);
    const CommandState& run = driver.command(0);
    out.y = run.y;
    out.cycles = run.cycles();
    out.failure += run.failure;
    if (!run.streams_done()) out.failure += " streams left untaken";
    if (driver.stray_beats() != 0) out.failure += " result beats with no command";
    out.illegal_trits = illegal_count_.read();
    out.bad_cmds = bad_count_.read();
    out.tree_overflows = overflow_count_.read();
    return out;
  }

  ArrayConfig expected_, reported_;
  sc_core::sc_time half_;
  VTop dut_;
  sc_core::sc_signal<bool> clk_{"clk"}, rst_n_{"rst_n"};
  sc_core::sc_signal<bool> cmd_valid_{"cmd_valid"}, cmd_ready_{"cmd_ready"};
  sc_core::sc_signal<bool> wgt_valid_{"wgt_valid"}, wgt_ready_{"wgt_ready"};
  sc_core::sc_signal<bool> act_valid_{"act_valid"}, act_ready_{"act_ready"};
  sc_core::sc_signal<bool> res_valid_{"res_valid"}, res_ready_{"res_ready"}, res_last_{"res_last"};
  sc_core::sc_signal<bool> clr_status_{"clr_status"}, busy_{"busy"};
  detail::signal_for<decltype(VTop::cmd_i)> cmd_{"cmd"};
  detail::signal_for<decltype(VTop::wgt_data_i)> wgt_{"wgt"};
  detail::signal_for<decltype(VTop::act_data_i)> act_{"act"};
  detail::signal_for<decltype(VTop::res_data_o)> res_{"res"};
  detail::signal_for<decltype(VTop::status_o)> status_{"status"};
  detail::signal_for<decltype(VTop::illegal_trit_count_o)> illegal_count_{"illegal_count"};
  detail::signal_for<decltype(VTop::bad_cmd_count_o)> bad_count_{"bad_count"};
  detail::signal_for<decltype(VTop::tree_overflow_count_o)> overflow_count_{"overflow_count"};
  detail::signal_for<decltype(VTop::hw_config_o)> hw_config_{"hw_config"};
  const GemmProblem* job_ = nullptr;
  StreamRun outcome_;
  sc_core::sc_event job_event_, done_event_;
};

}  // namespace ternac::vp
