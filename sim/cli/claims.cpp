// ternac claims: the 71.4x and 5.5x energy claims rebuilt from their own assumptions, beside what
// ternac measures on one layer (docs/energy.md): the ternary RTL and the INT8 baseline RTL run on
// the same shape, decode (M = 1) and prefill; five estimates of arithmetic energy per MAC (paper,
// critique, counted, activity, gate level), storage levels, per energy table. The report's text,
// JSON and CSV are model/energy/claims.cpp's; this file runs what they rest on.
#include "ternac/model/energy/claims.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "ternac/sim/cli/commands.h"
#include "ternac/sim/cli/harness.h"
#include "ternac/sim/gate_runner.h"
#if TERNAC_CLI_CLAIMS
#include "Vternac_rtl_default_int8.h"
#include "Vternac_rtl_default_toggles.h"
#endif
#include "ternac/model/base/text_io.h"
#include "ternac/sim/cli/report.h"
#include "ternac/sim/cli/variant.h"
#include "ternac/sim/cli/workloads.h"

namespace ternac::cli {
namespace {

#if TERNAC_CLI_CLAIMS
using TogglesHarness = RtlHarness<Vternac_rtl_default_toggles>;
using Int8Harness = RtlHarness<Vternac_rtl_default_int8>;
#else
// A build of the CLI without the claims' models (an on-demand build for run, model and
// bitlinear, sim/cli/variant.cpp): never simulated, see run().
using TogglesHarness = Harness;
using Int8Harness = Harness;
#endif

void declare(Options& o) {
  declare_array_options(o);
  declare_layer_options(o, "ffn_down");
  o.value("zeros", "F",
          "fraction of zero weights (default: 0.3101, what absmean ternarization gives on "
          "Gaussian weights)");
  o.value("act-profile", "P",
          "activations: uniform, gaussian, rmsnorm or relu2 (default: relu2 for ffn_down, which "
          "follows the ReLU^2 gate, rmsnorm for the others)");
  o.value("seed", "S", "random seed of weights and activations (default: 1)");
  o.value("prefill", "M", "tokens of the prefill run; 0: decode only (default: 128)");
  o.value("prefill-counts", "FROM",
          "rtl or model: simulate the prefill on both arrays (default), or take its operation "
          "counts from the operation-count model (which the RTL matches in every run)");
  declare_energy_options(o);
  o.value("activity-calibration", "FILE",
          "toggles per operation of each unit on random inputs (default: the shipped "
          "model/energy/tables/calibration/activity.csv)");
  o.flag("no-sweep", "skip the zero-fraction sweep (0 to 60 %)");
  o.flag("no-gate",
         "skip the gate-level estimate (it builds the lane's gate-level simulator on first use: "
         "minutes, then cached)");
  o.value("gate-lanes", "L", "lanes simulated at gate level, from lane 0 (default: 1)");
  o.value("gate-beats", "B", "beats per lane at gate level; 0: all (default: 0)");
  o.value("glitch-beats", "B",
          "beats of lane 0 through the unit-delay event simulation for the glitch bound; 0: none "
          "(default: 1000)");
  o.value("json", "FILE", "also write the report as JSON (docs/outputs.md)");
  o.value("csv", "FILE", "also write the estimates and storage totals as CSV (docs/outputs.md)");
  declare_max_cycles(o);
  declare_memory_limit(o);
}

// What the command line asks for, every value checked.
struct Request {
  ChosenLayer layer;  // what it is called, its N and K, and a GGUF tensor's weights
  double zeros = 0;
  std::string zeros_source;
  ActProfile act = ActProfile::kGaussian;
  std::uint64_t seed = 1;
  std::uint32_t prefill = 128;
  bool prefill_rtl = true;
  std::vector<std::string> keys;  // the tables --nodes chose
  EnergyOptions energy;
  std::string calibration;
  bool sweep = true, gate = true;
  int gate_lanes = 1;
  std::uint64_t gate_beats = 0, glitch_beats = 1000;
  std::uint64_t watchdog = 0;
};

Request read_request(const Options& o, const EnergyTables& tables, const EnergyOptions& energy) {
  Request q;
  q.layer = choose_layer(o, "ffn_down", memory_limit(o));
  if (!q.layer.weights.empty()) {
    q.zeros = q.layer.zero_fraction();
    q.zeros_source = "the tensor's weights";
  } else if (o.has("zeros")) {
    q.zeros = o.fraction("zeros", 0.0);
    q.zeros_source = "--zeros";
  } else {
    q.zeros = absmean_gaussian_zero_fraction();
    q.zeros_source = "absmean ternarization of Gaussian weights";
  }
  q.act = realistic_act_profile(q.layer.kind);
  if (o.has("act-profile")) {
    const std::string name = o.str("act-profile", "");
    try {
      q.act = parse_act_profile(name);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument(fmt::format(
          "--act-profile: unknown activation profile '{}' (expected uniform, gaussian, rmsnorm "
          "or relu2)",
          printable(name)));
    }
  }
  q.seed = o.decimal("seed", 0, UINT64_MAX, 1);
  q.prefill = static_cast<std::uint32_t>(o.decimal("prefill", 0, kMaxDim, 128));
  const std::string from = o.str("prefill-counts", "rtl");
  if (from != "rtl" && from != "model") {
    throw std::invalid_argument(
        fmt::format("--prefill-counts must be rtl or model, got '{}'", printable(from)));
  }
  q.prefill_rtl = from == "rtl";
  q.keys = chosen_tables(energy, tables);
  q.energy = energy;
  q.calibration = o.str("activity-calibration", default_activity_calibration());
  q.sweep = !o.has("no-sweep");
  q.gate = !o.has("no-gate");
  if (!q.gate && (o.has("gate-lanes") || o.has("gate-beats") || o.has("glitch-beats"))) {
    throw std::invalid_argument(
        "--gate-lanes, --gate-beats and --glitch-beats need the gate level "
        "(no --no-gate)");
  }
  q.gate_lanes = static_cast<int>(o.decimal("gate-lanes", 1, 1024, 1));
  q.gate_beats = o.decimal("gate-beats", 0, UINT64_MAX, 0);
  q.glitch_beats = q.gate ? o.decimal("glitch-beats", 0, 1000000, 1000) : 0;
  q.watchdog = max_cycles(o);
  return q;
}

// Weights and activations of the run: ternary codes, or an INT8 model's weights for the INT8
// array (the same activations: the same seed and profile).
GemmProblem problem(const GemmShape& shape, const Request& q, bool int8) {
  RandomSpec spec{shape, q.seed, int8 ? 0.0 : q.zeros, q.act};
  if (int8) spec.format = WeightFormat::kInt8;
  return q.layer.problem(spec);  // --gguf: the tensor's own weights on the ternary array
}

template <typename H>
MonitorCounts simulate(H& harness, const GemmProblem& p, const Request& q, const char* what) {
  RunOptions options;
  options.seed = q.seed;
  options.watchdog_cycles = q.watchdog;
  const RunReport r = harness.run(p, options);
  if (!r.passed)
    throw CheckFailed(fmt::format("the {} RTL run failed its checks:\n{}", what, r.failure));
  return r.counted;
}

int run(const Options& o) {
#if !TERNAC_CLI_CLAIMS
  throw std::logic_error("this build of ternac has no claims models (TERNAC_CLI_CLAIMS=OFF)");
#endif
  // Everything is checked before the first cycle: options, files, tables, calibration, shapes.
  Files files;
  files.outputs_of(o, {"json", "csv"});
  for (const auto& [option, path] : layer_input_files(o)) files.input(option, path);
  if (o.has("activity-calibration")) {
    files.input("--activity-calibration", o.str("activity-calibration", ""));
  }
  const EnergyOptions energy = energy_options(o);
  energy_inputs(files, energy);
  files.check();  // before any input is opened: a FIFO or an output over an input is refused
  const EnergyTables tables = EnergyTables::load(energy.dir);
  const Request q = read_request(o, tables, energy);
  const ActivityCalibration calibration = ActivityCalibration::load(q.calibration);

  TogglesHarness harness;
  const ArrayConfig& cfg = harness.config();
  // The INT8 baseline as its RTL was built (sim/CMakeLists.txt: the same geometry, a signed tree,
  // no width cap, an accumulator as wide as its root needs), read from the model itself.
  Int8Harness int8_harness;
  const ArrayConfig& cfg8 = int8_harness.config();
  const LayerShape& layer = q.layer.shape;
  const GemmShape decode{1, layer.n, layer.k};
  const GemmShape prefill{q.prefill, layer.n, layer.k};
  if (q.gate_lanes > cfg.lanes) {
    throw std::invalid_argument(
        fmt::format("--gate-lanes must be at most the array's {} lanes", cfg.lanes));
  }
  for (const ArrayConfig* c : {&cfg, &cfg8}) {
    check_shape(decode, *c);
    if (q.prefill) check_shape(prefill, *c);
  }
  ClaimsReport report;
  report.config = cfg;
  report.workload = q.layer.title;
  report.zero_fraction = q.zeros;
  report.zero_fraction_source = q.zeros_source;
  report.act_profile = act_profile_name(q.act);
  report.seed = q.seed;
  report.storage = q.energy.storage;
  {
    // Every figure of the report, once on small GEMMs of the operation-count model, so that
    // tables or a calibration that cannot answer are refused before anything is simulated.
    ClaimsReport dry = report;
    for (std::uint32_t m : {1u, 3u}) {
      const GemmShape small{m, static_cast<std::uint32_t>(cfg.lanes),
                            static_cast<std::uint32_t>(cfg.tree_inputs)};
      ClaimsRun run{m == 1 ? "decode" : "prefill", small};
      run.ternary.ops = predict_op_counts(cfg, problem(small, q, false));
      run.int8.ops = predict_op_counts(cfg8, problem(small, q, true));
      run.ternary.toggles.sel_pos = 1;  // so that the activity estimate is evaluated
      dry.runs.push_back(run);
    }
    dry.sweep.push_back({q.zeros, dry.runs[0].ternary.ops, dry.runs[0].shape.macs()});
    evaluate_claims(dry, tables, calibration, q.keys);
    (void)claims_text(dry);
  }
  const std::uint64_t largest = gemm_bytes(q.prefill ? prefill : decode);
  const MemoryEstimate memory{kBaseBytes + 3 * kModelBytes + largest + q.layer.weights.size(),
                              "the largest run's weights, activations and expected results, and "
                              "three Verilated models"};
  const MemoryLimit limit = memory_limit(o);
  check_memory(memory, limit);

  fmt::print(
      "ternac claims: array {}, {} ({} x {}), {:.2f} % zero weights ({}), activations {}, "
      "seed {}\n",
      cfg.name(), report.workload, layer.n, layer.k, q.zeros * 100, q.zeros_source,
      report.act_profile, q.seed);
  std::fflush(stdout);

  // Decode on the models that count toggles (the activity estimate needs them).
  {
    ClaimsRun run{"decode", decode};
    fmt::print("simulating decode {} on the ternary and INT8 arrays\n", decode.str());
    std::fflush(stdout);
    run.ternary = simulate(harness, problem(decode, q, false), q, "ternary");
    run.int8 = simulate(int8_harness, problem(decode, q, true), q, "INT8");
    report.runs.push_back(run);
  }
  Harness fast;  // the same RTL without toggle counting: the prefill and the sweep
  if (q.prefill) {
    ClaimsRun run{"prefill", prefill};
    const GemmProblem pt = problem(prefill, q, false);
    if (q.prefill_rtl) {
      fmt::print("simulating prefill {} on the ternary and INT8 arrays\n", prefill.str());
      std::fflush(stdout);
      run.ternary = simulate(fast, pt, q, "ternary");
      run.int8 = simulate(int8_harness, problem(prefill, q, true), q, "INT8");
    } else {
      run.source = "operation-count model";
      run.ternary.ops = predict_op_counts(cfg, pt);
      run.int8.ops = predict_op_counts(cfg8, problem(prefill, q, true));
    }
    report.runs.push_back(run);
  }
  if (q.sweep) {
    fmt::print("simulating the zero-fraction sweep (decode, 0 to 60 %)\n");
    std::fflush(stdout);
    for (int z = 0; z <= 60; z += 10) {
      // Synthetic weights at each fraction, whatever the layer's own (a GGUF tensor's would be
      // the same weights seven times).
      const double zeros = z / 100.0;
      const GemmProblem p = random_problem({decode, q.seed, zeros, q.act});
      report.sweep.push_back({zeros, simulate(fast, p, q, "ternary").ops, decode.macs()});
    }
  }
  if (q.gate) {
    GateRunOptions g;
    g.lanes = q.gate_lanes;
    g.max_beats = q.gate_beats;
    g.seed = q.seed;
    fmt::print(
        "gate level: lane netlists of both arrays (built on first use, then cached; see "
        "docs/build_cache.md)\n");
    std::fflush(stdout);
    report.gate_ternary = run_gate_level(cfg, problem(decode, q, false), g);
    report.gate_int8 = run_gate_level(cfg8, problem(decode, q, true), g);
    if (q.glitch_beats) {
      GlitchFactor f;
      f.beats = q.glitch_beats;
      f.ternary = run_glitch_bound(cfg, problem(decode, q, false), q.glitch_beats).factor();
      f.int8 = run_glitch_bound(cfg8, problem(decode, q, true), q.glitch_beats).factor();
      report.glitch = f;
    }
  }
  evaluate_claims(report, tables, calibration, q.keys);
  fmt::print("\n{}", claims_text(report));

  const Json prov = provenance("claims", cfg, o, q.seed, q.energy.dir);
  if (o.has("json")) {
    // schema_version and kind first, then the provenance, as in every ternac report.
    const Json body = claims_json(report);
    Json j = {{"schema_version", body.at("schema_version")},
              {"kind", body.at("kind")},
              {"provenance", prov}};
    for (const auto& [key, value] : body.items()) {
      if (!j.contains(key)) j[key] = value;
    }
    write_output(o.str("json", ""), json_text(j));
  }
  if (o.has("csv")) {
    std::vector<std::string> header = claims_csv_header();
    for (const std::string& c : provenance_columns()) header.push_back(c);
    CsvTable csv(header);
    const std::vector<std::string> prov_values = provenance_values(prov);
    for (std::vector<std::string> row : claims_csv_rows(report)) {
      row.insert(row.end(), prov_values.begin(), prov_values.end());
      csv.row(row);
    }
    write_output(o.str("csv", ""), csv.text());
  }
  return kExitOk;
}

}  // namespace

Command add_claims(CLI::App& root) {
  return make_command(root, "claims",
                      "check the 71.4x and 5.5x energy claims on one layer, decode and prefill: "
                      "the paper's and the critique's arithmetic against counted, activity and "
                      "gate-level estimates, with storage, per energy table",
                      declare, run);
}

}  // namespace ternac::cli
