#include "ternac/model/core/packed_gemm.h"

#include <gtest/gtest.h>

#include <random>

#include "ternac/model/core/trit.h"

namespace ternac {
namespace {

// The bit layout, written out by hand: weight 33 of a 128-weight row is +1 (w + 1 = 2), weight
// 96 is -1 (0), the rest 0 (1). Weight 33 is block byte 1, bits 5:4; weight 96 byte 0, bits 1:0.
TEST(PackedGemm, LayoutIsI2S) {
  GemmProblem p;
  p.shape = {1, 1, 128};
  p.weights.assign(128, encode_trit(0));
  p.weights[33] = encode_trit(1);
  p.weights[96] = encode_trit(-1);
  p.activations.assign(128, 0);
  const PackedTernary w = pack_ternary(p);
  ASSERT_EQ(w.row_bytes, 32u);
  std::vector<std::uint8_t> want(64, 0x55);  // 01 01 01 01: four zeros (and 32 spare bytes)
  want[0] = 0x54;                            // 01 01 01 00
  want[1] = 0x65;                            // 01 10 01 01
  EXPECT_EQ(w.bytes, want);
}

// Both kernels against the scalar loop of golden_gemm_scalar, over every code (the illegal one
// too), extreme activations, K below, at and past a block, and a long row.
TEST(PackedGemm, EqualsScalarLoop) {
  const std::uint64_t seed = 5;
  std::mt19937_64 rng(seed);
  for (const GemmShape s : {GemmShape{1, 1, 1}, GemmShape{3, 5, 127}, GemmShape{2, 7, 128},
                            GemmShape{4, 3, 300}, GemmShape{1, 2, 70001}}) {
    GemmProblem p;
    p.shape = s;
    for (std::uint64_t i = 0; i < std::uint64_t{s.n} * s.k; ++i) {
      p.weights.push_back(static_cast<std::uint8_t>(rng() % 4));
    }
    for (std::uint64_t i = 0; i < std::uint64_t{s.m} * s.k; ++i) {
      const std::uint64_t r = rng() % 4;
      p.activations.push_back(static_cast<std::int8_t>(r == 0 ? -128 : r == 1 ? 127 : rng()));
    }
    const auto want = golden_gemm_scalar(p, 64);
    const PackedTernary w = pack_ternary(p);
    EXPECT_EQ(packed_gemm(w, p.activations, s.m, 64, Kernel::kScalar), want)
        << s.str() << ", seed " << seed;
    EXPECT_EQ(packed_gemm(w, p.activations, s.m, 64, Kernel::kBest), want)
        << s.str() << ", seed " << seed << (packed_kernel_has_avx512() ? " (AVX-512)" : "");
  }
}

TEST(PackedGemm, RefusesInt8WeightsAndShortActivations) {
  GemmProblem p;
  p.shape = {1, 1, 4};
  p.format = WeightFormat::kInt8;
  p.weights.assign(4, 7);
  p.activations.assign(4, 1);
  EXPECT_THROW(pack_ternary(p), std::invalid_argument);
  p.format = WeightFormat::kTritCodes;
  p.weights.assign(4, encode_trit(1));
  const PackedTernary w = pack_ternary(p);
  EXPECT_THROW(packed_gemm(w, std::vector<std::int8_t>(3), 1, 32), std::invalid_argument);
}

}  // namespace
}  // namespace ternac
