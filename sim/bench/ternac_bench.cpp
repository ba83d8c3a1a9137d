// ternac_bench: throughput figures of the RTL simulation and of the golden model, printed and
// written to a CSV (docs/performance.md explains them). Not a test: nothing here passes or fails
// on time. Built by scripts/bench.sh (the targets are not part of the default build).
//
//   rtl      the default 16 x 64 array on one 2B4T block (GEMV): the full harness (golden-model
//            check of every result and of the energy counters), the harness without the counter
//            check, a bare driver (no checking) on the same model, and a bare driver on the
//            synthesizable RTL alone (no counters, no assertions), single-threaded and with
//            two Verilator threads
//   golden   golden-model GEMV (M = 1) and GEMM (M = 16) on the seven 2B4T layer shapes, the
//            vectorized kernel against the plain scalar loop
//   scaling  simulated MACs/s of the bare RTL from 64 to 4096 MACs per cycle, and of the default
//            array as the workload grows
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "Vternac_bench_16x256.h"
#include "Vternac_bench_16x64.h"
#include "Vternac_bench_16x64_lanes.h"
#include "Vternac_bench_16x64_mt.h"
#include "Vternac_bench_4x16.h"
#include "Vternac_bench_8x32.h"
#include "Vternac_rtl_default.h"
#include "Vternac_rtl_default_toggles.h"
#include "ternac/model/core/packed_gemm.h"
#include "ternac/model/workload/workload.h"
#include "ternac/testbench/env/rtl_harness.h"

