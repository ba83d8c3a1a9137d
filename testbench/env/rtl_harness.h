// Fast C++ harness: a Verilated ternac_top (C++ flavour) behind the shared driver, monitor and
// scoreboard (gemm_driver.h), which the SystemC co-simulation uses too. Templated on the Verilated
// class, so that every array configuration (a separate Verilated model) uses the same driver and
// checker.
#pragma once

#include <fmt/format.h>
#include <sys/resource.h>
#include <verilated.h>
#include <verilated_fst_c.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/op_counts.h"
#include "ternac/model/core/streams.h"
#include "ternac/testbench/env/backpressure.h"
#include "ternac/testbench/env/gemm_driver.h"
#include "ternac/testbench/env/hw_config.h"
#include "ternac/testbench/env/monitor_counters.h"
#include "ternac/testbench/env/port_bits.h"
#include "ternac/testbench/env/scoreboard.h"

namespace ternac {

// The handshake signals of one cycle, as sampled just before the rising edge.
struct HandshakeSample {
  bool cmd_valid, cmd_ready, wgt_valid, wgt_ready, act_valid, act_ready, res_valid, res_ready;
  bool busy;
};

struct RunOptions {
  Backpressure backpressure;
  // Called every cycle of the run, cycle 0 being the first cycle the command is offered.
  std::function<void(std::uint64_t, const HandshakeSample&)> on_cycle;
  std::uint64_t seed = 1;  // for backpressure and padding
  Padding padding = Padding::kZero;
  // Compare the RTL's energy counters with the operation-count model's prediction.
  bool check_counters = true;
  // Stop after this many cycles without checking anything (0: run to completion); the caller
  // then resets the array in the middle of the command.
  std::uint64_t abort_after = 0;
  // Fail with a timeout after this many cycles without the last result (0: watchdog_limit()).
  std::uint64_t watchdog_cycles = 0;
};

// The watchdog of a run: 64 times the cycle model's count plus 10000 cycles, divided by the
// slowest stream's rate under random backpressure (a stream offered with probability p moves
// about p beats per cycle, so a run takes about 1 / p times longer), saturating at 2^63.
inline std::uint64_t watchdog_limit(std::uint64_t predicted_cycles, const Backpressure& bp) {
  const double rate = bp.slowest_rate();
  const double limit = (static_cast<double>(predicted_cycles) * 64.0 + 10000.0) / rate;
  return !(limit < 9.2e18) ? (std::uint64_t{1} << 63) : static_cast<std::uint64_t>(limit);
}

struct StatusRegs {
  bool illegal_trit = false;
  bool bad_cmd = false;
  std::uint32_t illegal_trit_count = 0;
  std::uint32_t bad_cmd_count = 0;
  bool tree_overflow = false;
  std::uint32_t tree_overflow_count = 0;
};

struct RunReport {
  std::uint64_t cycles = 0;  // command handshake to last result handshake, inclusive
  std::uint64_t result_beats = 0;
  std::uint64_t checked_values = 0;   // every lane compared, padding lanes included
  std::uint64_t checked_results = 0;  // of those, the GEMM's results (M x N when complete)
  bool complete = false;  // every result beat arrived (cycles then covers the whole command)
  bool passed = false;
  std::string failure;  // empty when passed
  StatusRegs status;
  MonitorCounts counted;  // the RTL's energy monitors over this command (operations, toggles)
  std::uint64_t tree_overflows = 0;  // saturated tree evaluations (width-capped trees)
};

// True for a Verilated class built with FST tracing (ternac_rtl_model(... TRACE)).
template <typename T, typename = void>
struct HasFstTrace : std::false_type {};
template <typename T>
struct HasFstTrace<
    T, std::void_t<decltype(std::declval<T&>().trace(static_cast<VerilatedFstC*>(nullptr), 0))>>
    : std::true_type {};

// A waveform being written. Only models built with tracing make one (FstWriter), so that the
// others never reference Verilator's FST library.
class WaveWriter {
 public:
  virtual ~WaveWriter() = default;
  virtual void dump(std::uint64_t time) = 0;
};

template <typename VTop>
class FstWriter : public WaveWriter {
 public:
  FstWriter(VTop& top, const std::string& path) {
    top.trace(&fst_, 99);
    fst_.open(path.c_str());
    if (!fst_.isOpen()) throw std::runtime_error("cannot write the waveform " + path);
  }
  ~FstWriter() override { fst_.close(); }
  void dump(std::uint64_t time) override { fst_.dump(time); }

