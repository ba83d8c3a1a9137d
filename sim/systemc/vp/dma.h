// The device's DMA engine: moves W and X from system memory and Y to it through the device's
// TLM-2.0 initiator socket, in bursts of at most DMA_BURST_BYTES that never cross a multiple of
// it, through DMI where the memory grants it and b_transport otherwise. Loosely timed: it returns
// the cycles a transfer takes (command.h's dma_cycles, with the memory's latency as it answered:
// the annotated delay of a b_transport, the DMI latency of a direct access, each rounded up to
// whole cycles) and the caller waits them.
#pragma once

#include <cstdint>
#include <systemc>
#include <tlm>
#include <vector>

#include "ternac/sim/systemc/vp/command.h"

namespace ternac::vp {

struct DmaOutcome {
  bool ok = true;
  std::uint64_t failed_at = 0;  // the refused burst's address, when !ok
  std::uint64_t cycles = 0;     // up to and including the refused burst, when !ok
  std::uint64_t dmi_bursts = 0, transport_bursts = 0;
};

class Dma {
 public:
  // `socket` is the owner's initiator socket; `period` its clock.
  Dma(tlm::tlm_initiator_socket<>& socket, sc_core::sc_time period, bool use_dmi);

  // Call from a SystemC thread (b_transport may wait).
  DmaOutcome read(const Region& r, std::uint8_t* out);
  DmaOutcome write(const Region& r, const std::uint8_t* in);

  // The memory withdrew DMI over [start, end] (the socket's invalidate_direct_mem_ptr).
  void invalidate(std::uint64_t start, std::uint64_t end);

 private:
  DmaOutcome transfer(tlm::tlm_command cmd, const Region& r, std::uint8_t* data);
  const tlm::tlm_dmi* find_dmi(std::uint64_t addr, std::uint64_t bytes, bool write) const;
  std::uint64_t cycles_of(const sc_core::sc_time& t) const;

  tlm::tlm_initiator_socket<>& socket_;
  sc_core::sc_time period_;
  bool use_dmi_;
  std::vector<tlm::tlm_dmi> dmi_;  // regions granted and not withdrawn
};

}  // namespace ternac::vp
