// The example virtual platform (docs/systemc.md): system memory, an interconnect, a CPU running a
// small program through the driver library, and the memory-mapped ternac device, the fast model
// or the Verilated RTL (16 x 64) behind the same registers. The program runs linear layers of a
// BitNet b1.58 block read from a GGUF file: the loader puts each layer's I2_S weights into memory
// as the file holds them and synthetic int8 activations beside them; the CPU programs one command
// per layer and waits for the interrupt. Every Y is then checked against the golden model on
// the weights as model/io/gguf.cpp decodes them.
//
//   ternac_vp run --model fast|rtl --gguf FILE [--layers all|attn_q,ffn_up,...] [--block B]
//                 [--tokens M] [--seed S] [--latency-ns L] [--no-dmi] [--json FILE]
//   ternac_vp compare --a FILE --b FILE      two runs' JSON: identical memory, times, results
//
// Exit status: 0 every result checked, 1 a check failed, 2 bad usage or input.
// clang-format off
#include TERNAC_VTOP_HEADER
// clang-format on

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <systemc>
#include <vector>

#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/io/gguf.h"
#include "ternac/sim/cli_args.h"
#include "ternac/sim/systemc/vp/checks.h"
#include "ternac/sim/systemc/vp/driver.h"
#include "ternac/sim/systemc/vp/fast_accelerator.h"
#include "ternac/sim/systemc/vp/platform.h"
#include "ternac/sim/systemc/vp/rtl_accelerator.h"
#include "ternac/testbench/env/hw_config.h"

