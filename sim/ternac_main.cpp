// ternac: the command-line front end.
//
//   ternac run     run a GEMM workload through the RTL, checking every result (the main job)
//   ternac shapes  list the built-in layer shapes
//   ternac config  print the configuration of the built-in array
#include <fmt/format.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "Vternac_rtl_default.h"
#include "Vternac_rtl_default_int8.h"
#include "bitlinear.h"
#include "claims.h"
#include "cli_args.h"
#include "cycle_model.h"
#include "energy_model.h"
#include "gguf.h"
#include "npy.h"
#include "rtl_harness.h"
#include "workload.h"

namespace ternac {
namespace {

using Harness = RtlHarness<Vternac_rtl_default>;
using Int8Harness = RtlHarness<Vternac_rtl_default_int8>;

// The same shape with an INT8 model's weights, for the INT8 baseline array.
GemmProblem int8_problem(const GemmShape& shape, std::uint64_t seed) {
  RandomSpec spec{shape, seed, 0.0, ActProfile::kGaussian};
  spec.format = WeightFormat::kInt8;
  return random_problem(spec);
}

constexpr const char* kUsage = R"(usage: ternac <command> [options]

commands:
  run       run a GEMM workload through the RTL; the golden model checks every result
  model     run every linear layer of a whole model (one decoded token, or a prefill of M
            tokens) through the RTL, checked, with energy per token per node
  bitlinear a BitLinear layer from .npy or GGUF inputs through the RTL, output to .npy
  claims    check the 71.4x and 5.5x energy claims on counted RTL operations, per node
  shapes    list the built-in BitNet b1.58 2B4T layer shapes
  config    print the configuration of the built-in array
  regress   the regression runner (scripts/regress.py): levels smoke, default, nightly;
            --tags, --seeds, --shard I/N, JUnit and CSV/JSON summaries; 'regress --help'
  help      show this text

ternac run options:
  --layer NAME       a 2B4T layer (attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up,
                     ffn_down) or 'all' (default: all)
  --tokens M         tokens per layer: 1 is decode (GEMV), more is prefill (default: 1)
  --m M --n N --k K  a custom shape instead of --layer (all three needed)
  --zeros F          fraction of zero weights, 0..1 (default: 0.4)
  --seed S           random seed of weights and activations (default: 1)
  --backpressure P   probability that a stream is ready/valid each cycle, (0, 1]
                     (default: 1, no stalls: cycles must equal the cycle model)
  --padding MODE     zero or random: what padding rows/columns carry (default: zero)

ternac model options:
  --model NAME       2b4t, large, 3b or llama3-8b (default: 2b4t), synthetic weights
  --blocks B         run the first B transformer blocks only (default: all)
  --gguf FILE        instead: every I2_S (ternary) tensor of a bitnet.cpp GGUF file
  --tokens M         1 is decode (GEMV), more is prefill (default: 1)
  --zeros F          fraction of zero synthetic weights (default: 0.4)
  --seed S           random seed of weights and activations (default: 1)
  --csv FILE         also write the per-layer table as CSV
  --energy-dir DIR   energy tables (default: the shipped model/energy)
  --jobs J           layers simulated at once, each on its own model (default: one per
                     core); the results do not depend on it

ternac bitlinear options:
  --weights W.npy    N x K weights: float (ternarized by absmean) or integers in -1..1
  --alpha A          the scale of integer weights (default: 1)
  --gguf FILE --tensor NAME   instead: an I2_S tensor of a bitnet.cpp GGUF file
  --acts X.npy       K or M x K activations: float (quantized per token) or int8
  --out Y.npy        float32 y = acc / s * alpha (int32 acc for int8 activations)
  --acc-out A.npy    also the int32 accumulators

ternac claims options:
  --layer NAME       the 2B4T layer of the workload (default: ffn_down)
  --tokens M         tokens (default: 1)
  --zeros F          fraction of zero weights (default: 0.4)
  --seed S           random seed (default: 1)
  --no-sweep         skip the zero-fraction sweep (0 to 60 %)
  --json FILE        also write the report as JSON
  --csv FILE         also write the per-node table as CSV
  --energy-dir DIR   energy tables (default: the shipped model/energy, or $TERNAC_ENERGY_DIR)
)";

struct Job {
  std::string name;
  GemmShape shape;
};

// --zeros, checked before anything runs (NaN fails the comparison too).
double zero_fraction(const CliArgs& a) {
  const double z = a.real("zeros", 0.4);
  if (!(z >= 0.0 && z <= 1.0)) {
    throw std::invalid_argument(fmt::format("--zeros must be in [0, 1], got {}", z));
  }
  return z;
}

std::uint32_t dim(const CliArgs& a, const char* name) {
  const std::uint64_t v = a.u64(name, 0);
  if (v < 1 || v > kMaxDim) {
    throw std::invalid_argument(fmt::format("--{} must be in 1..{}, got {}", name, kMaxDim, v));
  }
  return static_cast<std::uint32_t>(v);
}

int cmd_run(const std::vector<std::string>& argv) {
  const CliArgs a(
      argv, {"layer", "tokens", "m", "n", "k", "zeros", "seed", "backpressure", "padding"}, {});
  std::vector<Job> jobs;
  if (a.has("m") || a.has("n") || a.has("k")) {
    if (!(a.has("m") && a.has("n") && a.has("k")) || a.has("layer") || a.has("tokens")) {
      throw std::invalid_argument(
          "a custom shape needs all of --m, --n, --k and no --layer/--tokens");
    }
    jobs.push_back({"custom", {dim(a, "m"), dim(a, "n"), dim(a, "k")}});
  } else {
    const std::uint32_t tokens = a.has("tokens") ? dim(a, "tokens") : 1;
    const std::string layer = a.str("layer", "all");
    for (const LayerShape& l : bitnet_2b4t_layers()) {
      if (layer == "all" || layer == l.name) jobs.push_back({l.name, {tokens, l.n, l.k}});
    }
    if (jobs.empty()) {
      throw std::invalid_argument(fmt::format(
          "unknown layer '{}' (see 'ternac shapes' for the names, or use 'all')", layer));
    }
  }
  const double zeros = zero_fraction(a);
  const std::uint64_t seed = a.u64("seed", 1);
  const double bp = a.real("backpressure", 1.0);
  if (!(bp > 0.0 && bp <= 1.0)) {
    throw std::invalid_argument(fmt::format("--backpressure must be in (0, 1], got {}", bp));
  }
  const std::string padding = a.str("padding", "zero");
  if (padding != "zero" && padding != "random") {
    throw std::invalid_argument(fmt::format("--padding must be zero or random, got '{}'", padding));
  }

  Harness harness;
  const ArrayConfig& cfg = harness.config();
  for (const Job& job : jobs) check_shape(job.shape, cfg);  // refuse before anything runs
  fmt::print(
      "ternac run: array {} ({} lanes x {} inputs = {} ternary MACs/cycle peak), "
      "{:.0f}% zero weights, seed {}, backpressure {}\n",
      cfg.name(), cfg.lanes, cfg.tree_inputs, cfg.peak_macs_per_cycle(), zeros * 100, seed,
      bp >= 1.0 ? std::string("none") : fmt::format("{}", bp));
  fmt::print("{:<12} {:>5} {:>6} {:>6} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}  {}\n", "layer", "M",
             "N", "K", "MACs", "cycles", "model", "bound", "MACs/cycle", "util", "check");
  std::uint64_t total_macs = 0, total_cycles = 0, total_values = 0;
  bool all_ok = true;
  OpCounts counted, int8_predicted;
  ArrayConfig int8_cfg = cfg;
  int8_cfg.datapath = Datapath::kInt8;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& job = jobs[i];
    const GemmProblem problem = random_problem({job.shape, seed + i, zeros, ActProfile::kGaussian});
    RunOptions opt;
    opt.seed = seed + i;
    opt.backpressure = Backpressure::random_all(bp);
    opt.padding = padding == "random" ? Padding::kRandom : Padding::kZero;
    const RunReport r = harness.run(problem, opt);
    const CycleEstimate e = predict_cycles(cfg, job.shape);
    total_macs += job.shape.macs();
    total_cycles += r.cycles;
    total_values += r.checked_values;
    all_ok = all_ok && r.passed;
    counted += r.counted.ops;
    fmt::print("{:<12} {:>5} {:>6} {:>6} {:>8.2f}M {:>9} {:>9} {:>7} {:>10.1f} {:>8.3f}%  {}\n",
               job.name, job.shape.m, job.shape.n, job.shape.k, job.shape.macs() / 1e6, r.cycles,
               e.cycles, e.lower_bound,
               static_cast<double>(job.shape.macs()) / static_cast<double>(r.cycles),
               100.0 * utilization(cfg, job.shape, r.cycles),
               r.passed ? fmt::format("ok ({} results)", r.checked_values) : "FAIL");
    if (!r.passed) fmt::print("{}", r.failure);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string int8_misfit;  // why the INT8 baseline array would refuse a job, if it would
  for (std::size_t i = 0; i < jobs.size() && int8_misfit.empty(); ++i) {
    try {
      int8_predicted += predict_op_counts(int8_cfg, int8_problem(jobs[i].shape, seed + i));
    } catch (const std::invalid_argument& e) {  // check_shape's message
      int8_misfit = e.what();
    }
  }
  fmt::print(
      "{:<12} {:>5} {:>6} {:>6} {:>8.2f}M {:>9} {:>9} {:>7} {:>10.1f} {:>8.3f}%\n", "total", "", "",
      "", total_macs / 1e6, total_cycles, "", "",
      static_cast<double>(total_macs) / static_cast<double>(total_cycles),
      100.0 * static_cast<double>(total_macs) /
          (static_cast<double>(total_cycles) * static_cast<double>(cfg.peak_macs_per_cycle())));
  fmt::print(
      "check: {} — {} result values compared bit-exactly with the golden model, "
      "{} cycles simulated in {:.2f} s ({:.2f} M simulated MACs/s)\n",
      all_ok ? "PASS" : "FAIL", total_values, total_cycles, secs, total_macs / secs / 1e6);
  // The claims in brief, on the counters of this run (`ternac claims` gives the full report, with
  // the INT8 array simulated too; here its counts come from the operation-count model, which the
  // INT8 RTL matches in cosim_test_int8).
  if (!int8_misfit.empty()) {
    fmt::print(
        "energy: no claims for this workload: the INT8 baseline array of the same geometry would "
        "refuse it ({})\n",
        int8_misfit);
    return all_ok ? 0 : 1;
  }
  const EnergyTables tables = EnergyTables::load(default_energy_dir());
  fmt::print(
      "energy (ternary counters checked against the model; arithmetic = selects or "
      "multiplies and adds; all = with registers and buffers):\n");
  for (int node : {45, 7}) {
    const NodeClaims n = node_claims(cfg, counted, int8_predicted, total_macs, tables.node(node));
    fmt::print(
        "  {:>2} nm: paper's claim {:.2f}x, critique {:.2f}x / 2 = {:.2f}x; counted FP16 vs "
        "ternary {:.2f}x (all {:.2f}x), INT8 vs ternary {:.2f}x (all {:.2f}x)\n",
        node, n.paper_ratio, n.critique_ratio, n.critique_halved, n.fp16_over_ternary_arith(),
        n.fp16_over_ternary_total(), n.int8_over_ternary_arith(), n.int8_over_ternary_total());
  }
  return all_ok ? 0 : 1;
}

void write_file(const std::string& path, const std::string& text);

// Progress of a long run on stderr, redrawn in place on a terminal (nothing otherwise).
class ProgressBar {
 public:
  explicit ProgressBar(std::uint64_t total) : total_(total), tty_(isatty(2) != 0) {}
  void update(std::uint64_t done, const std::string& what, double macs_per_s) {
    if (!tty_ || total_ == 0) return;
    const double f = static_cast<double>(done) / static_cast<double>(total_);
    const int width = 30, filled = static_cast<int>(f * width);
    const double eta = macs_per_s > 0 ? static_cast<double>(total_ - done) / macs_per_s : 0;
    fmt::print(stderr, "\r[{}{}] {:5.1f}% {:<24} {:7.1f} M MACs/s  ETA {:.0f} s  ",
               std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'), 100 * f, what,
               macs_per_s / 1e6, eta);
    std::fflush(stderr);
  }
  void finish() {
    if (tty_) fmt::print(stderr, "\r{:100}\r", "");
  }

