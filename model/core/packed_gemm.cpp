#include "ternac/model/core/packed_gemm.h"

#include <fmt/format.h>

#include <stdexcept>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TERNAC_X86_KERNEL 1
#endif

namespace ternac {
namespace {

constexpr std::uint32_t kBlock = 128;      // weights per block
constexpr std::uint32_t kBlockBytes = 32;  // bytes per block

// w + 1 of a trit code: 0 (zero) -> 1, 1 (+1) -> 2, 3 (-1) -> 0, 2 (illegal, acts as 0) -> 1.
constexpr std::uint8_t kOffsetOfCode[4] = {1, 2, 1, 0};

// One row against one zero-padded activation row: sum((w + 1) * x), the caller subtracts sum(x).
std::int64_t row_scalar(const std::uint8_t* w, const std::int8_t* x, std::uint32_t blocks) {
  std::int64_t sum = 0;
  for (std::uint32_t b = 0; b < blocks; ++b, w += kBlockBytes, x += kBlock) {
    std::int32_t s = 0;
    for (std::uint32_t p = 0; p < kBlockBytes; ++p) {
      const std::uint8_t v = w[p];
      s += (v >> 6) * x[p] + ((v >> 4) & 3) * x[32 + p] + ((v >> 2) & 3) * x[64 + p] +
           (v & 3) * x[96 + p];
    }
    sum += s;
  }
  return sum;
}

#ifdef TERNAC_X86_KERNEL
__attribute__((target("avx512f,avx512bw"))) std::int64_t row_avx512(const std::uint8_t* w,
                                                                    const std::int8_t* x,
                                                                    std::uint32_t blocks) {
  // Per 16-bit lane shift counts: the low 256 bits take bits 7:6 (weights p), the high 256 bits
  // bits 5:4 (weights 32 + p); then bits 3:2 and 1:0 (weights 64 + p, 96 + p).
  alignas(64) static const std::uint16_t kShifts[2][32] = {
      {6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
       4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4},
      {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
  const __m512i shift_a = _mm512_load_si512(kShifts[0]);
  const __m512i shift_b = _mm512_load_si512(kShifts[1]);
  const __m512i three = _mm512_set1_epi8(3);
  const __m512i ones = _mm512_set1_epi16(1);
  __m512i acc = _mm512_setzero_si512();  // 16 x int32: |lane| <= 256 * K / 16, no overflow
  for (std::uint32_t b = 0; b < blocks; ++b, w += kBlockBytes, x += kBlock) {
    // 64 bytes from the block on (PackedTernary keeps 32 spare bytes after the last row), the
    // block's 32 in both halves.
    const __m512i wide = _mm512_loadu_si512(w);
    const __m512i both = _mm512_mask_shuffle_i64x2(wide, 0xFF, wide, wide, 0x44);  // lanes 0 1 0 1
    const __m512i wa = _mm512_and_si512(_mm512_srlv_epi16(both, shift_a), three);
    const __m512i wb = _mm512_and_si512(_mm512_srlv_epi16(both, shift_b), three);
    const __m512i xa = _mm512_loadu_si512(x);
    const __m512i xb = _mm512_loadu_si512(x + 64);
    // (w + 1) * x in 0..2 x -128..127: pair sums fit int16 (|.| <= 512).
    acc = _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(wa, xa), ones));
    acc = _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(wb, xb), ones));
  }
  alignas(64) std::int32_t lanes[16];
  _mm512_store_si512(lanes, acc);
  std::int64_t sum = 0;
  for (std::int32_t v : lanes) sum += v;
  return sum;
}
#endif

}  // namespace

bool packed_kernel_has_avx512() {
#ifdef TERNAC_X86_KERNEL
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
  return false;
#endif
}

PackedTernary pack_ternary(const GemmProblem& problem) {
  problem.check_sizes();
  if (problem.format != WeightFormat::kTritCodes) {
    throw std::invalid_argument("pack_ternary: the weights are INT8, not trit codes");
  }
  PackedTernary p;
  p.n = problem.shape.n;
  p.k = problem.shape.k;
  const std::uint32_t blocks = (p.k + kBlock - 1) / kBlock;
  p.row_bytes = blocks * kBlockBytes;
  // Four w = 0 (value 1) per byte; 32 spare bytes at the end for the 64-byte loads.
  p.bytes.assign(std::size_t{p.n} * p.row_bytes + kBlockBytes, 0x55);
  for (std::uint32_t n = 0; n < p.n; ++n) {
    const std::uint8_t* codes = &problem.weights[std::size_t{n} * p.k];
    std::uint8_t* row = &p.bytes[std::size_t{n} * p.row_bytes];
    for (std::uint32_t k = 0; k < p.k; ++k) {
      const std::uint32_t in_block = k % kBlock;
      const std::uint32_t byte = (k / kBlock) * kBlockBytes + in_block % 32;
      const int shift = 6 - 2 * static_cast<int>(in_block / 32);
      row[byte] = static_cast<std::uint8_t>((row[byte] & ~(3 << shift)) |
                                            (kOffsetOfCode[codes[k] & 3] << shift));
    }
  }
  return p;
}

std::vector<std::int64_t> packed_gemm(const PackedTernary& w, const std::vector<std::int8_t>& x,
                                      std::uint32_t m, int acc_width, Kernel kernel) {
  if (x.size() != std::size_t{m} * w.k) {
    throw std::invalid_argument(
        fmt::format("packed_gemm: {} activations, but M x K = {} x {} needs {}", x.size(), m, w.k,
                    std::size_t{m} * w.k));
  }
  const std::uint32_t blocks = w.row_bytes / kBlockBytes;
  const bool avx512 = kernel == Kernel::kBest && packed_kernel_has_avx512();
  std::vector<std::int64_t> y(std::size_t{m} * w.n);
  std::vector<std::int8_t> row_x(std::size_t{blocks} * kBlock, 0);  // zero-padded token
  for (std::uint32_t t = 0; t < m; ++t) {
    std::int64_t sum_x = 0;
    for (std::uint32_t k = 0; k < w.k; ++k) {
      row_x[k] = x[std::size_t{t} * w.k + k];
      sum_x += row_x[k];
    }
    for (std::uint32_t n = 0; n < w.n; ++n) {
      const std::uint8_t* row = &w.bytes[std::size_t{n} * w.row_bytes];
      std::int64_t s = 0;
#ifdef TERNAC_X86_KERNEL
      if (avx512) {
        s = row_avx512(row, row_x.data(), blocks);
      } else {
        s = row_scalar(row, row_x.data(), blocks);
      }
#else
      (void)avx512;
      s = row_scalar(row, row_x.data(), blocks);
#endif
      y[std::size_t{t} * w.n + n] = wrap_to_width(s - sum_x, acc_width);
    }
  }
  return y;
}

}  // namespace ternac
