// SystemC co-simulation: the Verilated RTL (SystemC flavour) beside the golden model's TLM-2.0
// target, with a driver that applies random valid/ready backpressure on every stream, a monitor on
// the result stream, and a scoreboard that compares every result bit-exactly, checks the cycle
// count against the target's annotated delay, the status counters against the target's, and
// fails if anything is left unmatched. One binary per array configuration (TERNAC_VTOP).
//
//   sc_cosim_<config> [--seed S] [--commands N] [--backpressure P] [--directed] [--illegal] [--bad]
// The Verilated SystemC header first: it brings in systemc.h, which verilated.h relies on.
// clang-format off
#include TERNAC_VTOP_HEADER
// clang-format on

#include <fmt/format.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <verilated.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <systemc>
#include <tlm>
#include <type_traits>

#include "backpressure.h"
#include "cli_args.h"
#include "cycle_model.h"
#include "gemm_target.h"
#include "hw_config.h"
#include "port_bits.h"
#include "scoreboard.h"
#include "streams.h"
#include "workload.h"

namespace ternac {
namespace {

using namespace sc_core;
using VTop = TERNAC_VTOP;

// --- Beats in and out of SystemC signals of any width -------------------------------------------
template <typename T>
std::enable_if_t<std::is_integral_v<T>, T> to_value(const Beat& b, T*) {
  T v{};
  assign_port(v, b);
  return v;
}
template <int W>
sc_dt::sc_bv<W> to_value(const Beat& b, sc_dt::sc_bv<W>*) {
  sc_dt::sc_bv<W> v;
  for (int i = 0; i * 32 < W; ++i) v.set_word(i, i < int(b.size()) ? b[i] : 0u);
  return v;
}
template <typename T>
std::enable_if_t<std::is_integral_v<T>> from_value(const T& v, Beat& b) {
  read_port(v, b);
}
template <int W>
void from_value(const sc_dt::sc_bv<W>& v, Beat& b) {
  for (int i = 0; i * 32 < W && i < int(b.size()); ++i) b[i] = v.get_word(i);
}
template <typename S>
void drive(S& sig, const Beat& b) {
  using T = typename S::value_type;
  sig.write(to_value(b, static_cast<T*>(nullptr)));
}

template <typename Port>
using signal_for = sc_signal<typename std::remove_reference_t<Port>::data_type>;

// --- The wires between the DUT and the testbench ------------------------------------------------
struct Wires {
  sc_clock clk{"clk", 1, SC_NS};
  sc_signal<bool> rst_n{"rst_n", false};
  sc_signal<bool> cmd_valid{"cmd_valid"}, cmd_ready{"cmd_ready"};
  sc_signal<bool> wgt_valid{"wgt_valid"}, wgt_ready{"wgt_ready"};
  sc_signal<bool> act_valid{"act_valid"}, act_ready{"act_ready"};
  sc_signal<bool> res_valid{"res_valid"}, res_ready{"res_ready"}, res_last{"res_last"};
  sc_signal<bool> clr_status{"clr_status"}, busy{"busy"};
  signal_for<decltype(VTop::cmd_i)> cmd{"cmd"};
  signal_for<decltype(VTop::wgt_data_i)> wgt{"wgt"};
  signal_for<decltype(VTop::act_data_i)> act{"act"};
  signal_for<decltype(VTop::res_data_o)> res{"res"};
  signal_for<decltype(VTop::status_o)> status{"status"};
  signal_for<decltype(VTop::illegal_trit_count_o)> illegal_count{"illegal_count"};
  signal_for<decltype(VTop::bad_cmd_count_o)> bad_count{"bad_count"};
  signal_for<decltype(VTop::tree_overflow_count_o)> overflow_count{"overflow_count"};
  signal_for<decltype(VTop::hw_config_o)> hw_config{"hw_config"};

  void bind(VTop& d) {
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
};

// --- One command in flight, shared by the driver, the monitor and the scoreboard ----------------
struct Job {
  const GemmProblem* problem = nullptr;
  Backpressure bp;
  Padding padding = Padding::kZero;
  std::uint64_t seed = 1;
  std::unique_ptr<WeightStream> weights;
  std::unique_ptr<ActivationStream> acts;
  bool cmd_pending = false;
  std::uint64_t cmd_cycle = 0;
  std::uint64_t last_result_cycle = 0;
  std::unique_ptr<Scoreboard> board;
};

// Applies the command, weight and activation streams; valid stays up until the beat is taken.
class Driver : public sc_module {
 public:
  SC_HAS_PROCESS(Driver);
  Driver(sc_module_name n, Wires& w, Job& job, const ArrayConfig& cfg)
      : sc_module(n), w_(w), job_(job), cfg_(cfg) {
    SC_THREAD(run);
  }
  std::uint64_t cycle = 0;

