// The one driver, monitor and scoreboard of ternac_top's streams, in plain C++: it decides every
// cycle's inputs (a queue of GEMM commands, their weight and activation beats, the result ready,
// each under the run's backpressure pattern) and takes every cycle's outputs (handshakes, result
// beats into each command's scoreboard). It knows nothing of how the DUT is simulated: the
// Verilated C++ model (RtlHarness, rtl_harness.h) and the SystemC co-simulation (sc_cosim.cpp)
// are thin adapters that copy TopInputs to the DUT's ports, let it settle, and copy its ports back
// to TopOutputs, once per clock cycle:
//
//   const TopInputs& in = driver.inputs();   // this cycle's inputs
//   ... the DUT settles with `in` on its ports (clock low) ...
//   driver.observe(outputs);                  // this cycle's outputs; the clock edge follows
//
// Rules it keeps on every stream (AXI-stream style): valid stays up until the beat is taken, the
// data stays stable meanwhile; a command's weight and activation beats are offered only once the
// array has taken the command and every earlier command's beats have been taken.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/streams.h"
#include "ternac/testbench/env/backpressure.h"
#include "ternac/testbench/env/scoreboard.h"

namespace ternac {

// The pins the testbench drives in one cycle (clr_status and reset are the adapters' own).
struct TopInputs {
  bool cmd_valid = false, wgt_valid = false, act_valid = false, res_ready = false;
  const Beat* cmd = nullptr;  // valid while cmd_valid; likewise wgt and act
  const Beat* wgt = nullptr;
  const Beat* act = nullptr;
};

// The pins the testbench samples in one cycle, after the DUT settled on that cycle's inputs.
struct TopOutputs {
  bool cmd_ready = false, wgt_ready = false, act_ready = false;
  bool res_valid = false, res_last = false, busy = false;
  const Beat* res = nullptr;  // read by the adapter when res_valid and the inputs' res_ready
};

// One command for the driver.
struct CommandSpec {
  const GemmProblem* problem = nullptr;  // must outlive the command
  // False for a command the array must reject: no stream is opened and no result expected.
  bool accepted = true;
  Padding padding = Padding::kZero;  // what the streams put in padding positions
  std::uint64_t stream_seed = 1;     // the padding's seed: weights seed*2+1, activations seed*2+2
  // The expected results (a reference model's, e.g. the TLM target's); empty: the golden model's.
  std::vector<std::int64_t> expected;
  // Whether a scoreboard checks the results (false: a device that only wants them, collect).
  bool check = true;
  // Whether the results are kept in CommandState::y (M x N, row-major), as the RTL gave them.
  bool collect = false;
};

// What happened to one command.
struct CommandState {
  CommandSpec spec;
  std::unique_ptr<Scoreboard> board;   // null for a rejected or unchecked command
  std::unique_ptr<ResultOrder> order;  // where each result beat's values go (accepted commands)
  std::uint64_t expected_beats = 0;    // result beats due (0 for a rejected command)
  std::uint64_t received = 0;          // result beats taken
  std::vector<std::int64_t> y;         // the results, with CommandSpec::collect
  std::unique_ptr<WeightStream> weights;
  std::unique_ptr<ActivationStream> acts;
  bool taken = false;                // the array took the command
  std::uint64_t start = 0, end = 0;  // cycles: the command taken, its last result beat
  std::string failure;               // protocol failures the driver saw (not the scoreboard's)

  bool streams_done() const { return !weights || (weights->done() && acts->done()); }
  // Taken, and every result beat received (a rejected command: taken).
  bool finished() const { return taken && received >= expected_beats; }
  // Cycles from the command taken to its last result beat, inclusive; 0 before any result.
  std::uint64_t cycles() const { return received > 0 && end >= start ? end - start + 1 : 0; }
};

class GemmDriver {
 public:
  // `bp` for every stream of every command; `seed` for the backpressure's random draws.
  GemmDriver(const ArrayConfig& config, const Backpressure& bp, std::uint64_t seed);

  // Queues a command; returns its index for command(). Commands are offered in order, each as
  // soon as the one before it was taken (under the cmd stream's backpressure).
  std::size_t push(CommandSpec spec);

  // The driver: this cycle's inputs. Call once per cycle, before observe().
  const TopInputs& inputs();
  // The monitor: this cycle's outputs. Handshakes fire, result beats go to the oldest command
  // still waiting for results (its scoreboard); then the cycle ends.
  void observe(const TopOutputs& out);

  // Every queued command taken and finished.
  bool idle() const { return finished_ == commands_.size(); }
  // Cycles observed so far.
  std::uint64_t cycle() const { return cycle_; }
  std::size_t commands() const { return commands_.size(); }
  const CommandState& command(std::size_t i) const { return *commands_[i]; }
  // Result beats with no command waiting for them.
  std::uint64_t stray_beats() const { return stray_beats_; }

 private:
  CommandState* streaming();  // the command whose beats are offered now, if any