 private:
  VerilatedFstC fst_;
};

// Verilated models of very wide trees evaluate in deep stack frames: the 1 x 4096 array (the
// TreeInputs maximum) needs more than the usual 8 MB. Raises the soft stack limit of the
// process to 256 MB (or the hard limit) if it is lower; the main thread's stack grows up to the
// limit in force when it grows.
inline void raise_stack_limit() {
  constexpr rlim_t kWant = rlim_t{256} << 20;
  rlimit r{};
  if (getrlimit(RLIMIT_STACK, &r) != 0 || r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= kWant) {
    return;
  }
  r.rlim_cur = (r.rlim_max == RLIM_INFINITY || r.rlim_max > kWant) ? kWant : r.rlim_max;
  setrlimit(RLIMIT_STACK, &r);
}

template <typename VTop>
class RtlHarness {
 public:
  // Whether this model can write waveforms (trace_to).
  static constexpr bool kCanTrace = HasFstTrace<VTop>::value;

  // A model in the process's shared context (context()): plusargs, tracing and faults apply.
  RtlHarness() : RtlHarness(&context()) {}

  // A model in the caller's context, which must outlive the harness. Models in different
  // contexts may be evaluated on different threads at once (ternac model --jobs).
  explicit RtlHarness(VerilatedContext* ctx) {
    raise_stack_limit();
    static std::atomic<int> models{0};
    const std::string name = "top" + std::to_string(models++);
    apply_plusargs(*ctx);  // the monitors' initial blocks read them
    top_ = std::make_unique<VTop>(ctx, name.c_str());
    idle_inputs();
    top_->eval();  // settles the constant hw_config_o, runs the monitors' initial blocks
    Beat cfg(sizeof(top_->hw_config_o) / sizeof(std::uint32_t));  // every word of the port
    read_port(top_->hw_config_o, cfg);
    config_ = decode_hw_config(cfg);
    res_.resize(static_cast<std::size_t>((config_.lanes * config_.acc_width + 31) / 32));
    out_.res = &res_;
    monitors_ = std::make_unique<MonitorCounters>(*ctx, name);
    reset();
  }

  ~RtlHarness() {
    wave_.reset();
    top_->final();
  }

  // Turns tracing on in the shared context: call before making the harness that will trace
  // (Verilator wants it set before a traced model's first evaluation).
  static void enable_tracing() { context().traceEverOn(true); }

  // Writes every signal of the model to the FST file `path` from now on (GTKWave, Surfer), one
  // time unit per half clock cycle. Returns false, writing nothing, for a model built without
  // tracing; throws std::runtime_error when the file cannot be opened.
  bool trace_to(const std::string& path) {
    if constexpr (kCanTrace) {
      enable_tracing();
      wave_ = std::make_unique<FstWriter<VTop>>(*top_, path);
      return true;
    } else {
      (void)path;
      return false;
    }
  }

  // One Verilated context for every model of the process: Verilator keeps a per-thread pointer
  // to the last context, which must outlive every model that unregisters from it. Plusargs (such
  // as +ternac_fault=<n>) go here before the first harness is made.
  static VerilatedContext& context() {
    static VerilatedContext c;
    return c;
  }

  // Chooses test-only RTL fault n (docs/assertions.md; 0: none) for the models made after this
  // call. Only the fault build (testbench/faults) reads it; others ignore it.
  static void choose_fault(std::uint64_t n) {
    plusargs().fault = n;
    apply_plusargs();
  }

  // One clock cycle with the inputs as they are.
  void tick() {
    top_->clk_i = 0;
    eval(0);
    top_->clk_i = 1;
    eval(1);
    ++cycle_;
  }

