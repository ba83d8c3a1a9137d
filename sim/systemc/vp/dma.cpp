#include "ternac/sim/systemc/vp/dma.h"

#include <algorithm>
#include <cstring>

namespace ternac::vp {

Dma::Dma(tlm::tlm_initiator_socket<>& socket, sc_core::sc_time period, bool use_dmi)
    : socket_(socket), period_(period), use_dmi_(use_dmi) {}

DmaOutcome Dma::read(const Region& r, std::uint8_t* out) {
  return transfer(tlm::TLM_READ_COMMAND, r, out);
}

DmaOutcome Dma::write(const Region& r, const std::uint8_t* in) {
  return transfer(tlm::TLM_WRITE_COMMAND, r, const_cast<std::uint8_t*>(in));
}

void Dma::invalidate(std::uint64_t start, std::uint64_t end) {
  dmi_.erase(std::remove_if(dmi_.begin(), dmi_.end(),
                            [&](const tlm::tlm_dmi& d) {
                              return d.get_start_address() <= end && start <= d.get_end_address();
                            }),
             dmi_.end());
}

std::uint64_t Dma::cycles_of(const sc_core::sc_time& t) const {
  const sc_dt::uint64 p = period_.value();
  return static_cast<std::uint64_t>((t.value() + p - 1) / p);
}

const tlm::tlm_dmi* Dma::find_dmi(std::uint64_t addr, std::uint64_t bytes, bool write) const {
  for (const tlm::tlm_dmi& d : dmi_) {
    if (addr >= d.get_start_address() && addr + (bytes - 1) <= d.get_end_address() &&
        (write ? d.is_write_allowed() : d.is_read_allowed())) {
      return &d;
    }
  }
  return nullptr;
}

DmaOutcome Dma::transfer(tlm::tlm_command cmd, const Region& r, std::uint8_t* data) {
  DmaOutcome out;
  const bool write = cmd == tlm::TLM_WRITE_COMMAND;
  std::uint64_t done = 0;
  for (const Region& burst : dma_bursts(r)) {
    out.cycles += (burst.bytes + regmap::kDmaBusBytes - 1) / regmap::kDmaBusBytes;
    std::uint8_t* buf = data + done;
    done += burst.bytes;
    if (const tlm::tlm_dmi* d = use_dmi_ ? find_dmi(burst.addr, burst.bytes, write) : nullptr) {
      unsigned char* mem = d->get_dmi_ptr() + (burst.addr - d->get_start_address());
      if (write) {
        std::memcpy(mem, buf, burst.bytes);
      } else {
        std::memcpy(buf, mem, burst.bytes);
      }
      out.cycles += cycles_of(write ? d->get_write_latency() : d->get_read_latency());
      ++out.dmi_bursts;
      continue;
    }
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(burst.addr);
    t.set_data_ptr(buf);
    t.set_data_length(static_cast<unsigned>(burst.bytes));
    t.set_streaming_width(static_cast<unsigned>(burst.bytes));
    t.set_byte_enable_ptr(nullptr);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket_->b_transport(t, delay);
    out.cycles += cycles_of(delay);
    ++out.transport_bursts;
    if (t.is_response_error()) {
      out.ok = false;
      out.failed_at = burst.addr;
      return out;
    }
    if (use_dmi_ && t.is_dmi_allowed()) {
      tlm::tlm_dmi d;
      t.set_address(burst.addr);
      if (socket_->get_direct_mem_ptr(t, d)) dmi_.push_back(d);
    }
  }
  return out;
}

}  // namespace ternac::vp
