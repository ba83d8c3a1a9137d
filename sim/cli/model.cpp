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

#include "ternac/model/base/text_io.h"
#include "ternac/model/core/cycle_model.h"
#include "ternac/sim/cli/commands.h"
#include "ternac/sim/cli/layer_runner.h"
#include "ternac/sim/cli/report.h"
#include "ternac/sim/cli/variant.h"
#include "ternac/sim/cli/workloads.h"

namespace ternac::cli {
namespace {

void declare(Options& o) {
  declare_array_options(o);
  o.value("model", "NAME", model_names_text() + " (default: 2b4t), synthetic weights");
  o.value("blocks", "B", "run the first B transformer blocks only (default: all)");
  o.value("gguf", "FILE", "instead: every I2_S (ternary) tensor of a bitnet.cpp GGUF file");
  o.value("workload", "FILE",
          "instead: the layers of a workload file as the model, synthetic weights ('name,m,n,k' "
          "per line, docs/outputs.md; every layer's M is --tokens)");
  o.value("tokens", "M", "1 is decode (GEMV), more is prefill (default: 1)");
  o.value("zeros", "F", "fraction of zero synthetic weights (default: 0.4)");
  o.value("seed", "S", "random seed of weights and activations (default: 1)");
  o.value("json", "FILE", "also write the report as JSON (docs/outputs.md)");
  o.value("csv", "FILE", "also write the per-layer-kind table as CSV (docs/outputs.md)");
  declare_energy_options(o);
  o.value("jobs", "J",
          "layers simulated at once, each on its own model (default: one per core, 1..256); the "
          "results do not depend on it");
  declare_max_cycles(o);
  declare_memory_limit(o);
}

// What the command line asks for, every value checked.
struct Request {
  std::uint32_t tokens = 1;
  double zeros = 0.4;
  std::uint64_t seed = 1;
  std::uint64_t jobs = 1;             // --jobs
  std::uint64_t watchdog = 0;         // --max-cycles
  const ModelShape* shape = nullptr;  // synthetic weights; null with --gguf
  std::uint32_t blocks = 0;
  std::string gguf;      // the GGUF file, or empty
  std::string workload;  // the workload file, or empty
  EnergyOptions energy;
};

Request read_request(const Options& o) {
  Request r;
  r.tokens = o.dim("tokens", 1);
  r.zeros = o.fraction("zeros", 0.4);
  r.seed = o.decimal("seed", 0, UINT64_MAX, 1);
  const std::uint64_t cores = std::max(1u, std::thread::hardware_concurrency());
  r.jobs = o.decimal("jobs", 1, 256, std::min<std::uint64_t>(cores, 256));
  r.watchdog = max_cycles(o);
  r.energy = energy_options(o);
  if (o.has("workload")) {
    if (o.has("model") || o.has("gguf") || o.has("blocks")) {
      throw std::invalid_argument(
          "--workload is the model's layer list: no --model, --gguf or --blocks with it");
    }
    r.workload = o.str("workload", "");
    return r;
  }
  if (o.has("gguf")) {
    if (o.has("model") || o.has("zeros") || o.has("blocks")) {
      throw std::invalid_argument(
          "--gguf takes its weights and shapes from the file: no --model, --blocks or --zeros "
          "with it");
    }
    r.gguf = o.str("gguf", "");
    return r;
  }
  r.shape = &model_shape(o.str("model", "2b4t"));
  const std::uint64_t b =
      o.has("blocks") ? parse_decimal(o.str("blocks", ""), "--blocks") : r.shape->blocks;
  if (b < 1 || b > r.shape->blocks) {
    throw std::invalid_argument(fmt::format("--blocks must be in 1..{} for {}, got {}",
                                            r.shape->blocks, r.shape->title, b));
  }
  r.blocks = static_cast<std::uint32_t>(b);
  return r;
}

double util_of(const ArrayConfig& cfg, std::uint64_t macs, std::uint64_t cycles) {
  return cycles == 0 ? 0.0
                     : static_cast<double>(macs) / (static_cast<double>(cycles) *
                                                    static_cast<double>(cfg.peak_macs_per_cycle()));
}

// Utilization as JSON, CSV and text: only when every layer counted ran to its end.
Json util_json(const ArrayConfig& cfg, std::uint64_t macs, std::uint64_t cycles, bool complete) {
  return complete && cycles != 0 ? Json(util_of(cfg, macs, cycles)) : Json(nullptr);
}

std::string util_csv(const ArrayConfig& cfg, std::uint64_t macs, std::uint64_t cycles,
                     bool complete) {
  return complete && cycles != 0 ? fmt::format("{:.6f}", util_of(cfg, macs, cycles)) : "";
}

std::string util_text(const ArrayConfig& cfg, std::uint64_t macs, std::uint64_t cycles,
                      bool complete) {
  return complete && cycles != 0 ? fmt::format("{:.3f}%", 100.0 * util_of(cfg, macs, cycles)) : "-";
}

// A sum over layers: one layer kind, or the whole run.
struct Totals {
  std::uint32_t n = 0, k = 0, layers = 0;
  std::uint64_t macs = 0, cycles = 0, model_cycles = 0, results = 0;
  bool passed = true;
  bool complete = true;  // every layer ran to its end: utilization means something
  OpCounts counted;
  std::vector<NodeEnergy> energy;  // summed over the layers, per table