  const ArrayConfig& config() const { return config_; }
  // Whether the model's energy monitors count toggles (Verilated with TERNAC_TOGGLES).
  bool counts_toggles() const { return monitors_->counts_toggles(); }
  VTop& top() { return *top_; }
  std::uint64_t cycle() const { return cycle_; }

  void reset() {
    idle_inputs();
    top_->rst_ni = 0;
    for (int i = 0; i < 3; ++i) tick();
    top_->rst_ni = 1;
    tick();
  }

  StatusRegs status() {
    StatusRegs s;
    s.illegal_trit = top_->status_o & 1u;
    s.bad_cmd = (top_->status_o >> 1) & 1u;
    s.illegal_trit_count = top_->illegal_trit_count_o;
    s.bad_cmd_count = top_->bad_cmd_count_o;
    s.tree_overflow = (top_->status_o >> 2) & 1u;
    s.tree_overflow_count = top_->tree_overflow_count_o;
    return s;
  }

  // Empty when the array is idle and quiet: ready for a command, not busy, no stream open, no
  // result offered, over `cycles` cycles with the result consumer ready.
  std::string check_idle(int cycles = 8) {
    idle_inputs();
    top_->res_ready_i = 1;
    std::string why;
    for (int i = 0; i < cycles && why.empty(); ++i) {
      top_->clk_i = 0;
      eval(0);
      if (!top_->cmd_ready_o) why += "cmd_ready_o low; ";
      if (top_->busy_o) why += "busy_o high; ";
      if (top_->wgt_ready_o || top_->act_ready_o) why += "a stream is open; ";
      if (top_->res_valid_o) why += "a result is offered; ";
      tick();
    }
    idle_inputs();
    return why;
  }

  void clear_status() {
    top_->clr_status_i = 1;
    tick();
    top_->clr_status_i = 0;
  }

  // The RTL's energy monitors (testbench/dv), summed per counter id (CounterId).
  std::vector<std::uint64_t> counters() const { return monitors_->by_id(); }

