#include "ternac/sim/systemc/vp/driver.h"

#include <fmt/format.h>

namespace ternac::vp {

namespace reg = regmap::reg;
namespace field = regmap::field;
using regmap::Error;

namespace {

const char* register_name(std::uint32_t offset) {
  const regmap::RegisterSpec* r = regmap::find_register(offset);
  return r ? r->name : "(no register)";
}

}  // namespace

std::string DeviceInfo::describe() const {
  return fmt::format(
      "ternac {} array {} (register map {}.{}), clock {} ps, DMA window 0x{:x}.."
      "0x{:x}",
      impl == regmap::Impl::kRtl ? "RTL" : "fast model", config.name(), version_major,
      version_minor, clock_ps, window.base, window.base + (window.size - 1));
}

std::string JobResult::describe() const {
  if (error.code != Error::kNone) {
    return fmt::format("error {}: {}", regmap::name(error.code), describe_error(error));
  }
  if (!done) return "not done";
  return fmt::format("done in {} cycles ({} in the array)", total_cycles, array_cycles);
}

Driver::Driver(Mmio& bus, std::uint64_t base, Completion completion)
    : bus_(bus), base_(base), completion_(completion) {}

std::uint32_t Driver::read(std::uint32_t offset) {
  std::uint32_t v = 0;
  if (!bus_.read32(base_ + offset, v)) {
    throw DriverError(fmt::format("reading {} at 0x{:x}: the bus refused the access",
                                  register_name(offset), base_ + offset));
  }
  return v;
}

void Driver::write(std::uint32_t offset, std::uint32_t value) {
  if (!bus_.write32(base_ + offset, value)) {
    throw DriverError(fmt::format("writing 0x{:x} to {} at 0x{:x}: the bus refused the access",
                                  value, register_name(offset), base_ + offset));
  }
}

std::uint64_t Driver::read64(std::uint32_t lo) {
  // The pair changes only when a command completes; read HI around LO until it holds still.
  for (;;) {
    const std::uint32_t h = read(lo + 4);
    const std::uint32_t l = read(lo);
    if (read(lo + 4) == h) return std::uint64_t{h} << 32 | l;
  }
}

DeviceInfo Driver::probe() {
  const std::uint32_t id = read(reg::kId);
  if (id != regmap::kIdValue) {
    throw DriverError(fmt::format("no ternac device at 0x{:x}: ID reads 0x{:08x}, not 0x{:08x}",
                                  base_, id, regmap::kIdValue));
  }
  DeviceInfo d;
  const std::uint32_t version = read(reg::kVersion);
  d.version_major = field::kVersionMajor.get(version);
  d.version_minor = field::kVersionMinor.get(version);
  if (d.version_major != regmap::kVersionMajor) {
    throw DriverError(
        fmt::format("ternac device at 0x{:x} has register map {}.{}; this driver "
                    "knows {}.x",
                    base_, d.version_major, d.version_minor, regmap::kVersionMajor));
  }
  d.impl = static_cast<regmap::Impl>(read(reg::kImpl));
  d.clock_ps = read(reg::kClockPs);
  ArrayConfig& c = d.config;
  c.lanes = static_cast<int>(read(reg::kHwLanes));
  c.tree_inputs = static_cast<int>(read(reg::kHwTreeInputs));
  c.acc_width = static_cast<int>(read(reg::kHwAccWidth));
  c.weight_rows_per_beat = static_cast<int>(read(reg::kHwRowsPerBeat));
  c.token_tile = static_cast<int>(read(reg::kHwTokenTile));
  const std::uint32_t dp = read(reg::kHwDatapath);
  c.datapath = static_cast<Datapath>(field::kHwDatapathDatapath.get(dp));
  c.reduction = static_cast<Reduction>(field::kHwDatapathReduction.get(dp));
  c.pipe_every = static_cast<int>(field::kHwDatapathPipeEvery.get(dp));
  c.level_width_cap = static_cast<int>(field::kHwDatapathLevelWidthCap.get(dp));
  d.window.base = read64(reg::kDmaBaseLo);
  d.window.size = read64(reg::kDmaSizeLo);
  clear(false, true);
  write(reg::kIrqStatus, field::kIrqStatusDone.mask() | field::kIrqStatusError.mask());
  write(reg::kIrqEnable, completion_ == Completion::kInterrupt
                             ? field::kIrqEnableDone.mask() | field::kIrqEnableError.mask()
                             : 0u);
  return d;
}

void Driver::clear(bool status, bool error) {
  write(reg::kClear, field::kClearStatus.put(status) | field::kClearError.put(error));
}

void Driver::program(const GemmJob& job) {
  write(reg::kCmdM, job.shape.m);
  write(reg::kCmdN, job.shape.n);
  write(reg::kCmdK, job.shape.k);
  write(reg::kCmdFormat, static_cast<std::uint32_t>(job.format));
  write(reg::kWAddrLo, static_cast<std::uint32_t>(job.w));
  write(reg::kWAddrHi, static_cast<std::uint32_t>(job.w >> 32));
  write(reg::kXAddrLo, static_cast<std::uint32_t>(job.x));
  write(reg::kXAddrHi, static_cast<std::uint32_t>(job.x >> 32));
  write(reg::kYAddrLo, static_cast<std::uint32_t>(job.y));
  write(reg::kYAddrHi, static_cast<std::uint32_t>(job.y >> 32));
}

void Driver::go() { write(reg::kStart, field::kStartGo.mask()); }

JobResult Driver::wait() {
  const std::uint32_t causes = field::kIrqStatusDone.mask() | field::kIrqStatusError.mask();
  std::uint32_t irq = 0;
  if (completion_ == Completion::kInterrupt) {
    while ((irq & causes) == 0) {
      bus_.wait_for_interrupt();
      irq = read(reg::kIrqStatus);
    }
  } else {
    while (field::kStatusBusy.get(read(reg::kStatus))) {
    }
    irq = read(reg::kIrqStatus);
  }
  write(reg::kIrqStatus, irq & causes);
  JobResult r;
  r.done = field::kIrqStatusDone.get(irq) != 0;
  const std::uint32_t e = read(reg::kError);
  r.error.code = static_cast<Error>(field::kErrorCode.get(e));
  r.error.what = static_cast<regmap::What>(field::kErrorWhat.get(e));
  r.error.info = read64(reg::kErrorInfoLo);
  r.array_cycles = read64(reg::kLastArrayCyclesLo);
  r.total_cycles = read64(reg::kLastTotalCyclesLo);
  r.status = read(reg::kStatus);
  r.illegal_trit_count = read(reg::kIllegalTritCount);
  r.bad_cmd_count = read(reg::kBadCmdCount);
  r.tree_overflow_count = read(reg::kTreeOverflowCount);
  return r;
}

std::uint64_t BufferArena::alloc(std::uint64_t bytes) {
  const std::uint64_t align = regmap::kDmaAlign;
  const std::uint64_t start = (next_ + align - 1) / align * align;
  const std::uint64_t end_of_window = window_.base + (window_.size - 1);
  if (start < next_ || start > end_of_window || bytes > end_of_window - start + 1 || bytes == 0) {
    throw DriverError(
        fmt::format("a buffer of {} bytes does not fit in the DMA window ({} of "
                    "{} bytes used)",
                    bytes, used(), window_.size));
  }
  next_ = start + bytes;
  return start;
}

}  // namespace ternac::vp