namespace ternac::vp {
namespace {

using json = nlohmann::json;
using VTop = TERNAC_VTOP;

constexpr std::uint64_t kDeviceBase = 0x4000'0000;
constexpr std::uint64_t kMemoryBase = 0x8000'0000;
const char* const kBlockLayers[] = {"attn_q",   "attn_k", "attn_v",  "attn_output",
                                    "ffn_gate", "ffn_up", "ffn_down"};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Layer {
  std::string name;    // attn_q, ...
  std::string tensor;  // blk.<b>.attn_q.weight
  GemmShape shape;
  std::string_view i2s;  // the tensor's packed weights as the file holds them (N x K / 4 bytes)
  GemmJob job;
  std::vector<std::int8_t> x;
  // Filled by the program:
  JobResult result;
  std::uint64_t start_ps = 0, irq_ps = 0;  // the START write, the interrupt
};

// int8 activations after RMSNorm: rounded N(0, 25^2), clamped to -127..127.
std::vector<std::int8_t> activations(std::uint64_t count, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(0.0, 25.0);
  std::vector<std::int8_t> x(count);
  for (auto& v : x) v = static_cast<std::int8_t>(std::clamp(std::lround(d(rng)), -127L, 127L));
  return x;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int compare(const std::string& a_path, const std::string& b_path) {
  json a, b;
  try {
    a = read_json(a_path);
    b = read_json(b_path);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
  for (const json* j : {&a, &b}) {
    if (j->value("tool", "") != "ternac_vp" || !j->contains("layers")) {
      std::fprintf(stderr, "ternac_vp compare: %s is not a ternac_vp run's JSON\n",
                   (j == &a ? a_path : b_path).c_str());
      return 2;
    }
  }
  int diffs = 0;
  // Everything but the model and the wall time must be the same.
  for (const char* key : {"config", "gguf", "block", "tokens", "seed", "latency_ns", "layers",
                          "memory_fnv1a64", "sim_time_ps"}) {
    if (a.value(key, json()) != b.value(key, json())) {
      ++diffs;
      std::fprintf(stderr, "ternac_vp compare: %s differs:\n  %s (%s): %s\n  %s (%s): %s\n", key,
                   a_path.c_str(), a.value("model", "?").c_str(),
                   a.value(key, json()).dump().c_str(), b_path.c_str(),
                   b.value("model", "?").c_str(), b.value(key, json()).dump().c_str());
    }
  }
  if (diffs) return 1;
  std::printf(
      "ternac_vp compare: %s and %s: identical memory contents (fnv1a64 %s), the same "
      "%zu layer(s), cycles and interrupt times; simulated %.3f us on both; wall time %s "
      "%.3f s, %s %.3f s\n",
      a.value("model", "?").c_str(), b.value("model", "?").c_str(),
      a["memory_fnv1a64"].get<std::string>().c_str(), a["layers"].size(),
      a["sim_time_ps"].get<double>() / 1e6, a.value("model", "?").c_str(),
      a.value("wall_sim_s", 0.0), b.value("model", "?").c_str(), b.value("wall_sim_s", 0.0));
  return 0;
}

int run(const CliArgs& a, const std::string& self) {
  const std::string model = a.str("model", "");
  if (model != "fast" && model != "rtl") {
    throw UsageError("--model must be fast or rtl, got '" + model + "'");
  }
  if (!a.has("gguf")) throw UsageError("--gguf FILE is needed (scripts/make_gguf.py makes one)");
  const std::string path = a.str("gguf", "");
  const std::uint64_t block = a.u64("block", 0);
  const std::uint64_t tokens = a.u64("tokens", 1);
  const std::uint64_t seed = a.u64("seed", 1);
  const std::uint64_t latency_ns = a.u64("latency-ns", 0);
  if (tokens < 1 || tokens > 4096) throw UsageError("--tokens must be in 1..4096");
  if (latency_ns > 1000) throw UsageError("--latency-ns must be at most 1000");
  std::vector<std::string> names;
  const std::string which = a.str("layers", "all");
  if (which == "all") {
    names.assign(std::begin(kBlockLayers), std::end(kBlockLayers));
  } else {
    names = split(which);
    for (const std::string& n : names) {
      if (std::find(std::begin(kBlockLayers), std::end(kBlockLayers), n) ==
          std::end(kBlockLayers)) {
        throw UsageError("--layers: '" + n +
                         "' is not one of attn_q, attn_k, attn_v, "
                         "attn_output, ffn_gate, ffn_up, ffn_down (or all)");
      }
    }
  }
  const ArrayConfig cfg = built_config();

  // The file: every layer an I2_S tensor (decoded once here, for the check after the run).
  GgufFile file = [&] {
    try {
      return GgufFile::open(path);
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
  }();
  std::vector<Layer> layers;
  std::vector<TernaryTensorData> decoded;
  for (const std::string& n : names) {
    Layer l;
    l.name = n;
    l.tensor = fmt::format("blk.{}.{}.weight", block, n);
    try {
      decoded.push_back(file.i2s(l.tensor));
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
    l.shape = {static_cast<std::uint32_t>(tokens), decoded.back().n, decoded.back().k};
    if (decoded.back().k > cfg.max_k()) {
      throw UsageError(fmt::format("{}: K = {} is past the array's HW_MAX_K {}", l.tensor,
                                   decoded.back().k, cfg.max_k()));
    }
    l.i2s = file.tensor_data(l.tensor).substr(0, std::uint64_t{l.shape.n} * l.shape.k / 4);
    l.x = activations(std::uint64_t{l.shape.m} * l.shape.k, seed + layers.size());
    layers.push_back(std::move(l));
  }

  // The memory map: each layer's W, X and Y one after the other.
  std::uint64_t need = 0;
  for (const Layer& l : layers) {
    need += l.i2s.size() + l.x.size() + result_bytes(l.shape.m, l.shape.n) + 3 * 64;
  }
  PlatformOptions po;
  po.device_base = kDeviceBase;
  po.memory_base = kMemoryBase;
  po.memory_size = (need + (1u << 20)) & ~((1ull << 20) - 1);
  po.memory_latency = sc_core::sc_time(static_cast<double>(latency_ns), sc_core::SC_NS);
  po.memory_dmi = !a.has("no-dmi");
  BufferArena arena(DmaWindow{kMemoryBase, po.memory_size});
  for (Layer& l : layers) {
    l.job.shape = l.shape;
    l.job.format = regmap::Format::kI2s;
    l.job.w = arena.alloc(l.i2s.size());
    l.job.x = arena.alloc(l.x.size());
    l.job.y = arena.alloc(result_bytes(l.shape.m, l.shape.n));
  }
  const std::uint64_t used = arena.used();

  DeviceInfo info;
  const DeviceFactory make = [&](const char* name,
                                 const AcceleratorOptions& o) -> std::unique_ptr<Accelerator> {
    if (model == "fast") return std::make_unique<FastAccelerator>(name, cfg, o);
    return std::make_unique<RtlAccelerator<VTop>>(name, cfg, o);
  };
  Platform pf(po, make, [&](Cpu& cpu) {
    Driver drv(cpu, kDeviceBase);
    info = drv.probe();
    for (Layer& l : layers) {
      drv.clear(false, true);
      drv.program(l.job);
      l.start_ps = sc_core::sc_time_stamp().value();
      drv.go();
      l.result = drv.wait();
    }
  });
  IrqMonitor irq_monitor("irq_monitor");
  irq_monitor.irq.bind(pf.irq);
  // The loader: weights as the file holds them, activations, Y cleared.
  for (const Layer& l : layers) {
    std::memcpy(pf.host(l.job.w, l.i2s.size()), l.i2s.data(), l.i2s.size());
    std::memcpy(pf.host(l.job.x, l.x.size()), l.x.data(), l.x.size());
  }
  // The program's end is no news ("Simulation stopped by user").
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  const auto wall0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double wall_sim =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  if (!pf.cpu.finished() || !pf.cpu.failure().empty()) {
    std::fprintf(stderr, "%s: the program did not finish: %s\n", self.c_str(),
                 pf.cpu.failure().empty() ? "it waits for an interrupt that never came"
                                          : pf.cpu.failure().c_str());
    return 1;
  }
  const double sim_ps = static_cast<double>(sc_core::sc_time_stamp().value());
  for (Layer& l : layers) {
    sc_core::sc_time rose;
    if (irq_monitor.rise_after(sc_core::sc_time::from_value(l.start_ps), rose)) {
      l.irq_ps = rose.value();
    }
  }

  std::printf("%s\n", info.describe().c_str());
  std::printf("%s, block %llu, %llu token%s, seed %llu, memory latency %llu ns, DMI %s\n",
              path.c_str(), static_cast<unsigned long long>(block),
              static_cast<unsigned long long>(tokens), tokens == 1 ? "" : "s",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(latency_ns),
              po.memory_dmi ? "on" : "off");
  std::printf("%-12s %13s %11s %11s %11s %12s %8s  %-18s %s\n", "layer", "N x K", "array cyc",
              "DMA cyc", "total cyc", "START-IRQ us", "util %", "Y fnv1a64", "Y[0][0..3]");
  int failures = 0;
  json out_layers = json::array();
  std::uint64_t macs = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    const JobResult& r = l.result;
    const std::uint64_t yb = result_bytes(l.shape.m, l.shape.n);
    const std::vector<std::int64_t> y =
        decode_results(pf.host(l.job.y, yb), std::size_t{l.shape.m} * l.shape.n);
    std::string verdict = "ok";
    if (!r.ok()) {
      verdict = r.describe();
    } else {
      GemmProblem p;
      p.shape = l.shape;
      p.weights = decoded[i].codes;
      p.activations = l.x;
      const std::vector<std::int64_t> want = golden_gemm(p, cfg);
      std::size_t bad = 0;
      while (bad < y.size() && y[bad] == want[bad]) ++bad;
      if (bad < y.size()) {
        verdict = fmt::format("Y[{}][{}] = {}, the golden model says {}", bad / l.shape.n,
                              bad % l.shape.n, y[bad], want[bad]);
      }
    }
    if (verdict != "ok") {
      ++failures;
      std::fprintf(stderr, "FAIL %s: %s\n", l.tensor.c_str(), verdict.c_str());
    }
    macs += l.shape.macs();
    const double time_us = static_cast<double>(l.irq_ps - l.start_ps) / 1e6;
    const std::string fnv = fmt::format("0x{:016x}", fnv1a64(pf.host(l.job.y, yb), yb));
    std::printf("%-12s %6u x %-5u %11llu %11llu %11llu %12.3f %8.3f  %-18s %lld %lld %lld %lld\n",
                l.name.c_str(), l.shape.n, l.shape.k,
                static_cast<unsigned long long>(r.array_cycles),
                static_cast<unsigned long long>(r.total_cycles - r.array_cycles),
                static_cast<unsigned long long>(r.total_cycles), time_us,
                100.0 * utilization(cfg, l.shape, r.array_cycles ? r.array_cycles : 1), fnv.c_str(),
                static_cast<long long>(y[0]), static_cast<long long>(y.size() > 1 ? y[1] : 0),
                static_cast<long long>(y.size() > 2 ? y[2] : 0),
                static_cast<long long>(y.size() > 3 ? y[3] : 0));
    out_layers.push_back({{"layer", l.name},
                          {"tensor", l.tensor},
                          {"m", l.shape.m},
                          {"n", l.shape.n},
                          {"k", l.shape.k},
                          {"array_cycles", r.array_cycles},
                          {"total_cycles", r.total_cycles},
                          {"start_ps", l.start_ps},
                          {"irq_ps", l.irq_ps},
                          {"error", regmap::name(r.error.code)},
                          {"y_fnv1a64", fnv},
                          {"checked", verdict == "ok"}});
  }
  const std::string digest = fmt::format("0x{:016x}", fnv1a64(pf.host(kMemoryBase, used), used));
  std::printf(
      "%zu layer%s, %.2f M MACs, every Y %s; memory digest (fnv1a64 of the %llu bytes "
      "used) %s\n",
      layers.size(), layers.size() == 1 ? "" : "s", static_cast<double>(macs) / 1e6,
      failures ? "NOT as the golden model says" : "checked against the golden model",
      static_cast<unsigned long long>(used), digest.c_str());
  std::printf("simulated time %.3f us (%s model); wall time %.3f s in the simulation\n",
              sim_ps / 1e6, model.c_str(), wall_sim);
  if (a.has("json")) {
    const json out = {{"schema", 1},           {"tool", "ternac_vp"},    {"model", model},
                      {"config", cfg.name()},  {"gguf", path},           {"block", block},
                      {"tokens", tokens},      {"seed", seed},           {"latency_ns", latency_ns},
                      {"dmi", po.memory_dmi},  {"layers", out_layers},   {"memory_fnv1a64", digest},
                      {"sim_time_ps", sim_ps}, {"wall_sim_s", wall_sim}, {"passed", failures == 0}};
    try {
      write_json(a.str("json", ""), out);
    } catch (const std::exception& e) {
      throw UsageError(e.what());
    }
  }
  return failures ? 1 : 0;
}

}  // namespace
}  // namespace ternac::vp

int sc_main(int argc, char** argv) {
  using namespace ternac;
  const std::string self = argv[0];
  const std::string usage =
      "usage: " + self +
      " run --model fast|rtl --gguf FILE [--layers all|attn_q,ffn_up,...] [--block B] "
      "[--tokens M] [--seed S] [--latency-ns L] [--no-dmi] [--json FILE]\n"
      "       " +
      self + " compare --a FILE --b FILE\n";
  if (argc < 2 || (std::string(argv[1]) != "run" && std::string(argv[1]) != "compare")) {
    std::fprintf(stderr, "%s", usage.c_str());
    return argc >= 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") ? 0
                                                                                             : 2;
  }
  try {
    const CliArgs a(
        std::vector<std::string>(argv + 2, argv + argc),
        {"model", "gguf", "layers", "block", "tokens", "seed", "latency-ns", "json", "a", "b"},
        {"no-dmi"});
    if (std::string(argv[1]) == "compare") {
      if (!a.has("a") || !a.has("b")) throw vp::UsageError("compare needs --a and --b");
      return vp::compare(a.str("a", ""), a.str("b", ""));
    }
    return vp::run(a, self);
  } catch (const vp::UsageError& e) {
    std::fprintf(stderr, "%s: %s\n", self.c_str(), e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n%s", self.c_str(), e.what(), usage.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", self.c_str(), e.what());
    return 1;
  }
}
