#include "ternac/model/core/gemm.h"

#include <fmt/format.h>

#include <stdexcept>

#include "ternac/model/core/adder_tree.h"
#include "ternac/model/core/select.h"

namespace ternac {

std::string GemmShape::str() const { return fmt::format("M={} N={} K={}", m, n, k); }

void check_shape(const GemmShape& shape, const ArrayConfig& config) {
  const auto check = [](const char* field, std::uint32_t value, std::uint32_t max) {
    if (value < 1 || value > max) {
      throw std::invalid_argument(
          fmt::format("GEMM command field {} must be in 1..{}, got {}", field, max, value));
    }
  };
  check("M", shape.m, kMaxDim);
  check("N", shape.n, kMaxDim);
  check("K", shape.k, config.max_k());
}

bool shape_accepted(const GemmShape& shape, const ArrayConfig& config) {
  try {
    check_shape(shape, config);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

void GemmProblem::check_sizes() const {
  const std::uint64_t want_w = std::uint64_t{shape.n} * shape.k;
  const std::uint64_t want_x = std::uint64_t{shape.m} * shape.k;
  if (weights.size() != want_w) {
    throw std::invalid_argument(fmt::format("weights hold {} codes, but {} needs N*K = {}",
                                            weights.size(), shape.str(), want_w));
  }
  if (activations.size() != want_x) {
    throw std::invalid_argument(fmt::format("activations hold {} values, but {} needs M*K = {}",
                                            activations.size(), shape.str(), want_x));
  }
}

std::uint64_t GemmProblem::illegal_codes() const {
  if (format == WeightFormat::kInt8) return 0;
  std::uint64_t count = 0;
  for (std::uint8_t c : weights) count += is_legal(c) ? 0 : 1;
  return count;
}

std::int64_t wrap_to_width(std::int64_t value, int width) {
  if (width >= 64) return value;
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  std::uint64_t bits = static_cast<std::uint64_t>(value) & mask;
  if (bits >> (width - 1)) bits |= ~mask;
  return static_cast<std::int64_t>(bits);
}

namespace {

// Sum of weight(w[i]) * x[i] over k terms, written so that the compiler vectorizes it: 32-bit
// partial sums are flushed to 64 bits every 2^16 terms (|term| <= 2^14, so |partial| < 2^30).
template <typename Weight>
inline std::int64_t chunked_dot(const std::uint8_t* w, const std::int8_t* x, std::uint32_t k,
                                Weight weight) {
  std::int64_t total = 0;
  for (std::uint32_t k0 = 0; k0 < k; k0 += 65536) {
    const std::uint32_t end = k - k0 > 65536 ? k0 + 65536 : k;
    std::int32_t acc = 0;
    for (std::uint32_t i = k0; i < end; ++i) acc += weight(w[i]) * x[i];
    total += acc;
  }
  return total;
}

// Trit codes: the weight is -1, 0 or +1 from the code's two bits (illegal codes count as zero,
// as in the select unit), products 16-bit. Cloned for AVX-512 and AVX2, chosen at load time;
// the default clone is plain x86-64 (or any other target).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#endif
std::int64_t
ternary_dot(const std::uint8_t* w, const std::int8_t* x, std::uint32_t k) {
  return chunked_dot(w, x, k, [](std::uint8_t code) {
    const std::int16_t c = code;
    return static_cast<std::int16_t>((c & 1) - 2 * ((c >> 1) & c & 1));
  });
}

// INT8 weights.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#endif
std::int64_t
int8_dot(const std::uint8_t* w, const std::int8_t* x, std::uint32_t k) {
  return chunked_dot(w, x, k,
                     [](std::uint8_t v) { return std::int32_t{static_cast<std::int8_t>(v)}; });
}

}  // namespace

std::vector<std::int64_t> golden_gemm(const GemmProblem& problem, int acc_width) {
  problem.check_sizes();
  const GemmShape& s = problem.shape;
  const bool int8 = problem.format == WeightFormat::kInt8;
  std::vector<std::int64_t> y(std::size_t{s.m} * s.n);
  for (std::uint32_t n = 0; n < s.n; ++n) {  // a weight row stays in cache over the tokens
    const std::uint8_t* w = &problem.weights[std::size_t{n} * s.k];
    for (std::uint32_t m = 0; m < s.m; ++m) {
      const std::int8_t* x = &problem.activations[std::size_t{m} * s.k];
      const std::int64_t acc = int8 ? int8_dot(w, x, s.k) : ternary_dot(w, x, s.k);
      y[std::size_t{m} * s.n + n] = wrap_to_width(acc, acc_width);
    }
  }
  return y;
}

std::vector<std::int64_t> golden_gemm_scalar(const GemmProblem& problem, int acc_width) {
  problem.check_sizes();
  const GemmShape& s = problem.shape;
  std::vector<std::int64_t> y(std::size_t{s.m} * s.n);
  for (std::uint32_t m = 0; m < s.m; ++m) {
    const std::int8_t* x = &problem.activations[std::size_t{m} * s.k];
    for (std::uint32_t n = 0; n < s.n; ++n) {
      std::int64_t acc = 0;
      for (std::uint32_t k = 0; k < s.k; ++k) {
        const int t = problem.weight_value(std::size_t{n} * s.k + k);
        acc += t * x[k];
      }
      y[std::size_t{m} * s.n + n] = wrap_to_width(acc, acc_width);
    }
  }
  return y;
}

std::vector<std::int64_t> golden_gemm(const GemmProblem& problem, const ArrayConfig& config,
                                      std::uint64_t* overflows) {
  if (overflows) *overflows = 0;
  if (config.level_width_cap == 0) return golden_gemm(problem, config.acc_width);
  problem.check_sizes();
  const GemmShape& s = problem.shape;
  const auto T = static_cast<std::uint32_t>(config.tree_inputs);
  const bool int8 = problem.format == WeightFormat::kInt8;
  std::vector<std::int64_t> y(std::size_t{s.m} * s.n);
  const bool split = config.reduction == Reduction::kSplit;
  std::vector<std::int64_t> ops(T), neg_ops(T);
  std::vector<bool> carries(T);
  const std::vector<bool> no_carries(T, false);
  for (std::uint32_t m = 0; m < s.m; ++m) {
    const std::int8_t* x = &problem.activations[std::size_t{m} * s.k];
    for (std::uint32_t n = 0; n < s.n; ++n) {
      const std::uint8_t* w = &problem.weights[std::size_t{n} * s.k];
      std::int64_t acc = 0;
      for (std::uint32_t k0 = 0; k0 < s.k; k0 += T) {
        // One lane, one K tile: the operands of the tree (padding columns are zero weights).
        for (std::uint32_t c = 0; c < T; ++c) {
          const std::uint32_t k = k0 + c;
          neg_ops[c] = 0;
          if (k >= s.k) {
            ops[c] = 0;
            carries[c] = false;
          } else if (split) {
            // The split selects route x to the +1 tree or the -1 tree; neither inverts.
            const int t = trit_value(w[k]);
            ops[c] = t > 0 ? x[k] : 0;
            neg_ops[c] = t < 0 ? x[k] : 0;
            carries[c] = false;
          } else if (int8) {
            ops[c] = static_cast<std::int8_t>(w[k]) * x[k];
            carries[c] = false;
          } else {
            const SelectOut so = select(x[k], w[k]);
            ops[c] = static_cast<std::int8_t>(so.operand);
            carries[c] = so.carry;
          }
        }
        TreeOut t = adder_tree(ops, carries, config.operand_bits(), config.level_width_cap);
        if (split) {
          // The final subtract is one bit wider than the trees: always exact.
          const TreeOut n =
              adder_tree(neg_ops, no_carries, config.operand_bits(), config.level_width_cap);
          t = {t.sum - n.sum, false, t.overflow || n.overflow};
        }
        if (t.overflow && overflows) ++*overflows;
        acc = wrap_to_width(acc + t.sum + (t.carry ? 1 : 0), config.acc_width);
      }
      y[std::size_t{m} * s.n + n] = acc;
    }
  }
  return y;
}

}  // namespace ternac
