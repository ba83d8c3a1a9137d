// The golden model as a SystemC module: a TLM-2.0 target that executes one GEMM command per
// transaction, with the array's timing from the cycle model. It wraps model/ and never
// re-implements it.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"

namespace ternac {

// The payload of a GEMM transaction (a TLM_WRITE_COMMAND carrying this extension).
struct GemmExtension : tlm::tlm_extension<GemmExtension> {
  const GemmProblem* problem = nullptr;  // in: the command with its weights and activations
  std::vector<std::int64_t> result;      // out: Y, M x N row-major, as the array delivers it
  std::uint64_t cycles = 0;              // out: the cycle model's count for the command

  tlm::tlm_extension_base* clone() const override { return new GemmExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const GemmExtension&>(other);
  }
};

class GemmTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<GemmTarget> socket;

  GemmTarget(sc_core::sc_module_name name, const ArrayConfig& config,
             sc_core::sc_time clock_period);

  // Status as the RTL reports it (sticky until clear_status()).
  bool illegal_trit() const { return illegal_trit_; }
  bool bad_cmd() const { return bad_cmd_; }
  std::uint64_t illegal_trit_count() const { return illegal_trit_count_; }
  std::uint64_t bad_cmd_count() const { return bad_cmd_count_; }
  void clear_status();

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  ArrayConfig config_;
  sc_core::sc_time period_;
  bool illegal_trit_ = false;
  bool bad_cmd_ = false;
  std::uint64_t illegal_trit_count_ = 0;
  std::uint64_t bad_cmd_count_ = 0;
};

}  // namespace ternac
