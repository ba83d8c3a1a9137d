// ternac run: 2B4T layers (or a custom shape) through the RTL with random weights; the golden
// model checks every result, the cycle model every cycle count (without backpressure), the
// operation-count model every energy counter. The main job (scripts/run.sh).
#include <fmt/format.h>
#include <malloc.h>

#include <chrono>
#include <string>
#include <vector>

#include "ternac/model/base/text_io.h"
#include "ternac/model/core/cycle_model.h"
#include "ternac/model/energy/claims.h"
#include "ternac/model/energy/energy_model.h"
#include "ternac/sim/cli/commands.h"
#include "ternac/sim/cli/layer_runner.h"
#include "ternac/sim/cli/report.h"
#include "ternac/sim/cli/variant.h"
#include "ternac/sim/cli/workloads.h"

namespace ternac::cli {
namespace {

void declare(Options& o) {
  declare_array_options(o);
  o.value("layer", "NAME", "a 2B4T layer (" + layer_names_text() + ") or 'all' (default: all)");
  o.value("tokens", "M", "tokens per layer: 1 is decode (GEMV), more is prefill (default: 1)");
  o.value("m", "M", "a custom shape instead of --layer: M tokens (with --n and --k)");
  o.value("n", "N", "a custom shape: N output rows");
  o.value("k", "K", "a custom shape: K inputs");
  o.value("workload", "FILE",
          "the layers of a workload file instead of --layer: a CSV 'name,m,n,k' with one layer "
          "per line (docs/outputs.md)");
  o.value("zeros", "F", "fraction of zero weights, 0..1 (default: 0.4)");
  o.value("seed", "S", "random seed of weights and activations (default: 1)");
  o.value("backpressure", "P",
          "probability that a stream is ready/valid each cycle, [1e-6, 1] (default: 1, no stalls: "
          "cycles must equal the cycle model)");
  o.value("padding", "MODE", "zero or random: what padding rows/columns carry (default: zero)");
  declare_energy_options(o);
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

double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

// What the command line asks for, every value checked.
struct Request {
  std::vector<LayerJob> jobs;
  std::string workload;  // --workload FILE: jobs are read from it once it has passed the checks
  double zeros = 0.4;
  std::uint64_t seed = 1;
  double backpressure = 1.0;
  std::string padding = "zero";
  std::uint64_t watchdog = 0;  // --max-cycles
  EnergyOptions energy;
};

Request read_request(const Options& o) {
  Request q;
  if (o.has("workload")) {
    if (o.has("m") || o.has("n") || o.has("k") || o.has("layer") || o.has("tokens")) {
      throw std::invalid_argument("--workload takes no --layer, --tokens, --m, --n or --k");
    }
    q.workload = o.str("workload", "");
  } else if (o.has("m") || o.has("n") || o.has("k")) {
    if (!(o.has("m") && o.has("n") && o.has("k")) || o.has("layer") || o.has("tokens")) {
      throw std::invalid_argument(
          "a custom shape needs all of --m, --n, --k and no --layer/--tokens");
    }
    q.jobs.push_back({"custom", 0, {o.dim("m", 1), o.dim("n", 1), o.dim("k", 1)}, ""});
  } else {
    q.jobs = layers_2b4t(o.str("layer", "all"), o.dim("tokens", 1));
  }
  q.zeros = o.fraction("zeros", 0.4);
  q.seed = o.decimal("seed", 0, UINT64_MAX, 1);
  q.backpressure = o.real("backpressure", 1.0);
  // At least 1e-6: a stream ready once in a million cycles on average already makes the smallest
  // command take millions of cycles; below that a run would not end in useful time.
  if (!(q.backpressure >= 1e-6 && q.backpressure <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("--backpressure must be in [1e-6, 1], got {}", o.str("backpressure", "")));
  }
  q.watchdog = max_cycles(o);
  q.padding = o.str("padding", "zero");
  if (q.padding != "zero" && q.padding != "random") {
    throw std::invalid_argument(
        fmt::format("--padding must be zero or random, got '{}'", printable(q.padding)));
  }
  q.energy = energy_options(o);
  return q;
}

// Why the INT8 baseline array of the same geometry would refuse one of the jobs ("" if none).
std::string int8_misfit(const std::vector<LayerJob>& jobs, const ArrayConfig& int8_cfg) {
  for (const LayerJob& job : jobs) {
    try {
      check_shape(job.shape, int8_cfg);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
  }
  return "";
}

// The per-layer report, built as layers finish: the terminal's lines, the JSON's layers and the
// CSV's rows, and the totals.
class LayerReport {
 public:
  LayerReport(const ArrayConfig& cfg, const EnergyTables& tables, const StorageConfig& storage,
              const std::vector<std::string>& keys, const Json& prov)
      : cfg_(cfg),
        tables_(tables),
        storage_(storage),
        keys_(keys),
        prov_(provenance_values(prov)),
        csv_(header(keys)) {}

  static void print_header() {
    fmt::print("{:<12} {:>5} {:>6} {:>6} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}  {}\n", "layer", "M",
               "N", "K", "MACs", "cycles", "model", "bound", "MACs/cycle", "util", "check");
  }

  void add(const LayerJob& job, const RunReport& r) {
    const CycleEstimate e = predict_cycles(cfg_, job.shape);
    const GemmShape& s = job.shape;
    macs_ += s.macs();
    cycles_ += r.cycles;
    results_ += r.checked_results;
    passed_ = passed_ && r.passed;
    complete_ = complete_ && r.complete;
    counted_ += r.counted.ops;
    // Utilization and MACs per cycle mean something only for a command that ran to its end.
    const bool known = r.complete && r.cycles != 0;
    const double util = known ? utilization(cfg_, s, r.cycles) : 0.0;
    fmt::print("{:<12} {:>5} {:>6} {:>6} {:>8.2f}M {:>9} {:>9} {:>7} {:>10} {:>9}  {}\n", job.kind,
               s.m, s.n, s.k, static_cast<double>(s.macs()) / 1e6, r.cycles, e.cycles,
               e.lower_bound, known ? fmt::format("{:.1f}", ratio(s.macs(), r.cycles)) : "-",
               known ? fmt::format("{:.3f}%", 100.0 * util) : "-",
               r.passed ? fmt::format("ok ({} result{})", r.checked_results,
                                      r.checked_results == 1 ? "" : "s")
                        : "FAIL");
    if (!r.passed) fmt::print("{}", printable_message(r.failure));
    std::fflush(stdout);
    const std::vector<NodeEnergy> energy =
        energy_per_node(cfg_, r.counted.ops, s, tables_, storage_, keys_);
    add_energy(energy_, energy);
    layers_.push_back({{"layer", job.kind},
                       {"m", s.m},
                       {"n", s.n},
                       {"k", s.k},
                       {"macs", s.macs()},
                       {"cycles", r.cycles},
                       {"model_cycles", e.cycles},
                       {"lower_bound", e.lower_bound},
                       {"macs_per_cycle", known ? Json(ratio(s.macs(), r.cycles)) : Json(nullptr)},
                       {"utilization", known ? Json(util) : Json(nullptr)},
                       {"complete", r.complete},
                       {"passed", r.passed},
                       {"results_checked", r.checked_results},
                       {"values_checked", r.checked_values},
                       {"failure", r.passed ? Json(nullptr) : Json(r.failure)},
                       {"energy", energy_json(energy)}});
    std::vector<std::string> row = {job.kind,
                                    std::to_string(s.m),
                                    std::to_string(s.n),
                                    std::to_string(s.k),
                                    std::to_string(s.macs()),
                                    std::to_string(r.cycles),
                                    std::to_string(e.cycles),
                                    std::to_string(e.lower_bound),
                                    known ? csv_real(util) : "",
                                    r.passed ? "1" : "0",
                                    std::to_string(r.checked_results)};
    const std::vector<std::string> e_values = energy_values(energy);
    row.insert(row.end(), e_values.begin(), e_values.end());
    row.insert(row.end(), prov_.begin(), prov_.end());
    csv_.row(row);
  }

  void print_total() const {
    fmt::print("{:<12} {:>5} {:>6} {:>6} {:>8.2f}M {:>9} {:>9} {:>7} {:>10} {:>9}\n", "total", "",
               "", "", static_cast<double>(macs_) / 1e6, cycles_, "", "",
               total_known() ? fmt::format("{:.1f}", ratio(macs_, cycles_)) : "-",
               total_known() ? fmt::format("{:.3f}%", 100.0 * total_util()) : "-");
  }

  Json total_json() const {
    return {{"macs", macs_},
            {"cycles", cycles_},
            {"macs_per_cycle", total_known() ? Json(ratio(macs_, cycles_)) : Json(nullptr)},
            {"utilization", total_known() ? Json(total_util()) : Json(nullptr)},
            {"results_checked", results_},
            {"energy", energy_json(energy_)}};
  }

  bool passed() const { return passed_; }
  std::uint64_t macs() const { return macs_; }
  std::uint64_t cycles() const { return cycles_; }
  std::uint64_t results() const { return results_; }
  const OpCounts& counted() const { return counted_; }
  const std::vector<NodeEnergy>& energy() const { return energy_; }
  const Json& layers() const { return layers_; }
  std::string csv() const { return csv_.text(); }

 private:
  static std::vector<std::string> header(const std::vector<std::string>& keys) {
    std::vector<std::string> h = {
        "layer",        "m",           "n",           "k",      "macs",           "cycles",
        "model_cycles", "lower_bound", "utilization", "passed", "results_checked"};
    for (const std::string& c : energy_columns(keys)) h.push_back(c);
    for (const std::string& c : provenance_columns()) h.push_back(c);
    return h;
  }
  bool total_known() const { return complete_ && cycles_ != 0; }
  double total_util() const {
    return static_cast<double>(macs_) /
           (static_cast<double>(cycles_) * static_cast<double>(cfg_.peak_macs_per_cycle()));
  }

  const ArrayConfig& cfg_;
  const EnergyTables& tables_;
  const StorageConfig& storage_;
  std::vector<std::string> keys_;
  std::vector<std::string> prov_;
  CsvTable csv_;
  Json layers_ = Json::array();
  std::uint64_t macs_ = 0, cycles_ = 0, results_ = 0;
  bool passed_ = true, complete_ = true;
  OpCounts counted_;
  std::vector<NodeEnergy> energy_;  // summed over the layers
};

// The energy of the run per table (arithmetic / + on-chip / + off-chip, summed over the layers),
// and the claims in brief on this run's counters: the counted arithmetic of the ternary array
// against the INT8 array's and FP16's, at 45 nm and both 7 nm tables or those --nodes chose
// (`ternac claims` gives the
// full report: the INT8 array simulated too, activity and gate-level estimates, storage per run;
// here the INT8 counts come from the operation-count model, which the INT8 RTL matches in
// cosim_test_int8). Printed, and returned for the JSON.
Json print_claims(const ArrayConfig& cfg, const LayerReport& layers, const OpCounts& int8_counts,
                  const EnergyTables& tables, const std::vector<std::string>& keys) {
  fmt::print("claims on this run's counted arithmetic (ternac claims: the full report):\n");
  Json claims = Json::array();
  for (const std::string& key : keys) {
    const NodeClaims n =
        counted_claims(cfg, layers.counted(), int8_counts, layers.macs(), tables.table(key));
    const Estimate& e = *n.find("counted");
    fmt::print(
        "  {:>3} nm {:<12}: paper's claim {:.2f}x, critique {:.2f}x / 2 = {:.2f}x; counted FP16 "
        "/ ternary {:.2f}x, INT8 / ternary {:.2f}x{}\n",
        n.node_nm, n.family, n.paper_ratio, n.critique_ratio, n.critique_halved,
        e.fp16_over_ternary(), e.int8_over_ternary(), e.mixed ? " (mixes families)" : "");
    claims.push_back({{"table", key},
                      {"node_nm", n.node_nm},
                      {"family", e.family},
                      {"mixed_families", e.mixed},
                      {"paper_ratio", finite_or_null(n.paper_ratio)},
                      {"critique_ratio", finite_or_null(n.critique_ratio)},
                      {"critique_halved", finite_or_null(n.critique_halved)},
                      {"ternary_fj_per_mac", finite_or_null(e.ternary_fj)},
                      {"int8_fj_per_mac", finite_or_null(e.int8_fj)},
                      {"fp16_fj_per_mac", finite_or_null(e.fp16_fj)},
                      {"fp16_over_ternary", finite_or_null(e.fp16_over_ternary())},
                      {"int8_over_ternary", finite_or_null(e.int8_over_ternary())}});
  }
  return claims;
}

int run(const Options& o) {
  // Everything is checked before the first layer is made: options, files, tables, shapes, memory.
  Request q = read_request(o);
  Files files;
  if (!q.workload.empty()) files.input("--workload", q.workload);
  energy_inputs(files, q.energy);
  files.outputs_of(o, {"json", "csv"});
  files.check();
  if (!q.workload.empty()) q.jobs = workload_file_layers(q.workload);
  const std::vector<LayerJob>& jobs = q.jobs;
  const EnergyTables tables = EnergyTables::load(q.energy.dir);
  Harness harness;
  const ArrayConfig& cfg = harness.config();
  for (const LayerJob& job : jobs) check_shape(job.shape, cfg);
  ArrayConfig int8_cfg = cfg;
  int8_cfg.datapath = Datapath::kInt8;
  const std::string misfit = int8_misfit(jobs, int8_cfg);
  const std::vector<std::string> keys = chosen_tables(q.energy, tables);
  const std::vector<std::string> claim_keys = summary_claim_keys(q.energy, tables, keys);
  preflight_energy(cfg, tables, q.energy.storage, keys,
                   misfit.empty() ? claim_keys : std::vector<std::string>{});
  const MemoryEstimate memory{layers_memory(jobs, 1),
                              "weights, activations and expected results of the layers in "
                              "memory at once, and the Verilated model"};
  const MemoryLimit limit = memory_limit(o);
  check_memory(memory, limit);

  fmt::print(
      "ternac run: array {} ({} lanes x {} inputs = {} ternary MACs/cycle peak), "
      "{:.0f}% zero weights, seed {}, backpressure {}\n",
      cfg.name(), cfg.lanes, cfg.tree_inputs, cfg.peak_macs_per_cycle(), q.zeros * 100, q.seed,
      q.backpressure >= 1.0 ? std::string("none") : fmt::format("{}", q.backpressure));
  fmt::print("memory: about {} estimated, limit {} (from {})\n", bytes_text(memory.bytes),
             bytes_text(limit.bytes), limit.source);
  LayerReport::print_header();
  std::fflush(stdout);

  // The INT8 baseline's operation counts (its problems made and freed here, before the layers'
  // are; malloc_trim hands their memory back, so the estimate covers the larger of the two
  // phases, not their sum).
  OpCounts int8_counts;
  if (misfit.empty()) {
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      int8_counts += predict_op_counts(int8_cfg, int8_problem(jobs[i].shape, q.seed + i));
    }
    malloc_trim(0);
  }
  const Json prov = provenance("run", cfg, o, q.seed, q.energy.dir);
  LayerReport layers(cfg, tables, q.energy.storage, keys, prov);
  const auto t0 = std::chrono::steady_clock::now();
  run_layers(
      jobs, 1,
      [&](std::size_t i) {
        return random_problem({jobs[i].shape, q.seed + i, q.zeros, ActProfile::kGaussian});
      },
      [&](std::size_t i) {
        RunOptions opt;
        opt.seed = q.seed + i;
        opt.backpressure = Backpressure::random_all(q.backpressure);
        opt.padding = q.padding == "random" ? Padding::kRandom : Padding::kZero;
        opt.watchdog_cycles = q.watchdog;
        return opt;
      },
      [&](std::size_t i, const RunReport& r) { layers.add(jobs[i], r); });  // in order
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  layers.print_total();
  const std::uint64_t peak = peak_resident_bytes();
  fmt::print("memory: {} peak resident, {} estimated\n", bytes_text(peak),
             bytes_text(memory.bytes));
  fmt::print(
      "check: {} — {} results compared bit-exactly with the golden model, "
      "{} cycles simulated in {:.2f} s ({:.2f} M simulated MACs/s)\n",
      layers.passed() ? "PASS" : "FAIL", layers.results(), layers.cycles(), secs,
      static_cast<double>(layers.macs()) / secs / 1e6);
  fmt::print(
      "energy per MAC (fJ; ternary counters checked against the model): arithmetic / + on-chip "
      "storage / + off-chip traffic (on-chip capacity {})\n{}",
      bytes_text(q.energy.storage.onchip_bytes), energy_text(layers.energy()));
  Json claims = nullptr;
  if (misfit.empty()) {
    claims = print_claims(cfg, layers, int8_counts, tables, claim_keys);
  } else {
    fmt::print(
        "energy: no claims for this workload: the INT8 baseline array of the same geometry would "
        "refuse it ({})\n",
        misfit);
  }

  if (o.has("json")) {
    const Json j = {{"schema_version", kSchemaVersion},
                    {"kind", "ternac-run"},
                    {"provenance", prov},
                    {"workload",
                     {{"zeros", q.zeros},
                      {"seed", q.seed},
                      {"backpressure", q.backpressure},
                      {"padding", q.padding},
                      {"onchip_bytes", q.energy.storage.onchip_bytes},
                      {"weights", "random, seed + layer index"}}},
                    {"passed", layers.passed()},
                    {"layers", layers.layers()},
                    {"total", layers.total_json()},
                    {"claims", claims},
                    {"claims_refused", misfit.empty() ? Json(nullptr) : Json(misfit)},
                    {"memory_estimate_bytes", memory.bytes},
                    {"memory_peak_bytes", peak},
                    {"sim_seconds", secs}};
    write_output(o.str("json", ""), json_text(j));
  }
  if (o.has("csv")) write_output(o.str("csv", ""), layers.csv());
  return layers.passed() ? kExitOk : kExitCheckFailed;
}

}  // namespace

Command add_run(CLI::App& root) {
  return make_command(root, "run",
                      "run a GEMM workload through the RTL; the golden model checks every result",
                      declare, run);
}

}  // namespace ternac::cli
