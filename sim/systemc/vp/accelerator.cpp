#include "ternac/sim/systemc/vp/accelerator.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <stdexcept>

#include "ternac/model/core/streams.h"

namespace ternac::vp {

namespace reg = regmap::reg;
namespace field = regmap::field;
using regmap::Error;
using regmap::What;

namespace {

constexpr std::uint32_t kSaturated = std::numeric_limits<std::uint32_t>::max();

void add_saturating(std::uint32_t& counter, std::uint64_t n) {
  counter = n >= kSaturated - counter ? kSaturated : counter + static_cast<std::uint32_t>(n);
}

std::uint32_t lo(std::uint64_t v) { return static_cast<std::uint32_t>(v); }
std::uint32_t hi(std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32); }
void set_lo(std::uint64_t& v, std::uint32_t w) { v = (v & ~0xFFFFFFFFull) | w; }
void set_hi(std::uint64_t& v, std::uint32_t w) { v = (v & 0xFFFFFFFFull) | std::uint64_t{w} << 32; }

const ArrayConfig& checked(const ArrayConfig& c, const AcceleratorOptions& o) {
  c.validate();
  if (c.int8()) {
    throw std::invalid_argument("the memory-mapped device models the ternary array; " + c.name() +
                                " is the INT8 baseline");
  }
  if (c.acc_width > 32) {
    throw std::invalid_argument(
        fmt::format("AccWidth {} of {}: Y holds int32 results, so the device needs AccWidth <= 32",
                    c.acc_width, c.name()));
  }
  if (o.period == sc_core::SC_ZERO_TIME) throw std::invalid_argument("clock period is zero");
  o.window.validate();
  return c;
}

}  // namespace

GemmProblem Operands::problem() const {
  GemmProblem p;
  p.shape = command.shape;
  decode_weights(command.format, w.data(), command.shape.n, command.shape.k, p.weights);
  p.activations.resize(x.size());
  std::memcpy(p.activations.data(), x.data(), x.size());
  return p;
}

Accelerator::Accelerator(sc_core::sc_module_name name, const ArrayConfig& config, regmap::Impl impl,
                         const AcceleratorOptions& options)
    : sc_module(name),
      regs("regs"),
      mem("mem"),
      irq("irq"),
      config_(checked(config, options)),
      impl_(impl),
      options_(options) {
  regs.register_b_transport(this, &Accelerator::b_transport);
  regs.register_transport_dbg(this, &Accelerator::transport_dbg);
  mem.register_invalidate_direct_mem_ptr(this, &Accelerator::invalidate_direct_mem_ptr);
  dma_ = std::make_unique<Dma>(mem, options_.period, options_.use_dmi);
  SC_HAS_PROCESS(Accelerator);
  SC_THREAD(run_thread);
  SC_METHOD(drive_irq);
  sensitive << irq_event_;
}

void Accelerator::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  dma_->invalidate(start, end);
}

// --- Registers ------------------------------------------------------------------------------

std::uint32_t Accelerator::peek(std::uint32_t offset) const { return read_register(offset); }