 private:
  void run() {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto offer = [&](double p) { return p >= 1.0 || unit(rng) < p; };
    std::uint64_t seeded_for = ~0ull;
    for (;;) {
      wait(w_.clk.posedge_event());
      ++cycle;
      if (!job_.problem) {
        w_.cmd_valid.write(false);
        w_.wgt_valid.write(false);
        w_.act_valid.write(false);
        continue;
      }
      if (seeded_for != job_.seed) {
        rng.seed(job_.seed * 7 + 3);
        seeded_for = job_.seed;
      }
      // What was taken at this edge (valid and ready both high in the cycle before it).
      if (w_.cmd_valid.read() && w_.cmd_ready.read()) {
        job_.cmd_pending = false;
        job_.cmd_cycle = cycle - 1;
      }
      if (w_.wgt_valid.read() && w_.wgt_ready.read()) job_.weights->next();
      if (w_.act_valid.read() && w_.act_ready.read()) job_.acts->next();
      const bool streams = job_.weights != nullptr;
      const bool running = !job_.cmd_pending;
      const GemmShape& s = job_.problem->shape;
      const bool cmd_v = job_.cmd_pending && ((w_.cmd_valid.read() && !w_.cmd_ready.read()) ||
                                              offer(job_.bp.cmd_valid));
      w_.cmd_valid.write(cmd_v);
      if (cmd_v) drive(w_.cmd, Beat{s.m, s.n, s.k});
      const bool wgt_held = w_.wgt_valid.read() && !w_.wgt_ready.read();
      const bool wgt_v =
          running && streams && !job_.weights->done() && (wgt_held || offer(job_.bp.wgt_valid));
      w_.wgt_valid.write(wgt_v);
      if (wgt_v) drive(w_.wgt, job_.weights->current());
      const bool act_held = w_.act_valid.read() && !w_.act_ready.read();
      const bool act_v =
          running && streams && !job_.acts->done() && (act_held || offer(job_.bp.act_valid));
      w_.act_valid.write(act_v);
      if (act_v) drive(w_.act, job_.acts->current());
    }
  }
  Wires& w_;
  Job& job_;
  ArrayConfig cfg_;
};

// Samples result handshakes and hands each beat to the scoreboard; drives a random ready.
class Monitor : public sc_module {
 public:
  SC_HAS_PROCESS(Monitor);
  Monitor(sc_module_name n, Wires& w, Job& job, const Driver& drv, const ArrayConfig& cfg)
      : sc_module(n), w_(w), job_(job), drv_(drv), cfg_(cfg) {
    SC_THREAD(run);
  }
  std::uint64_t stray_beats = 0;

 private:
  void run() {
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Beat beat(static_cast<std::size_t>((cfg_.lanes * cfg_.acc_width + 31) / 32));
    for (;;) {
      wait(w_.clk.posedge_event());
      if (w_.res_valid.read() && w_.res_ready.read()) {
        from_value(w_.res.read(), beat);
        if (job_.board) {
          job_.board->on_result(beat, w_.res_last.read(), drv_.cycle - 1 - job_.cmd_cycle);
          job_.last_result_cycle = drv_.cycle - 1;
        } else {
          ++stray_beats;
        }
      }
      const double p = job_.problem ? job_.bp.res_ready : 1.0;
      w_.res_ready.write(p >= 1.0 || unit(rng) < p);
    }
  }
  Wires& w_;
  Job& job_;
  const Driver& drv_;
  ArrayConfig cfg_;
};

// Asks the model (through TLM) for the expected results and timing, and checks the RTL.
class Scoreboarder : public sc_module {
 public:
  tlm_utils::simple_initiator_socket<Scoreboarder> socket{"socket"};
  explicit Scoreboarder(sc_module_name n) : sc_module(n) {}

  // Returns the model's response; `delay` gets the annotated time.
  tlm::tlm_response_status expect(const GemmProblem& p, GemmExtension& ext, sc_time& delay) {
    tlm::tlm_generic_payload trans;
    ext.problem = &p;
    trans.set_command(tlm::TLM_WRITE_COMMAND);
    trans.set_address(0);
    trans.set_data_length(0);
    trans.set_extension(&ext);
    delay = SC_ZERO_TIME;
    socket->b_transport(trans, delay);
    trans.clear_extension(&ext);
    return trans.get_response_status();
  }
};

struct Totals {
  std::uint64_t commands = 0, values = 0, failures = 0;
};

class Sequencer : public sc_module {
 public:
  SC_HAS_PROCESS(Sequencer);
  Sequencer(sc_module_name n, Wires& w, Job& job, Driver& drv, Monitor& mon, Scoreboarder& sb,
            GemmTarget& target, const ArrayConfig& cfg, std::function<void(Sequencer&)> plan)
      : sc_module(n),
        w_(w),
        job_(job),
        drv_(drv),
        mon_(mon),
        sb_(sb),
        target_(target),
        cfg_(cfg),
        plan_(std::move(plan)) {
    SC_THREAD(run);
  }

