// BitLinear: hand-checked cases of each step, then random layers compared bit for bit with the
// independent numpy reference scripts/bitlinear_ref.py. The random test prints its seed; set
// TERNAC_SEED to reproduce one: TERNAC_SEED=<seed> build/model/model_test
// --gtest_filter=BitLinear.MatchesNumpyReference. A failing case keeps its .npy files and says
// where they are.
#include "ternac/model/core/bitlinear.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ternac/model/base/test_support.h"
#include "ternac/model/base/text_io.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/trit.h"
#include "ternac/model/io/npy.h"

namespace ternac {
namespace {

namespace fs = std::filesystem;
using test::expect_error;
using test::TempDir;

constexpr std::uint8_t kP = 1;  // TritCode::kPos
constexpr std::uint8_t kZ = 0;  // TritCode::kZero
constexpr std::uint8_t kN = 3;  // TritCode::kNeg

std::uint32_t bits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

std::string describe(float f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g (%a, 0x%08x)", f, f, bits(f));
  return buf;
}

TEST(BitLinear, RoundHalfEvenTiesAndSigns) {
  struct Case {
    float in, out;
  };
  const Case cases[] = {
      {0.5f, 0.0f},
      {1.5f, 2.0f},
      {2.5f, 2.0f},
      {3.5f, 4.0f},
      {-0.5f, -0.0f},
      {-1.5f, -2.0f},
      {-2.5f, -2.0f},
      {0.49999997f, 0.0f},
      {0.50000006f, 1.0f},
      {1.4999999f, 1.0f},
      {126.5f, 126.0f},
      {127.5f, 128.0f},
      {-127.5f, -128.0f},
      {8388607.5f, 8388608.0f},
      {8388609.0f, 8388609.0f},
      {1e-45f, 0.0f},
      {-1e-45f, -0.0f},
      {3e38f, 3e38f},
  };
  for (const Case& c : cases) {
    const float r = round_half_even(c.in);
    EXPECT_EQ(bits(r), bits(c.out)) << describe(c.in) << " -> " << describe(r);
  }
  EXPECT_TRUE(std::isnan(round_half_even(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_EQ(round_half_even(-std::numeric_limits<float>::infinity()),
            -std::numeric_limits<float>::infinity());
}

TEST(BitLinear, RoundHalfEvenAgreesWithNearbyint) {
  // std::nearbyint under the default mode is the definition; round_half_even must not need it.
  ASSERT_EQ(std::fegetround(), FE_TONEAREST);
  std::mt19937 rng(1);
  for (int i = 0; i < 1000000; ++i) {
    // Random bit patterns cover every exponent; the second half sits near the ties.
    float x;
    if (i % 2 == 0) {
      const std::uint32_t b = rng();
      std::memcpy(&x, &b, sizeof x);
      if (std::isnan(x)) continue;
    } else {
      x = static_cast<float>(static_cast<int>(rng() % 512) - 256) * 0.5f +
          static_cast<float>(static_cast<int>(rng() % 5) - 2) * 1e-7f;
    }
    ASSERT_EQ(bits(round_half_even(x)), bits(std::nearbyint(x))) << describe(x);
  }
}

TEST(BitLinear, TernarizeHandChecked) {
  // N = 2, K = 3. sum |W| = 0.5 + 1.5 + 0.25 + 0 + 2 + 0.25 = 4.5, alpha = 4.5 / 6 = 0.75.
  // W / alpha = 0.667, -2, 0.333, 0, 2.667, -0.333 -> rounded 1, -2, 0, 0, 3, -0 -> clamped
  // +1, -1, 0, 0, +1, 0.
  const TernaryTensor t = ternarize_absmean({0.5f, -1.5f, 0.25f, 0.0f, 2.0f, -0.25f}, 2, 3);
  EXPECT_EQ(t.n, 2u);
  EXPECT_EQ(t.k, 3u);
  EXPECT_EQ(bits(t.alpha), bits(0.75f));
  EXPECT_EQ(t.codes, (std::vector<std::uint8_t>{kP, kN, kZ, kZ, kP, kZ}));
}

TEST(BitLinear, TernarizeTiesGoToEven) {
  // sum |W| = 0.5 + 0.5 + 1.5 + 1.5 = 4, alpha = 1, so W / alpha is exact: 0.5 and -0.5 round to
  // the even 0 (a weight of exactly alpha / 2 is zero), 1.5 and -1.5 to +-2, clamped to +-1.
  const TernaryTensor t = ternarize_absmean({0.5f, -0.5f, 1.5f, -1.5f}, 1, 4);
  EXPECT_EQ(bits(t.alpha), bits(1.0f));
  EXPECT_EQ(t.codes, (std::vector<std::uint8_t>{kZ, kZ, kP, kN}));
}

TEST(BitLinear, TernarizeDividesByAlpha) {
  // sum |W| = 0x1.ef34e8p-2 + 0x1.7367acp+0 (exact in double), alpha = (float)(sum / 2) =
  // 0x1.ef34e6p-1. W0 / alpha = 0.50000006 rounds to 1, whereas W0 * (1 / alpha), as
  // BitNet's training code writes it, would give exactly 0.5 and round to 0. W1 / alpha = 1.5
  // -> 2 -> +1.
  const TernaryTensor t = ternarize_absmean({0x1.ef34e8p-2f, 0x1.7367acp+0f}, 1, 2);
  EXPECT_EQ(bits(t.alpha), bits(0x1.ef34e6p-1f)) << describe(t.alpha);
  EXPECT_EQ(t.codes, (std::vector<std::uint8_t>{kP, kP}));
}

TEST(BitLinear, TernarizeFloorsTheMeanAt1e5) {
  // All zero: mean 0 is floored to 1e-5 (BitNet's clamp), every code is 0.
  const TernaryTensor zero = ternarize_absmean(std::vector<float>(6, 0.0f), 2, 3);
  EXPECT_EQ(bits(zero.alpha), bits(static_cast<float>(1e-5)));
  EXPECT_EQ(zero.codes, std::vector<std::uint8_t>(6, kZ));
  // Tiny weights: mean 1e-7 is floored to 1e-5, and 1e-7 / 1e-5 = 0.01 rounds to 0.
  const TernaryTensor tiny = ternarize_absmean({1e-7f, -1e-7f}, 1, 2);
  EXPECT_EQ(bits(tiny.alpha), bits(static_cast<float>(1e-5)));
  EXPECT_EQ(tiny.codes, (std::vector<std::uint8_t>{kZ, kZ}));
}

TEST(BitLinear, TernarizeRejectsBadInput) {
  expect_error([] { ternarize_absmean({1.0f, 2.0f}, 1, 3); }, {"2 weight values", "needs 3"});
  expect_error([] { ternarize_absmean({}, 0, 3); }, {"N=0"});
  std::vector<float> w(6, 1.0f);
  w[4] = std::numeric_limits<float>::quiet_NaN();
  expect_error([&] { ternarize_absmean(w, 2, 3); }, {"weight 4", "row 1, column 1", "nan"});
  w[4] = -std::numeric_limits<float>::infinity();
  expect_error([&] { ternarize_absmean(w, 2, 3); }, {"weight 4", "-inf"});
}

TEST(BitLinear, QuantizeHandChecked) {
  const std::vector<float> x = {
      // Row 0: max 1, s = 127; x * s = 127, -63.5, 31.75, 0 -> 127, -64 (tie to even), 32, 0.
      1.0f, -0.5f, 0.25f, 0.0f,
      // Row 1: max 127 / 64 = 1.984375, s = 64 exactly; x * s = 127, 2.5, 3.5, -0.5 -> 127,
      // 2 and 4 (ties to even), -0 -> 0.
      1.984375f, 0.0390625f, 0.0546875f, -0.0078125f,
      // Row 2: all zero: max floored to 1e-5, s = (float)12700000 = 0x1.8392cp+23, q = 0.
      0.0f, 0.0f, 0.0f, 0.0f,
      // Row 3: an outlier of 100 takes the whole range: s = (float)1.27 = 0x1.451eb8p+0,
      // 100 * s = 127 and 0.1 * s = 0.127 -> 0; -100 gives -127, never -128.
      0.1f, 100.0f, -0.2f, -100.0f,
      // Row 4: max 1e-6, below the floor: s = 1.27e7, 1e-6 * s = 12.7 -> 13.
      1e-6f, 0.0f, -1e-6f, 5e-7f};
  const QuantizedActs qa = quantize_absmax(x, 5, 4);
  EXPECT_EQ(qa.m, 5u);
  EXPECT_EQ(qa.k, 4u);
  ASSERT_EQ(qa.scale.size(), 5u);
  EXPECT_EQ(bits(qa.scale[0]), bits(127.0f));
  EXPECT_EQ(bits(qa.scale[1]), bits(64.0f));
  EXPECT_EQ(bits(qa.scale[2]), bits(0x1.8392cp+23f));
  EXPECT_EQ(bits(qa.scale[3]), bits(0x1.451eb8p+0f));
  EXPECT_EQ(bits(qa.scale[4]), bits(0x1.8392cp+23f));
  EXPECT_EQ(qa.q, (std::vector<std::int8_t>{127, -64, 32,  0,     //
                                            127, 2,   4,   0,     //
                                            0,   0,   0,   0,     //
                                            0,   127, 0,   -127,  //
                                            13,  0,   -13, 6}));  // 5e-7 * s = 6.35 -> 6
}

TEST(BitLinear, QuantizeRejectsBadInput) {
  expect_error([] { quantize_absmax({1.0f}, 1, 2); }, {"1 activation values", "needs 2"});
  expect_error([] { quantize_absmax({}, 1, 0); }, {"K must be at least 1"});
  std::vector<float> x(6, 1.0f);
  x[5] = std::numeric_limits<float>::infinity();
  expect_error([&] { quantize_absmax(x, 2, 3); }, {"row 1, column 2", "inf"});
  EXPECT_TRUE(quantize_absmax({}, 0, 3).q.empty());
}

TEST(BitLinear, DequantizeInTheRecipesOrder) {
  // Exact cases: -32 / 64 * 0.75 = -0.375, 96 / 64 * 0.75 = 1.125.
  EXPECT_EQ(dequantize({-32, 96}, 1, 2, {64.0f}, 0.75f), (std::vector<float>{-0.375f, 1.125f}));
  // A case where the order shows (values from numpy float32): (1876 / s) * alpha =
  // 0x1.cd2072p-1, whereas (1876 * alpha) / s = 0x1.cd2076p-1 and 1876 * (alpha / s) =
  // 0x1.cd2074p-1.
  const std::vector<float> y = dequantize({1876}, 1, 1, {0x1.79a2c4p+6f}, 0x1.734bdcp-5f);
  EXPECT_EQ(bits(y.at(0)), bits(0x1.cd2072p-1f)) << describe(y.at(0));
  expect_error([] { dequantize({1, 2, 3}, 2, 2, {1.0f, 1.0f}, 1.0f); }, {"3 accumulator", "4"});
  expect_error([] { dequantize({1, 2}, 2, 1, {1.0f}, 1.0f); }, {"1 scales", "2 rows"});
}

TEST(BitLinear, LayerHandChecked) {
  // Weights as in TernarizeHandChecked: alpha = 0.75, w = [[+1, -1, 0], [0, +1, 0]].
  const TernaryTensor w = ternarize_absmean({0.5f, -1.5f, 0.25f, 0.0f, 2.0f, -0.25f}, 2, 3);
  // Token 0: s = 127, q = [127, -64, 32]; acc = [127 + 64, -64] = [191, -64];
  //   y = (191 / 127) * 0.75 = 0x1.20c184p+0, (-64 / 127) * 0.75 = -0x1.83060cp-2.
  // Token 1: all zero, y = 0.
  const std::vector<float> y = bitlinear({1.0f, -0.5f, 0.25f, 0.0f, 0.0f, 0.0f}, 2, w);
  ASSERT_EQ(y.size(), 4u);
  EXPECT_EQ(bits(y[0]), bits(0x1.20c184p+0f)) << describe(y[0]);
  EXPECT_EQ(bits(y[1]), bits(-0x1.83060cp-2f)) << describe(y[1]);
  EXPECT_EQ(bits(y[2]), bits(0.0f));
  EXPECT_EQ(bits(y[3]), bits(0.0f));
}

TEST(BitLinear, LayerRejectsBadWeights) {
  TernaryTensor w;
  w.n = 1;
  w.k = 3;
  w.codes = {kP, 2, kN};
  expect_error([&] { bitlinear({1, 2, 3}, 1, w); }, {"weight code 1", "illegal"});
  w.codes = {kP, kZ};
  expect_error([&] { bitlinear({1, 2, 3}, 1, w); }, {"2 weight code values"});
  w.codes = {kP, kZ, kN};
  expect_error([&] { bitlinear({1, 2}, 1, w); }, {"2 activation values"});
  w.alpha = std::numeric_limits<float>::quiet_NaN();
  expect_error([&] { bitlinear({1, 2, 3}, 1, w); }, {"alpha", "nan"});
  w.k = kBitLinearMaxK + 1;
  expect_error([&] { bitlinear({}, 1, w); }, {"K = 16777216", "32-bit accumulator"});
}

// ---------------------------------------------------------------------------------------------
// Comparison with the numpy reference.

const char* const kPython = "/usr/bin/python3";

std::string source_dir() {
#ifdef TERNAC_SOURCE_DIR
  return TERNAC_SOURCE_DIR;
#else
  // CMake compiles this file by its absolute path: strip the path inside the repository.
  const std::string file = __FILE__;
  const std::string tail = "model/core/bitlinear_test.cpp";
  if (file.size() >= tail.size() &&
      file.compare(file.size() - tail.size(), tail.size(), tail) == 0) {
    const std::string dir = file.substr(0, file.size() - tail.size());
    return dir.empty() ? "." : dir;
  }
  return ".";
#endif
}

bool python_has_numpy() {
  return std::system((std::string(kPython) + " -c 'import numpy' >/dev/null 2>&1").c_str()) == 0;
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// TERNAC_SEED, read strictly (text_io.h) before the first test: a bad value stops the program
// with exit status 2, naming the variable.
std::uint64_t base_seed() {
  static const std::uint64_t seed = [] {
    try {
      return env_decimal("TERNAC_SEED", 1);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "model_test: %s\n", e.what());
      std::exit(2);
    }
  }();
  return seed;
}

class SeedCheck : public ::testing::Environment {
 public:
  void SetUp() override { (void)base_seed(); }
};
::testing::Environment* const kSeedCheck = ::testing::AddGlobalTestEnvironment(new SeedCheck);

// Index of the first element whose bit pattern differs, or -1.
template <typename T>
long first_mismatch(const std::vector<T>& a, const std::vector<T>& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0) return static_cast<long>(i);
  }
  return a.size() == b.size() ? -1 : static_cast<long>(std::min(a.size(), b.size()));
}

std::string value_at(const std::vector<float>& v, long i) {
  return static_cast<std::size_t>(i) < v.size() ? describe(v[i]) : "(missing)";
}

template <typename T>
std::string value_at(const std::vector<T>& v, long i) {
  return static_cast<std::size_t>(i) < v.size() ? std::to_string(+v[i]) : "(missing)";
}

#define EXPECT_BIT_IDENTICAL(name, ours, theirs)                                                   \
  do {                                                                                             \
    const long at = first_mismatch(ours, theirs);                                                  \
    EXPECT_EQ(at, -1) << name << ": sizes " << (ours).size() << " vs " << (theirs).size()          \
                      << ", first mismatch at flat index " << at << ": C++ " << value_at(ours, at) \
                      << ", numpy " << value_at(theirs, at);                                       \
  } while (0)

enum class Dist { kGaussian, kLaplacian, kTies };

struct RefCase {
  const char* name;
  std::uint32_t m, n, k;
  Dist dist;
};

// Weights N x K: Gaussian or Laplacian of realistic scale (std 0.02), or, for kTies, multiples of
// 0.5 whose mean |W| is exactly 1 (the last weight makes up the difference), so that W / alpha
// hits the ties 0.5 and 1.5 often.
std::vector<float> random_weights(const RefCase& c, std::mt19937_64& rng) {
  std::vector<float> w(std::size_t{c.n} * c.k);
  std::normal_distribution<float> gauss(0.0f, 0.02f);
  std::exponential_distribution<float> expo(1.0f / (0.02f / std::sqrt(2.0f)));
  double sum = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    switch (c.dist) {
      case Dist::kGaussian:
        w[i] = gauss(rng);
        break;
      case Dist::kLaplacian:
        w[i] = (rng() & 1 ? 1.0f : -1.0f) * expo(rng);
        break;
      case Dist::kTies:
        w[i] = 0.5f * static_cast<float>(static_cast<int>(rng() % 7) - 3);
        if (i + 1 == w.size()) w[i] = static_cast<float>(static_cast<double>(w.size()) - sum);
        sum += std::fabs(w[i]);
        break;
    }
  }
  return w;
}

// Activations M x K: Gaussian (std 1) with two outliers of 10 to 30 per row, row 3 all zero when
// M > 3; for kTies, multiples of 1/128 with a row max of 127/64 (so s = 64 and x * s hits .5).
std::vector<float> random_acts(const RefCase& c, std::mt19937_64& rng) {
  std::vector<float> x(std::size_t{c.m} * c.k);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::uniform_real_distribution<float> outlier(10.0f, 30.0f);
  for (std::uint32_t r = 0; r < c.m; ++r) {
    float* row = &x[std::size_t{r} * c.k];
    if (c.dist == Dist::kTies) {
      for (std::uint32_t i = 0; i < c.k; ++i) {
        row[i] = static_cast<float>(static_cast<int>(rng() % 509) - 254) / 128.0f;
      }
      row[rng() % c.k] = (rng() & 1 ? 1.0f : -1.0f) * 1.984375f;
      continue;
    }
    if (r == 3) continue;
    for (std::uint32_t i = 0; i < c.k; ++i) row[i] = gauss(rng);
    for (int o = 0; o < 2; ++o) row[rng() % c.k] = (rng() & 1 ? 1.0f : -1.0f) * outlier(rng);
  }
  return x;
}

std::vector<std::int64_t> npy_int64(const NpyArray& a) {
  EXPECT_EQ(a.dtype, "i8");
  std::vector<std::int64_t> v(a.data.size() / 8);
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint64_t u = 0;
    for (int b = 0; b < 8; ++b) u |= std::uint64_t{a.data[i * 8 + b]} << (8 * b);
    std::memcpy(&v[i], &u, 8);
  }
  return v;
}

TEST(BitLinear, MatchesNumpyReference) {
  if (!python_has_numpy()) GTEST_SKIP() << kPython << " cannot import numpy";
  const std::string script = source_dir() + "/scripts/bitlinear_ref.py";
  ASSERT_TRUE(fs::exists(script)) << script;
  const std::uint64_t seed = base_seed();
  std::printf(
      "BitLinear.MatchesNumpyReference: seed=%llu (reproduce: TERNAC_SEED=%llu "
      "build/model/model_test --gtest_filter=BitLinear.MatchesNumpyReference)\n",
      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  const RefCase cases[] = {
      {"gemv_1x1x1", 1, 1, 1, Dist::kGaussian},
      {"gemv_gauss_37", 1, 16, 37, Dist::kGaussian},
      {"gemv_laplace_2560", 1, 40, 2560, Dist::kLaplacian},
      {"gemm_gauss_7x33x1001", 7, 33, 1001, Dist::kGaussian},
      {"gemm_laplace_7x5x129", 7, 5, 129, Dist::kLaplacian},
      {"gemm_ties_7x9x211", 7, 9, 211, Dist::kTies},
  };
  TempDir tmp;
  for (std::size_t ci = 0; ci < std::size(cases); ++ci) {
    const RefCase& c = cases[ci];
    SCOPED_TRACE(c.name);
    std::mt19937_64 rng(seed * 1000 + ci);
    const fs::path dir = tmp.path() / c.name;
    fs::create_directories(dir);
    const std::vector<float> w = random_weights(c, rng);
    const std::vector<float> x = random_acts(c, rng);
    write_npy((dir / "W.npy").string(), {c.n, c.k}, w);
    write_npy((dir / "X.npy").string(), {c.m, c.k}, x);
    const fs::path out = dir / "ref";
    const std::string cmd = std::string(kPython) + " " + quoted(script) + " " +
                            quoted((dir / "W.npy").string()) + " " +
                            quoted((dir / "X.npy").string()) + " " + quoted(out.string()) + " >" +
                            quoted((dir / "log.txt").string()) + " 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n" << slurp(dir / "log.txt");

    const TernaryTensor t = ternarize_absmean(w, c.n, c.k);
    const QuantizedActs qa = quantize_absmax(x, c.m, c.k);
    GemmProblem p;
    p.shape = GemmShape{c.m, c.n, c.k};
    p.weights = t.codes;
    p.activations = qa.q;
    const std::vector<std::int64_t> acc = golden_gemm(p, 32);
    const std::vector<float> y = bitlinear(x, c.m, t);

    const auto read = [&](const char* name, std::vector<std::uint64_t> shape) {
      const NpyArray a = read_npy((out / name).string());
      EXPECT_EQ(a.shape, shape) << name;
      return a;
    };
    const std::string codes_file = (out / "codes.npy").string();
    const std::vector<std::uint8_t> ref_codes =
        npy_to_trit_codes(read("codes.npy", {c.n, c.k}), codes_file);
    const std::vector<float> ref_alpha = npy_to_float(read("alpha.npy", {}), "alpha.npy");
    const std::vector<std::int8_t> ref_q = npy_to_int8(read("q.npy", {c.m, c.k}), "q.npy");
    const std::vector<float> ref_s = npy_to_float(read("s.npy", {c.m}), "s.npy");
    const std::vector<std::int64_t> ref_acc = npy_int64(read("acc.npy", {c.m, c.n}));
    const std::vector<float> ref_y = npy_to_float(read("y.npy", {c.m, c.n}), "y.npy");

    EXPECT_BIT_IDENTICAL("codes", t.codes, ref_codes);
    EXPECT_BIT_IDENTICAL("alpha", std::vector<float>{t.alpha}, ref_alpha);
    EXPECT_BIT_IDENTICAL("q", qa.q, ref_q);
    EXPECT_BIT_IDENTICAL("s", qa.scale, ref_s);
    EXPECT_BIT_IDENTICAL("acc", acc, ref_acc);
    EXPECT_BIT_IDENTICAL("y", y, ref_y);

    std::size_t zeros = 0;
    for (std::uint8_t code : t.codes) zeros += code == kZ ? 1 : 0;
    std::printf("  %-22s M=%u N=%u K=%u alpha=%a zero weights %.1f%%\n", c.name, c.m, c.n, c.k,
                static_cast<double>(t.alpha), 100.0 * zeros / t.codes.size());
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
}  // namespace ternac
