// ternac run: 2B4T layers (or a custom shape) through the RTL with random weights; the golden
// model checks every result, the cycle model every cycle count (without backpressure), the
// operation-count model every energy counter. The main job (scripts/run.sh).
#include <fmt/format.h>
#include <malloc.h>

#include <chrono>
#include <string>
#include <vector>

#include "claims.h"
#include "commands.h"
#include "cycle_model.h"
#include "energy_model.h"
#include "layer_runner.h"
#include "report.h"
#include "text_io.h"
#include "workloads.h"

namespace ternac::cli {
namespace {

void declare(Options& o) {
  o.value("layer", "NAME",
          "a 2B4T layer (attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down) or "
          "'all' (default: all)");
  o.value("tokens", "M", "tokens per layer: 1 is decode (GEMV), more is prefill (default: 1)");
  o.value("m", "M", "a custom shape instead of --layer: M tokens (with --n and --k)");
  o.value("n", "N", "a custom shape: N output rows");
  o.value("k", "K", "a custom shape: K inputs");
  o.value("zeros", "F", "fraction of zero weights, 0..1 (default: 0.4)");
  o.value("seed", "S", "random seed of weights and activations (default: 1)");
  o.value("backpressure", "P",
          "probability that a stream is ready/valid each cycle, (0, 1] (default: 1, no stalls: "
          "cycles must equal the cycle model)");
  o.value("padding", "MODE", "zero or random: what padding rows/columns carry (default: zero)");
  o.value("energy-dir", "DIR",
          "energy tables (default: the shipped model/energy, or $TERNAC_ENERGY_DIR)");
  o.value("json", "FILE", "also write the report as JSON (docs/outputs.md)");
  o.value("csv", "FILE", "also write the per-layer table as CSV (docs/outputs.md)");
  declare_max_cycles(o);
  declare_memory_limit(o);
}

// The same shape with an INT8 model's weights, for the INT8 baseline array.
GemmProblem int8_problem(const GemmShape& shape, std::uint64_t seed) {
  RandomSpec spec{shape, seed, 0.0, ActProfile::kGaussian};
  spec.format = WeightFormat::kInt8;
  return random_problem(spec);
}

// Utilization and MACs per cycle mean something only for a command that ran to its end.
std::string util_text(const ArrayConfig& cfg, const GemmShape& s, const RunReport& r) {
  return !r.complete || r.cycles == 0
             ? "-"
             : fmt::format("{:.3f}%", 100.0 * utilization(cfg, s, r.cycles));
}

std::string per_cycle_text(const GemmShape& s, const RunReport& r) {
  return !r.complete || r.cycles == 0
             ? "-"
             : fmt::format("{:.1f}", static_cast<double>(s.macs()) / static_cast<double>(r.cycles));
}

double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

int run(const Options& o) {
  // Every option first: a bad one is refused before anything is made.
  std::vector<LayerJob> jobs;
  if (o.has("m") || o.has("n") || o.has("k")) {
    if (!(o.has("m") && o.has("n") && o.has("k")) || o.has("layer") || o.has("tokens")) {
      throw std::invalid_argument(
          "a custom shape needs all of --m, --n, --k and no --layer/--tokens");
    }
    jobs.push_back({"custom", 0, {o.dim("m", 1), o.dim("n", 1), o.dim("k", 1)}, ""});
  } else {
    jobs = layers_2b4t(o.str("layer", "all"), o.dim("tokens", 1));
  }
  const double zeros = o.fraction("zeros", 0.4);
  const std::uint64_t seed = o.decimal("seed", 0, UINT64_MAX, 1);
  const double bp = o.real("backpressure", 1.0);
  if (!(bp > 0.0 && bp <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("--backpressure must be in (0, 1], got {}", o.str("backpressure", "")));
  }
  const std::uint64_t watchdog = max_cycles(o);
  const std::string padding = o.str("padding", "zero");
  if (padding != "zero" && padding != "random") {
    throw std::invalid_argument(
        fmt::format("--padding must be zero or random, got '{}'", printable(padding)));
  }
  Files files;
  files.outputs_of(o, {"json", "csv"});
  files.check();
  const std::string energy_dir = o.str("energy-dir", default_energy_dir());
  const EnergyTables tables = EnergyTables::load(energy_dir);

  Harness harness;
  const ArrayConfig& cfg = harness.config();
  for (const LayerJob& job : jobs) check_shape(job.shape, cfg);
  ArrayConfig int8_cfg = cfg;
  int8_cfg.datapath = Datapath::kInt8;
  // Whether the INT8 baseline array would take every job (the claims need its counts).
  std::string int8_misfit;
  for (const LayerJob& job : jobs) {
    if (int8_misfit.empty() && !shape_accepted(job.shape, int8_cfg)) {
      try {
        check_shape(job.shape, int8_cfg);
      } catch (const std::invalid_argument& e) {
        int8_misfit = e.what();
      }
    }
  }
  const std::vector<int> claim_nodes = {45, 7};
  preflight_energy(cfg, tables, int8_misfit.empty() ? claim_nodes : std::vector<int>{});
  const MemoryEstimate memory{layers_memory(jobs, 1),
                              "weights, activations and expected results of the layers in "
                              "memory at once, and the Verilated model"};
  const MemoryLimit limit = memory_limit(o);
  check_memory(memory, limit);

  fmt::print(
      "ternac run: array {} ({} lanes x {} inputs = {} ternary MACs/cycle peak), "
      "{:.0f}% zero weights, seed {}, backpressure {}\n",
      cfg.name(), cfg.lanes, cfg.tree_inputs, cfg.peak_macs_per_cycle(), zeros * 100, seed,
      bp >= 1.0 ? std::string("none") : fmt::format("{}", bp));
  fmt::print("memory: about {} estimated, limit {} (from {})\n", bytes_text(memory.bytes),
             bytes_text(limit.bytes), limit.source);
  fmt::print("{:<12} {:>5} {:>6} {:>6} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}  {}\n", "layer", "M",
             "N", "K", "MACs", "cycles", "model", "bound", "MACs/cycle", "util", "check");
  std::fflush(stdout);

  // The INT8 baseline's operation counts (its problems made and freed here, before the layers'
  // are; malloc_trim hands their memory back, so the estimate covers the larger of the two
  // phases, not their sum).
  OpCounts int8_predicted;
  if (int8_misfit.empty()) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      int8_predicted += predict_op_counts(int8_cfg, int8_problem(jobs[i].shape, seed + i));
    }
    malloc_trim(0);
  }
  std::uint64_t total_macs = 0, total_cycles = 0, total_results = 0;
  bool all_ok = true, all_complete = true;
  OpCounts counted;
  Json layers = Json::array();
  std::vector<std::string> header = {
      "layer",        "m",           "n",           "k",      "macs",           "cycles",
      "model_cycles", "lower_bound", "utilization", "passed", "results_checked"};
  for (int node : tables.nodes()) {
    header.push_back(fmt::format("fj_per_mac_{}nm", node));
    header.push_back(fmt::format("arith_fj_per_mac_{}nm", node));
  }
  for (const std::string& c : provenance_columns()) header.push_back(c);
  CsvTable csv(header);
  const Json prov = provenance("run", cfg, o, seed, energy_dir);
  const std::vector<std::string> prov_vals = provenance_values(prov);

