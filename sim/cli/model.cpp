// ternac model: every linear layer of a whole model through the RTL, checked, with energy per
// token per node: synthetic weights of a model shape, or every I2_S tensor of a GGUF file.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "cycle_model.h"
#include "layer_runner.h"
#include "report.h"
#include "text_io.h"
#include "workloads.h"

namespace ternac::cli {
namespace {

void declare(Options& o) {
  o.value("model", "NAME", "2b4t, large, 3b or llama3-8b (default: 2b4t), synthetic weights");
  o.value("blocks", "B", "run the first B transformer blocks only (default: all)");
  o.value("gguf", "FILE", "instead: every I2_S (ternary) tensor of a bitnet.cpp GGUF file");
  o.value("tokens", "M", "1 is decode (GEMV), more is prefill (default: 1)");
  o.value("zeros", "F", "fraction of zero synthetic weights (default: 0.4)");
  o.value("seed", "S", "random seed of weights and activations (default: 1)");
  o.value("json", "FILE", "also write the report as JSON (docs/outputs.md)");
  o.value("csv", "FILE", "also write the per-layer-kind table as CSV (docs/outputs.md)");
  o.value("energy-dir", "DIR",
          "energy tables (default: the shipped model/energy, or $TERNAC_ENERGY_DIR)");
  o.value("jobs", "J",
          "layers simulated at once, each on its own model (default: one per core, 1..256); the "
          "results do not depend on it");
  declare_max_cycles(o);
  declare_memory_limit(o);
}

// Per layer kind: how many layers ran and what they did.
struct KindTotals {
  std::uint32_t n = 0, k = 0, layers = 0;
  std::uint64_t macs = 0, cycles = 0, model_cycles = 0, results = 0;
  bool passed = true;
  bool complete = true;  // every layer ran to its end: utilization means something
  OpCounts counted;
};

double util_of(const ArrayConfig& cfg, std::uint64_t macs, std::uint64_t cycles) {
  return cycles == 0 ? 0.0
                     : static_cast<double>(macs) / (static_cast<double>(cycles) *
                                                    static_cast<double>(cfg.peak_macs_per_cycle()));
}

// Utilization as JSON: null unless every layer counted ran to its end.
Json util_json(const ArrayConfig& cfg, std::uint64_t macs, std::uint64_t cycles, bool complete) {
  return complete && cycles != 0 ? Json(util_of(cfg, macs, cycles)) : Json(nullptr);
}

std::string util_text(const ArrayConfig& cfg, std::uint64_t macs, std::uint64_t cycles,
                      bool complete) {
  return complete && cycles != 0 ? fmt::format("{:.3f}%", 100.0 * util_of(cfg, macs, cycles)) : "-";
}

int run(const Options& o) {
  const std::uint32_t tokens = o.dim("tokens", 1);
  const double zeros = o.fraction("zeros", 0.4);
  const std::uint64_t seed = o.decimal("seed", 0, UINT64_MAX, 1);
  const std::uint64_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::uint64_t jobs_wanted = o.decimal("jobs", 1, 256, std::min<std::uint64_t>(cores, 256));
  const std::uint64_t watchdog = max_cycles(o);
  const bool from_gguf = o.has("gguf");
  if (from_gguf && (o.has("model") || o.has("zeros") || o.has("blocks"))) {
    throw std::invalid_argument(
        "--gguf takes its weights and shapes from the file: no --model, --blocks or --zeros "
        "with it");
  }
  const ModelShape* shape = from_gguf ? nullptr : &model_shape(o.str("model", "2b4t"));
  std::uint32_t blocks = 0;
  if (shape != nullptr) {
    const std::uint64_t b =
        o.has("blocks") ? parse_decimal(o.str("blocks", ""), "--blocks") : shape->blocks;
    if (b < 1 || b > shape->blocks) {
      throw std::invalid_argument(
          fmt::format("--blocks must be in 1..{} for {}, got {}", shape->blocks, shape->title, b));
    }
    blocks = static_cast<std::uint32_t>(b);
  }
  const std::string gguf_path = o.str("gguf", "");
  Files files;
  if (from_gguf) files.input("--gguf", gguf_path);
  files.outputs_of(o, {"json", "csv"});
  files.check();
  const std::string energy_dir = o.str("energy-dir", default_energy_dir());
  const EnergyTables tables = EnergyTables::load(energy_dir);

  std::vector<LayerJob> jobs;
  std::string title;
  std::unique_ptr<GgufFile> gguf;
  if (from_gguf) {
    gguf = std::make_unique<GgufFile>(GgufFile::open(gguf_path));
    jobs = gguf_layers(*gguf, gguf_path, tokens);
    title = printable(gguf_path);
  } else {
    jobs = model_layers(*shape, blocks, tokens);
    title = fmt::format("{} ({} of {} blocks, synthetic weights, {:.0f}% zeros)", shape->title,
                        blocks, shape->blocks, zeros * 100);
  }
  Harness harness;
  const ArrayConfig& cfg = harness.config();
  for (const LayerJob& j : jobs) check_shape(j.shape, cfg);
  preflight_energy(cfg, tables, {});
  const std::uint64_t workers = std::min<std::uint64_t>(jobs_wanted, jobs.size());
  const MemoryEstimate memory{
      layers_memory(jobs, workers),
      fmt::format("{} worker{} with a Verilated model and up to two layers each", workers,
                  workers == 1 ? "" : "s")};
  const MemoryLimit limit = memory_limit(o);
  check_memory(memory, limit);

  std::uint64_t total_macs = 0;
  for (const LayerJob& j : jobs) total_macs += j.shape.macs();
  fmt::print("ternac model: {}, {} token{} ({}), array {}, seed {}\n", title, tokens,
             tokens == 1 ? "" : "s", tokens == 1 ? "decode, GEMV" : "prefill, GEMM", cfg.name(),
             seed);
  fmt::print("{} linear layers, {:.3f} G ternary MACs, {} simulation worker{}\n", jobs.size(),
             static_cast<double>(total_macs) / 1e9, workers, workers == 1 ? "" : "s");
  fmt::print("memory: about {} estimated, limit {} (from {})\n", bytes_text(memory.bytes),
             bytes_text(limit.bytes), limit.source);
  std::fflush(stdout);

  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<RunReport> reports = run_layers(
      jobs, workers,
      [&](std::size_t i) {
        const LayerJob& j = jobs[i];
        if (!gguf) return synthetic_layer(j.shape, seed + i, zeros);
        GemmProblem p = synthetic_layer({tokens, 1, j.shape.k}, seed + i, 0.0);  // activations
        p.shape = j.shape;
        p.weights = gguf->i2s(j.tensor).codes;
        return p;
      },
      [&](std::size_t) {
        RunOptions opt;
        opt.watchdog_cycles = watchdog;
        return opt;
      });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const Json prov = provenance("model", cfg, o, seed, energy_dir);
  std::vector<std::string> order;
  std::map<std::string, KindTotals> kinds;
  OpCounts counted;
  std::uint64_t cycles = 0, results = 0;
  bool all_ok = true, all_complete = true;
  std::string failures;
  Json layers = Json::array();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const LayerJob& j = jobs[i];
    const RunReport& r = reports[i];
    const std::uint64_t model_cycles = predict_cycles(cfg, j.shape).cycles;
    if (!kinds.count(j.kind)) order.push_back(j.kind);
    KindTotals& kt = kinds[j.kind];
    kt.n = j.shape.n;
    kt.k = j.shape.k;
    kt.layers += 1;
    kt.macs += j.shape.macs();
    kt.cycles += r.cycles;
    kt.model_cycles += model_cycles;
    kt.results += r.checked_results;
    kt.passed = kt.passed && r.passed;
    kt.complete = kt.complete && r.complete;
    all_complete = all_complete && r.complete;
    kt.counted += r.counted.ops;
    if (!r.passed) failures += fmt::format("block {} {}:\n{}", j.block, j.kind, r.failure);
    all_ok = all_ok && r.passed;
    counted += r.counted.ops;
    cycles += r.cycles;
    results += r.checked_results;
    layers.push_back(
        {{"block", j.block},
         {"kind", j.kind},
         {"tensor", j.tensor.empty() ? Json(nullptr) : Json(j.tensor)},
         {"m", j.shape.m},
         {"n", j.shape.n},
         {"k", j.shape.k},
         {"macs", j.shape.macs()},
         {"cycles", r.cycles},
         {"model_cycles", model_cycles},
         {"utilization", util_json(cfg, j.shape.macs(), r.cycles, r.complete)},
         {"complete", r.complete},
         {"passed", r.passed},
         {"results_checked", r.checked_results},
         {"failure", r.passed ? Json(nullptr) : Json(r.failure)},
         {"energy", energy_json(energy_per_node(cfg, r.counted.ops, j.shape.macs(), tables))}});
  }
  fmt::print("{:<12} {:>6} {:>6} {:>6} {:>10} {:>12} {:>9}  {}\n", "layer", "N", "K", "layers",
             "MACs", "cycles", "util", "check");
  for (const std::string& name : order) {
    const KindTotals& t = kinds[name];
    fmt::print("{:<12} {:>6} {:>6} {:>6} {:>9.2f}M {:>12} {:>9}  {}\n", printable(name), t.n, t.k,
               t.layers, static_cast<double>(t.macs) / 1e6, t.cycles,
               util_text(cfg, t.macs, t.cycles, t.complete),
               t.passed ? fmt::format("ok ({} results)", t.results) : "FAIL");
  }
  fmt::print("{:<12} {:>6} {:>6} {:>6} {:>9.2f}M {:>12} {:>9}\n", "total", "", "", jobs.size(),
             static_cast<double>(total_macs) / 1e6, cycles,
             util_text(cfg, total_macs, cycles, all_complete));
  fmt::print(
      "energy per token (RTL counters, checked against the model; arithmetic = selects, "
      "adds and accumulators; all = with registers and buffers):\n");
  const std::vector<NodeEnergy> energy = energy_per_node(cfg, counted, total_macs, tables);
  for (const NodeEnergy& e : energy) {
    fmt::print(
        "  {:>2} nm: {:10.3f} uJ/token all, {:10.3f} uJ/token arithmetic ({:.2f} / {:.2f} "
        "fJ per MAC)\n",
        e.node_nm, e.all_pj / tokens / 1e6, e.arithmetic_pj / tokens / 1e6, e.all_fj_per_mac,
        e.arithmetic_fj_per_mac);
  }
  if (!failures.empty()) fmt::print("{}", printable_message(failures));
  const std::uint64_t peak = peak_resident_bytes();
  fmt::print("memory: {} peak resident, {} estimated\n", bytes_text(peak),
             bytes_text(memory.bytes));
  fmt::print(
      "check: {} — {} results compared bit-exactly with the golden model; {} cycles "
      "simulated in {:.2f} s: {:.1f} M simulated MACs/s, {:.1f} k cycles/s\n",
      all_ok ? "PASS" : "FAIL", results, cycles, secs, static_cast<double>(total_macs) / secs / 1e6,
      static_cast<double>(cycles) / secs / 1e3);

