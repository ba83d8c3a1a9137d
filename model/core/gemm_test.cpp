#include "ternac/model/core/gemm.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

namespace ternac {
namespace {

GemmProblem make(GemmShape s, std::vector<int> w, std::vector<int> x) {
  GemmProblem p;
  p.shape = s;
  for (int v : w) p.weights.push_back(encode_trit(v));
  for (int v : x) p.activations.push_back(static_cast<std::int8_t>(v));
  return p;
}

TEST(Gemm, HandComputedTwoByTwo) {
  // X = [[1, 2, 3], [-4, 5, -128]], W = [[1, 0, -1], [-1, -1, 1]]
  // Y[0] = [1 - 3, -1 - 2 + 3] = [-2, 0]; Y[1] = [-4 + 128, 4 - 5 - 128] = [124, -129]
  const GemmProblem p = make({2, 2, 3}, {1, 0, -1, -1, -1, 1}, {1, 2, 3, -4, 5, -128});
  EXPECT_EQ(golden_gemm(p, 32), (std::vector<std::int64_t>{-2, 0, 124, -129}));
}

TEST(Gemm, IllegalCodeActsAsZeroAndIsCounted) {
  GemmProblem p = make({1, 1, 2}, {1, 1}, {10, 20});
  p.weights[1] = static_cast<std::uint8_t>(TritCode::kIllegal);
  EXPECT_EQ(golden_gemm(p, 32), (std::vector<std::int64_t>{10}));
  EXPECT_EQ(p.illegal_codes(), 1u);
}

TEST(Gemm, MatchesDenseMatrixProductOnRandomData) {
  std::mt19937 rng(7);
  const GemmShape s{5, 7, 33};
  GemmProblem p;
  p.shape = s;
  std::vector<int> w(s.n * s.k), x(s.m * s.k);
  for (auto& v : w) v = static_cast<int>(rng() % 3) - 1;
  for (auto& v : x) v = static_cast<int>(rng() % 256) - 128;
  for (int v : w) p.weights.push_back(encode_trit(v));
  for (int v : x) p.activations.push_back(static_cast<std::int8_t>(v));
  const auto y = golden_gemm(p, 32);
  for (std::uint32_t m = 0; m < s.m; ++m) {
    for (std::uint32_t n = 0; n < s.n; ++n) {
      long dot = 0;  // a plain multiply-add, unlike the model's select
      for (std::uint32_t k = 0; k < s.k; ++k) dot += long(w[n * s.k + k]) * x[m * s.k + k];
      EXPECT_EQ(y[m * s.n + n], dot);
    }
  }
}

// The vectorized kernel against the scalar loop: every code (the illegal one too), the extreme
// activations, INT8 weights, and K past the kernel's 2^16-term flush of its 32-bit partial sums.
TEST(Gemm, VectorizedKernelEqualsScalarLoop) {
  const std::uint64_t seed = 11;
  std::mt19937_64 rng(seed);
  for (const GemmShape s : {GemmShape{3, 5, 1}, GemmShape{2, 3, 131}, GemmShape{1, 2, 70000}}) {
    for (const WeightFormat f : {WeightFormat::kTritCodes, WeightFormat::kInt8}) {
      GemmProblem p;
      p.shape = s;
      p.format = f;
      for (std::uint64_t i = 0; i < s.macs() / s.m; ++i) {
        p.weights.push_back(
            static_cast<std::uint8_t>(f == WeightFormat::kInt8 ? rng() : rng() % 4));
      }
      for (std::uint64_t i = 0; i < std::uint64_t{s.m} * s.k; ++i) {
        // Mostly the extremes, so that the sums reach their largest magnitudes.
        const std::uint64_t r = rng() % 4;
        p.activations.push_back(static_cast<std::int8_t>(r == 0 ? -128 : r == 1 ? 127 : rng()));
      }
      EXPECT_EQ(golden_gemm(p, 64), golden_gemm_scalar(p, 64))
          << s.str() << (f == WeightFormat::kInt8 ? " int8" : " ternary") << ", seed " << seed;
    }
  }
  // All +1 against -128 over 70000 terms: -8960000, past what 16 or 23 bits hold.
  GemmProblem p;
  p.shape = {1, 1, 70000};
  p.weights.assign(70000, encode_trit(1));
  p.activations.assign(70000, -128);
  EXPECT_EQ(golden_gemm(p, 64), std::vector<std::int64_t>{-8960000});
}

TEST(Gemm, WrapToWidth) {
  EXPECT_EQ(wrap_to_width(127, 8), 127);
  EXPECT_EQ(wrap_to_width(128, 8), -128);
  EXPECT_EQ(wrap_to_width(-129, 8), 127);
  EXPECT_EQ(wrap_to_width(-1, 64), -1);
}

TEST(Gemm, ShapeChecksNameTheField) {
  const ArrayConfig c;
  EXPECT_NO_THROW(check_shape({1, 1, 1}, c));
  for (auto [shape, field] : {std::pair<GemmShape, const char*>{{0, 1, 1}, "M"},
                              {{1, 0, 1}, "N"},
                              {{1, 1, 0}, "K"},
                              {{kMaxDim + 1, 1, 1}, "M"}}) {
    try {
      check_shape(shape, c);
      FAIL() << "accepted " << shape.str();
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("field ") + field), std::string::npos);
    }
  }
  ArrayConfig narrow;
  narrow.acc_width = 16;
  EXPECT_FALSE(shape_accepted({1, 1, 256}, narrow));
  EXPECT_TRUE(shape_accepted({1, 1, 255}, narrow));
}

TEST(Gemm, BufferSizesAreChecked) {
  GemmProblem p = make({1, 2, 2}, {1, 1, 1}, {1, 2});
  EXPECT_THROW(p.check_sizes(), std::invalid_argument);
}

}  // namespace
}  // namespace ternac
