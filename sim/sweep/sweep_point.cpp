// One point of an adder-tree sweep (scripts/sweep.py): runs one layer through the
// Verilated array this binary was built with, checks every result and counter against the golden
// model (the width-capped one where the tree saturates), and prints one JSON object: cycles,
// utilization, overflow count, the worst error against exact arithmetic, and energy per MAC (fJ)
// with every energy table at the three storage levels (docs/energy.md).
//
//   sweep_point_<name> [--model 2b4t --layer ffn_down | --workload FILE [--layer NAME] |
//                       --n N --k K | --gguf FILE --tensor NAME] [--tokens 1] [--zeros 0.4]
//                      [--seed 1] [--energy-dir D] [--onchip-bytes SIZE]
// (the layer options are claims', sim/cli/workloads.h: a GGUF tensor brings its real weights)
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include TERNAC_VTOP_HEADER
#include "ternac/model/base/text_io.h"
#include "ternac/model/core/cycle_model.h"
#include "ternac/model/energy/energy_model.h"
#include "ternac/model/energy/energy_table.h"
#include "ternac/model/energy/storage.h"
#include "ternac/sim/cli/common.h"
#include "ternac/sim/cli/report.h"
#include "ternac/sim/cli/workloads.h"
#include "ternac/testbench/env/rtl_harness.h"

namespace ternac {
namespace {

int run(const cli::Options& a) {
  cli::Files files;
  for (const auto& [option, path] : cli::layer_input_files(a)) files.input(option, path);
  files.check();
  const std::uint32_t tokens = a.dim("tokens", 1);
  const std::uint64_t seed = a.decimal("seed", 0, UINT64_MAX, 1);
  const cli::ChosenLayer l = cli::choose_layer(a, "ffn_down", cli::memory_limit(a));
  const double zeros = l.weights.empty() ? a.fraction("zeros", 0.4) : l.zero_fraction();
  const GemmShape shape{tokens, l.shape.n, l.shape.k};
  const cli::EnergyOptions energy_opts = cli::energy_options(a);
  const EnergyTables tables = EnergyTables::load(energy_opts.dir);
  const std::vector<std::string> keys = cli::chosen_tables(energy_opts, tables);

  RtlHarness<TERNAC_VTOP> harness;
  const ArrayConfig& cfg = harness.config();
  check_shape(shape, cfg);
  const GemmProblem problem = l.problem({shape, seed, zeros, ActProfile::kGaussian});
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
  // Per energy table: the three storage levels (docs/energy.md), and the arithmetic and register
  // parts per MAC, in fJ.
  cli::Json energy = cli::Json::array();
  const std::vector<cli::NodeEnergy> levels =
      cli::energy_per_node(cfg, r.counted.ops, shape, tables, energy_opts.storage, keys);
  for (const cli::NodeEnergy& n : levels) {
    const EnergyBreakdown e =
        counted_energy(cfg, r.counted.ops, shape, tables.table(n.table), energy_opts.storage);
    const auto fj = [&](const char* group) {
      return cli::finite_or_null(n.fj_per_mac(e.group_pj(group)));
    };
    energy.push_back({{"table", n.table},
                      {"node_nm", n.node_nm},
                      {"family", n.family},
                      {"scaled", n.scaled},
                      {"arithmetic_fj_per_mac", cli::finite_or_null(n.arithmetic_fj_per_mac())},
                      {"with_onchip_fj_per_mac", cli::finite_or_null(n.with_onchip_fj_per_mac())},
                      {"with_offchip_fj_per_mac", cli::finite_or_null(n.with_offchip_fj_per_mac())},
                      {"select_fj_per_mac", fj("select")},
                      {"tree_fj_per_mac", fj("tree")},
                      {"accumulate_fj_per_mac", fj("accumulate")},
                      {"registers_fj_per_mac", fj("registers")}});
  }
  const cli::Json point = {{"config", cfg.name()},
                           {"lanes", cfg.lanes},
                           {"tree_inputs", cfg.tree_inputs},
                           {"acc_width", cfg.acc_width},
                           {"reduction", reduction_name(cfg.reduction)},
                           {"level_width_cap", cfg.level_width_cap},
                           {"pipe_every", cfg.pipe_every},
                           {"layer", l.kind},
                           {"workload", l.title},
                           {"m", shape.m},
                           {"n", shape.n},
                           {"k", shape.k},
                           {"zero_fraction", zeros},
                           {"seed", seed},
                           {"onchip_bytes", energy_opts.storage.onchip_bytes},
                           {"macs", macs},
                           {"passed", r.passed},
                           {"checked_values", r.checked_values},
                           {"cycles", r.cycles},
                           {"model_cycles", predict_cycles(cfg, shape).cycles},
                           {"utilization", r.cycles == 0 ? 0.0 : utilization(cfg, shape, r.cycles)},
                           {"sim_seconds", secs},
                           {"tree_evaluations", evaluations},
                           {"tree_overflows", r.tree_overflows},
                           {"results_changed", wrong},
                           {"worst_abs_error", worst},
                           {"energy", energy}};
  // One line: scripts/sweep.py reads the last line of the output.
  std::printf("%s\n", point.dump(-1, ' ', false, cli::Json::error_handler_t::replace).c_str());
  return r.passed ? 0 : 1;
}

}  // namespace
}  // namespace ternac

int main(int argc, char** argv) {
  using namespace ternac;
  CLI::App app("One point of an adder-tree sweep (scripts/sweep.py): one JSON line.",
               "sweep_point");
  cli::format_help(app);
  cli::Options options(&app);
  cli::declare_layer_options(options, "ffn_down");
  options.value("tokens", "M", "tokens (default: 1)");
  options.value("zeros", "F", "fraction of zero weights (default: 0.4)");
  options.value("seed", "S", "random seed (default: 1)");
  cli::declare_energy_options(options);
  cli::declare_memory_limit(options);
  int code = 2;
  try {
    app.parse(argc, argv);
    options.check_once();
    code = run(options);
  } catch (const CLI::ParseError& e) {
    code = app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sweep_point: %s\n", printable_message(e.what()).c_str());
    code = 2;
  }
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || std::fclose(stdout) != 0) {
    std::fprintf(stderr, "sweep_point: cannot write standard output\n");
    code = 2;
  }
  return code;
}