  Totals totals;
  std::string repro;  // appended to failure messages

  void cycles(int n) {
    for (int i = 0; i < n; ++i) wait(w_.clk.posedge_event());
  }

  void clear_status() {
    w_.clr_status.write(true);
    cycles(1);
    w_.clr_status.write(false);
    cycles(1);
    target_.clear_status();
  }

  void fail(const std::string& what) {
    ++totals.failures;
    std::fprintf(stderr, "FAIL: %s\n  reproduce: %s\n", what.c_str(), repro.c_str());
  }

  // Runs one command; returns true when everything matched.
  bool command(const std::string& name, const GemmProblem& p, const Backpressure& bp,
               Padding padding, std::uint64_t seed) {
    GemmExtension ext;
    sc_time delay;
    const tlm::tlm_response_status rs = sb_.expect(p, ext, delay);
    const bool accepted = rs == tlm::TLM_OK_RESPONSE;
    job_.bp = bp;
    job_.padding = padding;
    job_.seed = seed;
    // A command the array rejects opens no stream: there is nothing to stream.
    job_.weights =
        accepted ? std::make_unique<WeightStream>(p, cfg_, padding, seed * 2 + 1) : nullptr;
    job_.acts =
        accepted ? std::make_unique<ActivationStream>(p, cfg_, padding, seed * 2 + 2) : nullptr;
    job_.board = accepted ? std::make_unique<Scoreboard>(cfg_, p.shape, ext.result) : nullptr;
    job_.cmd_pending = true;
    job_.problem = &p;
    const std::uint64_t bad_before = w_.bad_count.read();
    ++totals.commands;
    const std::uint64_t limit = (accepted ? ext.cycles : 10) * 64 + 10000;
    std::uint64_t waited = 0;
    bool ok = true;
    if (accepted) {
      while (!job_.board->complete() && waited < limit) {
        cycles(1);
        ++waited;
      }
      cycles(1);  // let the final handshake settle before the next command
      const std::uint64_t rtl_cycles = job_.last_result_cycle - job_.cmd_cycle + 1;
      const auto model_cycles = static_cast<std::uint64_t>(delay / w_.clk.period());
      std::string why = job_.board->final_report();
      if (!job_.weights->done() || !job_.acts->done()) why += "streams left untaken\n";
      if (bp.none() && rtl_cycles != model_cycles) {
        why += fmt::format("RTL took {} cycles, the model's annotated delay is {} cycles\n",
                           rtl_cycles, model_cycles);
      }
      if (!bp.none() && rtl_cycles < model_cycles) {
        why += fmt::format("RTL took {} cycles under backpressure, fewer than the model's {}\n",
                           rtl_cycles, model_cycles);
      }
      totals.values += job_.board->checked_values();
      if (!why.empty()) {
        fail(fmt::format("{} {} ({}): {}", name, p.shape.str(), bp.none() ? "no stall" : "stalls",
                         why));
        ok = false;
      }
    } else {
      while (job_.cmd_pending && waited < limit) {
        cycles(1);
        ++waited;
      }
      cycles(10);
      if (w_.bad_count.read() != bad_before + 1 || !(w_.status.read() & 2u)) {
        fail(
            fmt::format("{} {}: the array did not flag the rejected command", name, p.shape.str()));
        ok = false;
      }
      if (mon_.stray_beats) {
        fail(fmt::format("{} {}: results came for a rejected command", name, p.shape.str()));
        ok = false;
      }
    }
    if (w_.illegal_count.read() != target_.illegal_trit_count() ||
        w_.bad_count.read() != target_.bad_cmd_count()) {
      fail(fmt::format("{}: status counters RTL illegal {} bad {}, model illegal {} bad {}", name,
                       std::uint64_t(w_.illegal_count.read()), std::uint64_t(w_.bad_count.read()),
                       target_.illegal_trit_count(), target_.bad_cmd_count()));
      ok = false;
    }
    job_.problem = nullptr;
    job_.board.reset();
    return ok;
  }

