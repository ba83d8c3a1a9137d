#include "ternac/model/core/bitlinear.h"

#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "ternac/model/core/gemm.h"
#include "ternac/model/core/trit.h"

// Bit-exactness needs every float expression evaluated in float: x87 code (FLT_EVAL_METHOD 2)
// would keep products in 80-bit registers and round them twice. SSE and AArch64 have 0.
static_assert(FLT_EVAL_METHOD == 0, "BitLinear needs float arithmetic without excess precision");

namespace ternac {
namespace {

// BitNet's floor on both the weight mean and the activation max (clamp(min=1e-5)).
constexpr double kEps = 1e-5;

void check_count(const char* function, const char* what, std::size_t have, std::uint32_t rows,
                 std::uint32_t cols) {
  const std::uint64_t want = std::uint64_t{rows} * cols;
  if (have != want) {
    throw std::invalid_argument(fmt::format("{}: {} {} values given, {} x {} needs {}", function,
                                            have, what, rows, cols, want));
  }
}

}  // namespace

float round_half_even(float x) {
  // From 2^23 up every float is an integer; NaN fails the comparison and is returned as is.
  const float a = std::fabs(x);
  if (!(a < 8388608.0f)) return x;
  // Work on |x| so that floor and the subtraction are exact: a - floor(a) is in [0, 1) and, for
  // a >= 1, floor(a) is within a factor of two of a (Sterbenz), so frac is the exact fraction.
  const float whole = std::floor(a);
  const float frac = a - whole;
  float r = whole;
  if (frac > 0.5f || (frac == 0.5f && std::fmod(whole, 2.0f) != 0.0f)) r = whole + 1.0f;
  return std::copysign(r, x);
}

TernaryTensor ternarize_absmean(const std::vector<float>& w, std::uint32_t n, std::uint32_t k) {
  if (n == 0 || k == 0) {
    throw std::invalid_argument(
        fmt::format("ternarize_absmean: N and K must be at least 1, got N={} K={}", n, k));
  }
  check_count("ternarize_absmean", "weight", w.size(), n, k);
  // The sum of |W| in double, in row-major order: every float is exact in double and the sum of
  // up to 2^32 of them cannot overflow, but its rounding depends on the order, which is fixed
  // here and mirrored by the reference (np.add.accumulate).
  double sum = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!std::isfinite(w[i])) {
      throw std::invalid_argument(fmt::format(
          "ternarize_absmean: weight {} (row {}, column {}) is {}", i, i / k, i % k, w[i]));
    }
    sum += std::fabs(static_cast<double>(w[i]));
  }
  TernaryTensor t;
  t.n = n;
  t.k = k;
  t.alpha = static_cast<float>(std::max(sum / static_cast<double>(w.size()), kEps));
  t.codes.resize(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    // One float division, then the rounding; |W| / alpha may overflow to infinity when alpha was
    // floored at 1e-5, which the clamp turns into +-1 like any large value.
    const float ratio = w[i] / t.alpha;
    const float r = round_half_even(ratio);
    t.codes[i] = encode_trit(r > 0.0f ? 1 : (r < 0.0f ? -1 : 0));
  }
  return t;
}

QuantizedActs quantize_absmax(const std::vector<float>& x, std::uint32_t m, std::uint32_t k) {
  if (k == 0) throw std::invalid_argument("quantize_absmax: K must be at least 1");
  check_count("quantize_absmax", "activation", x.size(), m, k);
  QuantizedActs qa;
  qa.m = m;
  qa.k = k;
  qa.q.resize(x.size());
  qa.scale.resize(m);
  for (std::uint32_t row = 0; row < m; ++row) {
    const float* xr = &x[std::size_t{row} * k];
    double max_abs = 0.0;
    for (std::uint32_t c = 0; c < k; ++c) {
      if (!std::isfinite(xr[c])) {
        throw std::invalid_argument(
            fmt::format("quantize_absmax: activation at row {}, column {} is {}", row, c, xr[c]));
      }
      max_abs = std::max(max_abs, std::fabs(static_cast<double>(xr[c])));
    }
    // The division in double, rounded once to float.
    const auto s = static_cast<float>(127.0 / std::max(max_abs, kEps));
    qa.scale[row] = s;
    std::int8_t* qr = &qa.q[std::size_t{row} * k];
    for (std::uint32_t c = 0; c < k; ++c) {
      // The product rounded to float, then to an integer. s = 127 / max keeps |x * s| within a
      // rounding of 127, so -128 never occurs, but the clamp keeps the conversion defined.
      const float product = xr[c] * s;
      const float r = std::min(std::max(round_half_even(product), -128.0f), 127.0f);
      qr[c] = static_cast<std::int8_t>(r);
    }
  }
  return qa;
}

std::vector<float> dequantize(const std::vector<std::int64_t>& acc, std::uint32_t m,
                              std::uint32_t n, const std::vector<float>& scale, float alpha) {
  check_count("dequantize", "accumulator", acc.size(), m, n);
  if (scale.size() != m) {
    throw std::invalid_argument(
        fmt::format("dequantize: {} scales given for {} rows", scale.size(), m));
  }
  std::vector<float> y(acc.size());
  for (std::uint32_t row = 0; row < m; ++row) {
    const float s = scale[row];
    for (std::uint32_t col = 0; col < n; ++col) {
      const std::size_t i = std::size_t{row} * n + col;
      // Three roundings, in the recipe's order: int to float (exact below 2^24, round to nearest
      // even beyond), the division, the multiplication.
      const auto a = static_cast<float>(acc[i]);
      const float unscaled = a / s;
      y[i] = unscaled * alpha;
    }
  }
  return y;
}

std::vector<float> bitlinear(const std::vector<float>& x, std::uint32_t m, const TernaryTensor& w) {
  if (w.n == 0 || w.k == 0) {
    throw std::invalid_argument(
        fmt::format("bitlinear: weights must have N and K of at least 1, got N={} K={}", w.n, w.k));
  }
  if (w.k > kBitLinearMaxK) {
    throw std::invalid_argument(fmt::format(
        "bitlinear: K = {} exceeds {}: |acc| <= 128 * K would not fit the 32-bit accumulator", w.k,
        kBitLinearMaxK));
  }
  check_count("bitlinear", "weight code", w.codes.size(), w.n, w.k);
  for (std::size_t i = 0; i < w.codes.size(); ++i) {
    if (!is_legal(w.codes[i])) {
      throw std::invalid_argument(fmt::format("bitlinear: weight code {} (row {}, column {}) is {}",
                                              i, i / w.k, i % w.k, trit_name(w.codes[i])));
    }
  }
  if (!std::isfinite(w.alpha)) {
    throw std::invalid_argument(fmt::format("bitlinear: weight scale alpha is {}", w.alpha));
  }
  QuantizedActs qa = quantize_absmax(x, m, w.k);
  GemmProblem problem;
  problem.shape = GemmShape{m, w.n, w.k};
  problem.format = WeightFormat::kTritCodes;
  problem.weights = w.codes;
  problem.activations = std::move(qa.q);
  const std::vector<std::int64_t> acc = golden_gemm(problem, 32);
  return dequantize(acc, m, w.n, qa.scale, w.alpha);
}

}  // namespace ternac