  // Runs one GEMM command through the array and checks every result beat (the shared driver,
  // gemm_driver.h, makes the stimulus and checks the results; this adapter moves the pins).
  RunReport run(const GemmProblem& problem, const RunOptions& opt = {}) {
    check_shape(problem.shape, config_);
    GemmDriver driver(config_, opt.backpressure, opt.seed);
    driver.push({&problem, true, opt.padding, opt.seed, {}});

    const CycleEstimate predicted = predict_cycles(config_, problem.shape);
    const std::uint64_t limit = opt.watchdog_cycles != 0
                                    ? opt.watchdog_cycles
                                    : watchdog_limit(predicted.cycles, opt.backpressure);
    RunReport report;
    // The counter prediction walks every weight; it runs on another core while the RTL is
    // simulated (its inputs are read-only), so checking the counters costs no wall time there.
    std::future<OpCounts> predicted_counts;
    if (opt.check_counters && monitors_->empty()) {
      report.failure =
          "cannot check the energy counters: this model has no energy monitor (it was "
          "Verilated from the design alone, without testbench/dv/ternac_dv.f)\n";
      return report;
    }
    if (opt.check_counters && opt.abort_after == 0) {
      predicted_counts = std::async(
          std::launch::async, [this, &problem] { return predict_op_counts(config_, problem); });
    }
    const std::vector<std::uint64_t> counters_before = counters();
    const std::uint32_t overflows_before = top_->tree_overflow_count_o;

    for (std::uint64_t spent = 0; !driver.idle(); ++spent) {
      const TopInputs& in = driver.inputs();
      const TopOutputs& out = cycle_with(in);
      if (opt.on_cycle) {
        opt.on_cycle(spent, {in.cmd_valid, out.cmd_ready, in.wgt_valid, out.wgt_ready, in.act_valid,
                             out.act_ready, out.res_valid, in.res_ready, out.busy});
      }
      driver.observe(out);
      edge();
      if (opt.abort_after != 0 && spent + 1 >= opt.abort_after) {
        idle_inputs();
        report.failure = "aborted";
        return report;
      }
      if (spent + 1 > limit) {
        report.failure = fmt::format("timeout: no completion after {} cycles (cycle model: {})\n",
                                     spent + 1, predicted.cycles);
        break;
      }
    }
    idle_inputs();
    const CommandState& c = driver.command(0);
    // No result (a timeout before the first): no cycle count, rather than one that wraps around.
    report.cycles = c.cycles();
    report.result_beats = c.board->received();
    report.complete = c.board->complete();
    report.checked_values = c.board->checked_values();
    report.checked_results = c.board->checked_results();
    report.failure += c.failure + c.board->final_report();
    if (!c.taken) {
      report.failure += "the array never took the command\n";
    } else if (!c.streams_done()) {
      report.failure += fmt::format("array left {} weight and {} activation beats untaken\n",
                                    c.weights->total_beats() - c.weights->index(),
                                    c.acts->total_beats() - c.acts->index());
    }
    if (driver.stray_beats() != 0) {
      report.failure += fmt::format("{} result beats came with no command waiting for them\n",
                                    driver.stray_beats());
    }
    if (opt.backpressure.none() && report.failure.empty() && report.cycles != predicted.cycles) {
      report.failure += fmt::format("cycle count {} differs from the cycle model's {}\n",
                                    report.cycles, predicted.cycles);
    }
    report.counted = MonitorCounts::delta(counters_before, counters(), config_.add_entries());
    if (predicted_counts.valid()) {
      const auto want = predicted_counts.get().flat();
      const auto got = report.counted.ops.flat();
      const auto names = OpCounts::names(config_);
      for (std::size_t i = 0; i < want.size(); ++i) {
        if (want[i] != got[i]) {
          report.failure += fmt::format("energy counter {}: RTL counted {}, model predicts {}\n",
                                        names[i], got[i], want[i]);
        }
      }
    }
    report.status = status();
    // Saturation events of width-capped trees, against the golden model's count.
    std::uint64_t overflows = 0;
    if (config_.level_width_cap != 0) golden_gemm(problem, config_, &overflows);
    report.tree_overflows = report.status.tree_overflow_count - overflows_before;
    if (report.tree_overflows != overflows) {
      report.failure += fmt::format("tree overflow count: RTL {}, golden model {}\n",
                                    report.tree_overflows, overflows);
    }
    report.passed = report.failure.empty();
    return report;
  }

  // Runs `problems` as one stream of commands with no stall anywhere: each command is offered as
  // soon as the one before it has been accepted, so it waits on cmd while the array is busy and
  // is taken in the first cycle the array can take it, even while the results of the one before
  // are still leaving. Returns one report per command: every result value checked in order,
  // cycles from the command's acceptance to its last result. (Counters are not checked here:
  // run() does that per command.)
  std::vector<RunReport> run_back_to_back(const std::vector<GemmProblem>& problems) {
    GemmDriver driver(config_, Backpressure{}, 1);
    for (const GemmProblem& p : problems) driver.push({&p, true, Padding::kZero, 1, {}});
    std::uint64_t limit = 10000;
    for (const GemmProblem& p : problems) limit += 4 * predict_cycles(config_, p.shape).cycles;
    std::vector<RunReport> reports(problems.size());
    for (std::uint64_t spent = 0; !driver.idle(); ++spent) {
      if (spent > limit) {
        for (std::size_t i = 0; i < problems.size(); ++i) {
          if (!driver.command(i).finished()) {
            reports[i].failure += fmt::format("timeout after {} cycles\n", spent);
            break;
          }
        }
        break;
      }
      driver.observe(cycle_with(driver.inputs()));
      edge();
    }
    idle_inputs();
    for (std::size_t i = 0; i < problems.size(); ++i) {
      const CommandState& c = driver.command(i);
      RunReport& r = reports[i];
      r.cycles = c.cycles();
      r.result_beats = c.board->received();
      r.checked_values = c.board->checked_values();
      r.checked_results = c.board->checked_results();
      r.complete = c.board->complete();
      r.failure += c.failure + c.board->final_report();
      r.passed = r.failure.empty();
    }
    if (driver.stray_beats() != 0 && !reports.empty()) {
      reports.back().failure += "a result beat with no command waiting for it\n";
      reports.back().passed = false;
    }
    return reports;
  }