  ArrayConfig config_;
  BackpressureGen gen_;
  std::vector<std::unique_ptr<CommandState>> commands_;
  std::size_t offered_ = 0;    // the next command to offer on cmd
  std::size_t streaming_ = 0;  // the first command whose streams are not done
  std::size_t finished_ = 0;   // the first command not finished
  Beat cmd_beat_;
  std::size_t cmd_beat_of_ = SIZE_MAX;  // the command cmd_beat_ holds
  TopInputs in_;
  std::uint64_t cycle_ = 0;
  std::uint64_t stray_beats_ = 0;
};

// inputs() and observe() run once per simulated cycle: inline, so that the harness loop compiles
// into one function with them.
inline CommandState* GemmDriver::streaming() {
  while (streaming_ < commands_.size() && commands_[streaming_]->taken &&
         commands_[streaming_]->streams_done()) {
    ++streaming_;
  }
  if (streaming_ == commands_.size() || !commands_[streaming_]->taken) return nullptr;
  return commands_[streaming_].get();
}

inline const TopInputs& GemmDriver::inputs() {
  // Valid stays up until the beat is taken (observe() lowers it then); a new offer is drawn from
  // the backpressure only while valid is low.
  const bool pending = offered_ < commands_.size();
  in_.cmd_valid = pending && (in_.cmd_valid || gen_.offer(0, cycle_));
  if (in_.cmd_valid && cmd_beat_of_ != offered_) {  // the beat changes with the command only
    const GemmShape& s = commands_[offered_]->spec.problem->shape;
    cmd_beat_ = Beat{s.m, s.n, s.k};
    cmd_beat_of_ = offered_;
  }
  in_.cmd = in_.cmd_valid ? &cmd_beat_ : nullptr;
  CommandState* s = streaming();
  in_.wgt_valid = s && !s->weights->done() && (in_.wgt_valid || gen_.offer(1, cycle_));
  in_.wgt = in_.wgt_valid ? &s->weights->current() : nullptr;
  in_.act_valid = s && !s->acts->done() && (in_.act_valid || gen_.offer(2, cycle_));
  in_.act = in_.act_valid ? &s->acts->current() : nullptr;
  // Whether only the oldest unfinished command's final result beat is still to come (the
  // stall-last-result pattern holds ready low for it).
  bool last = false;
  if (finished_ < commands_.size()) {
    const CommandState& c = *commands_[finished_];
    last = c.expected_beats != 0 && c.received + 1 == c.expected_beats;
  }
  in_.res_ready = gen_.offer(3, cycle_, last);
  return in_;
}

inline void GemmDriver::observe(const TopOutputs& out) {
  const bool cmd_fire = in_.cmd_valid && out.cmd_ready;
  const bool wgt_fire = in_.wgt_valid && out.wgt_ready;
  const bool act_fire = in_.act_valid && out.act_ready;
  // The monitor: a result beat belongs to the oldest command still waiting for results.
  if (out.res_valid && in_.res_ready) {
    std::size_t i = finished_;
    while (i < commands_.size() && commands_[i]->expected_beats == 0) ++i;
    if (i < commands_.size() && commands_[i]->taken && !commands_[i]->finished()) {
      CommandState& c = *commands_[i];
      if (c.board) c.board->on_result(*out.res, out.res_last, cycle_ - c.start);
      if (!c.board || c.spec.collect) {
        const GemmShape& s = c.spec.problem->shape;
        const ResultBeatPlace at = c.order->place(c.received);
        if (!c.board && out.res_last != at.last) {
          c.failure += fmt::format("result beat {}: res_last {} out of place\n", c.received,
                                   out.res_last ? "high" : "low");
        }
        for (std::uint32_t j = 0; c.spec.collect && j < at.lanes_used; ++j) {
          c.y[std::size_t{at.m} * s.n + at.n0 + j] =
              get_signed_bits(*out.res, std::uint64_t{j} * config_.acc_width, config_.acc_width);
        }
      }
      ++c.received;
      c.end = cycle_;
    } else {
      ++stray_beats_;
    }
  }
  // The clock edge: what was taken moves on.
  if (wgt_fire || act_fire) {
    CommandState* s = streaming();
    if (wgt_fire) {
      s->weights->next();
      in_.wgt_valid = false;
    }
    if (act_fire) {
      s->acts->next();
      in_.act_valid = false;
    }
  }
  if (cmd_fire) {
    CommandState& c = *commands_[offered_];
    if (streaming() != nullptr) {
      c.failure += "the array took a command before the previous one's streams were done\n";
    }
    c.taken = true;
    c.start = cycle_;
    if (c.spec.accepted) {
      const GemmProblem& p = *c.spec.problem;
      c.weights =
          std::make_unique<WeightStream>(p, config_, c.spec.padding, c.spec.stream_seed * 2 + 1);
      c.acts = std::make_unique<ActivationStream>(p, config_, c.spec.padding,
                                                  c.spec.stream_seed * 2 + 2);
    }
    ++offered_;
    in_.cmd_valid = false;
  }
  while (finished_ < commands_.size() && commands_[finished_]->finished()) ++finished_;
  ++cycle_;
}

}  // namespace ternac
