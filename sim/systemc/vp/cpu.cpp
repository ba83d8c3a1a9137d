#include "ternac/sim/systemc/vp/cpu.h"

#include <cstring>
#include <exception>

namespace ternac::vp {

Cpu::Cpu(sc_core::sc_module_name name, std::function<void(Cpu&)> program)
    : sc_module(name), socket("socket"), irq("irq"), program_(std::move(program)) {
  SC_HAS_PROCESS(Cpu);
  SC_THREAD(run);
}

void Cpu::run() {
  try {
    program_(*this);
  } catch (const std::exception& e) {
    failure_ = e.what();
  }
  finished_ = true;
  sc_core::sc_stop();
}

tlm::tlm_response_status Cpu::transact(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data,
                                       unsigned length, const std::uint8_t* byte_enables,
                                       unsigned byte_enable_length, unsigned streaming_width) {
  tlm::tlm_generic_payload t;
  t.set_command(cmd);
  t.set_address(addr);
  t.set_data_ptr(data);
  t.set_data_length(length);
  t.set_streaming_width(streaming_width ? streaming_width : length);
  t.set_byte_enable_ptr(const_cast<std::uint8_t*>(byte_enables));
  t.set_byte_enable_length(byte_enable_length);
  t.set_dmi_allowed(false);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  socket->b_transport(t, delay);
  if (delay != sc_core::SC_ZERO_TIME) wait(delay);
  return t.get_response_status();
}

bool Cpu::read32(std::uint64_t addr, std::uint32_t& value) {
  std::uint8_t b[4] = {};
  const bool ok = transact(tlm::TLM_READ_COMMAND, addr, b, 4) == tlm::TLM_OK_RESPONSE;
  std::memcpy(&value, b, 4);
  return ok;
}

bool Cpu::write32(std::uint64_t addr, std::uint32_t value) {
  std::uint8_t b[4];
  std::memcpy(b, &value, 4);
  return transact(tlm::TLM_WRITE_COMMAND, addr, b, 4) == tlm::TLM_OK_RESPONSE;
}

void Cpu::wait_for_interrupt() {
  if (!irq.read()) wait(irq.posedge_event());
}

}  // namespace ternac::vp
