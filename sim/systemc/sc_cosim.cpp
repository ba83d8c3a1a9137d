// SystemC co-simulation: the Verilated RTL (SystemC flavour) beside the golden model's TLM-2.0
// target. The driver, monitor and scoreboard are the C++ harness's own (testbench/env/
// gemm_driver.h), behind a SystemC adapter: every backpressure pattern on every stream, every
// result compared bit-exactly with the target's, the cycle count against the target's annotated
// delay, the status counters against the target's, and a failure if anything is left unmatched. One
// binary per array configuration (TERNAC_VTOP).
//
//   sc_cosim_<config> [--seed S] [--commands N] [--pattern NAME] [--backpressure P] [--directed]
//                     [--illegal] [--bad]
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

#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/streams.h"
#include "ternac/model/workload/workload.h"
#include "ternac/sim/cli_args.h"
#include "ternac/sim/systemc/gemm_target.h"
#include "ternac/sim/systemc/top_pins.h"
#include "ternac/testbench/env/backpressure.h"
#include "ternac/testbench/env/gemm_driver.h"
#include "ternac/testbench/env/hw_config.h"
#include "ternac/testbench/env/port_bits.h"
#include "ternac/testbench/env/scoreboard.h"

namespace ternac {
namespace {

using namespace sc_core;
using VTop = TERNAC_VTOP;

// --- The wires between the DUT and the testbench: every pin (top_pins.h) and a free clock ------
struct Wires : sc::TopPins<VTop> {
  sc_clock clk{"clk", 1, SC_NS};
  void bind(VTop& d) { sc::TopPins<VTop>::bind(d, clk); }
};

// --- The adapter between the shared driver (gemm_driver.h) and the SystemC signals -------------
// At every rising edge: the outputs of the cycle that ends go to the active driver (the monitor
// and scoreboard), then its inputs for the next cycle go on the signals. The DUT samples the
// signals' old values at the same edge, as a register would.
class PinAdapter : public sc_module {
 public:
  SC_HAS_PROCESS(PinAdapter);
  PinAdapter(sc_module_name n, Wires& w, const ArrayConfig& cfg) : sc_module(n), w_(w) {
    res_.resize(static_cast<std::size_t>((cfg.lanes * cfg.acc_width + 31) / 32));
    SC_THREAD(run);
  }
  // The driver of the command in flight (null: idle inputs, result ready high).
  void attach(GemmDriver* d) {
    driver_ = d;
    ++generation_;
  }
  std::uint64_t cycle = 0;
  std::uint64_t stray_beats = 0;  // result beats taken while no driver was attached

 private:
  void run() {
    std::uint64_t drove = 0;  // the generation whose inputs are on the signals (0: idle inputs)
    bool ready = false;
    for (;;) {
      wait(w_.clk.posedge_event());
      ++cycle;
      if (driver_ && drove == generation_) {
        driver_->observe(w_.read(ready, res_));
      } else if (ready && w_.res_valid.read()) {
        ++stray_beats;
      }
      if (driver_) {
        const TopInputs& in = driver_->inputs();
        w_.write(in);
        ready = in.res_ready;
        drove = generation_;
      } else {
        ready = true;
        w_.idle(ready);
        drove = 0;
      }
    }
  }
  Wires& w_;
  GemmDriver* driver_ = nullptr;
  std::uint64_t generation_ = 0;
  Beat res_;
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
  Sequencer(sc_module_name n, Wires& w, PinAdapter& pins, Scoreboarder& sb, GemmTarget& target,
            const ArrayConfig& cfg, std::function<void(Sequencer&)> plan)
      : sc_module(n),
        w_(w),
        pins_(pins),
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

