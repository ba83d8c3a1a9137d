// Bit-exact GEMM of the ternary array: Y[M x N] = X[M x K] * W^T, W of N x K trit codes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"

namespace ternac {

struct GemmShape {
  std::uint32_t m = 1;
  std::uint32_t n = 1;
  std::uint32_t k = 1;

  std::uint64_t macs() const { return std::uint64_t{m} * n * k; }
  std::string str() const;
  bool operator==(const GemmShape& o) const { return m == o.m && n == o.n && k == o.k; }
};

// Throws std::invalid_argument naming the field when the array would reject the command
// (M, N, K must be in 1..kMaxDim and K <= config.max_k()).
void check_shape(const GemmShape& shape, const ArrayConfig& config);

// True when the array accepts the command; the array drops any other and sets bad_cmd.
bool shape_accepted(const GemmShape& shape, const ArrayConfig& config);

// How GemmProblem::weights are to be read.
enum class WeightFormat {
  kTritCodes,  // 2-bit trit codes (TritCode), for the ternary array
  kInt8,       // int8 values stored as bytes, for the INT8 baseline array
};

struct GemmProblem {
  GemmShape shape;
  WeightFormat format = WeightFormat::kTritCodes;
  std::vector<std::uint8_t> weights;     // N x K, row-major (row n holds K weights)
  std::vector<std::int8_t> activations;  // M x K int8, row-major (row m is one token)

  // Throws std::invalid_argument when the buffers do not match the shape.
  void check_sizes() const;
  std::uint64_t illegal_codes() const;  // 0 for INT8 weights
  // The weight at (n, k) as a number: -1/0/+1 for codes (illegal codes act as 0), or the int8.
  int weight_value(std::size_t index) const {
    return format == WeightFormat::kInt8 ? static_cast<std::int8_t>(weights[index])
                                         : trit_value(weights[index]);
  }
};

// Golden result: exact integer sums wrapped to acc_width bits two's complement (no wrap can
// happen when K <= max_k), illegal codes acting as zero exactly as in the select unit. INT8
// weights multiply.
std::vector<std::int64_t> golden_gemm(const GemmProblem& problem, int acc_width);

// The same numbers as a plain scalar loop (one multiply-add per weight, no vectorization): the
// independent reference of the test that checks golden_gemm, and the baseline of its benchmark.
std::vector<std::int64_t> golden_gemm_scalar(const GemmProblem& problem, int acc_width);

// The golden result of the array `config`: exact sums when its trees are full precision (the
// function above), otherwise tile by tile through width-capped, saturating trees exactly as the
// lanes compute them. *overflows (if given) gets the number of (token, output row, K tile) tree
// evaluations in which some adder saturated: the array's tree_overflow_count.
std::vector<std::int64_t> golden_gemm(const GemmProblem& problem, const ArrayConfig& config,
                                      std::uint64_t* overflows = nullptr);

// Sign-extends the low `width` bits of `value`.
std::int64_t wrap_to_width(std::int64_t value, int width);

}  // namespace ternac
