// A minimal virtual platform around the memory-mapped ternac device: system memory, an
// interconnect, a CPU running a C++ program, and the device (the fast model or the RTL, made by
// the caller), with the device's interrupt wired to the CPU. Memory map:
//
//   device registers   device_base .. + 0xFF   (regmap.json's window)
//   system memory      memory_base .. + memory_size - 1   (the device's DMA window by default)
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <systemc>

#include "ternac/sim/systemc/vp/accelerator.h"
#include "ternac/sim/systemc/vp/cpu.h"
#include "ternac/sim/systemc/vp/memory.h"
#include "ternac/sim/systemc/vp/router.h"

namespace ternac::vp {

struct PlatformOptions {
  std::uint64_t device_base = 0x4000'0000;
  std::uint64_t memory_base = 0x8000'0000;
  std::uint64_t memory_size = 64ull << 20;
  sc_core::sc_time memory_latency = sc_core::SC_ZERO_TIME;  // per transaction (and DMI access)
  bool memory_dmi = true;
  sc_core::sc_time period{1, sc_core::SC_NS};
  bool device_dmi = true;
  // The device's DMA window: the memory when size is 0. A window larger than the memory lets a
  // test make the memory refuse a DMA burst (error BUS).
  DmaWindow window;
};

// Makes the device (FastAccelerator or RtlAccelerator<VTop>) with the options it must use.
using DeviceFactory =
    std::function<std::unique_ptr<Accelerator>(const char* name, const AcceleratorOptions&)>;

class Platform {
 public:
  Platform(const PlatformOptions& options, const DeviceFactory& make_device,
           std::function<void(Cpu&)> program)
      : options_(options),
        memory("memory", options.memory_size, options.memory_latency, options.memory_dmi),
        router("router"),
        cpu("cpu", std::move(program)),
        irq("irq") {
    AcceleratorOptions a;
    a.period = options.period;
    a.use_dmi = options.device_dmi;
    a.window =
        options.window.size ? options.window : DmaWindow{options.memory_base, options.memory_size};
    device = make_device("ternac", a);
    router.map("memory", options.memory_base, options.memory_size);
    router.map("ternac", options.device_base, regmap::kWindowBytes);
    router.out.bind(memory.socket);
    router.out.bind(device->regs);
    cpu.socket.bind(router.in);
    device->mem.bind(router.in);
    device->irq.bind(irq);
    cpu.irq.bind(irq);
  }

  // The memory behind a system address range, for a loader or a checker (no simulated time).
  std::uint8_t* host(std::uint64_t addr, std::uint64_t bytes) {
    const std::uint64_t base = options_.memory_base;
    if (addr < base || addr - base > memory.size() || bytes > memory.size() - (addr - base)) {
      throw std::out_of_range(
          fmt::format("system memory does not hold 0x{:x} + {} bytes", addr, bytes));
    }
    return memory.data() + (addr - base);
  }
  const PlatformOptions& options() const { return options_; }

 private:
  PlatformOptions options_;

 public:
  Memory memory;
  Router router;
  Cpu cpu;
  sc_core::sc_signal<bool> irq;
  std::unique_ptr<Accelerator> device;
};

}  // namespace ternac::vp
