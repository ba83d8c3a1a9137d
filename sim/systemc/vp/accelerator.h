// The memory-mapped ternac device for a virtual platform (docs/systemc.md): a TLM-2.0 target
// socket for the register map of regmap.json, an initiator socket through which its DMA engine
// reads W and X and writes Y, and an interrupt output. This base class holds everything but the
// array: the registers, the checks at START, the DMA and the timing of a command (read W, read X,
// run the array, write Y, each after the other, starting at a clock edge). What runs the array
// is a subclass: FastAccelerator (the golden model with the cycle model's timing) or
// RtlAccelerator (the Verilated RTL fed by a stream feeder). Both behave the same at the
// registers and in memory, and a platform swaps one for the other without changing software.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/sim/systemc/vp/command.h"
#include "ternac/sim/systemc/vp/dma.h"
#include "ternac_vp_regmap.h"

namespace ternac::vp {

struct AcceleratorOptions {
  sc_core::sc_time period{1, sc_core::SC_NS};  // the array's clock (CLOCK_PS)
  DmaWindow window;                            // the memory DMA may touch (DMA_BASE, DMA_SIZE)
  bool use_dmi = true;                         // ask the memory for DMI (false: b_transport only)
};

// A checked command's operands as the DMA fetched them.
struct Operands {
  Command command;
  std::vector<std::uint8_t> w;  // weight_bytes() bytes in command.format
  std::vector<std::uint8_t> x;  // M x K int8

  // The command as the golden model and the stream feeder take it: codes the array cannot take
  // (FORMAT CODES 2, 4..255; I2S 3) become TritCode::kIllegal.
  GemmProblem problem() const;
};

// What the array did for one command.
struct ArrayOutcome {
  std::vector<std::int64_t> y;  // M x N, row-major
  std::uint64_t cycles = 0;     // command to last result, the cycle model's count
  std::uint64_t illegal_trits = 0;
  std::uint64_t tree_overflows = 0;
};

class Accelerator : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Accelerator> regs;  // the register window
  tlm_utils::simple_initiator_socket<Accelerator> mem;
  sc_core::sc_out<bool> irq;  // high while IRQ_STATUS & IRQ_ENABLE is not zero

  // Throws std::invalid_argument naming the problem: an invalid configuration, a datapath other
  // than the ternary one, AccWidth above 32 (Y holds int32), a zero period, a bad window.
  Accelerator(sc_core::sc_module_name name, const ArrayConfig& config, regmap::Impl impl,
              const AcceleratorOptions& options);

  // A register's value as a read would return it, without side effects or time.
  std::uint32_t peek(std::uint32_t offset) const;
  const ArrayConfig& config() const { return config_; }
  sc_core::sc_time period() const { return options_.period; }
  // DMA bursts so far through DMI and through b_transport.
  std::uint64_t dmi_bursts() const { return dmi_bursts_; }
  std::uint64_t transport_bursts() const { return transport_bursts_; }

 protected:
  // Runs a checked command on the array. Called from the device's thread at a clock edge; returns
  // after the array has delivered its last result (the outcome's cycles x period later).
  virtual ArrayOutcome run_array(const Operands& operands) = 0;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans, std::uint32_t& offset);
  std::uint32_t read_register(std::uint32_t offset) const;
  void write_register(std::uint32_t offset, std::uint32_t value);
  void start();
  void record_error(const CommandError& e);
  void raise(std::uint32_t irq_bits);
  void run_thread();
  void drive_irq();

  ArrayConfig config_;
  regmap::Impl impl_;
  AcceleratorOptions options_;
  std::unique_ptr<Dma> dma_;
  sc_core::sc_event start_event_, irq_event_;

  CommandRegs cmd_;  // the command registers
  Command latched_;  // the command START accepted
  bool busy_ = false;
  bool illegal_trit_ = false, bad_cmd_ = false, tree_overflow_ = false;
  std::uint32_t illegal_trit_count_ = 0, bad_cmd_count_ = 0, tree_overflow_count_ = 0;
  std::uint32_t done_count_ = 0, error_count_ = 0;
  CommandError error_;
  std::uint64_t last_array_cycles_ = 0, last_total_cycles_ = 0;
  std::uint32_t irq_enable_ = 0, irq_status_ = 0;
  std::uint64_t dmi_bursts_ = 0, transport_bursts_ = 0;
};

}  // namespace ternac::vp