  // Each layer's line as soon as it is done (one worker: in order).
  const auto on_done = [&](std::size_t i, const RunReport& r) {
    const LayerJob& job = jobs[i];
    const CycleEstimate e = predict_cycles(cfg, job.shape);
    total_macs += job.shape.macs();
    total_cycles += r.cycles;
    total_results += r.checked_results;
    all_ok = all_ok && r.passed;
    counted += r.counted.ops;
    all_complete = all_complete && r.complete;
    fmt::print("{:<12} {:>5} {:>6} {:>6} {:>8.2f}M {:>9} {:>9} {:>7} {:>10} {:>9}  {}\n", job.kind,
               job.shape.m, job.shape.n, job.shape.k, static_cast<double>(job.shape.macs()) / 1e6,
               r.cycles, e.cycles, e.lower_bound, per_cycle_text(job.shape, r),
               util_text(cfg, job.shape, r),
               r.passed ? fmt::format("ok ({} result{})", r.checked_results,
                                      r.checked_results == 1 ? "" : "s")
                        : "FAIL");
    if (!r.passed) fmt::print("{}", printable_message(r.failure));
    const std::vector<NodeEnergy> energy =
        energy_per_node(cfg, r.counted.ops, job.shape.macs(), tables);
    const Json util =
        r.complete && r.cycles != 0 ? Json(utilization(cfg, job.shape, r.cycles)) : Json(nullptr);
    const Json per_cycle =
        r.complete && r.cycles != 0 ? Json(ratio(job.shape.macs(), r.cycles)) : Json(nullptr);
    layers.push_back({{"layer", job.kind},
                      {"m", job.shape.m},
                      {"n", job.shape.n},
                      {"k", job.shape.k},
                      {"macs", job.shape.macs()},
                      {"cycles", r.cycles},
                      {"model_cycles", e.cycles},
                      {"lower_bound", e.lower_bound},
                      {"macs_per_cycle", per_cycle},
                      {"utilization", util},
                      {"complete", r.complete},
                      {"passed", r.passed},
                      {"results_checked", r.checked_results},
                      {"values_checked", r.checked_values},
                      {"failure", r.passed ? Json(nullptr) : Json(r.failure)},
                      {"energy", energy_json(energy)}});
    std::vector<std::string> row = {job.kind,
                                    std::to_string(job.shape.m),
                                    std::to_string(job.shape.n),
                                    std::to_string(job.shape.k),
                                    std::to_string(job.shape.macs()),
                                    std::to_string(r.cycles),
                                    std::to_string(e.cycles),
                                    std::to_string(e.lower_bound),
                                    util.is_null() ? "" : csv_real(util.get<double>()),
                                    r.passed ? "1" : "0",
                                    std::to_string(r.checked_results)};
    for (const NodeEnergy& n : energy) {
      row.push_back(csv_real(n.all_fj_per_mac));
      row.push_back(csv_real(n.arithmetic_fj_per_mac));
    }
    row.insert(row.end(), prov_vals.begin(), prov_vals.end());
    csv.row(row);
    std::fflush(stdout);
  };
  const auto t0 = std::chrono::steady_clock::now();
  run_layers(
      jobs, 1,
      [&](std::size_t i) {
        return random_problem({jobs[i].shape, seed + i, zeros, ActProfile::kGaussian});
      },
      [&](std::size_t i) {
        RunOptions opt;
        opt.seed = seed + i;
        opt.backpressure = Backpressure::random_all(bp);
        opt.padding = padding == "random" ? Padding::kRandom : Padding::kZero;
        opt.watchdog_cycles = watchdog;
        return opt;
      },
      on_done);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const bool total_known = all_complete && total_cycles != 0;
  const double total_util =
      total_known
          ? static_cast<double>(total_macs) /
                (static_cast<double>(total_cycles) * static_cast<double>(cfg.peak_macs_per_cycle()))
          : 0.0;
  fmt::print("{:<12} {:>5} {:>6} {:>6} {:>8.2f}M {:>9} {:>9} {:>7} {:>10} {:>9}\n", "total", "", "",
             "", static_cast<double>(total_macs) / 1e6, total_cycles, "", "",
             total_known ? fmt::format("{:.1f}", ratio(total_macs, total_cycles)) : "-",
             total_known ? fmt::format("{:.3f}%", 100.0 * total_util) : "-");
  const std::uint64_t peak = peak_resident_bytes();
  fmt::print("memory: {} peak resident, {} estimated\n", bytes_text(peak),
             bytes_text(memory.bytes));
  fmt::print(
      "check: {} — {} results compared bit-exactly with the golden model, "
      "{} cycles simulated in {:.2f} s ({:.2f} M simulated MACs/s)\n",
      all_ok ? "PASS" : "FAIL", total_results, total_cycles, secs,
      static_cast<double>(total_macs) / secs / 1e6);

