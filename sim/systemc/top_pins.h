// The signals around a SystemC-flavoured Verilated ternac_top, and the copy between them and the
// shared driver's TopInputs / TopOutputs (testbench/env/gemm_driver.h): what the SystemC
// co-simulation (sc_cosim.cpp) and the virtual platform's RTL feeder (vp/rtl_stream_feeder.h)
// share. The clock is each one's own (a free-running sc_clock, a gated signal).
//
// Include after the Verilated SystemC header, which brings in systemc.h.
#pragma once

#include <systemc>
#include <type_traits>

#include "ternac/testbench/env/gemm_driver.h"
#include "ternac/testbench/env/port_bits.h"

namespace ternac::sc {

// Beats in and out of SystemC values of any width (bool, integers, sc_bv).
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

// Every pin of ternac_top but the clock, as a signal.
template <typename VTop>
struct TopPins {
  sc_core::sc_signal<bool> rst_n{"rst_n", false};
  sc_core::sc_signal<bool> cmd_valid{"cmd_valid"}, cmd_ready{"cmd_ready"};
  sc_core::sc_signal<bool> wgt_valid{"wgt_valid"}, wgt_ready{"wgt_ready"};
  sc_core::sc_signal<bool> act_valid{"act_valid"}, act_ready{"act_ready"};
  sc_core::sc_signal<bool> res_valid{"res_valid"}, res_ready{"res_ready"}, res_last{"res_last"};
  sc_core::sc_signal<bool> clr_status{"clr_status"}, busy{"busy"};
  signal_for<decltype(VTop::cmd_i)> cmd{"cmd"};
  signal_for<decltype(VTop::wgt_data_i)> wgt{"wgt"};
  signal_for<decltype(VTop::act_data_i)> act{"act"};
  signal_for<decltype(VTop::res_data_o)> res{"res"};
  signal_for<decltype(VTop::status_o)> status{"status"};
  signal_for<decltype(VTop::illegal_trit_count_o)> illegal_count{"illegal_count"};
  signal_for<decltype(VTop::bad_cmd_count_o)> bad_count{"bad_count"};
  signal_for<decltype(VTop::tree_overflow_count_o)> overflow_count{"overflow_count"};
  signal_for<decltype(VTop::hw_config_o)> hw_config{"hw_config"};

  template <typename Clock>
  void bind(VTop& d, Clock& clk) {
    d.clk_i(clk);
    d.rst_ni(rst_n);
    d.cmd_valid_i(cmd_valid);
    d.cmd_ready_o(cmd_ready);
    d.cmd_i(cmd);
    d.wgt_valid_i(wgt_valid);
    d.wgt_ready_o(wgt_ready);
    d.wgt_data_i(wgt);
    d.act_valid_i(act_valid);
    d.act_ready_o(act_ready);
    d.act_data_i(act);
    d.res_valid_o(res_valid);
    d.res_ready_i(res_ready);
    d.res_data_o(res);
    d.res_last_o(res_last);
    d.clr_status_i(clr_status);
    d.busy_o(busy);
    d.status_o(status);
    d.illegal_trit_count_o(illegal_count);
    d.bad_cmd_count_o(bad_count);
    d.tree_overflow_count_o(overflow_count);
    d.hw_config_o(hw_config);
  }

  // One cycle's inputs from the driver onto the signals.
  void write(const TopInputs& in) {
    cmd_valid.write(in.cmd_valid);
    if (in.cmd_valid) drive(cmd, *in.cmd);
    wgt_valid.write(in.wgt_valid);
    if (in.wgt_valid) drive(wgt, *in.wgt);
    act_valid.write(in.act_valid);
    if (in.act_valid) drive(act, *in.act);
    res_ready.write(in.res_ready);
  }

  // No beat offered on cmd, wgt or act; the result ready as given.
  void idle(bool ready) {
    cmd_valid.write(false);
    wgt_valid.write(false);
    act_valid.write(false);
    res_ready.write(ready);
  }

  // One cycle's outputs for the driver; the result beat is read into `beat` when it is taken
  // (`ready`: the res_ready of that cycle's inputs).
  TopOutputs read(bool ready, Beat& beat) const {
    TopOutputs out;
    out.cmd_ready = cmd_ready.read();
    out.wgt_ready = wgt_ready.read();
    out.act_ready = act_ready.read();
    out.res_valid = res_valid.read();
    out.res_last = res_last.read();
    out.busy = busy.read();
    if (out.res_valid && ready) beat_from(res.read(), beat);
    out.res = &beat;
    return out;
  }
};

}  // namespace ternac::sc
