#include "ternac/sim/systemc/vp/memory.h"

#include <cstring>
#include <stdexcept>

namespace ternac::vp {

Memory::Memory(sc_core::sc_module_name name, std::uint64_t size, sc_core::sc_time latency, bool dmi)
    : sc_module(name), socket("socket"), latency_(latency), dmi_(dmi) {
  if (size == 0) throw std::invalid_argument("memory size is 0");
  bytes_.assign(size, 0);
  socket.register_b_transport(this, &Memory::b_transport);
  socket.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
  socket.register_transport_dbg(this, &Memory::transport_dbg);
}

void Memory::set_dmi(bool on) {
  if (dmi_ && !on) socket->invalidate_direct_mem_ptr(0, bytes_.size() - 1);
  dmi_ = on;
}

tlm::tlm_response_status Memory::check(const tlm::tlm_generic_payload& t) const {
  const sc_dt::uint64 addr = t.get_address();
  const unsigned len = t.get_data_length();
  if (addr >= bytes_.size() || len > bytes_.size() - addr) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (t.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (t.get_streaming_width() < len) return tlm::TLM_BURST_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

void Memory::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  delay += latency_;
  if (t.get_command() == tlm::TLM_IGNORE_COMMAND) {
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const tlm::tlm_response_status rs = check(t);
  t.set_response_status(rs);
  if (rs != tlm::TLM_OK_RESPONSE) return;
  std::uint8_t* mem = bytes_.data() + t.get_address();
  if (t.is_read()) {
    std::memcpy(t.get_data_ptr(), mem, t.get_data_length());
  } else {
    std::memcpy(mem, t.get_data_ptr(), t.get_data_length());
  }
  t.set_dmi_allowed(dmi_);
}

bool Memory::get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& dmi) {
  if (!dmi_ || t.get_address() >= bytes_.size()) return false;
  dmi.set_dmi_ptr(bytes_.data());
  dmi.set_start_address(0);
  dmi.set_end_address(bytes_.size() - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(latency_);
  dmi.set_write_latency(latency_);
  return true;
}

unsigned int Memory::transport_dbg(tlm::tlm_generic_payload& t) {
  const sc_dt::uint64 addr = t.get_address();
  if (addr >= bytes_.size()) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(t.get_data_length(), bytes_.size() - addr);
  if (t.is_read()) {
    std::memcpy(t.get_data_ptr(), bytes_.data() + addr, n);
  } else if (t.is_write()) {
    std::memcpy(bytes_.data() + addr, t.get_data_ptr(), n);
  }
  return static_cast<unsigned int>(n);
}

}  // namespace ternac::vp