 private:
  void run() {
    w_.rst_n.write(false);
    cycles(3);
    w_.rst_n.write(true);
    cycles(1);
    Beat cfg((kHwConfigBits + 31) / 32);  // every word of the 104-bit register
    from_value(w_.hw_config.read(), cfg);
    const ArrayConfig hw = decode_hw_config(cfg);
    if (!(hw == cfg_)) fail("hw_config_o " + hw.name() + " differs from " + cfg_.name());
    clear_status();
    plan_(*this);
    sc_stop();
  }
  Wires& w_;
  Job& job_;
  Driver& drv_;
  Monitor& mon_;
  Scoreboarder& sb_;
  GemmTarget& target_;
  ArrayConfig cfg_;
  std::function<void(Sequencer&)> plan_;
};

}  // namespace
}  // namespace ternac

int sc_main(int argc, char** argv) {
  using namespace ternac;
  const std::string self = argv[0];
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::unique_ptr<CliArgs> a;
  try {
    a = std::make_unique<CliArgs>(args, std::set<std::string>{"seed", "commands", "backpressure"},
                                  std::set<std::string>{"directed", "illegal", "bad"});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", self.c_str(), e.what());
    return 2;
  }
  const std::uint64_t seed = a->u64("seed", 1);
  const std::uint64_t count = a->u64("commands", 50);
  const bool fixed_bp = a->has("backpressure");
  const double bp = a->real("backpressure", 0.6);
  if (!(bp > 0 && bp <= 1)) {
    std::fprintf(stderr, "%s: --backpressure must be in (0, 1]\n", self.c_str());
    return 2;
  }
  const ArrayConfig cfg = built_config();
  std::printf("sc_cosim %s: seed=%llu\n", cfg.name().c_str(),
              static_cast<unsigned long long>(seed));

  Verilated::commandArgs(argc, argv);
  Wires wires;
  VTop dut("dut");
  wires.bind(dut);
  Job job;
  Driver driver("driver", wires, job, cfg);
  Monitor monitor("monitor", wires, job, driver, cfg);
  Scoreboarder scoreboard("scoreboard");
  GemmTarget target("model", cfg, wires.clk.period());
  scoreboard.socket.bind(target.socket);

  const auto plan = [&](Sequencer& s) {
    if (a->has("directed")) {
      s.repro = fmt::format("{} --directed", self);
      for (const DirectedCase& c : directed_cases(cfg)) {
        s.command(c.name, c.problem, {}, Padding::kZero, seed);
        s.command(c.name, c.problem, Backpressure::random_all(0.5), Padding::kRandom, seed);
      }
    }
    if (a->has("illegal")) {
      s.repro = fmt::format("{} --illegal --seed {}", self, seed);
      s.clear_status();
      GemmProblem p =
          random_problem({{std::uint32_t(cfg.token_tile + 2), std::uint32_t(cfg.lanes + 1),
                           std::uint32_t(cfg.tree_inputs + 3)},
                          seed,
                          0.3,
                          ActProfile::kUniform});
      p.weights.front() = p.weights.back() = static_cast<std::uint8_t>(TritCode::kIllegal);
      s.command("illegal", p, {}, Padding::kZero, seed);
      if (!(wires.status.read() & 1u)) s.fail("illegal_trit status bit not set");
      if (!target.illegal_trit()) s.fail("the model did not flag the illegal codes");
    }
    if (a->has("bad")) {
      s.repro = fmt::format("{} --bad", self);
      s.clear_status();
      const GemmShape bad[] = {
          {0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {1, 1, cfg.max_k() + 1}, {kMaxDim + 1, 1, 1}};
      for (const GemmShape& shape : bad) {
        GemmProblem p;
        p.shape = shape;  // no data: the array must not ask for any
        s.command("bad " + shape.str(), p, {}, Padding::kZero, seed);
      }
      const GemmProblem good = random_problem({{3, 5, 9}, seed, 0.4, ActProfile::kUniform});
      s.command("good after bad", good, {}, Padding::kZero, seed);
    }
    const bool random = !a->has("directed") && !a->has("illegal") && !a->has("bad");
    for (std::uint64_t i = 0; random && i < count; ++i) {
      const std::uint64_t cs = seed + i;
      s.repro = fmt::format("{} --seed {} --commands 1{}", self, cs,
                            fixed_bp ? fmt::format(" --backpressure {}", bp) : "");
      std::mt19937_64 rng(cs);
      const GemmProblem p = random_problem(random_command(cfg, cs, rng));
      // Alternate no-stall (cycle-exact) and backpressured commands unless --backpressure fixes P.
      const Backpressure b = fixed_bp ? Backpressure::random_all(bp)
                                      : (i % 2 ? Backpressure::random_all(bp) : Backpressure{});
      s.command(fmt::format("random seed {}", cs), p, b,
                b.none() ? Padding::kZero : Padding::kRandom, cs);
    }
  };
  Sequencer seq("sequencer", wires, job, driver, monitor, scoreboard, target, cfg, plan);
  sc_start();
  dut.final();
  const Totals& t = seq.totals;
  std::printf("sc_cosim %s: %llu commands, %llu values checked, %llu failures: %s\n",
              cfg.name().c_str(), static_cast<unsigned long long>(t.commands),
              static_cast<unsigned long long>(t.values),
              static_cast<unsigned long long>(t.failures), t.failures ? "FAIL" : "PASS");
  return t.failures ? 1 : 0;
}
