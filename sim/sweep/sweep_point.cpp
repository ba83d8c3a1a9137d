// One point of an adder-tree sweep (scripts/sweep.py): runs a 2B4T-shaped layer through the
// Verilated array this binary was built with, checks every result and counter against the golden
// model (the width-capped one where the tree saturates), and prints one JSON object: cycles,
// utilization, overflow count, the worst error against exact arithmetic, and energy per MAC at
// every node of the energy tables.
//
//   sweep_point_<name> [--layer ffn_down] [--tokens 1] [--zeros 0.4] [--seed 1] [--energy-dir D]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include TERNAC_VTOP_HEADER
#include "cli_args.h"
#include "cycle_model.h"
#include "energy_model.h"
#include "energy_table.h"
#include "rtl_harness.h"
#include "workload.h"

namespace ternac {
namespace {

int run(const std::vector<std::string>& argv) {
  const CliArgs a(argv, {"layer", "tokens", "zeros", "seed", "energy-dir"}, {});
  const std::string layer = a.str("layer", "ffn_down");
  const std::uint64_t tokens = a.u64("tokens", 1);
  const double zeros = a.real("zeros", 0.4);
  const std::uint64_t seed = a.u64("seed", 1);
  const EnergyTables tables = EnergyTables::load(a.str("energy-dir", default_energy_dir()));
  GemmShape shape;
  bool found = false;
  for (const LayerShape& l : bitnet_2b4t_layers()) {
    if (l.name == layer) {
      shape = {static_cast<std::uint32_t>(tokens), l.n, l.k};
      found = true;
    }
  }
  if (!found) {
    throw std::invalid_argument(
        fmt::format("unknown layer '{}' (see 'ternac shapes' for the names)", layer));
  }
  if (tokens < 1 || tokens > kMaxDim) {
    throw std::invalid_argument(fmt::format("--tokens must be in 1..{}, got {}", kMaxDim, tokens));
  }

  RtlHarness<TERNAC_VTOP> harness;
  const ArrayConfig& cfg = harness.config();
  check_shape(shape, cfg);
  const GemmProblem problem = random_problem({shape, seed, zeros, ActProfile::kGaussian});
  RunOptions opt;
  opt.seed = seed;
  const auto t0 = std::chrono::steady_clock::now();
  const RunReport r = harness.run(problem, opt);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r.passed) {
    std::fprintf(stderr, "sweep_point %s: check FAILED\n%s", cfg.name().c_str(), r.failure.c_str());
  }

  // Error against exact arithmetic: the RTL equals the width-capped golden model (checked by
  // run()), which differs from the exact GEMM only where a tree saturated.
  const std::vector<std::int64_t> exact = golden_gemm(problem, cfg.acc_width);
  const std::vector<std::int64_t> capped = golden_gemm(problem, cfg);
  std::int64_t worst = 0;
  std::uint64_t wrong = 0;
  for (std::size_t i = 0; i < exact.size(); ++i) {
    const std::int64_t d = capped[i] > exact[i] ? capped[i] - exact[i] : exact[i] - capped[i];
    worst = std::max(worst, d);
    wrong += d != 0;
  }

  const std::uint64_t macs = shape.macs();
  const std::uint64_t evaluations = r.counted.ops.fires * static_cast<std::uint64_t>(cfg.lanes);
  std::string s = "{";
  s += fmt::format(
      "\"config\": \"{}\", \"lanes\": {}, \"tree_inputs\": {}, \"acc_width\": {}, "
      "\"reduction\": \"{}\", \"level_width_cap\": {}, \"pipe_every\": {}, ",
      cfg.name(), cfg.lanes, cfg.tree_inputs, cfg.acc_width, reduction_name(cfg.reduction),
      cfg.level_width_cap, cfg.pipe_every);
  s += fmt::format(
      "\"layer\": \"{}\", \"m\": {}, \"n\": {}, \"k\": {}, \"zero_fraction\": {}, \"seed\": {}, "
      "\"macs\": {}, ",
      layer, shape.m, shape.n, shape.k, zeros, seed, macs);
  s += fmt::format(
      "\"passed\": {}, \"checked_values\": {}, \"cycles\": {}, \"model_cycles\": {}, "
      "\"utilization\": {:.6f}, \"sim_seconds\": {:.3f}, ",
      r.passed ? "true" : "false", r.checked_values, r.cycles, predict_cycles(cfg, shape).cycles,
      utilization(cfg, shape, r.cycles), secs);
  s += fmt::format(
      "\"tree_evaluations\": {}, \"tree_overflows\": {}, \"results_changed\": {}, "
      "\"worst_abs_error\": {}, \"energy\": [",
      evaluations, r.tree_overflows, wrong, worst);
  bool first = true;
  for (int node : tables.nodes()) {
    const EnergyBreakdown e = array_energy(cfg, r.counted.ops, macs, tables.node(node));
    s += fmt::format(
        "{}{{\"node_nm\": {}, \"scaled\": {}, \"arith_pj_per_mac\": {:.6g}, "
        "\"total_pj_per_mac\": {:.6g}, \"select_pj\": {:.6g}, \"tree_pj\": {:.6g}, "
        "\"accumulate_pj\": {:.6g}, \"registers_pj\": {:.6g}, \"buffers_pj\": {:.6g}}}",
        first ? "" : ", ", node, e.scaled ? "true" : "false", e.arithmetic_per_mac(),
        e.total_per_mac(), e.group_pj("select"), e.group_pj("tree"), e.group_pj("accumulate"),
        e.group_pj("registers"), e.group_pj("buffers"));
    first = false;
  }
  s += "]}";
  std::printf("%s\n", s.c_str());
  return r.passed ? 0 : 1;
}

}  // namespace
}  // namespace ternac

int main(int argc, char** argv) {
  try {
    return ternac::run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sweep_point: %s\n", e.what());
    return 2;
  }
}