  // Sends a command the array must reject and checks that it is dropped: no stream is opened,
  // bad_cmd goes up. Returns an empty string on success.
  std::string run_rejected(const GemmShape& shape) {
    const StatusRegs before = status();
    top_->cmd_valid_i = 1;
    assign_port(top_->cmd_i, Beat{shape.m, shape.n, shape.k});
    top_->clk_i = 0;
    eval(0);
    const bool taken = top_->cmd_ready_o;
    tick();
    idle_inputs();
    std::string failure;
    if (!taken) failure += "array did not take the command\n";
    for (int i = 0; i < 8; ++i) {
      top_->clk_i = 0;
      eval(0);
      if (top_->wgt_ready_o || top_->act_ready_o || top_->res_valid_o || top_->busy_o) {
        failure += "array opened a stream for a rejected command\n";
        break;
      }
      tick();
    }
    const StatusRegs after = status();
    if (!after.bad_cmd) failure += "bad_cmd status bit not set\n";
    if (after.bad_cmd_count != before.bad_cmd_count + 1) failure += "bad_cmd_count not counted\n";
    return failure;
  }

 private:
  // One evaluation at a clock phase (0 low, 1 high), dumped to the waveform when tracing.
  void eval(unsigned phase) {
    top_->eval();
    if (wave_) wave_->dump(std::uint64_t{cycle_} * 2 + phase);
  }

  // The adapter between the shared driver and the Verilated ports: puts a cycle's inputs on the
  // ports, lets the model settle with the clock low, and reads the outputs back.
  const TopOutputs& cycle_with(const TopInputs& in) {
    top_->cmd_valid_i = in.cmd_valid;
    if (in.cmd_valid) assign_port(top_->cmd_i, *in.cmd);
    top_->wgt_valid_i = in.wgt_valid;
    if (in.wgt_valid) assign_port(top_->wgt_data_i, *in.wgt);
    top_->act_valid_i = in.act_valid;
    if (in.act_valid) assign_port(top_->act_data_i, *in.act);
    top_->res_ready_i = in.res_ready;
    top_->clk_i = 0;
    eval(0);
    out_.cmd_ready = top_->cmd_ready_o;
    out_.wgt_ready = top_->wgt_ready_o;
    out_.act_ready = top_->act_ready_o;
    out_.res_valid = top_->res_valid_o;
    out_.res_last = top_->res_last_o;
    out_.busy = top_->busy_o;
    if (out_.res_valid && in.res_ready) read_port(top_->res_data_o, res_);
    return out_;
  }

  // The rising edge that ends the cycle cycle_with() began.
  void edge() {
    top_->clk_i = 1;
    eval(1);
    ++cycle_;
  }

  void idle_inputs() {
    top_->cmd_valid_i = 0;
    top_->wgt_valid_i = 0;
    top_->act_valid_i = 0;
    top_->res_ready_i = 0;
    top_->clr_status_i = 0;
  }

  // The plusargs of the shared context, read by the models' initial blocks.
  struct Plusargs {
    std::uint64_t fault = 0;
  };
  static Plusargs& plusargs() {
    static Plusargs p;
    return p;
  }
  static void apply_plusargs() { apply_plusargs(context()); }
  static void apply_plusargs(VerilatedContext& ctx) {
    std::vector<std::string> args{"ternac", "+ternac_fault=" + std::to_string(plusargs().fault)};
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    ctx.commandArgs(static_cast<int>(argv.size()), argv.data());  // the context copies them
  }

  std::unique_ptr<VTop> top_;
  std::unique_ptr<MonitorCounters> monitors_;
  std::unique_ptr<WaveWriter> wave_;
  ArrayConfig config_;
  std::uint64_t cycle_ = 0;
  TopOutputs out_;
  Beat res_;
};

}  // namespace ternac