std::uint32_t Accelerator::read_register(std::uint32_t offset) const {
  const ArrayConfig& c = config_;
  switch (offset) {
    case reg::kId:
      return static_cast<std::uint32_t>(regmap::kIdValue);
    case reg::kVersion:
      return field::kVersionMajor.put(regmap::kVersionMajor) |
             field::kVersionMinor.put(regmap::kVersionMinor);
    case reg::kImpl:
      return static_cast<std::uint32_t>(impl_);
    case reg::kClockPs:
      return static_cast<std::uint32_t>(options_.period.value() /
                                        sc_core::sc_time(1, sc_core::SC_PS).value());
    case reg::kHwLanes:
      return static_cast<std::uint32_t>(c.lanes);
    case reg::kHwTreeInputs:
      return static_cast<std::uint32_t>(c.tree_inputs);
    case reg::kHwAccWidth:
      return static_cast<std::uint32_t>(c.acc_width);
    case reg::kHwRowsPerBeat:
      return static_cast<std::uint32_t>(c.weight_rows_per_beat);
    case reg::kHwTokenTile:
      return static_cast<std::uint32_t>(c.token_tile);
    case reg::kHwDatapath:
      return field::kHwDatapathDatapath.put(static_cast<std::uint32_t>(c.datapath)) |
             field::kHwDatapathReduction.put(static_cast<std::uint32_t>(c.reduction)) |
             field::kHwDatapathPipeEvery.put(static_cast<std::uint32_t>(c.pipe_every)) |
             field::kHwDatapathLevelWidthCap.put(static_cast<std::uint32_t>(c.level_width_cap));
    case reg::kHwMaxK:
      return c.max_k();
    case reg::kHwMaxDim:
      return kMaxDim;
    case reg::kDmaBusBytes:
      return static_cast<std::uint32_t>(regmap::kDmaBusBytes);
    case reg::kDmaAlign:
      return static_cast<std::uint32_t>(regmap::kDmaAlign);
    case reg::kDmaBurstBytes:
      return static_cast<std::uint32_t>(regmap::kDmaBurstBytes);
    case reg::kDmaBaseLo:
      return lo(options_.window.base);
    case reg::kDmaBaseHi:
      return hi(options_.window.base);
    case reg::kDmaSizeLo:
      return lo(options_.window.size);
    case reg::kDmaSizeHi:
      return hi(options_.window.size);
    case reg::kCmdM:
      return cmd_.m;
    case reg::kCmdN:
      return cmd_.n;
    case reg::kCmdK:
      return cmd_.k;
    case reg::kCmdFormat:
      return cmd_.format;
    case reg::kWAddrLo:
      return lo(cmd_.w);
    case reg::kWAddrHi:
      return hi(cmd_.w);
    case reg::kXAddrLo:
      return lo(cmd_.x);
    case reg::kXAddrHi:
      return hi(cmd_.x);
    case reg::kYAddrLo:
      return lo(cmd_.y);
    case reg::kYAddrHi:
      return hi(cmd_.y);
    case reg::kStart:
    case reg::kClear:
      return 0;
    case reg::kStatus:
      return field::kStatusBusy.put(busy_) | field::kStatusError.put(error_.code != Error::kNone) |
             field::kStatusIllegalTrit.put(illegal_trit_) | field::kStatusBadCmd.put(bad_cmd_) |
             field::kStatusTreeOverflow.put(tree_overflow_);
    case reg::kError:
      return field::kErrorCode.put(static_cast<std::uint32_t>(error_.code)) |
             field::kErrorWhat.put(static_cast<std::uint32_t>(error_.what));
    case reg::kErrorInfoLo:
      return lo(error_.info);
    case reg::kErrorInfoHi:
      return hi(error_.info);
    case reg::kErrorCount:
      return error_count_;
    case reg::kIllegalTritCount:
      return illegal_trit_count_;
    case reg::kBadCmdCount:
      return bad_cmd_count_;
    case reg::kTreeOverflowCount:
      return tree_overflow_count_;
    case reg::kDoneCount:
      return done_count_;
    case reg::kLastArrayCyclesLo:
      return lo(last_array_cycles_);
    case reg::kLastArrayCyclesHi:
      return hi(last_array_cycles_);
    case reg::kLastTotalCyclesLo:
      return lo(last_total_cycles_);
    case reg::kLastTotalCyclesHi:
      return hi(last_total_cycles_);
    case reg::kIrqEnable:
      return irq_enable_;
    case reg::kIrqStatus:
      return irq_status_;
    default:
      return 0;  // not a register: access() refuses it before this is asked
  }
}

void Accelerator::write_register(std::uint32_t offset, std::uint32_t value) {
  switch (offset) {
    case reg::kCmdM:
      cmd_.m = value;
      break;
    case reg::kCmdN:
      cmd_.n = value;
      break;
    case reg::kCmdK:
      cmd_.k = value;
      break;
    case reg::kCmdFormat:
      cmd_.format = value;
      break;
    case reg::kWAddrLo:
      set_lo(cmd_.w, value);
      break;
    case reg::kWAddrHi:
      set_hi(cmd_.w, value);
      break;
    case reg::kXAddrLo:
      set_lo(cmd_.x, value);
      break;
    case reg::kXAddrHi:
      set_hi(cmd_.x, value);
      break;
    case reg::kYAddrLo:
      set_lo(cmd_.y, value);
      break;
    case reg::kYAddrHi:
      set_hi(cmd_.y, value);
      break;
    case reg::kStart:
      if (field::kStartGo.get(value)) start();
      break;
    case reg::kClear:
      if (field::kClearStatus.get(value)) {
        illegal_trit_ = bad_cmd_ = tree_overflow_ = false;
        illegal_trit_count_ = bad_cmd_count_ = tree_overflow_count_ = done_count_ = 0;
      }
      if (field::kClearError.get(value)) {
        error_ = {};
        error_count_ = 0;
      }
      break;
    case reg::kIrqEnable:
      irq_enable_ = value & (field::kIrqEnableDone.mask() | field::kIrqEnableError.mask());
      irq_event_.notify(sc_core::SC_ZERO_TIME);
      break;
    case reg::kIrqStatus:
      irq_status_ &= ~value;
      irq_event_.notify(sc_core::SC_ZERO_TIME);
      break;
    default:
      break;  // read-only: access() refuses the write before this is asked
  }
}

