// BitLinear of BitNet b1.58 at inference, bit-exact (docs: /work/shared/reference/bitnet.md):
// absmean ternarization of the weights, per-token absmax int8 quantization of the activations,
// the integer GEMM of the array (golden_gemm), and the fp32 dequantization.
//
// Every floating-point step is a single IEEE-754 operation in the precision the recipe names
// (binary32 unless it says double), rounded to nearest even, so that the results are identical
// bit for bit to scripts/bitlinear_ref.py (numpy) and to any other faithful implementation.
// None of the steps is a multiply followed by an add, so FMA contraction cannot change a result,
// and the code refuses to compile where float expressions would be evaluated in excess precision
// (FLT_EVAL_METHOD != 0, e.g. x87).
#pragma once

#include <cstdint>
#include <vector>

namespace ternac {

// Rounds to the nearest integer, ties to even (0.5 -> 0, 1.5 -> 2, -2.5 -> -2), keeping the sign
// of zero (-0.4 -> -0.0) and returning NaN and infinities unchanged: the same as std::nearbyint
// and np.rint under the default rounding mode, but computed explicitly so that it does not depend
// on the current floating-point rounding mode.
float round_half_even(float x);

// Ternary weights of one tensor with their scale: W ~ alpha * w.
struct TernaryTensor {
  std::uint32_t n = 0;              // output rows
  std::uint32_t k = 0;              // weights per row
  std::vector<std::uint8_t> codes;  // N x K TritCode bytes, row-major, as GemmProblem::weights
  float alpha = 1.0f;
};

// Absmean ternarization of the N x K row-major float weights w:
//   alpha = (float)max(sum |W| / (N * K), 1e-5), the sum taken in double in row-major order,
//   w = clamp(round_half_even(W / alpha), -1, 1), the division in float.
// The 1e-5 floor is BitNet's (weight.abs().mean().clamp(min=1e-5)): it keeps the division defined
// for an all-zero tensor (whose codes are then all zero) and makes weights far below 1e-5 zero.
// Throws std::invalid_argument when N or K is 0, w does not hold N * K values, or a weight is
// not finite (naming its row and column).
TernaryTensor ternarize_absmean(const std::vector<float>& w, std::uint32_t n, std::uint32_t k);

// Activations quantized per token row.
struct QuantizedActs {
  std::uint32_t m = 0;         // token rows
  std::uint32_t k = 0;         // values per row
  std::vector<std::int8_t> q;  // M x K, row-major
  std::vector<float> scale;    // s of each row: x ~ q / s
};

// Absmax quantization of the M x K row-major activations x, each row on its own:
//   s = (float)(127.0 / max(max_i |x_i|, 1e-5)), the max and the division in double,
//   q_i = clamp(round_half_even(x_i * s), -128, 127), the product in float.
// A row of zeros gets s = 1.27e7 and q = 0. Throws std::invalid_argument when K is 0, x does not
// hold M * K values, or a value is not finite (naming its row and column).
QuantizedActs quantize_absmax(const std::vector<float>& x, std::uint32_t m, std::uint32_t k);

// y[m][n] = ((float)acc[m][n] / scale[m]) * alpha, in float, in that order. acc is M x N
// row-major. Throws std::invalid_argument when the sizes do not match.
std::vector<float> dequantize(const std::vector<std::int64_t>& acc, std::uint32_t m,
                              std::uint32_t n, const std::vector<float>& scale, float alpha);

// K is at most this in bitlinear(): |acc| <= 128 * K must fit the 32-bit accumulator.
inline constexpr std::uint32_t kBitLinearMaxK = (std::uint32_t{1} << 24) - 1;

// The BitLinear layer on M x K row-major activations: quantize_absmax, the integer GEMM with a
// 32-bit accumulator (golden_gemm), dequantize. Returns M x N row-major. Throws
// std::invalid_argument when x does not hold M * w.k values, w's codes do not hold N * K legal
// codes, w.alpha is not finite, K exceeds kBitLinearMaxK, or quantize_absmax refuses x.
std::vector<float> bitlinear(const std::vector<float>& x, std::uint32_t m, const TernaryTensor& w);

}  // namespace ternac
