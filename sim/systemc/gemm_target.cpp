#include "ternac/sim/systemc/gemm_target.h"

#include <stdexcept>

#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/streams.h"

namespace ternac {

GemmTarget::GemmTarget(sc_core::sc_module_name name, const ArrayConfig& config,
                       sc_core::sc_time clock_period)
    : sc_module(name), socket("socket"), config_(config), period_(clock_period) {
  config_.validate();
  socket.register_b_transport(this, &GemmTarget::b_transport);
}

void GemmTarget::clear_status() {
  illegal_trit_ = bad_cmd_ = false;
  illegal_trit_count_ = bad_cmd_count_ = 0;
}

void GemmTarget::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  GemmExtension* ext = nullptr;
  trans.get_extension(ext);
  if (trans.get_command() != tlm::TLM_WRITE_COMMAND || !ext || !ext->problem) {
    // Not a GEMM command: nothing runs, the initiator sees why.
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  const GemmProblem& p = *ext->problem;
  if (!shape_accepted(p.shape, config_)) {
    // The array drops a malformed command whole and raises bad_cmd.
    bad_cmd_ = true;
    ++bad_cmd_count_;
    ext->result.clear();
    ext->cycles = 0;
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }
  try {
    p.check_sizes();
  } catch (const std::invalid_argument&) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  ext->result = golden_gemm(p, config_);
  ext->cycles = predict_cycles(config_, p.shape).cycles;
  // The RTL counts illegal codes on the weight stream, which carries W once per token block.
  const std::uint64_t illegal = p.illegal_codes() * tile_grid(config_, p.shape).token_blocks;
  if (illegal) {
    illegal_trit_ = true;
    illegal_trit_count_ += illegal;
  }
  delay += period_ * static_cast<double>(ext->cycles);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace ternac
