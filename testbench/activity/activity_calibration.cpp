// The activity calibration (docs/energy.md): how many output bits each unit of the datapath
// toggles per operation on uniformly random inputs, measured on the RTL units themselves
// (tb_activity.sv). The activity-based energy estimate charges one output toggle of a unit as the
// unit's table energy over this average. Prints the table
// model/energy/tables/calibration/activity.csv holds; the test activity_calibration_up_to_date
// re-measures it and compares.
//
//   activity_calibration [--samples N] [--seed S]
#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "Vternac_rtl_activity.h"

namespace {

// Set bits of (a ^ b) in bits [lo, lo + n) of two wide values.
template <typename W>
std::uint64_t toggles(const W& a, const W& b, std::size_t lo, std::size_t n) {
  std::uint64_t t = 0;
  for (std::size_t i = lo; i < lo + n; ++i) {
    t += ((a[i / 32] ^ b[i / 32]) >> (i % 32)) & 1u;
  }
  return t;
}

std::uint64_t popcount64(std::uint64_t v) {
  return static_cast<std::uint64_t>(__builtin_popcountll(v));
}

std::uint64_t parse(const char* s, const char* what) {
  char* end = nullptr;
  if (!s || !*s || *s < '0' || *s > '9') {
    std::fprintf(stderr, "activity_calibration: %s wants a decimal number\n", what);
    std::exit(2);
  }
  const unsigned long long v = std::strtoull(s, &end, 10);
  if (*end) {
    std::fprintf(stderr, "activity_calibration: %s wants a decimal number\n", what);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t samples = 200000, seed = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--samples") == 0 && i + 1 < argc) {
      samples = parse(argv[++i], "--samples");
    } else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = parse(argv[++i], "--seed");
    } else {
      std::fprintf(stderr, "usage: activity_calibration [--samples N] [--seed S]\n");
      return 2;
    }
  }
  if (samples == 0) {
    std::fprintf(stderr, "activity_calibration: --samples must be positive\n");
    return 2;
  }
  VerilatedContext ctx;
  Vternac_rtl_activity top(&ctx, "activity");
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> add(65), add_sat(65), csa(65);
  std::uint64_t sel = 0, split = 0, mul = 0, reg = 0;
  const std::uint8_t legal[3] = {0, 1, 3};  // TritZero, TritPos, TritNeg
  top.clk_i = 0;
  top.eval();
  // The outputs of the previous sample.
  VlWide<67> add_q{};
  VlWide<65> add_sat_q{};
  VlWide<32 * 4> csa_q{};
  std::uint16_t sel_q = 0, split_q = 0, mul_q = 0;
  std::uint64_t reg_q = 0;
  for (std::uint64_t s = 0; s < samples; ++s) {
    top.a_i = rng();
    top.b_i = rng();
    top.c_i = rng();
    top.carry_i = rng() & 1;
    const std::uint64_t r = rng();
    top.x_i = static_cast<std::uint8_t>(r);
    top.w_i = static_cast<std::uint8_t>(r >> 8);
    top.trit_i = legal[(r >> 16) % 3];
    top.clk_i = 0;
    top.eval();
    top.clk_i = 1;
    top.eval();
    for (std::size_t w = 1; w <= 64; ++w) {
      add[w] += toggles(top.add_o, add_q, (w - 1) * w / 2 + (w - 1), w + 1);
      if (w >= 2) add_sat[w] += toggles(top.add_sat_o, add_sat_q, (w - 1) * w / 2 - 1, w);
      if (w >= 3 && w <= 34) csa[w] += toggles(top.csa_o, csa_q, (w - 3) * 128, 2 * w);
    }
    sel += popcount64(top.select_o ^ sel_q);
    split += popcount64(top.select_split_o ^ split_q);
    mul += popcount64(top.mul_o ^ mul_q);
    reg += popcount64(top.reg_o ^ reg_q);
    add_q = top.add_o;
    add_sat_q = top.add_sat_o;
    csa_q = top.csa_o;
    sel_q = top.select_o;
    split_q = top.select_split_o;
    mul_q = top.mul_o;
    reg_q = top.reg_o;
  }
  top.final();
  const double n = static_cast<double>(samples);
  std::printf(
      "# Output toggles per operation on uniformly random inputs, measured on the RTL units by\n"
      "# testbench/activity (activity_calibration --samples %llu --seed %llu; the test\n"
      "# activity_calibration_up_to_date re-measures it). Adders: operands and carry uniform over\n"
      "# their width; csa_3to2 W: the 3:2 compressor of W-bit vectors (operands of W - 2 bits,\n"
      "# sign-extended); selects: x uniform over int8, the code uniform over 0, +1, -1; int_mul:\n"
      "# both operands uniform int8; reg_bit: one flip-flop loaded with a uniform random bit.\n"
      "# The activity-based estimate (docs/energy.md) charges one output toggle of a unit as the\n"
      "# unit's table energy over toggles_per_op.\n",
      static_cast<unsigned long long>(samples), static_cast<unsigned long long>(seed));
  std::printf("unit,width,output_bits,toggles_per_op\n");
  for (int w = 1; w <= 64; ++w) std::printf("int_add,%d,%d,%.6f\n", w, w + 1, add[w] / n);
  for (int w = 2; w <= 64; ++w) std::printf("int_add_sat,%d,%d,%.6f\n", w, w, add_sat[w] / n);
  for (int w = 3; w <= 34; ++w) std::printf("csa_3to2,%d,%d,%.6f\n", w, 2 * w, csa[w] / n);
  std::printf("select,8,9,%.6f\n", sel / n);
  std::printf("select_split,8,16,%.6f\n", split / n);
  std::printf("int_mul,8,16,%.6f\n", mul / n);
  std::printf("reg_bit,1,1,%.6f\n", reg / (64.0 * n));
  return 0;
}