  // The claims in brief, on the counters of this run (`ternac claims` gives the full report, with
  // the INT8 array simulated too; here its counts come from the operation-count model, which the
  // INT8 RTL matches in cosim_test_int8).
  Json claims = nullptr;
  if (!int8_misfit.empty()) {
    fmt::print(
        "energy: no claims for this workload: the INT8 baseline array of the same geometry would "
        "refuse it ({})\n",
        int8_misfit);
  } else {
    fmt::print(
        "energy (ternary counters checked against the model; arithmetic = selects or "
        "multiplies and adds; all = with registers and buffers):\n");
    claims = Json::array();
    for (int node : claim_nodes) {
      const NodeClaims n = node_claims(cfg, counted, int8_predicted, total_macs, tables.node(node));
      fmt::print(
          "  {:>2} nm: paper's claim {:.2f}x, critique {:.2f}x / 2 = {:.2f}x; counted FP16 vs "
          "ternary {:.2f}x (all {:.2f}x), INT8 vs ternary {:.2f}x (all {:.2f}x)\n",
          node, n.paper_ratio, n.critique_ratio, n.critique_halved, n.fp16_over_ternary_arith(),
          n.fp16_over_ternary_total(), n.int8_over_ternary_arith(), n.int8_over_ternary_total());
      claims.push_back(
          {{"node_nm", node},
           {"paper_ratio", finite_or_null(n.paper_ratio)},
           {"critique_ratio", finite_or_null(n.critique_ratio)},
           {"critique_halved", finite_or_null(n.critique_halved)},
           {"fp16_over_ternary_arithmetic", finite_or_null(n.fp16_over_ternary_arith())},
           {"fp16_over_ternary_all", finite_or_null(n.fp16_over_ternary_total())},
           {"int8_over_ternary_arithmetic", finite_or_null(n.int8_over_ternary_arith())},
           {"int8_over_ternary_all", finite_or_null(n.int8_over_ternary_total())}});
    }
  }

