// A tiny program standing for the platform's CPU: one SystemC thread that runs a C++ function
// with loads and stores through a TLM-2.0 initiator socket (each access waits its annotated
// delay: no temporal decoupling) and an interrupt input. It is the Mmio the driver runs on. The
// program ends the simulation when it returns; an exception it throws is kept for sc_main.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <tlm>

#include "ternac/sim/systemc/vp/driver.h"

namespace ternac::vp {

class Cpu : public sc_core::sc_module, public Mmio {
 public:
  tlm_utils::simple_initiator_socket<Cpu> socket;
  sc_core::sc_in<bool> irq;

  Cpu(sc_core::sc_module_name name, std::function<void(Cpu&)> program);

  bool read32(std::uint64_t addr, std::uint32_t& value) override;
  bool write32(std::uint64_t addr, std::uint32_t value) override;
  void wait_for_interrupt() override;

  // Any access, as a test needs it: returns the target's response status.
  tlm::tlm_response_status transact(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data,
                                    unsigned length, const std::uint8_t* byte_enables = nullptr,
                                    unsigned byte_enable_length = 0, unsigned streaming_width = 0);
  // Lets `t` of simulated time pass.
  void idle(const sc_core::sc_time& t) { wait(t); }

  bool finished() const { return finished_; }
  // The message of the exception the program ended with ("" when it returned normally).
  const std::string& failure() const { return failure_; }

 private:
  void run();
  std::function<void(Cpu&)> program_;
  bool finished_ = false;
  std::string failure_;
};

}  // namespace ternac::vp