  if (o.has("json")) {
    Json kind_rows = Json::array();
    for (const std::string& name : order) {
      const KindTotals& t = kinds[name];
      kind_rows.push_back(
          {{"kind", name},
           {"n", t.n},
           {"k", t.k},
           {"layers", t.layers},
           {"tokens", tokens},
           {"macs", t.macs},
           {"cycles", t.cycles},
           {"model_cycles", t.model_cycles},
           {"utilization", util_json(cfg, t.macs, t.cycles, t.complete)},
           {"passed", t.passed},
           {"results_checked", t.results},
           {"energy", energy_json(energy_per_node(cfg, t.counted, t.macs, tables))}});
    }
    Json per_token = Json::array();
    for (const NodeEnergy& e : energy) {
      per_token.push_back(
          {{"node_nm", e.node_nm},
           {"all_uj_per_token", finite_or_null(e.all_pj / tokens / 1e6)},
           {"arithmetic_uj_per_token", finite_or_null(e.arithmetic_pj / tokens / 1e6)}});
    }
    const Json j = {{"schema_version", kSchemaVersion},
                    {"kind", "ternac-model"},
                    {"provenance", prov},
                    {"workload",
                     {{"title", title},
                      {"model", shape != nullptr ? Json(shape->name) : Json(nullptr)},
                      {"gguf", from_gguf ? Json(gguf_path) : Json(nullptr)},
                      {"blocks", shape != nullptr ? Json(blocks) : Json(nullptr)},
                      {"tokens", tokens},
                      {"zeros", from_gguf ? Json(nullptr) : Json(zeros)},
                      {"seed", seed},
                      {"workers", workers}}},
                    {"passed", all_ok},
                    {"layers", layers},
                    {"kinds", kind_rows},
                    {"total",
                     {{"layers", jobs.size()},
                      {"macs", total_macs},
                      {"cycles", cycles},
                      {"utilization", util_json(cfg, total_macs, cycles, all_complete)},
                      {"results_checked", results},
                      {"energy", energy_json(energy)},
                      {"energy_per_token", per_token}}},
                    {"memory_estimate_bytes", memory.bytes},
                    {"memory_peak_bytes", peak},
                    {"sim_seconds", secs}};
    write_output(o.str("json", ""), json_text(j));
  }
  if (o.has("csv")) {
    // The first nine columns are those of the CSV before schema 1, in the same order.
    std::vector<std::string> header = {
        "layer",  "n",           "k",      "layers",       "tokens",         "macs",
        "cycles", "utilization", "passed", "model_cycles", "results_checked"};
    for (const NodeEnergy& e : energy) {
      header.push_back(fmt::format("fj_per_mac_{}nm", e.node_nm));
      header.push_back(fmt::format("arith_fj_per_mac_{}nm", e.node_nm));
    }
    for (const std::string& c : provenance_columns()) header.push_back(c);
    CsvTable csv(header);
    const std::vector<std::string> prov_vals = provenance_values(prov);
    for (const std::string& name : order) {
      const KindTotals& t = kinds[name];
      std::vector<std::string> row = {
          name,
          std::to_string(t.n),
          std::to_string(t.k),
          std::to_string(t.layers),
          std::to_string(tokens),
          std::to_string(t.macs),
          std::to_string(t.cycles),
          t.complete && t.cycles != 0 ? fmt::format("{:.6f}", util_of(cfg, t.macs, t.cycles)) : "",
          t.passed ? "1" : "0",
          std::to_string(t.model_cycles),
          std::to_string(t.results)};
      for (const NodeEnergy& e : energy_per_node(cfg, t.counted, t.macs, tables)) {
        row.push_back(csv_real(e.all_fj_per_mac));
        row.push_back(csv_real(e.arithmetic_fj_per_mac));
      }
      row.insert(row.end(), prov_vals.begin(), prov_vals.end());
      csv.row(row);
    }
    write_output(o.str("csv", ""), csv.text());
  }
  return all_ok ? kExitOk : kExitCheckFailed;
}

}  // namespace

Command add_model(CLI::App& root) {
  return make_command(root, "model",
                      "run every linear layer of a whole model (one decoded token, or a prefill "
                      "of M tokens) through the RTL, checked, with energy per token per node",
                      declare, run);
}

}  // namespace ternac::cli