  if (o.has("json")) {
    const Json j = {
        {"schema_version", kSchemaVersion},
        {"kind", "ternac-run"},
        {"provenance", prov},
        {"workload",
         {{"zeros", zeros},
          {"seed", seed},
          {"backpressure", bp},
          {"padding", padding},
          {"weights", "random, seed + layer index"}}},
        {"passed", all_ok},
        {"layers", layers},
        {"total",
         {{"macs", total_macs},
          {"cycles", total_cycles},
          {"macs_per_cycle", total_known ? Json(ratio(total_macs, total_cycles)) : Json(nullptr)},
          {"utilization", total_known ? Json(total_util) : Json(nullptr)},
          {"results_checked", total_results},
          {"energy", energy_json(energy_per_node(cfg, counted, total_macs, tables))}}},
        {"claims", claims},
        {"claims_refused", int8_misfit.empty() ? Json(nullptr) : Json(int8_misfit)},
        {"memory_estimate_bytes", memory.bytes},
        {"memory_peak_bytes", peak},
        {"sim_seconds", secs}};
    write_output(o.str("json", ""), json_text(j));
  }
  if (o.has("csv")) write_output(o.str("csv", ""), csv.text());
  return all_ok ? kExitOk : kExitCheckFailed;
}

}  // namespace

Command add_run(CLI::App& root) {
  return make_command(root, "run",
                      "run a GEMM workload through the RTL; the golden model checks every result",
                      declare, run);
}

}  // namespace ternac::cli
