// Golden GEMV/GEMM on packed ternary weights: the fast path of the golden model.
//
// Weights are held as bitnet.cpp's I2_S holds them (../shared/reference/bitnet.md): two bits per
// weight storing w + 1 (0 is -1, 1 is 0, 2 is +1), in blocks of 128 weights where byte p of the
// block's 32 holds weights p, 32 + p, 64 + p and 96 + p in bits 7:6, 5:4, 3:2 and 1:0. Each row
// is padded to a whole number of blocks with w = 0 (the activations are padded with zeros, so the
// padding adds nothing). A GEMV then reads a quarter byte per weight: the limit of a GEMV over a
// billion weights is memory bandwidth, not arithmetic.
//
// The sum is computed as sum((w + 1) * x) - sum(x): the u8 x s8 multiply-add of AVX-512BW
// (vpmaddubsw) does 64 of the first products per instruction. This is the golden model's
// arithmetic, not the array's (the array selects and adds); both are exact, and the tests check
// this kernel against the plain scalar loop.
#pragma once

#include <cstdint>
#include <vector>

#include "ternac/model/core/gemm.h"

namespace ternac {

struct PackedTernary {
  std::uint32_t n = 0, k = 0;
  std::uint32_t row_bytes = 0;      // ceil(K / 128) * 32
  std::vector<std::uint8_t> bytes;  // N rows of row_bytes, then 32 spare bytes
};

// Packs a GemmProblem's trit codes (TritCode bytes; the illegal code acts as zero, as in the
// select unit). Throws std::invalid_argument for INT8 weights.
PackedTernary pack_ternary(const GemmProblem& problem);

// Which implementation packed_gemm uses.
enum class Kernel { kBest, kScalar };
// True when this CPU runs the AVX-512BW kernel.
bool packed_kernel_has_avx512();

// Y (M x N, row-major) of activations `x` (M x K int8, row-major), wrapped to acc_width bits as
// golden_gemm does. Throws std::invalid_argument when x does not hold M x K values.
std::vector<std::int64_t> packed_gemm(const PackedTernary& w, const std::vector<std::int8_t>& x,
                                      std::uint32_t m, int acc_width,
                                      Kernel kernel = Kernel::kBest);

}  // namespace ternac