 private:
  std::uint64_t total_;
  bool tty_;
};

// One linear layer of a whole-model run: a synthetic layer of a model shape, or a GGUF tensor.
struct ModelJob {
  std::string kind;  // attn_q ... ffn_down
  std::uint32_t block;
  GemmShape shape;
  std::string tensor;  // GGUF tensor name, empty for synthetic weights
};

// Per layer kind: how many layers ran and what they did.
struct KindTotals {
  std::uint32_t n = 0, k = 0, layers = 0;
  std::uint64_t macs = 0, cycles = 0, values = 0;
  bool passed = true;
};

// --jobs: how many layers simulate at once (default: one per core).
std::uint64_t model_jobs(const CliArgs& a) {
  const std::uint64_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::uint64_t n = a.u64("jobs", cores);
  if (n < 1 || n > 256) {
    throw std::invalid_argument(fmt::format("--jobs must be in 1..256, got {}", n));
  }
  return n;
}

int cmd_model(const std::vector<std::string>& argv) {
  const CliArgs a(
      argv, {"model", "blocks", "tokens", "zeros", "seed", "gguf", "csv", "energy-dir", "jobs"},
      {});
  const std::uint32_t tokens = a.has("tokens") ? dim(a, "tokens") : 1;
  const double zeros = zero_fraction(a);
  const std::uint64_t seed = a.u64("seed", 1);
  const EnergyTables tables = EnergyTables::load(a.str("energy-dir", default_energy_dir()));
  std::vector<ModelJob> jobs;
  std::string title;
  std::unique_ptr<GgufFile> gguf;
  if (a.has("gguf")) {
    if (a.has("model") || a.has("zeros") || a.has("blocks")) {
      throw std::invalid_argument(
          "--gguf takes its weights and shapes from the file: no "
          "--model, --blocks or --zeros with it");
    }
    gguf = std::make_unique<GgufFile>(GgufFile::open(a.str("gguf", "")));
    title = a.str("gguf", "");
    for (const GgufTensorInfo& t : gguf->tensors()) {
      if (t.type != kGgmlTypeI2S) continue;  // embeddings, norms: not linear ternary layers
      if (t.ne.size() != 2) {
        throw std::invalid_argument(fmt::format("{}: I2_S tensor '{}' has {} dimensions, not 2",
                                                title, t.name, t.ne.size()));
      }
      std::string kind = t.name;
      std::uint32_t block = 0;
      if (std::sscanf(t.name.c_str(), "blk.%u.", &block) == 1) {
        kind = t.name.substr(t.name.find('.', 4) + 1);
        if (kind.size() > 7 && kind.compare(kind.size() - 7, 7, ".weight") == 0) {
          kind.resize(kind.size() - 7);
        }
      }
      if (t.ne[0] > kMaxDim || t.ne[1] > kMaxDim) {
        throw std::invalid_argument(
            fmt::format("{}: tensor '{}' is {} x {}, past the array's "
                        "largest dimension {}",
                        title, t.name, t.ne[1], t.ne[0], kMaxDim));
      }
      jobs.push_back(
          {kind,
           block,
           {tokens, static_cast<std::uint32_t>(t.ne[1]), static_cast<std::uint32_t>(t.ne[0])},
           t.name});
    }
    if (jobs.empty()) {
      throw std::invalid_argument(
          fmt::format("{}: no I2_S (type {}) tensor in the file", title, kGgmlTypeI2S));
    }
  } else {
    const ModelShape& m = model_shape(a.str("model", "2b4t"));
    const std::uint64_t blocks = a.u64("blocks", m.blocks);
    if (blocks < 1 || blocks > m.blocks) {
      throw std::invalid_argument(
          fmt::format("--blocks must be in 1..{} for {}, got {}", m.blocks, m.title, blocks));
    }
    title = fmt::format("{} ({} of {} blocks, synthetic weights, {:.0f}% zeros)", m.title, blocks,
                        m.blocks, zeros * 100);
    for (std::uint32_t b = 0; b < blocks; ++b) {
      for (const LayerShape& l : m.block_layers())
        jobs.push_back({l.name, b, {tokens, l.n, l.k}, ""});
    }
  }
  Harness harness;
  const ArrayConfig& cfg = harness.config();
  for (const ModelJob& j : jobs) check_shape(j.shape, cfg);  // refuse before anything runs
  std::uint64_t total_macs = 0;
  for (const ModelJob& j : jobs) total_macs += j.shape.macs();
  fmt::print("ternac model: {}, {} token{} ({}), array {}, seed {}\n", title, tokens,
             tokens == 1 ? "" : "s", tokens == 1 ? "decode, GEMV" : "prefill, GEMM", cfg.name(),
             seed);
  const std::uint64_t workers = std::min<std::uint64_t>(model_jobs(a), jobs.size());
  fmt::print("{} linear layers, {:.3f} G ternary MACs, {} simulation worker{}\n", jobs.size(),
             total_macs / 1e9, workers, workers == 1 ? "" : "s");

  std::vector<std::string> order;
  std::map<std::string, KindTotals> kinds;
  OpCounts counted;
  std::uint64_t done_macs = 0, cycles = 0, values = 0;
  bool all_ok = true;
  std::string failures;
  ProgressBar bar(total_macs);
  const auto t0 = std::chrono::steady_clock::now();
  const auto make_problem = [&](std::size_t i) {
    const ModelJob& j = jobs[i];
    if (!gguf) return synthetic_layer(j.shape, seed + i, zeros);
    GemmProblem p = synthetic_layer({tokens, 1, j.shape.k}, seed + i, 0.0);  // activations only
    p.shape = j.shape;
    p.weights = gguf->i2s(j.tensor).codes;
    return p;
  };
  // Workers take layers in order, each with its own Verilated model (in its own context, so that
  // models run on different cores at once). A layer's result does not depend on which worker ran
  // it: every command starts from an idle array. A worker makes (or decodes) its next layer on
  // another thread while it simulates this one.
  std::vector<RunReport> reports(jobs.size());
  std::atomic<std::size_t> next_job{0};
  std::mutex progress_mutex;
  std::exception_ptr worker_error;
  const auto worker = [&] {
    try {
      VerilatedContext context;
      Harness h(&context);
      std::size_t i = next_job++;
      std::future<GemmProblem> next;
      if (i < jobs.size()) next = std::async(std::launch::async, make_problem, i);
      while (i < jobs.size()) {
        const GemmProblem problem = next.get();
        const std::size_t after = next_job++;
        if (after < jobs.size()) next = std::async(std::launch::async, make_problem, after);
        reports[i] = h.run(problem);
        const std::lock_guard<std::mutex> lock(progress_mutex);
        done_macs += jobs[i].shape.macs();
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        bar.update(done_macs, fmt::format("block {} {}", jobs[i].block, jobs[i].kind),
                   done_macs / secs);
        i = after;
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(progress_mutex);
      if (!worker_error) worker_error = std::current_exception();
      next_job = jobs.size();  // the other workers stop after their current layer
    }
  };
  // Every worker on a thread of its own: a VerilatedContext made on a thread becomes that
  // thread's current context, which must outlive every model the thread later destroys (the
  // main thread's harness belongs to the shared context).
  std::vector<std::thread> threads;
  for (std::uint64_t w = 0; w < workers; ++w) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  bar.finish();
  if (worker_error) std::rethrow_exception(worker_error);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const ModelJob& j = jobs[i];
    const RunReport& r = reports[i];
    if (!kinds.count(j.kind)) order.push_back(j.kind);
    KindTotals& kt = kinds[j.kind];
    kt.n = j.shape.n;
    kt.k = j.shape.k;
    kt.layers += 1;
    kt.macs += j.shape.macs();
    kt.cycles += r.cycles;
    kt.values += r.checked_values;
    kt.passed = kt.passed && r.passed;
    if (!r.passed) failures += fmt::format("block {} {}:\n{}", j.block, j.kind, r.failure);
    all_ok = all_ok && r.passed;
    counted += r.counted.ops;
    cycles += r.cycles;
    values += r.checked_values;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("{:<12} {:>6} {:>6} {:>6} {:>10} {:>12} {:>9}  {}\n", "layer", "N", "K", "layers",
             "MACs", "cycles", "util", "check");
  for (const std::string& name : order) {
    const KindTotals& t = kinds[name];
    fmt::print("{:<12} {:>6} {:>6} {:>6} {:>9.2f}M {:>12} {:>8.3f}%  {}\n", name, t.n, t.k,
               t.layers, t.macs / 1e6, t.cycles,
               100.0 * static_cast<double>(t.macs) /
                   (static_cast<double>(t.cycles) * cfg.peak_macs_per_cycle()),
               t.passed ? fmt::format("ok ({} results)", t.values) : "FAIL");
  }
  fmt::print("{:<12} {:>6} {:>6} {:>6} {:>9.2f}M {:>12} {:>8.3f}%\n", "total", "", "", jobs.size(),
             total_macs / 1e6, cycles,
             100.0 * static_cast<double>(total_macs) /
                 (static_cast<double>(cycles) * cfg.peak_macs_per_cycle()));
  fmt::print(
      "energy per token (RTL counters, checked against the model; arithmetic = selects, "
      "adds and accumulators; all = with registers and buffers):\n");
  for (int node : tables.nodes()) {
    const EnergyBreakdown e = array_energy(cfg, counted, total_macs, tables.node(node));
    fmt::print(
        "  {:>2} nm: {:10.3f} uJ/token all, {:10.3f} uJ/token arithmetic ({:.2f} / {:.2f} "
        "fJ per MAC)\n",
        node, e.total_pj() / tokens / 1e6, e.arithmetic_pj() / tokens / 1e6,
        1e3 * e.total_per_mac(), 1e3 * e.arithmetic_per_mac());
  }
  if (!failures.empty()) fmt::print("{}", failures);
  fmt::print(
      "check: {} — {} result values compared bit-exactly with the golden model; {} cycles "
      "simulated in {:.2f} s: {:.1f} M simulated MACs/s, {:.1f} k cycles/s\n",
      all_ok ? "PASS" : "FAIL", values, cycles, secs, total_macs / secs / 1e6, cycles / secs / 1e3);
  if (a.has("csv")) {
    std::string csv = "layer,n,k,layers,tokens,macs,cycles,utilization,passed\n";
    for (const std::string& name : order) {
      const KindTotals& t = kinds[name];
      csv += fmt::format(
          "{},{},{},{},{},{},{},{:.6f},{}\n", name, t.n, t.k, t.layers, tokens, t.macs, t.cycles,
          static_cast<double>(t.macs) / (static_cast<double>(t.cycles) * cfg.peak_macs_per_cycle()),
          t.passed ? 1 : 0);
    }
    write_file(a.str("csv", ""), csv);
  }
  return all_ok ? 0 : 1;
}

// Rows and columns of a 1-D (one row) or 2-D .npy array.
std::pair<std::uint64_t, std::uint64_t> rows_cols(const NpyArray& a, const std::string& what) {
  if (a.shape.size() == 1) return {1, a.shape[0]};
  if (a.shape.size() == 2) return {a.shape[0], a.shape[1]};
  throw std::invalid_argument(
      fmt::format("{}: expected a 1-D or 2-D array, got {} dimensions", what, a.shape.size()));
}

std::uint32_t checked_dim(std::uint64_t v, const std::string& what, const char* name) {
  if (v < 1 || v > kMaxDim) {
    throw std::invalid_argument(
        fmt::format("{}: {} is {}, outside the array's 1..{}", what, name, v, kMaxDim));
  }
  return static_cast<std::uint32_t>(v);
}

// BitLinear through the RTL: ternary weights (float weights ternarized by absmean, ternary
// integers with --alpha, or an I2_S tensor of a GGUF file), activations (float, quantized per
// token by absmax, or int8 already quantized), the integer GEMM on the array checked against the
// golden model, and the fp32 dequantization.
int cmd_bitlinear(const std::vector<std::string>& argv) {
  const CliArgs a(argv, {"weights", "gguf", "tensor", "alpha", "acts", "out", "acc-out"}, {});
  if (a.has("weights") == a.has("gguf")) {
    throw std::invalid_argument(
        "give the weights as either --weights W.npy or --gguf FILE "
        "--tensor NAME");
  }
  if (a.has("gguf") != a.has("tensor")) {
    throw std::invalid_argument("--gguf and --tensor go together");
  }
  if (!a.has("acts") || !a.has("out")) {
    throw std::invalid_argument("--acts X.npy and --out Y.npy are required");
  }
  TernaryTensor w;
  std::string wname;
  if (a.has("gguf")) {
    wname = a.str("gguf", "") + ":" + a.str("tensor", "");
    const TernaryTensorData t = GgufFile::open(a.str("gguf", "")).i2s(a.str("tensor", ""));
    w = {t.n, t.k, t.codes, t.alpha};
    if (a.has("alpha")) throw std::invalid_argument("--alpha: a GGUF tensor carries its own");
  } else {
    wname = a.str("weights", "");
    const NpyArray arr = read_npy(wname);
    if (arr.shape.size() != 2) {
      throw std::invalid_argument(
          fmt::format("{}: weights must be a 2-D N x K array, got {} "
                      "dimensions",
                      wname, arr.shape.size()));
    }
    const std::uint32_t n = checked_dim(arr.shape[0], wname, "N");
    const std::uint32_t k = checked_dim(arr.shape[1], wname, "K");
    if (arr.dtype == "f4" || arr.dtype == "f8") {
      if (a.has("alpha")) throw std::invalid_argument("--alpha: float weights get absmean's");
      w = ternarize_absmean(npy_to_float(arr, wname), n, k);
    } else {
      const double alpha = a.real("alpha", 1.0);
      if (!std::isfinite(alpha)) throw std::invalid_argument("--alpha must be finite");
      w = {n, k, npy_to_trit_codes(arr, wname), static_cast<float>(alpha)};
    }
  }
  const std::string xname = a.str("acts", "");
  const NpyArray xa = read_npy(xname);
  const auto [rows, cols] = rows_cols(xa, xname);
  if (cols != w.k) {
    throw std::invalid_argument(
        fmt::format("{}: activations have {} columns, but the weights ({}) "
                    "have K = {}",
                    xname, cols, wname, w.k));
  }
  const bool float_acts = xa.dtype == "f4" || xa.dtype == "f8";
  GemmProblem p;
  p.shape = {checked_dim(rows, xname, "M"), w.n, w.k};
  p.weights = w.codes;
  QuantizedActs q;
  if (float_acts) {
    q = quantize_absmax(npy_to_float(xa, xname), p.shape.m, p.shape.k);
    p.activations = q.q;
  } else {
    p.activations = npy_to_int8(xa, xname);
  }
  Harness harness;
  check_shape(p.shape, harness.config());
  const RunReport r = harness.run(p);
  fmt::print(
      "ternac bitlinear: {} x {} weights ({}, alpha {}), {} token{} ({}), array {}: "
      "{} cycles, {:.3f}% utilization, {}\n",
      w.n, w.k, wname, w.alpha, p.shape.m, p.shape.m == 1 ? "" : "s",
      float_acts ? "float, quantized per token" : "int8", harness.config().name(), r.cycles,
      100.0 * utilization(harness.config(), p.shape, r.cycles),
      r.passed ? fmt::format("{} results checked", r.checked_values) : "FAIL");
  if (!r.passed) {
    fmt::print("{}", r.failure);
    return 1;
  }
  // The array's results are the golden model's (checked above); keep them as int32.
  const std::vector<std::int64_t> acc = golden_gemm(p, 32);
  std::vector<std::uint64_t> shape = {p.shape.m, p.shape.n};
  if (xa.shape.size() == 1) shape = {p.shape.n};
  if (a.has("acc-out")) {
    write_npy(a.str("acc-out", ""), shape, std::vector<std::int32_t>(acc.begin(), acc.end()));
  }
  if (float_acts) {
    write_npy(a.str("out", ""), shape, dequantize(acc, p.shape.m, p.shape.n, q.scale, w.alpha));
    fmt::print("wrote {} (float32 y = acc / s * alpha)\n", a.str("out", ""));
  } else {
    write_npy(a.str("out", ""), shape, std::vector<std::int32_t>(acc.begin(), acc.end()));
    fmt::print("wrote {} (int32 acc: the activations were already int8, so no scale)\n",
               a.str("out", ""));
  }
  return 0;
}

// `ternac regress ...` is scripts/regress.py of this build's source tree, on this build.
int cmd_regress(const std::vector<std::string>& args) {
  const std::string script = std::string(TERNAC_SOURCE_DIR) + "/scripts/regress.py";
  std::vector<std::string> argv_s = {"/usr/bin/python3", script};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  setenv("TERNAC_BUILD_DIR", TERNAC_BUILD_DIR, 0);  // unless the caller chose one
  execv(argv[0], argv.data());
  throw std::runtime_error(fmt::format("cannot run {} with /usr/bin/python3", script));
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out) throw std::invalid_argument(fmt::format("cannot write '{}'", path));
  out << text;
  if (!out) throw std::invalid_argument(fmt::format("error writing '{}'", path));
}

int cmd_claims(const std::vector<std::string>& argv) {
  const CliArgs a(argv, {"layer", "tokens", "zeros", "seed", "json", "csv", "energy-dir"},
                  {"no-sweep"});
  const std::string layer = a.str("layer", "ffn_down");
  const std::uint32_t tokens = a.has("tokens") ? dim(a, "tokens") : 1;
  const double zeros = zero_fraction(a);
  const std::uint64_t seed = a.u64("seed", 1);
  const EnergyTables tables = EnergyTables::load(a.str("energy-dir", default_energy_dir()));
  GemmShape shape;
  bool found = false;
  for (const LayerShape& l : bitnet_2b4t_layers()) {
    if (l.name == layer) {
      shape = {tokens, l.n, l.k};
      found = true;
    }
  }
  if (!found) {
    throw std::invalid_argument(fmt::format("unknown layer '{}' (see 'ternac shapes')", layer));
  }
  Harness harness;
  const auto counted_run = [&](double zf) {
    const GemmProblem p = random_problem({shape, seed, zf, ActProfile::kGaussian});
    const RunReport r = harness.run(p);
    if (!r.passed) {
      throw std::runtime_error("the RTL run failed its checks:\n" + r.failure);
    }
    return r.counted.ops;
  };
  // The INT8 baseline array, simulated on the same shape and checked like the ternary one.
  const RunReport int8_run = Int8Harness().run(int8_problem(shape, seed));
  if (!int8_run.passed) {
    throw std::runtime_error("the INT8 RTL run failed its checks:\n" + int8_run.failure);
  }
  ClaimsReport report;
  report.config = harness.config();
  report.workload = "2B4T " + layer;
  report.shape = shape;
  report.zero_fraction = zeros;
  report.seed = seed;
  report.counts = counted_run(zeros);
  report.int8_counts = int8_run.counted.ops;
  if (!a.has("no-sweep")) {
    for (int z = 0; z <= 60; z += 10) {
      report.sweep.push_back({z / 100.0, counted_run(z / 100.0), shape.macs()});
    }
  }
  evaluate_claims(report, tables);
  fmt::print("{}", claims_text(report));
  if (a.has("json")) write_file(a.str("json", ""), claims_json(report));
  if (a.has("csv")) write_file(a.str("csv", ""), claims_csv(report));
  return 0;
}

int cmd_shapes() {
  fmt::print("BitNet b1.58 2B4T linear layers (out x in = N x K), per transformer block:\n");
  for (const LayerShape& l : bitnet_2b4t_layers()) {
    fmt::print("  {:<12} N={:<5} K={:<5} {:.2f} M weights\n", l.name, l.n, l.k,
               double(l.n) * l.k / 1e6);
  }
  return 0;
}

int cmd_config() {
  Harness harness;
  const ArrayConfig& c = harness.config();
  fmt::print("array {}: Lanes={} TreeInputs={} AccWidth={} WeightRowsPerBeat={} TokenTile={}\n",
             c.name(), c.lanes, c.tree_inputs, c.acc_width, c.weight_rows_per_beat, c.token_tile);
  fmt::print("peak {} ternary MACs/cycle, max K {}, max M and N {}\n", c.peak_macs_per_cycle(),
             c.max_k(), kMaxDim);
  return 0;
}

}  // namespace
}  // namespace ternac

int main(int argc, char** argv) {
  // Whole-model runs make and free a layer's buffers (up to tens of MB) hundreds of times. By
  // default glibc serves such blocks with fresh mmap()s and unmaps them on free, so every layer
  // pays page faults and zeroing of new pages (a fifth of `ternac model`'s CPU time, perf): keep
  // blocks up to the largest threshold glibc allows in its heaps, and freed memory mapped.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const std::string cmd = args.empty() ? "help" : args[0];
  const std::vector<std::string> rest(args.begin() + (args.empty() ? 0 : 1), args.end());
  try {
    if (cmd == "regress") return ternac::cmd_regress(rest);
    if (cmd == "run") return ternac::cmd_run(rest);
    if (cmd == "model") return ternac::cmd_model(rest);
    if (cmd == "bitlinear") return ternac::cmd_bitlinear(rest);
    if (cmd == "claims") return ternac::cmd_claims(rest);
    if (cmd == "shapes") return ternac::cmd_shapes();
    if (cmd == "config") return ternac::cmd_config();
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
      std::fputs(ternac::kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "ternac: unknown command '%s'\n%s", cmd.c_str(), ternac::kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ternac %s: error: %s\n", cmd.c_str(), e.what());
    return 2;
  }
}
