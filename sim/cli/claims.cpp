// ternac claims: the 71.4x and 5.5x energy claims rebuilt from their own assumptions, against the
// counted operations of the ternary RTL and of the INT8 baseline RTL on the same layer, per
// process node (docs/energy.md). The report's text, JSON and CSV are model/claims.cpp's.
#include "claims.h"

#include <fmt/format.h>

#include <string>

#include "Vternac_rtl_default_int8.h"
#include "commands.h"
#include "harness.h"
#include "text_io.h"
#include "workloads.h"

namespace ternac::cli {
namespace {

using Int8Harness = RtlHarness<Vternac_rtl_default_int8>;

void declare(Options& o) {
  o.value("layer", "NAME", "the 2B4T layer of the workload (default: ffn_down)");
  o.value("tokens", "M", "tokens (default: 1)");
  o.value("zeros", "F", "fraction of zero weights (default: 0.4)");
  o.value("seed", "S", "random seed (default: 1)");
  o.flag("no-sweep", "skip the zero-fraction sweep (0 to 60 %)");
  o.value("json", "FILE", "also write the report as JSON");
  o.value("csv", "FILE", "also write the per-node table as CSV");
  o.value("energy-dir", "DIR",
          "energy tables (default: the shipped model/energy, or $TERNAC_ENERGY_DIR)");
  declare_max_cycles(o);
  declare_memory_limit(o);
}

// The same shape with an INT8 model's weights, for the INT8 baseline array.
GemmProblem int8_problem(const GemmShape& shape, std::uint64_t seed) {
  RandomSpec spec{shape, seed, 0.0, ActProfile::kGaussian};
  spec.format = WeightFormat::kInt8;
  return random_problem(spec);
}

int run(const Options& o) {
  const std::string layer = o.str("layer", "ffn_down");
  const std::uint32_t tokens = o.dim("tokens", 1);
  const double zeros = o.fraction("zeros", 0.4);
  const std::uint64_t seed = o.decimal("seed", 0, UINT64_MAX, 1);
  RunOptions run_options;
  run_options.watchdog_cycles = max_cycles(o);
  const LayerShape& l = layer_2b4t(layer);
  const GemmShape shape{tokens, l.n, l.k};
  Files files;
  files.outputs_of(o, {"json", "csv"});
  files.check();
  const EnergyTables tables = EnergyTables::load(o.str("energy-dir", default_energy_dir()));

  Harness harness;
  check_shape(shape, harness.config());
  ArrayConfig int8_config = harness.config();
  int8_config.datapath = Datapath::kInt8;
  check_shape(shape, int8_config);
  {
    // Every figure of the report, once on a small GEMM of the models, so that tables that cannot
    // answer are refused before anything is simulated.
    const GemmShape small{1, static_cast<std::uint32_t>(harness.config().lanes),
                          static_cast<std::uint32_t>(harness.config().tree_inputs)};
    ClaimsReport dry;
    dry.config = harness.config();
    dry.workload = "preflight";
    dry.shape = small;
    dry.counts = predict_op_counts(dry.config, random_problem({small, seed, zeros}));
    dry.int8_counts = predict_op_counts(int8_config, int8_problem(small, seed));
    dry.sweep.push_back({zeros, dry.counts, small.macs()});
    evaluate_claims(dry, tables);
    (void)claims_text(dry);
  }
  // One GEMM at a time: the INT8 run's, then each zero fraction's.
  check_memory({kBaseBytes + kModelBytes + gemm_bytes(shape),
                "the layer's weights, activations and expected results, and two Verilated "
                "models"},
               memory_limit(o));

  const auto counted_run = [&](double zf) {
    const GemmProblem p = random_problem({shape, seed, zf, ActProfile::kGaussian});
    const RunReport r = harness.run(p, run_options);
    if (!r.passed) {
      throw CheckFailed("the RTL run failed its checks:\n" + r.failure);
    }
    return r.counted.ops;
  };
  // The INT8 baseline array, simulated on the same shape and checked like the ternary one.
  const RunReport int8_run = Int8Harness().run(int8_problem(shape, seed), run_options);
  if (!int8_run.passed) {
    throw CheckFailed("the INT8 RTL run failed its checks:\n" + int8_run.failure);
  }
  ClaimsReport report;
  report.config = harness.config();
  report.workload = "2B4T " + l.name;
  report.shape = shape;
  report.zero_fraction = zeros;
  report.seed = seed;
  report.counts = counted_run(zeros);
  report.int8_counts = int8_run.counted.ops;
  if (!o.has("no-sweep")) {
    for (int z = 0; z <= 60; z += 10) {
      report.sweep.push_back({z / 100.0, counted_run(z / 100.0), shape.macs()});
    }
  }
  evaluate_claims(report, tables);
  fmt::print("{}", claims_text(report));
  if (o.has("json")) write_output(o.str("json", ""), claims_json(report));
  if (o.has("csv")) write_output(o.str("csv", ""), claims_csv(report));
  return kExitOk;
}

}  // namespace

Command add_claims(CLI::App& root) {
  return make_command(root, "claims",
                      "check the 71.4x and 5.5x energy claims on counted RTL operations, per node",
                      declare, run);
}

}  // namespace ternac::cli