  // Runs one command through the shared driver; returns true when everything matched.
  bool command(const std::string& name, const GemmProblem& p, const Backpressure& bp,
               Padding padding, std::uint64_t seed) {
    GemmExtension ext;
    sc_time delay;
    const tlm::tlm_response_status rs = sb_.expect(p, ext, delay);
    const bool accepted = rs == tlm::TLM_OK_RESPONSE;
    // A command the array rejects opens no stream: there is nothing to stream or to check.
    GemmDriver driver(cfg_, bp, seed);
    driver.push({&p, accepted, padding, seed,
                 accepted ? std::move(ext.result) : std::vector<std::int64_t>{}});
    const std::uint64_t bad_before = w_.bad_count.read();
    const std::uint64_t stray_before = pins_.stray_beats;
    ++totals.commands;
    const std::uint64_t limit = (accepted ? ext.cycles : 10) * 64 + 10000;
    pins_.attach(&driver);
    std::uint64_t waited = 0;
    while (!driver.idle() && waited < limit) {
      cycles(1);
      ++waited;
    }
    cycles(1);  // let the final handshake settle before the next command
    if (!accepted) cycles(10);
    pins_.attach(nullptr);
    const CommandState& c = driver.command(0);
    const std::string stalls =
        bp.none() ? "no stall" : fmt::format("{} backpressure", Backpressure::name(bp.pattern));
    bool ok = true;
    if (accepted) {
      const std::uint64_t rtl_cycles = c.cycles();
      const auto model_cycles = static_cast<std::uint64_t>(delay / w_.clk.period());
      std::string why = c.failure + c.board->final_report();
      if (!c.taken) why += "the array never took the command\n";
      if (c.taken && !c.streams_done()) why += "streams left untaken\n";
      if (driver.stray_beats() != 0) why += "result beats came with no command waiting\n";
      if (bp.none() && rtl_cycles != model_cycles) {
        why += fmt::format("RTL took {} cycles, the model's annotated delay is {} cycles\n",
                           rtl_cycles, model_cycles);
      }
      if (!bp.none() && rtl_cycles < model_cycles) {
        why += fmt::format("RTL took {} cycles under backpressure, fewer than the model's {}\n",
                           rtl_cycles, model_cycles);
      }
      totals.values += c.board->checked_values();
      if (!why.empty()) {
        fail(fmt::format("{} {} ({}): {}", name, p.shape.str(), stalls, why));
        ok = false;
      }
    } else {
      if (w_.bad_count.read() != bad_before + 1 || !(w_.status.read() & 2u)) {
        fail(
            fmt::format("{} {}: the array did not flag the rejected command", name, p.shape.str()));
        ok = false;
      }
      if (driver.stray_beats() != 0 || pins_.stray_beats != stray_before) {
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
    return ok;
  }

 private:
  void run() {
    w_.rst_n.write(false);
    cycles(3);
    w_.rst_n.write(true);
    cycles(1);
    Beat cfg((kHwConfigBits + 31) / 32);  // every word of the 104-bit register
    sc::beat_from(w_.hw_config.read(), cfg);
    const ArrayConfig hw = decode_hw_config(cfg);
    if (!(hw == cfg_)) fail("hw_config_o " + hw.name() + " differs from " + cfg_.name());
    clear_status();
    plan_(*this);
    sc_stop();
  }
  Wires& w_;
  PinAdapter& pins_;
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
    a = std::make_unique<CliArgs>(
        args, std::set<std::string>{"seed", "commands", "backpressure", "pattern"},
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
  // --pattern NAME: every random command under that pattern ("none": no stall); without it the
  // commands alternate between no stall and each pattern in turn.
  const std::string pattern_name = a->str("pattern", "");
  Backpressure::Pattern pattern = Backpressure::Pattern::kRandom;
  if (!pattern_name.empty() && pattern_name != "none" &&
      !Backpressure::parse(pattern_name, pattern)) {
    std::fprintf(stderr, "%s: --pattern must be none, %s, not '%s'\n", self.c_str(),
                 Backpressure::names().c_str(), pattern_name.c_str());
    return 2;
  }
  if (fixed_bp && !pattern_name.empty() && pattern_name != "random") {
    std::fprintf(stderr, "%s: --backpressure goes with --pattern random only\n", self.c_str());
    return 2;
  }
  const ArrayConfig cfg = built_config();
  std::printf("sc_cosim %s: seed=%llu\n", cfg.name().c_str(),
              static_cast<unsigned long long>(seed));

  Verilated::commandArgs(argc, argv);
  Wires wires;
  VTop dut("dut");
  wires.bind(dut);
  PinAdapter pins("pins", wires, cfg);
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
      std::mt19937_64 rng(cs);
      const GemmProblem p = random_problem(random_command(cfg, cs, rng));
      // Alternate no-stall (cycle-exact) and backpressured commands, the backpressured ones
      // through the five patterns in turn, unless --pattern or --backpressure fixes one.
      Backpressure b;
      if (pattern_name == "none") {
        b = Backpressure{};
      } else if (!pattern_name.empty() || fixed_bp) {
        b = pattern == Backpressure::Pattern::kRandom ? Backpressure::random_all(bp)
                                                      : Backpressure::with(pattern);
      } else if (i % 2) {
        const auto turn = static_cast<Backpressure::Pattern>((i / 2) % Backpressure::kPatterns);
        b = turn == Backpressure::Pattern::kRandom ? Backpressure::random_all(bp)
                                                   : Backpressure::with(turn);
      }
      const std::string b_name = b.none() ? "none" : Backpressure::name(b.pattern);
      s.repro = fmt::format("{} --seed {} --commands 1 --pattern {}{}", self, cs, b_name,
                            b_name == "random" ? fmt::format(" --backpressure {}", bp) : "");
      s.command(fmt::format("random seed {}", cs), p, b,
                b.none() ? Padding::kZero : Padding::kRandom, cs);
    }
  };
  Sequencer seq("sequencer", wires, pins, scoreboard, target, cfg, plan);
  sc_start();
  dut.final();
  const Totals& t = seq.totals;
  std::printf("sc_cosim %s: %llu commands, %llu values checked, %llu failures: %s\n",
              cfg.name().c_str(), static_cast<unsigned long long>(t.commands),
              static_cast<unsigned long long>(t.values),
              static_cast<unsigned long long>(t.failures), t.failures ? "FAIL" : "PASS");
  return t.failures ? 1 : 0;
}
