// The fast model behind the register map: the golden model computes Y, the cycle model says how
// long the array takes. I2_S weights without illegal codes go through the packed golden kernel
// (model/core/packed_gemm.h) straight from the bytes the DMA fetched; everything else through
// golden_gemm on the decoded codes. Nothing here re-implements the model.
#pragma once

#include "ternac/sim/systemc/vp/accelerator.h"

namespace ternac::vp {

class FastAccelerator : public Accelerator {
 public:
  FastAccelerator(sc_core::sc_module_name name, const ArrayConfig& config,
                  const AcceleratorOptions& options = {});

 protected:
  ArrayOutcome run_array(const Operands& operands) override;
};

}  // namespace ternac::vp
