// A program built against an installed ternac (testbench/install/install_test.sh): the golden
// GEMM checked value by value against a loop of its own over the trit codes, and one figure of the
// installed energy tables, found through the package. Exit 0 when everything agrees, 1 otherwise.
//   consumer                       the checks
//   consumer --corrupt-reference   the same with one reference value changed: must exit 1
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "ternac/model/core/gemm.h"
#include "ternac/model/energy/energy_table.h"
#include "ternac/model/workload/workload.h"

namespace {

// The weight of a 2-bit code, decoded here rather than by ternac: bit 0 "nonzero", bit 1 "negate"
// (model/core/trit.h, rtl/ternac_pkg.sv); negate without nonzero (code 2) is illegal and selects
// nothing, so it weighs 0.
int weight_of(std::uint8_t code) {
  if ((code & 1u) == 0) return 0;
  return (code & 2u) != 0 ? -1 : 1;
}

int check_gemm(bool corrupt_reference) {
  const std::uint64_t seed = 19;
  ternac::RandomSpec spec;
  spec.shape = {5, 7, 131};  // odd sizes, K over two 64-input trees
  spec.seed = seed;
  spec.zero_fraction = 0.3;
  spec.act = ternac::ActProfile::kUniform;
  ternac::GemmProblem p = ternac::random_problem(spec);
  const ternac::GemmShape& s = p.shape;
  p.weights[3] = 2;  // an illegal code: it must act as zero
  // Output row 6 by hand: every weight -1, and token 4's activations all -128 (the largest sum).
  for (std::uint32_t k = 0; k < s.k; ++k) {
    p.weights[6u * s.k + k] = 3;
    p.activations[4u * s.k + k] = -128;
  }
  int codes[4] = {0, 0, 0, 0};
  for (std::uint8_t w : p.weights) ++codes[w & 3u];

  const std::vector<std::int64_t> golden = ternac::golden_gemm(p, 32);
  std::vector<std::int64_t> reference(std::size_t{s.m} * s.n);
  for (std::uint32_t m = 0; m < s.m; ++m) {
    for (std::uint32_t n = 0; n < s.n; ++n) {
      std::int64_t sum = 0;
      for (std::uint32_t k = 0; k < s.k; ++k) {
        sum += std::int64_t{weight_of(p.weights[n * s.k + k])} * p.activations[m * s.k + k];
      }
      reference[m * s.n + n] = sum;
    }
  }
  if (corrupt_reference) reference[reference.size() / 2] += 1;

  std::size_t mismatches = 0;
  if (golden.size() != reference.size()) {
    std::printf("gemm: golden_gemm returned %zu values, expected %zu\n", golden.size(),
                reference.size());
    return 1;
  }
  for (std::size_t i = 0; i < golden.size(); ++i) {
    if (golden[i] != reference[i]) {
      if (++mismatches <= 5) {
        std::printf("gemm: MISMATCH at token %zu, row %zu: golden_gemm %lld, own loop %lld\n",
                    i / s.n, i % s.n, static_cast<long long>(golden[i]),
                    static_cast<long long>(reference[i]));
      }
    }
  }
  std::printf(
      "gemm: %s (seed %llu): %zu values, codes 0/+1/illegal/-1: %d/%d/%d/%d, Y[4][6] = "
      "%lld, %zu mismatches\n",
      s.str().c_str(), static_cast<unsigned long long>(seed), golden.size(), codes[0], codes[1],
      codes[2], codes[3], static_cast<long long>(golden[4 * s.n + 6]), mismatches);
  // The hand-built corner, against arithmetic rather than the loop: (-1) * (-128) per K.
  const bool corner = golden[4 * s.n + 6] == 128 * std::int64_t{s.k};
  if (!corner) std::printf("gemm: Y[4][6] should be 128 * K = %u\n", 128 * s.k);
  return mismatches == 0 && corner ? 0 : 1;
}

int check_energy() {
  const std::string dir = ternac::installed_energy_dir();
  const char* env = std::getenv("TERNAC_ENERGY_DIR");
  std::printf("energy: tables from installed_energy_dir() = %s%s\n", dir.c_str(),
              env && *env ? " ($TERNAC_ENERGY_DIR)" : "");
  std::printf("energy: ternacConfig.cmake's TERNAC_ENERGY_DIR = %s\n", CONSUMER_PACKAGE_ENERGY_DIR);
  std::printf("energy: compiled into the library, default_energy_dir() = %s\n",
              ternac::default_energy_dir().c_str());
  if (!(env && *env) && dir != CONSUMER_PACKAGE_ENERGY_DIR) {
    std::printf("energy: MISMATCH: installed_energy_dir() and the package disagree\n");
    return 1;
  }
  const ternac::EnergyTables tables = ternac::EnergyTables::load(dir);
  const ternac::EnergyRow r = tables.node(7).row("int_add", 8);
  std::printf("energy: int_add 8 bit at 7 nm: %.6g fJ (%s, %s, %s)\n", r.pj * 1000.0,
              tables.node(7).key().c_str(), r.kind.c_str(), r.family.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool corrupt = argc == 2 && std::strcmp(argv[1], "--corrupt-reference") == 0;
  if (argc > 2 || (argc == 2 && !corrupt)) {
    std::fprintf(stderr, "usage: consumer [--corrupt-reference]\n");
    return 2;
  }
  try {
    const int gemm = check_gemm(corrupt);
    const int energy = check_energy();
    return gemm != 0 || energy != 0 ? 1 : 0;
  } catch (const std::exception& e) {
    std::printf("consumer: error: %s\n", e.what());
    return 1;
  }
}
