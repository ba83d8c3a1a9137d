// The cycle-accurate RTL behind the register map: the same registers, checks, DMA and timing as
// the fast model (Accelerator), with the array's work done by the Verilated ternac_top (SystemC
// flavour, VTop) through RtlStreamFeeder. The RTL's own counters give the status counts, its
// handshakes the cycle count. Include the Verilated model's header before this one.
#pragma once

#include <string>

#include "ternac/sim/systemc/vp/accelerator.h"
#include "ternac/sim/systemc/vp/rtl_stream_feeder.h"

namespace ternac::vp {

template <typename VTop>
class RtlAccelerator : public Accelerator {
 public:
  RtlAccelerator(sc_core::sc_module_name name, const ArrayConfig& config,
                 const AcceleratorOptions& options = {})
      : Accelerator(name, config, regmap::Impl::kRtl, options),
        feeder_("feeder", config, options.period) {}

 protected:
  ArrayOutcome run_array(const Operands& operands) override {
    StreamRun run = feeder_.run(operands.problem());
    if (!run.failure.empty() || run.bad_cmds != 0) {
      // The RTL misbehaved on a command it must accept: a bug in the RTL, not in the software.
      SC_REPORT_ERROR(name(), ("the RTL failed " + operands.command.shape.str() + ": " +
                               (run.failure.empty() ? "it flagged bad_cmd" : run.failure))
                                  .c_str());
    }
    ArrayOutcome out;
    out.y = std::move(run.y);
    out.cycles = run.cycles;
    out.illegal_trits = run.illegal_trits;
    out.tree_overflows = run.tree_overflows;
    return out;
  }

 private:
  RtlStreamFeeder<VTop> feeder_;
};

}  // namespace ternac::vp
