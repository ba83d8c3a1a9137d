#include "ternac/sim/systemc/vp/fast_accelerator.h"

#include <cstring>

#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/packed_gemm.h"
#include "ternac/model/core/streams.h"

namespace ternac::vp {

FastAccelerator::FastAccelerator(sc_core::sc_module_name name, const ArrayConfig& config,
                                 const AcceleratorOptions& options)
    : Accelerator(name, config, regmap::Impl::kFast, options) {}

ArrayOutcome FastAccelerator::run_array(const Operands& ops) {
  const Command& c = ops.command;
  const ArrayConfig& cfg = config();
  ArrayOutcome out;
  const std::uint64_t illegal = count_illegal_weights(c.format, ops.w.data(), ops.w.size());
  if (c.format == regmap::Format::kI2s && illegal == 0 && cfg.level_width_cap == 0) {
    // I2_S rows of K (a multiple of 128) are the packed kernel's rows as they are.
    PackedTernary w;
    w.n = c.shape.n;
    w.k = c.shape.k;
    w.row_bytes = c.shape.k / 4;
    w.bytes.resize(ops.w.size() + 32);  // the kernel reads 32 spare bytes past the last row
    std::memcpy(w.bytes.data(), ops.w.data(), ops.w.size());
    std::vector<std::int8_t> x(ops.x.size());
    std::memcpy(x.data(), ops.x.data(), x.size());
    out.y = packed_gemm(w, x, c.shape.m, cfg.acc_width);
  } else {
    out.y = golden_gemm(ops.problem(), cfg, &out.tree_overflows);
  }
  // The array counts illegal codes on its weight stream, which carries W once per token block.
  out.illegal_trits = illegal * tile_grid(cfg, c.shape).token_blocks;
  out.cycles = predict_cycles(cfg, c.shape).cycles;
  wait(sc_core::sc_time::from_value(period().value() * out.cycles));
  return out;
}

}  // namespace ternac::vp
