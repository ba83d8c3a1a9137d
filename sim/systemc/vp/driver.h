// The software side of the memory-mapped device: a small driver that programs its registers
// (regmap.json) through 32-bit loads and stores, the way code on the platform's CPU would. Plain
// C++ without simulator types: the platform's CPU model provides the Mmio it runs on, and any
// other bus (a real one, a QEMU device stub) could.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/sim/systemc/vp/command.h"
#include "ternac_vp_regmap.h"

namespace ternac::vp {

// What the driver needs from the platform.
class Mmio {
 public:
  virtual ~Mmio() = default;
  // One 32-bit access at a system address; false when the bus refused it.
  virtual bool read32(std::uint64_t addr, std::uint32_t& value) = 0;
  virtual bool write32(std::uint64_t addr, std::uint32_t value) = 0;
  // Returns once the device's interrupt line is high (at once when it already is).
  virtual void wait_for_interrupt() = 0;
};

// A device that is not there or not compatible, or a refused register access.
class DriverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What probe() reads from the device.
struct DeviceInfo {
  ArrayConfig config;
  regmap::Impl impl = regmap::Impl::kFast;
  std::uint32_t version_major = 0, version_minor = 0;
  std::uint64_t clock_ps = 0;
  DmaWindow window;
  std::string describe() const;  // one line
};

struct GemmJob {
  GemmShape shape;
  regmap::Format format = regmap::Format::kCodes;
  std::uint64_t w = 0, x = 0, y = 0;  // system addresses
};

struct JobResult {
  bool done = false;   // IRQ_STATUS.DONE: the command completed and Y is in memory
  CommandError error;  // what went wrong (code NONE when nothing did)
  std::uint64_t array_cycles = 0, total_cycles = 0;
  std::uint32_t status = 0;  // STATUS after the job
  std::uint32_t illegal_trit_count = 0, bad_cmd_count = 0, tree_overflow_count = 0;
  bool ok() const { return done && error.code == regmap::Error::kNone; }
  std::string describe() const;  // one line
};

class Driver {
 public:
  // How wait() learns that a job has finished.
  enum class Completion { kInterrupt, kPoll };

  Driver(Mmio& bus, std::uint64_t base, Completion completion = Completion::kInterrupt);

  // Reads ID, VERSION, the array's configuration and the DMA window; throws DriverError when
  // the device is missing or its register map's major version is not this driver's. Clears any
  // old error and interrupt, and enables the DONE and ERROR interrupts (Completion::kInterrupt).
  DeviceInfo probe();

  // Clears the error registers, writes the command registers and START.
  void start(const GemmJob& job) {
    clear(false, true);
    program(job);
    go();
  }
  // The steps of start(): the command registers, then START.
  void program(const GemmJob& job);
  void go();
  // Waits for the job started last: its DONE or ERROR. Acknowledges the interrupt.
  JobResult wait();
  JobResult run(const GemmJob& job) {
    start(job);
    return wait();
  }
  // CLEAR: the sticky status bits and counters, and/or the error registers.
  void clear(bool status, bool error);

  // One register; throws DriverError naming the register when the bus refuses the access.
  std::uint32_t read(std::uint32_t offset);
  void write(std::uint32_t offset, std::uint32_t value);
  // A 64-bit value held in a _LO/_HI pair (`lo` and lo + 4).
  std::uint64_t read64(std::uint32_t lo);

 private:
  Mmio& bus_;
  std::uint64_t base_;
  Completion completion_;
};

// Places buffers inside the DMA window, each aligned to DMA_ALIGN (software's allocator).
class BufferArena {
 public:
  explicit BufferArena(const DmaWindow& window) : window_(window), next_(window.base) {}
  // Throws DriverError naming the size when the buffer does not fit.
  std::uint64_t alloc(std::uint64_t bytes);
  std::uint64_t used() const { return next_ - window_.base; }

 private:
  DmaWindow window_;
  std::uint64_t next_;
};

}  // namespace ternac::vp