  void add(const LayerJob& j, const RunReport& r, std::uint64_t predicted,
           const std::vector<NodeEnergy>& e) {
    n = j.shape.n;
    k = j.shape.k;
    layers += 1;
    macs += j.shape.macs();
    cycles += r.cycles;
    model_cycles += predicted;
    results += r.checked_results;
    passed = passed && r.passed;
    complete = complete && r.complete;
    counted += r.counted.ops;
    add_energy(energy, e);
  }
};

// What the layers did, by kind (in order of first appearance) and in total.
struct Results {
  std::vector<std::string> order;
  std::map<std::string, Totals> kinds;
  Totals total;
  std::string failures;
  Json layers = Json::array();  // every layer, for the JSON report
};

Results tally(const std::vector<LayerJob>& jobs, const std::vector<RunReport>& reports,
              const ArrayConfig& cfg, const EnergyTables& tables, const StorageConfig& storage,
              const std::vector<std::string>& keys) {
  Results res;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const LayerJob& j = jobs[i];
    const RunReport& r = reports[i];
    const std::uint64_t predicted = predict_cycles(cfg, j.shape).cycles;
    if (!res.kinds.count(j.kind)) res.order.push_back(j.kind);
    const std::vector<NodeEnergy> energy =
        energy_per_node(cfg, r.counted.ops, j.shape, tables, storage, keys);
    res.kinds[j.kind].add(j, r, predicted, energy);
    res.total.add(j, r, predicted, energy);
    if (!r.passed) res.failures += fmt::format("block {} {}:\n{}", j.block, j.kind, r.failure);
    res.layers.push_back({{"block", j.block},
                          {"kind", j.kind},
                          {"tensor", j.tensor.empty() ? Json(nullptr) : Json(j.tensor)},
                          {"m", j.shape.m},
                          {"n", j.shape.n},
                          {"k", j.shape.k},
                          {"macs", j.shape.macs()},
                          {"cycles", r.cycles},
                          {"model_cycles", predicted},
                          {"utilization", util_json(cfg, j.shape.macs(), r.cycles, r.complete)},
                          {"complete", r.complete},
                          {"passed", r.passed},
                          {"results_checked", r.checked_results},
                          {"failure", r.passed ? Json(nullptr) : Json(r.failure)},
                          {"energy", energy_json(energy)}});
  }
  return res;
}

void print_report(const Results& res, const ArrayConfig& cfg, std::uint32_t tokens,
                  const StorageConfig& storage) {
  fmt::print("{:<12} {:>6} {:>6} {:>6} {:>10} {:>12} {:>9}  {}\n", "layer", "N", "K", "layers",
             "MACs", "cycles", "util", "check");
  for (const std::string& name : res.order) {
    const Totals& t = res.kinds.at(name);
    fmt::print("{:<12} {:>6} {:>6} {:>6} {:>9.2f}M {:>12} {:>9}  {}\n", printable(name), t.n, t.k,
               t.layers, static_cast<double>(t.macs) / 1e6, t.cycles,
               util_text(cfg, t.macs, t.cycles, t.complete),
               t.passed ? fmt::format("ok ({} results)", t.results) : "FAIL");
  }
  const Totals& t = res.total;
  fmt::print("{:<12} {:>6} {:>6} {:>6} {:>9.2f}M {:>12} {:>9}\n", "total", "", "", t.layers,
             static_cast<double>(t.macs) / 1e6, t.cycles,
             util_text(cfg, t.macs, t.cycles, t.complete));
  fmt::print(
      "energy per MAC (fJ; RTL counters, checked against the model; each layer's buffers placed "
      "by its size, on-chip capacity {}): arithmetic / + on-chip storage / + off-chip traffic\n{}",
      bytes_text(storage.onchip_bytes), energy_text(res.total.energy));
  fmt::print("energy per token (uJ): arithmetic / + on-chip / + off-chip\n");
  for (const NodeEnergy& e : res.total.energy) {
    fmt::print("  {:>3} nm {:<13} {:>9.3f} {:>9.3f} {:>9.3f}\n", e.node_nm,
               e.table.substr(e.table.find('-') + 1), e.arithmetic_pj / tokens / 1e6,
               e.with_onchip_pj() / tokens / 1e6, e.with_offchip_pj() / tokens / 1e6);
  }
  if (!res.failures.empty()) fmt::print("{}", printable_message(res.failures));
}

Json report_json(const Request& q, const std::string& title, std::uint64_t workers,
                 const Results& res, const ArrayConfig& cfg, const Json& prov) {
  Json kinds = Json::array();
  for (const std::string& name : res.order) {
    const Totals& t = res.kinds.at(name);
    kinds.push_back({{"kind", name},
                     {"n", t.n},
                     {"k", t.k},
                     {"layers", t.layers},
                     {"tokens", q.tokens},
                     {"macs", t.macs},
                     {"cycles", t.cycles},
                     {"model_cycles", t.model_cycles},
                     {"utilization", util_json(cfg, t.macs, t.cycles, t.complete)},
                     {"passed", t.passed},
                     {"results_checked", t.results},
                     {"energy", energy_json(t.energy)}});
  }
  Json per_token = Json::array();
  for (const NodeEnergy& e : res.total.energy) {
    per_token.push_back(
        {{"table", e.table},
         {"node_nm", e.node_nm},
         {"arithmetic_uj_per_token", finite_or_null(e.arithmetic_pj / q.tokens / 1e6)},
         {"with_onchip_uj_per_token", finite_or_null(e.with_onchip_pj() / q.tokens / 1e6)},
         {"with_offchip_uj_per_token", finite_or_null(e.with_offchip_pj() / q.tokens / 1e6)}});
  }
  const bool synthetic = q.shape != nullptr;
  const Totals& t = res.total;
  return {{"schema_version", kSchemaVersion},
          {"kind", "ternac-model"},
          {"provenance", prov},
          {"workload",
           {{"title", title},
            {"model", synthetic ? Json(q.shape->name) : Json(nullptr)},
            {"gguf", q.gguf.empty() ? Json(nullptr) : Json(q.gguf)},
            {"workload_file", q.workload.empty() ? Json(nullptr) : Json(q.workload)},
            {"blocks", synthetic ? Json(q.blocks) : Json(nullptr)},
            {"tokens", q.tokens},
            {"zeros", q.gguf.empty() ? Json(q.zeros) : Json(nullptr)},
            {"seed", q.seed},
            {"onchip_bytes", q.energy.storage.onchip_bytes},
            {"workers", workers}}},
          {"passed", t.passed},
          {"layers", res.layers},
          {"kinds", kinds},
          {"total",
           {{"layers", t.layers},
            {"macs", t.macs},
            {"cycles", t.cycles},
            {"utilization", util_json(cfg, t.macs, t.cycles, t.complete)},
            {"results_checked", t.results},
            {"energy", energy_json(t.energy)},
            {"energy_per_token", per_token}}}};
}

std::string report_csv(const Request& q, const Results& res, const ArrayConfig& cfg,
                       const std::vector<std::string>& keys, const Json& prov) {
  // The first nine columns are those of the CSV before schema 1, in the same order.
  std::vector<std::string> header = {
      "layer",  "n",           "k",      "layers",       "tokens",         "macs",
      "cycles", "utilization", "passed", "model_cycles", "results_checked"};
  for (const std::string& c : energy_columns(keys)) header.push_back(c);
  for (const std::string& c : provenance_columns()) header.push_back(c);
  CsvTable csv(header);
  const std::vector<std::string> prov_vals = provenance_values(prov);
  for (const std::string& name : res.order) {
    const Totals& t = res.kinds.at(name);
    std::vector<std::string> row = {name,
                                    std::to_string(t.n),
                                    std::to_string(t.k),
                                    std::to_string(t.layers),
                                    std::to_string(q.tokens),
                                    std::to_string(t.macs),
                                    std::to_string(t.cycles),
                                    util_csv(cfg, t.macs, t.cycles, t.complete),
                                    t.passed ? "1" : "0",
                                    std::to_string(t.model_cycles),
                                    std::to_string(t.results)};
    const std::vector<std::string> e_values = energy_values(t.energy);
    row.insert(row.end(), e_values.begin(), e_values.end());
    row.insert(row.end(), prov_vals.begin(), prov_vals.end());
    csv.row(row);
  }
  return csv.text();
}

int run(const Options& o) {
  // Everything is checked before the first layer is made: options, files, tables, shapes, memory.
  const Request q = read_request(o);
  Files files;
  if (!q.gguf.empty()) files.input("--gguf", q.gguf);
  if (!q.workload.empty()) files.input("--workload", q.workload);
  energy_inputs(files, q.energy);
  files.outputs_of(o, {"json", "csv"});
  files.check();
  const EnergyTables tables = EnergyTables::load(q.energy.dir);
  std::vector<LayerJob> jobs;
  std::string title;
  std::unique_ptr<GgufFile> gguf;
  if (!q.gguf.empty()) {
    gguf = std::make_unique<GgufFile>(GgufFile::open(q.gguf));
    jobs = gguf_layers(*gguf, q.gguf, q.tokens);
    title = printable(q.gguf);
  } else if (!q.workload.empty()) {
    jobs = workload_file_layers(q.workload);
    for (LayerJob& j : jobs) j.shape.m = q.tokens;  // a model's layers all see the same tokens
    title = fmt::format("{} ({} layer{}, synthetic weights, {:.0f}% zeros)", printable(q.workload),
                        jobs.size(), jobs.size() == 1 ? "" : "s", q.zeros * 100);
  } else {
    jobs = model_layers(*q.shape, q.blocks, q.tokens);
    title = fmt::format("{} ({} of {} blocks, synthetic weights, {:.0f}% zeros)", q.shape->title,
                        q.blocks, q.shape->blocks, q.zeros * 100);
  }
  Harness harness;
  const ArrayConfig& cfg = harness.config();
  for (const LayerJob& j : jobs) check_shape(j.shape, cfg);
  const std::vector<std::string> keys = chosen_tables(q.energy, tables);
  preflight_energy(cfg, tables, q.energy.storage, keys, {});
  const std::uint64_t workers = std::min<std::uint64_t>(q.jobs, jobs.size());
  const MemoryEstimate memory{
      layers_memory(jobs, workers),
      fmt::format("{} worker{} with a Verilated model and up to two layers each", workers,
                  workers == 1 ? "" : "s")};
  const MemoryLimit limit = memory_limit(o);
  check_memory(memory, limit);

  std::uint64_t total_macs = 0;
  for (const LayerJob& j : jobs) total_macs += j.shape.macs();
  fmt::print("ternac model: {}, {} token{} ({}), array {}, seed {}\n", title, q.tokens,
             q.tokens == 1 ? "" : "s", q.tokens == 1 ? "decode, GEMV" : "prefill, GEMM", cfg.name(),
             q.seed);
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
        if (!gguf) return synthetic_layer(j.shape, q.seed + i, q.zeros);
        GemmProblem p = synthetic_layer({q.tokens, 1, j.shape.k}, q.seed + i, 0.0);  // acts
        p.shape = j.shape;
        p.weights = gguf->i2s(j.tensor).codes;
        return p;
      },
      [&](std::size_t) {
        RunOptions opt;
        opt.watchdog_cycles = q.watchdog;
        return opt;
      });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const Results res = tally(jobs, reports, cfg, tables, q.energy.storage, keys);
  print_report(res, cfg, q.tokens, q.energy.storage);
  const std::uint64_t peak = peak_resident_bytes();
  fmt::print("memory: {} peak resident, {} estimated\n", bytes_text(peak),
             bytes_text(memory.bytes));
  fmt::print(
      "check: {} — {} results compared bit-exactly with the golden model; {} cycles "
      "simulated in {:.2f} s: {:.1f} M simulated MACs/s, {:.1f} k cycles/s\n",
      res.total.passed ? "PASS" : "FAIL", res.total.results, res.total.cycles, secs,
      static_cast<double>(total_macs) / secs / 1e6,
      static_cast<double>(res.total.cycles) / secs / 1e3);

  const Json prov = provenance("model", cfg, o, q.seed, q.energy.dir);
  if (o.has("json")) {
    Json j = report_json(q, title, workers, res, cfg, prov);
    j["memory_estimate_bytes"] = memory.bytes;
    j["memory_peak_bytes"] = peak;
    j["sim_seconds"] = secs;
    write_output(o.str("json", ""), json_text(j));
  }
  if (o.has("csv")) write_output(o.str("csv", ""), report_csv(q, res, cfg, keys, prov));
  return res.total.passed ? kExitOk : kExitCheckFailed;
}

}  // namespace

Command add_model(CLI::App& root) {
  return make_command(root, "model",
                      "run every linear layer of a whole model (one decoded token, or a prefill "
                      "of M tokens) through the RTL, checked, with energy per token per node",
                      declare, run);
}

}  // namespace ternac::cli