namespace ternac {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Row {
  std::string bench, config, workload;
  std::uint64_t macs = 0, cycles = 0;
  double seconds = 0;
};

std::vector<Row> rows;

// Every figure is the fastest of three passes: on a shared machine the slow passes measure the
// neighbours, not the simulator.
constexpr int kPasses = 3;

Row fastest(const Row& best, const Row& pass) {
  return best.seconds == 0 || pass.seconds < best.seconds ? pass : best;
}

void report(const Row& r) {
  rows.push_back(r);
  fmt::print("{:<8} {:<34} {:<30} {:>9.1f} M MACs/s {:>9.1f} k cycles/s  ({:.3f} s)\n", r.bench,
             r.config, r.workload, r.macs / r.seconds / 1e6,
             r.cycles ? r.cycles / r.seconds / 1e3 : 0.0, r.seconds);
}

// Streams one command through a model with no checking at all: the beats come from the shared
// stream builders, every stream is always valid/ready, results are counted and dropped. Returns
// the cycles from the command to the last result.
template <typename V>
std::uint64_t drive_bare(RtlHarness<V>& h, const GemmProblem& p) {
  V& top = h.top();
  const ArrayConfig& c = h.config();
  WeightStream w(p, c);
  ActivationStream x(p, c);
  const std::uint64_t results = ResultOrder(c, p.shape).total_beats();
  top.cmd_valid_i = 1;
  assign_port(top.cmd_i, Beat{p.shape.m, p.shape.n, p.shape.k});
  std::uint64_t got = 0, cycles = 0;
  top.res_ready_i = 1;
  while (got < results) {
    top.wgt_valid_i = !w.done();
    if (!w.done()) assign_port(top.wgt_data_i, w.current());
    top.act_valid_i = !x.done();
    if (!x.done()) assign_port(top.act_data_i, x.current());
    top.clk_i = 0;
    top.eval();
    const bool cmd_fire = top.cmd_valid_i && top.cmd_ready_o;
    const bool w_fire = top.wgt_valid_i && top.wgt_ready_o;
    const bool x_fire = top.act_valid_i && top.act_ready_o;
    got += top.res_valid_o;
    top.clk_i = 1;
    top.eval();
    if (cmd_fire) top.cmd_valid_i = 0;
    if (w_fire) w.next();
    if (x_fire) x.next();
    if (++cycles > 100 * predict_cycles(c, p.shape).cycles + 1000) {
      throw std::runtime_error("bench: the array stopped producing results");
    }
  }
  top.wgt_valid_i = top.act_valid_i = top.res_ready_i = 0;
  return cycles;
}

template <typename V>
void bench_bare(const std::string& config, const std::string& workload,
                const std::vector<GemmProblem>& problems) {
  RtlHarness<V> h;
  drive_bare(h, problems.front());  // warm up (first touch of the model's memory)
  Row best{"rtl", config, workload};
  for (int pass = 0; pass < kPasses; ++pass) {
    std::uint64_t macs = 0, cycles = 0;
    const auto t0 = Clock::now();
    for (const GemmProblem& p : problems) {
      cycles += drive_bare(h, p);
      macs += p.shape.macs();
    }
    best = fastest(best, {"rtl", config, workload, macs, cycles, seconds_since(t0)});
  }
  report(best);
}

// The seven layers of one 2B4T block, one decoded token: 69.5 M MACs, about a second of
// simulation, long enough for a steady figure.
std::vector<GemmProblem> block_problems(std::uint64_t seed) {
  std::vector<GemmProblem> problems;
  for (const LayerShape& l : bitnet_2b4t_layers()) {
    problems.push_back(synthetic_layer({1, l.n, l.k}, seed + problems.size(), 0.4));
  }
  return problems;
}

void bench_rtl(std::uint64_t seed) {
  const std::vector<GemmProblem> problems = block_problems(seed);
  const std::string wl = "2B4T block, GEMV";
  RtlHarness<Vternac_rtl_default> h;
  for (const bool counters : {true, false}) {
    RunOptions opt;
    opt.check_counters = counters;
    h.run(problems.front(), opt);  // warm up
    const std::string config =
        counters ? "16x64 checked: results + counters" : "16x64 checked: results only";
    Row best{"rtl", config, wl};
    for (int pass = 0; pass < kPasses; ++pass) {
      std::uint64_t macs = 0, cycles = 0;
      const auto t0 = Clock::now();
      for (const GemmProblem& p : problems) {
        const RunReport r = h.run(p, opt);
        if (!r.passed) throw std::runtime_error("bench: the checked run failed:\n" + r.failure);
        cycles += r.cycles;
        macs += p.shape.macs();
      }
      best = fastest(best, {"rtl", config, wl, macs, cycles, seconds_since(t0)});
    }
    report(best);
  }
  bench_bare<Vternac_rtl_default>("16x64 unchecked, counters in RTL", wl, problems);
  bench_bare<Vternac_bench_16x64_lanes>(TERNAC_BENCH_LANES_ROW, wl, problems);
  bench_bare<Vternac_rtl_default_toggles>("16x64 unchecked, counters + toggles", wl, problems);
  bench_bare<Vternac_bench_16x64>("16x64 unchecked, bare RTL", wl, problems);
  bench_bare<Vternac_bench_16x64_mt>("16x64 unchecked, bare RTL, 2 thr", wl, problems);
}

void bench_golden(std::uint64_t seed) {
  // Trit codes one byte per weight, layer by layer: the plain scalar loop and the vectorized
  // kernel of golden_gemm (what the harness checks with).
  for (const std::uint32_t m : {1u, 16u}) {
    for (const bool scalar : {true, false}) {
      std::uint64_t macs = 0;
      double secs = 0;
      for (const LayerShape& l : bitnet_2b4t_layers()) {
        const GemmProblem p = synthetic_layer({m, l.n, l.k}, seed, 0.4);
        const auto t0 = Clock::now();
        const auto y = scalar ? golden_gemm_scalar(p, 32) : golden_gemm(p, 32);
        secs += seconds_since(t0);
        macs += p.shape.macs();
        if (y.size() != std::size_t{m} * l.n) throw std::runtime_error("bench: wrong result size");
      }
      report({"golden", scalar ? "scalar loop, byte codes" : "vectorized, byte codes",
              fmt::format("2B4T block, M={} ({})", m, m == 1 ? "GEMV" : "GEMM"), macs, 0, secs});
    }
  }
  // Packed I2_S weights of four whole blocks (28 layers, 278 M weights, 70 MB: more than any
  // cache, so that the GEMV streams its weights from memory as a whole-model token does).
  // Packing is not timed (a GGUF file holds its weights packed); the fastest pass is reported.
  const std::string kernel =
      packed_kernel_has_avx512() ? "packed I2_S, AVX-512BW" : "packed I2_S, scalar (no AVX-512)";
  for (const std::uint32_t m : {1u, 16u}) {
    std::vector<std::pair<PackedTernary, std::vector<std::int8_t>>> layers;
    std::uint64_t macs = 0;
    for (std::uint32_t b = 0; b < 4; ++b) {
      for (const LayerShape& l : bitnet_2b4t_layers()) {
        const GemmProblem p = synthetic_layer({m, l.n, l.k}, seed + b, 0.4);
        layers.emplace_back(pack_ternary(p), p.activations);
        macs += p.shape.macs();
      }
    }
    double secs = 0;
    for (int pass = 0; pass < kPasses; ++pass) {
      const auto t0 = Clock::now();
      for (const auto& [w, x] : layers) {
        if (packed_gemm(w, x, m, 32).size() != std::size_t{m} * w.n) {
          throw std::runtime_error("bench: wrong result size");
        }
      }
      secs = pass == 0 ? seconds_since(t0) : std::min(secs, seconds_since(t0));
    }
    report({"golden", kernel, fmt::format("4 2B4T blocks, M={} ({})", m, m == 1 ? "GEMV" : "GEMM"),
            macs, 0, secs});
  }
}

void bench_scaling(std::uint64_t seed) {
  const std::vector<GemmProblem> problems = block_problems(seed);
  const std::string wl = "2B4T block, GEMV";
  bench_bare<Vternac_bench_4x16>("4x16 (64 MACs/cycle), bare", wl, problems);
  bench_bare<Vternac_bench_8x32>("8x32 (256 MACs/cycle), bare", wl, problems);
  bench_bare<Vternac_bench_16x64>("16x64 (1024 MACs/cycle), bare", wl, problems);
  bench_bare<Vternac_bench_16x256>("16x256 (4096 MACs/cycle), bare", wl, problems);
  for (const GemmShape s :
       {GemmShape{1, 256, 256}, GemmShape{1, 2560, 2560}, GemmShape{1, 6912, 2560},
        GemmShape{8, 2560, 2560}, GemmShape{128, 640, 2560}}) {
    bench_bare<Vternac_bench_16x64>("16x64 (1024 MACs/cycle), bare", s.str(),
                                    {synthetic_layer(s, seed, 0.4)});
  }
}

}  // namespace
}  // namespace ternac

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "all";
  const std::string csv = argc > 2 ? argv[2] : "bench.csv";
  if (what != "all" && what != "rtl" && what != "golden" && what != "scaling") {
    std::fprintf(stderr, "usage: ternac_bench [all|rtl|golden|scaling] [out.csv]\n");
    return 2;
  }
  try {
    const std::uint64_t seed = 1;
    fmt::print("ternac_bench {} (seed {}, 40% zero weights, one thread unless said)\n", what, seed);
    if (what == "all" || what == "rtl") ternac::bench_rtl(seed);
    if (what == "all" || what == "golden") ternac::bench_golden(seed);
    if (what == "all" || what == "scaling") ternac::bench_scaling(seed);
    std::ofstream out(csv);
    out << "benchmark,configuration,workload,macs,cycles,seconds,macs_per_s,cycles_per_s\n";
    for (const auto& r : ternac::rows) {
      out << fmt::format("{},\"{}\",\"{}\",{},{},{:.6f},{:.0f},{:.0f}\n", r.bench, r.config,
                         r.workload, r.macs, r.cycles, r.seconds, r.macs / r.seconds,
                         r.cycles / r.seconds);
    }
    if (!out) throw std::runtime_error("cannot write " + csv);
    fmt::print("wrote {}\n", csv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ternac_bench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
