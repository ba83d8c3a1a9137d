// Fuzz target: array parameters and GEMM shapes from arbitrary bytes. An illegal configuration or
// shape must be rejected with std::invalid_argument naming it; a legal one (kept small so that a
// run takes microseconds) must go through the cycle model, the operation-count model and the
// golden model without a crash or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "ternac/model/core/config.h"
#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/op_counts.h"

namespace {

// Reads bytes in order, zeros once the input runs out.
struct Bytes {
  const std::uint8_t* p;
  std::size_t left;
  int next() {
    if (left == 0) return 0;
    --left;
    return *p++;
  }
  int next16() { return next() | (next() << 8); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes b{data, size};
  ternac::ArrayConfig c;
  c.lanes = b.next16() - 256;  // negative and zero values too
  c.tree_inputs = b.next16() - 256;
  c.acc_width = b.next() - 16;
  c.weight_rows_per_beat = b.next16() - 256;
  c.token_tile = b.next16() - 256;
  c.datapath = static_cast<ternac::Datapath>(b.next() % 3);
  c.pipe_every = b.next() - 16;
  c.level_width_cap = b.next() - 16;
  c.reduction = static_cast<ternac::Reduction>(b.next() % 4);
  ternac::GemmShape s{static_cast<std::uint32_t>(b.next16()),
                      static_cast<std::uint32_t>(b.next16()),
                      static_cast<std::uint32_t>(b.next16())};
  try {
    c.validate();
    (void)c.tree_width();
    (void)c.add_entries();
    if (c.lanes * c.tree_inputs > 4096 || s.m > 16 || s.n > 64 || s.k > 256) return 0;
    ternac::check_shape(s, c);
    (void)ternac::predict_cycles(c, s);
    ternac::GemmProblem p;
    p.shape = s;
    p.format = c.int8() ? ternac::WeightFormat::kInt8 : ternac::WeightFormat::kTritCodes;
    p.weights.resize(std::size_t{s.n} * s.k);
    p.activations.resize(std::size_t{s.m} * s.k);
    for (auto& w : p.weights) w = static_cast<std::uint8_t>(c.int8() ? b.next() : b.next() & 3);
    for (auto& a : p.activations) a = static_cast<std::int8_t>(b.next());
    (void)ternac::predict_op_counts(c, p);
    std::uint64_t overflows = 0;
    (void)ternac::golden_gemm(p, c, &overflows);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