// Whether a register access is one the device takes; `offset` gets the register's offset.
tlm::tlm_response_status Accelerator::access(tlm::tlm_generic_payload& t, std::uint32_t& offset) {
  offset = 0;
  if (t.get_data_length() != regmap::kRegisterBytes ||
      t.get_streaming_width() < regmap::kRegisterBytes) {
    return tlm::TLM_BURST_ERROR_RESPONSE;
  }
  if (t.get_byte_enable_ptr() != nullptr) {
    for (unsigned i = 0; i < regmap::kRegisterBytes; ++i) {
      const unsigned len = t.get_byte_enable_length();
      if (len == 0 || t.get_byte_enable_ptr()[i % len] != TLM_BYTE_ENABLED) {
        return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
      }
    }
  }
  const sc_dt::uint64 addr = t.get_address();
  const regmap::RegisterSpec* r = addr < regmap::kWindowBytes
                                      ? regmap::find_register(static_cast<std::uint32_t>(addr))
                                      : nullptr;
  if (r == nullptr) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  offset = r->offset;
  if (t.is_write() && r->access == regmap::Access::kRo) return tlm::TLM_COMMAND_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

void Accelerator::b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
  // Register accesses take effect at their own time: the device synchronizes with the initiator,
  // then answers after one clock cycle.
  if (delay != sc_core::SC_ZERO_TIME) wait(delay);
  delay = options_.period;
  if (t.get_command() == tlm::TLM_IGNORE_COMMAND) {
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  std::uint32_t offset = 0;
  const tlm::tlm_response_status rs = access(t, offset);
  t.set_response_status(rs);
  if (rs != tlm::TLM_OK_RESPONSE) {
    record_error({Error::kRegAccess, What::kRegister, t.get_address()});
    return;
  }
  std::uint32_t value = 0;
  if (t.is_read()) {
    value = read_register(offset);
    std::memcpy(t.get_data_ptr(), &value, sizeof value);
  } else {
    std::memcpy(&value, t.get_data_ptr(), sizeof value);
    write_register(offset, value);
  }
}

unsigned int Accelerator::transport_dbg(tlm::tlm_generic_payload& t) {
  // Debug reads only (a debugger's view of the registers): nothing changes, no time passes.
  // A debug transaction has only a command, an address, data and a length.
  const sc_dt::uint64 addr = t.get_address();
  const regmap::RegisterSpec* r = addr < regmap::kWindowBytes
                                      ? regmap::find_register(static_cast<std::uint32_t>(addr))
                                      : nullptr;
  if (!t.is_read() || r == nullptr || t.get_data_length() < regmap::kRegisterBytes) return 0;
  const std::uint32_t value = read_register(r->offset);
  std::memcpy(t.get_data_ptr(), &value, sizeof value);
  return sizeof value;
}

// --- Commands, errors, interrupts ----------------------------------------------------------------

void Accelerator::record_error(const CommandError& e) {
  error_ = e;
  add_saturating(error_count_, 1);
  raise(field::kIrqStatusError.mask());
}

void Accelerator::raise(std::uint32_t irq_bits) {
  irq_status_ |= irq_bits;
  irq_event_.notify(sc_core::SC_ZERO_TIME);
}

void Accelerator::drive_irq() { irq.write((irq_status_ & irq_enable_) != 0); }

void Accelerator::start() {
  if (busy_) {
    record_error({Error::kBusy, What::kNone, 0});
    return;
  }
  CommandError e;
  if (!check_command(cmd_, config_, options_.window, latched_, e)) {
    if (e.code == Error::kShape) {
      // The array would drop this command whole and flag it.
      bad_cmd_ = true;
      add_saturating(bad_cmd_count_, 1);
    }
    record_error(e);
    return;
  }
  busy_ = true;
  start_event_.notify(sc_core::SC_ZERO_TIME);
}

void Accelerator::run_thread() {
  for (;;) {
    wait(start_event_);
    // The command starts at the first clock edge at or after the START write.
    const sc_dt::uint64 p = options_.period.value();
    const sc_dt::uint64 rem = sc_core::sc_time_stamp().value() % p;
    if (rem != 0) wait(sc_core::sc_time::from_value(p - rem));
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    const Command c = latched_;
    Operands ops;
    ops.command = c;
    ops.w.resize(c.w.bytes);
    ops.x.resize(c.x.bytes);
    const auto fetch = [&](const DmaOutcome& o, What what) {
      dmi_bursts_ += o.dmi_bursts;
      transport_bursts_ += o.transport_bursts;
      wait(sc_core::sc_time::from_value(p * o.cycles));
      if (!o.ok) record_error({Error::kBus, what, o.failed_at});
      return o.ok;
    };
    bool ok = fetch(dma_->read(c.w, ops.w.data()), What::kW) &&
              fetch(dma_->read(c.x, ops.x.data()), What::kX);
    if (ok) {
      const ArrayOutcome out = run_array(ops);
      const std::vector<std::uint8_t> y = encode_results(out.y);
      ok = fetch(dma_->write(c.y, y.data()), What::kY);
      if (ok) {
        if (out.illegal_trits) illegal_trit_ = true;
        add_saturating(illegal_trit_count_, out.illegal_trits);
        if (out.tree_overflows) tree_overflow_ = true;
        add_saturating(tree_overflow_count_, out.tree_overflows);
        add_saturating(done_count_, 1);
        last_array_cycles_ = out.cycles;
        last_total_cycles_ = (sc_core::sc_time_stamp() - t0).value() / p;
        raise(field::kIrqStatusDone.mask());
      }
    }
    busy_ = false;
  }
}

}  // namespace ternac::vp
