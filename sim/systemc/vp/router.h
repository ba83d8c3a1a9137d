// The example platform's interconnect: initiators (the CPU, the device's DMA) bind to `in`,
// targets to `out`, each target at an address range. A transaction goes to the target whose range
// holds it, with the address made local to the target; one that hits no range, or runs past its
// target's range, gets TLM_ADDRESS_ERROR_RESPONSE. DMI grants are translated back to system
// addresses and clipped to the range; a target's DMI invalidation reaches every initiator.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

namespace ternac::vp {

class Router : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> in;
  tlm_utils::multi_passthrough_initiator_socket<Router> out;

  explicit Router(sc_core::sc_module_name name);

  // Maps out[index] (bound in the same order as map is called) at [base, base + size). Throws
  // std::invalid_argument naming the target for an empty range, one past 2^64 or an overlap.
  void map(const std::string& target, std::uint64_t base, std::uint64_t size);

 private:
  struct Range {
    std::string name;
    std::uint64_t base, size;
  };
  // The index of the range holding [addr, addr + len), or -1.
  int decode(std::uint64_t addr, std::uint64_t len) const;
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);

  std::vector<Range> ranges_;
};

}  // namespace ternac::vp
