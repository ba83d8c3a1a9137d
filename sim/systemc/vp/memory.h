// System memory of the example platform and the tests: a TLM-2.0 target of `size` bytes at local
// addresses 0..size-1, with a fixed latency per transaction, DMI (which can be withdrawn while
// simulating) and a debug transport. A backdoor (data()) stands for a program loader.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

namespace ternac::vp {

class Memory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Memory> socket;

  Memory(sc_core::sc_module_name name, std::uint64_t size, sc_core::sc_time latency,
         bool dmi = true);

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint64_t size() const { return bytes_.size(); }
  // Grants or withdraws DMI; withdrawing invalidates every pointer granted so far.
  void set_dmi(bool on);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  // The response to a transaction that cannot be served (TLM_OK_RESPONSE if it can).
  tlm::tlm_response_status check(const tlm::tlm_generic_payload& trans) const;

  std::vector<std::uint8_t> bytes_;
  sc_core::sc_time latency_;
  bool dmi_;
};

}  // namespace ternac::vp
