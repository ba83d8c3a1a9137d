// ternac bitlinear: BitLinear through the RTL. Ternary weights (float weights ternarized by
// absmean, ternary integers with --alpha, or an I2_S tensor of a GGUF file), activations (float,
// quantized per token by absmax, or int8 already quantized), the integer GEMM on the array
// checked against the golden model, and the fp32 dequantization (docs/bitnet.md).
#include "ternac/model/core/bitlinear.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <string>
#include <utility>
#include <vector>

#include "ternac/model/base/text_io.h"
#include "ternac/model/core/cycle_model.h"
#include "ternac/model/io/gguf.h"
#include "ternac/model/io/npy.h"
#include "ternac/sim/cli/commands.h"
#include "ternac/sim/cli/harness.h"
#include "ternac/sim/cli/variant.h"
#include "ternac/sim/cli/workloads.h"

namespace ternac::cli {
namespace {

void declare(Options& o) {
  declare_array_options(o);
  o.value("weights", "W.npy", "N x K weights: float (ternarized by absmean) or integers in -1..1");
  o.value("alpha", "A", "the scale of integer weights, finite as a float (default: 1)");
  o.value("gguf", "FILE", "instead of --weights: a bitnet.cpp GGUF file (with --tensor)");
  o.value("tensor", "NAME", "the I2_S tensor of --gguf");
  o.value("acts", "X.npy", "K or M x K activations: float (quantized per token) or int8");
  o.value("out", "Y.npy", "float32 y = acc / s * alpha (int32 acc for int8 activations)");
  o.value("acc-out", "A.npy", "also the int32 accumulators");
  declare_max_cycles(o);
  declare_memory_limit(o);
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

std::uint64_t file_size(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

int run(const Options& o) {
  if (o.has("weights") == o.has("gguf")) {
    throw std::invalid_argument(
        "give the weights as either --weights W.npy or --gguf FILE --tensor NAME");
  }
  if (o.has("gguf") != o.has("tensor")) {
    throw std::invalid_argument("--gguf and --tensor go together");
  }
  if (!o.has("acts") || !o.has("out")) {
    throw std::invalid_argument("--acts X.npy and --out Y.npy are required");
  }
  if (o.has("gguf") && o.has("alpha")) {
    throw std::invalid_argument("--alpha: a GGUF tensor carries its own");
  }
  const float alpha_given = o.real32("alpha", 1.0f);
  RunOptions run_options;
  run_options.watchdog_cycles = max_cycles(o);
  const std::string xname = o.str("acts", "");
  Files files;
  files.input(o.has("gguf") ? "--gguf" : "--weights",
              o.str(o.has("gguf") ? "gguf" : "weights", ""));
  files.input("--acts", xname);
  files.outputs_of(o, {"out", "acc-out"});
  files.check();
  // The inputs are read whole: they must fit before anything else is reckoned.
  const MemoryLimit limit = memory_limit(o);
  const std::uint64_t input_bytes =
      file_size(o.str(o.has("gguf") ? "gguf" : "weights", "")) + file_size(xname);
  if (!o.has("gguf")) {
    check_memory({kBaseBytes + input_bytes, "the input files, read whole"}, limit);
  }

  TernaryTensor w;
  std::string wname;
  if (o.has("gguf")) {
    wname = printable(o.str("gguf", "")) + ":" + printable(o.str("tensor", ""));
    const GgufFile file = GgufFile::open(o.str("gguf", ""));
    // The file is mapped, not read: what is decoded is one byte per weight of the tensor, checked
    // against the limit from the header before decoding.
    const TernaryTensorData t = decode_i2s(
        file, o.str("tensor", ""), {kBaseBytes + file_size(xname), ", and the activations"}, limit);
    w = {t.n, t.k, t.codes, t.alpha};
  } else {
    const std::string path = o.str("weights", "");
    wname = printable(path);
    const NpyArray arr = read_npy(path);
    if (arr.shape.size() != 2) {
      throw std::invalid_argument(fmt::format(
          "{}: weights must be a 2-D N x K array, got {} dimensions", wname, arr.shape.size()));
    }
    const std::uint32_t n = checked_dim(arr.shape[0], wname, "N");
    const std::uint32_t k = checked_dim(arr.shape[1], wname, "K");
    if (arr.dtype == "f4" || arr.dtype == "f8") {
      if (o.has("alpha")) throw std::invalid_argument("--alpha: float weights get absmean's");
      w = ternarize_absmean(npy_to_float(arr, path), n, k);
    } else {
      w = {n, k, npy_to_trit_codes(arr, path), alpha_given};
    }
  }
  const NpyArray xa = read_npy(xname);
  const auto [rows, cols] = rows_cols(xa, printable(xname));
  if (cols != w.k) {
    throw std::invalid_argument(
        fmt::format("{}: activations have {} columns, but the weights ({}) have K = {}",
                    printable(xname), cols, wname, w.k));
  }
  const bool float_acts = xa.dtype == "f4" || xa.dtype == "f8";
  GemmProblem p;
  p.shape = {checked_dim(rows, printable(xname), "M"), w.n, w.k};
  // Before the GEMM: what is held now, the GEMM's own buffers, and the outputs (two M x N
  // arrays of 4-byte values, and the int64 results they are made from).
  const std::uint64_t mn = std::uint64_t{p.shape.m} * p.shape.n;
  check_memory({kBaseBytes + input_bytes + 2 * gemm_bytes(p.shape) + 16 * mn,
                "the inputs, the weights and activations as the array takes them, the expected "
                "results and the outputs"},
               limit);
  p.weights = std::move(w.codes);
  QuantizedActs q;
  if (float_acts) {
    q = quantize_absmax(npy_to_float(xa, xname), p.shape.m, p.shape.k);
    p.activations = q.q;
  } else {
    p.activations = npy_to_int8(xa, xname);
  }
  Harness harness;
  check_shape(p.shape, harness.config());
  const RunReport r = harness.run(p, run_options);
  fmt::print(
      "ternac bitlinear: {} x {} weights ({}, alpha {}), {} token{} ({}), array {}: "
      "{} cycles, {:.3f}% utilization, {}\n",
      w.n, w.k, wname, w.alpha, p.shape.m, p.shape.m == 1 ? "" : "s",
      float_acts ? "float, quantized per token" : "int8", harness.config().name(), r.cycles,
      r.cycles == 0 ? 0.0 : 100.0 * utilization(harness.config(), p.shape, r.cycles),
      r.passed
          ? fmt::format("{} result{} checked", r.checked_results, r.checked_results == 1 ? "" : "s")
          : "FAIL");
  if (!r.passed) {
    fmt::print("{}", printable_message(r.failure));
    return kExitCheckFailed;  // no output: it would hold the golden model's numbers, not the RTL's
  }
  // The array's results are the golden model's (checked above); keep them as int32.
  const std::vector<std::int64_t> acc = golden_gemm(p, 32);
  std::vector<std::uint64_t> shape = {p.shape.m, p.shape.n};
  if (xa.shape.size() == 1) shape = {p.shape.n};
  if (o.has("acc-out")) {
    write_npy(o.str("acc-out", ""), shape, std::vector<std::int32_t>(acc.begin(), acc.end()));
  }
  const std::string out = o.str("out", "");
  if (float_acts) {
    write_npy(out, shape, dequantize(acc, p.shape.m, p.shape.n, q.scale, w.alpha));
    fmt::print("wrote {} (float32 y = acc / s * alpha)\n", printable(out));
  } else {
    write_npy(out, shape, std::vector<std::int32_t>(acc.begin(), acc.end()));
    fmt::print("wrote {} (int32 acc: the activations were already int8, so no scale)\n",
               printable(out));
  }
  return kExitOk;
}

}  // namespace

Command add_bitlinear(CLI::App& root) {
  return make_command(root, "bitlinear",
                      "a BitLinear layer from .npy or GGUF inputs through the RTL, output to .npy",
                      declare, run);
}

}  // namespace ternac::cli
