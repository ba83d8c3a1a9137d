// Tests of the memory-mapped device (docs/systemc.md), through the example platform: a CPU
// program drives the registers, the device reads and writes system memory. One SystemC scenario
// per process; --model chooses the fast model or the Verilated RTL (TERNAC_VTOP) behind the
// same registers.
//
//   vp_test_<config> regs     --model fast|rtl             every register, every error, the IRQ
//   vp_test_<config> hostile  --model fast|rtl --seed S --transactions N
//                                                          random register accesses and address
//                                                          ranges against a reference of the
//                                                          documented rules: no crash, every
//                                                          error reported
//   vp_test_<config> program  --model fast|rtl [--latency-ns L] [--no-dmi] [--json FILE]
//                                                          a fixed program: Y, cycles and IRQ
//                                                          times against the golden and cycle
//                                                          models; JSON for compare
//   vp_test_<config> compare  --a FILE --b FILE           two programs' JSON: same memory, same
//                                                          interrupt times
//   vp_test_<config> cosim    --model fast|rtl --seed S --commands N
//                                                          random GEMMs through the registers and
//                                                          memory, scored against the extension-
//                                                          based TLM target (gemm_target.h)
//
// Exit status: 0 every check passed, 1 a check failed, 2 bad usage.
// clang-format off
#include TERNAC_VTOP_HEADER
// clang-format on

#include <fmt/format.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/streams.h"
#include "ternac/model/workload/workload.h"
#include "ternac/sim/cli_args.h"
#include "ternac/sim/systemc/gemm_target.h"
#include "ternac/sim/systemc/vp/checks.h"
#include "ternac/sim/systemc/vp/driver.h"
#include "ternac/sim/systemc/vp/fast_accelerator.h"
#include "ternac/sim/systemc/vp/platform.h"
#include "ternac/sim/systemc/vp/rtl_accelerator.h"
#include "ternac/testbench/env/hw_config.h"

namespace ternac::vp {
namespace {

using namespace sc_core;
namespace reg = regmap::reg;
namespace field = regmap::field;
using regmap::Error;
using regmap::Format;
using regmap::What;
using VTop = TERNAC_VTOP;
using json = nlohmann::json;

constexpr std::uint64_t kDeviceBase = 0x4000'0000;
constexpr std::uint64_t kMemoryBase = 0x8000'0000;

DeviceFactory factory(const std::string& model, const ArrayConfig& cfg) {
  if (model == "fast") {
    return [cfg](const char* name, const AcceleratorOptions& o) -> std::unique_ptr<Accelerator> {
      return std::make_unique<FastAccelerator>(name, cfg, o);
    };
  }
  return [cfg](const char* name, const AcceleratorOptions& o) -> std::unique_ptr<Accelerator> {
    return std::make_unique<RtlAccelerator<VTop>>(name, cfg, o);
  };
}

std::string hex(std::uint64_t v) { return fmt::format("0x{:x}", v); }

// DMA cycles of a region by the documented rule, written out here: bursts split at 4 KiB
// boundaries, ceil(bytes / 32) cycles each, plus the memory's latency per burst.
std::uint64_t dma_cycles_by_hand(std::uint64_t addr, std::uint64_t bytes, std::uint64_t latency) {
  std::uint64_t cycles = 0;
  while (bytes > 0) {
    const std::uint64_t len = std::min<std::uint64_t>(bytes, 4096 - addr % 4096);
    cycles += (len + 31) / 32 + latency;
    addr += len;
    bytes -= len;
  }
  return cycles;
}

// A job placed in memory.
struct Placed {
  TestJob job;
  GemmJob g;
};

TestJob make_job(const std::string& name, GemmShape s, Format f, std::mt19937_64& rng,
                 int illegal = 0, std::uint8_t illegal_byte = 2) {
  TestJob j;
  j.name = name;
  j.shape = s;
  j.format = f;
  j.illegal_byte = illegal_byte;
  j.w.resize(std::size_t{s.n} * s.k);
  for (int& w : j.w) w = static_cast<int>(rng() % 5) - 2 < -1 ? 0 : static_cast<int>(rng() % 3) - 1;
  for (int i = 0; i < illegal; ++i) j.w[rng() % j.w.size()] = kIllegalWeight;
  j.x.resize(std::size_t{s.m} * s.k);
  for (auto& x : j.x) x = static_cast<std::int8_t>(rng() & 0xFF);
  return j;
}

// W, X and Y one after the other, each after a guard of 32 bytes.
Placed place(BufferArena& arena, const TestJob& job) {
  Placed p{job, {}};
  p.g.shape = job.shape;
  p.g.format = job.format;
  arena.alloc(32);
  p.g.w = arena.alloc(weight_image(job).size());
  arena.alloc(32);
  p.g.x = arena.alloc(job.x.size());
  arena.alloc(32);
  p.g.y = arena.alloc(result_bytes(job.shape.m, job.shape.n));
  return p;
}

void load(Platform& pf, const Placed& p) {
  const std::vector<std::uint8_t> w = weight_image(p.job);
  std::memcpy(pf.host(p.g.w, w.size()), w.data(), w.size());
  std::memcpy(pf.host(p.g.x, p.job.x.size()), p.job.x.data(), p.job.x.size());
  const std::uint64_t yb = result_bytes(p.job.shape.m, p.job.shape.n);
  std::memset(pf.host(p.g.y, yb), 0xA5, yb);
}

bool check_y(Platform& pf, Checks& ck, const Placed& p, const std::string& what) {
  const std::vector<std::int64_t> want = plain_results(p.job);
  const std::vector<std::int64_t> got =
      decode_results(pf.host(p.g.y, want.size() * 4), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (got[i] != want[i]) {
      return ck.check(false,
                      fmt::format("{}: Y[{}][{}] = {}, the plain multiply-add gives {}", what,
                                  i / p.job.shape.n, i % p.job.shape.n, got[i], want[i]));
    }
  }
  return ck.check(true, what + ": every value of Y");
}

// The whole memory's digest (a refused command must leave it as it was).
std::uint64_t memory_digest(Platform& pf) { return fnv1a64(pf.memory.data(), pf.memory.size()); }

struct Options {
  std::string model;
  ArrayConfig cfg;
  std::uint64_t seed = 1;
  std::uint64_t count = 0;
  std::uint64_t latency_ns = 0;
  bool dmi = true;
  bool verbose = false;
  std::string json_path;
  std::string self;
};

// The platform, the checks and what every scenario needs, inside the CPU's thread.
struct Bench {
  Platform& pf;
  IrqMonitor& mon;
  Checks& ck;
  const Options& opt;
  Driver drv;
  sc_time period;
  std::uint64_t latency_cycles;

  Bench(Platform& p, IrqMonitor& m, Checks& c, const Options& o)
      : pf(p),
        mon(m),
        ck(c),
        opt(o),
        drv(p.cpu, p.options().device_base),
        period(p.options().period),
        latency_cycles((p.options().memory_latency.value() + period.value() - 1) / period.value()) {
  }

  // One register access of any shape; returns the response status.
  tlm::tlm_response_status raw(tlm::tlm_command cmd, std::uint64_t offset, std::uint32_t& value,
                               unsigned len = 4, const std::uint8_t* be = nullptr,
                               unsigned be_len = 0, unsigned streaming = 0) {
    std::uint8_t buf[8] = {};
    std::memcpy(buf, &value, 4);
    const tlm::tlm_response_status rs =
        pf.cpu.transact(cmd, pf.options().device_base + offset, buf, len, be, be_len, streaming);
    std::memcpy(&value, buf, 4);
    return rs;
  }
  std::uint32_t rd(std::uint32_t off) { return drv.read(off); }
  void wr(std::uint32_t off, std::uint32_t v) { drv.write(off, v); }
  sc_time now() const { return sc_time_stamp(); }

  // The cycles of a job that runs: read W, read X, the array, write Y.
  std::uint64_t expected_total(const Placed& p) const {
    const GemmShape& s = p.job.shape;
    return dma_cycles_by_hand(p.g.w, weight_bytes(p.job.format, s.n, s.k), latency_cycles) +
           dma_cycles_by_hand(p.g.x, activation_bytes(s.m, s.k), latency_cycles) +
           predict_cycles(opt.cfg, s).cycles +
           dma_cycles_by_hand(p.g.y, result_bytes(s.m, s.n), latency_cycles);
  }

  // Runs a placed job through the driver and checks Y, the cycle counts, the interrupt time and
  // the illegal-code count. Returns the JSON record of the run.
  json run_checked(const Placed& p, const std::string& step) {
    drv.clear(false, true);
    const std::uint32_t illegal_before = rd(reg::kIllegalTritCount);
    drv.program(p.g);
    const sc_time t_start = now();
    drv.go();
    const JobResult r = drv.wait();
    const std::string what =
        fmt::format("{} ({} {}{})", step, p.job.shape.str(), regmap::name(p.job.format), "");
    ck.check(r.ok(), what + ": completes: " + r.describe());
    check_y(pf, ck, p, what);
    const std::uint64_t cycles = predict_cycles(opt.cfg, p.job.shape).cycles;
    ck.equal(r.array_cycles, cycles, what + ": LAST_ARRAY_CYCLES against the cycle model");
    const std::uint64_t total = expected_total(p);
    ck.equal(r.total_cycles, total, what + ": LAST_TOTAL_CYCLES against DMA + cycle model");
    sc_time irq;
    const bool rose = mon.rise_after(t_start, irq);
    const sc_time want = align_up(t_start, period) + period * static_cast<double>(total);
    ck.check(rose && irq == want, fmt::format("{}: interrupt at {}, predicted {}", what,
                                              rose ? irq.to_string() : "never", want.to_string()));
    const std::uint64_t blocks = tile_grid(opt.cfg, p.job.shape).token_blocks;
    ck.equal(std::uint64_t{rd(reg::kIllegalTritCount) - illegal_before},
             illegal_weights(p.job) * blocks, what + ": ILLEGAL_TRIT_COUNT counts per token block");
    const std::uint64_t yb = result_bytes(p.job.shape.m, p.job.shape.n);
    return {{"step", step},
            {"m", p.job.shape.m},
            {"n", p.job.shape.n},
            {"k", p.job.shape.k},
            {"format", regmap::name(p.job.format)},
            {"error", regmap::name(r.error.code)},
            {"array_cycles", r.array_cycles},
            {"total_cycles", r.total_cycles},
            {"irq_ps", rose ? irq.value() : 0},
            {"y_fnv1a64", hex(fnv1a64(pf.host(p.g.y, yb), yb))}};
  }
};

// ---------------------------------------------------------------------------------------------
// regs: every register, every error, the interrupt.

// The value each register reads after reset, written out from docs/systemc.md; every register of
// the map must be here.
std::map<std::string, std::uint32_t> expected_reset(const Bench& b) {
  const ArrayConfig& c = b.opt.cfg;
  const DmaWindow w{
      b.pf.options().window.size ? b.pf.options().window.base : kMemoryBase,
      b.pf.options().window.size ? b.pf.options().window.size : b.pf.options().memory_size};
  std::map<std::string, std::uint32_t> v = {
      {"ID", 0x54524E43u},
      {"VERSION", 0x00010000u},
      {"IMPL", b.opt.model == "rtl" ? 1u : 0u},
      {"CLOCK_PS", 1000u},
      {"HW_LANES", static_cast<std::uint32_t>(c.lanes)},
      {"HW_TREE_INPUTS", static_cast<std::uint32_t>(c.tree_inputs)},
      {"HW_ACC_WIDTH", static_cast<std::uint32_t>(c.acc_width)},
      {"HW_ROWS_PER_BEAT", static_cast<std::uint32_t>(c.weight_rows_per_beat)},
      {"HW_TOKEN_TILE", static_cast<std::uint32_t>(c.token_tile)},
      {"HW_DATAPATH", static_cast<std::uint32_t>(c.datapath) |
                          static_cast<std::uint32_t>(c.reduction) << 8 |
                          static_cast<std::uint32_t>(c.pipe_every) << 16 |
                          static_cast<std::uint32_t>(c.level_width_cap) << 24},
      {"HW_MAX_K", c.max_k()},
      {"HW_MAX_DIM", 0xFFFFFFu},
      {"DMA_BUS_BYTES", 32u},
      {"DMA_ALIGN", 32u},
      {"DMA_BURST_BYTES", 4096u},
      {"DMA_BASE_LO", static_cast<std::uint32_t>(w.base)},
      {"DMA_BASE_HI", static_cast<std::uint32_t>(w.base >> 32)},
      {"DMA_SIZE_LO", static_cast<std::uint32_t>(w.size)},
      {"DMA_SIZE_HI", static_cast<std::uint32_t>(w.size >> 32)},
  };
  for (const regmap::RegisterSpec& r : regmap::kRegisters) {
    if (!r.hw_reset) v.emplace(r.name, r.reset);
  }
  return v;
}

// The error registers after a refused access or command.
void expect_error(Bench& b, Error code, What what, std::uint64_t info, const std::string& label) {
  const std::uint32_t e = b.rd(reg::kError);
  const CommandError got{static_cast<Error>(field::kErrorCode.get(e)),
                         static_cast<What>(field::kErrorWhat.get(e)),
                         b.drv.read64(reg::kErrorInfoLo)};
  b.ck.check(got.code == code && got.what == what && got.info == info,
             fmt::format("{}: ERROR {}/{} info {} (\"{}\"), want {}/{} info {}", label,
                         regmap::name(got.code), regmap::name(got.what), hex(got.info),
                         describe_error(got), regmap::name(code), regmap::name(what), hex(info)));
  b.ck.check(field::kStatusError.get(b.rd(reg::kStatus)) == 1, label + ": STATUS.ERROR set");
  b.ck.check(field::kIrqStatusError.get(b.rd(reg::kIrqStatus)) == 1,
             label + ": IRQ_STATUS.ERROR set");
}

void regs_scenario(Bench& b) {
  Checks& ck = b.ck;
  // Reset values, every register.
  const auto reset = expected_reset(b);
  for (const regmap::RegisterSpec& r : regmap::kRegisters) {
    const auto it = reset.find(r.name);
    if (!ck.check(it != reset.end(), fmt::format("{}: the test knows its reset value", r.name))) {
      continue;
    }
    std::uint32_t v = 0;
    const auto rs = b.raw(tlm::TLM_READ_COMMAND, r.offset, v);
    ck.check(rs == tlm::TLM_OK_RESPONSE && v == it->second,
             fmt::format("{} reads {} after reset, want {}", r.name, hex(v), hex(it->second)));
  }
  ck.check(b.pf.cpu.irq.read() == false, "the interrupt is low after reset");

  // Access rules, every register.
  std::uint32_t errors = 0;
  for (const regmap::RegisterSpec& r : regmap::kRegisters) {
    const std::string n = r.name;
    std::uint32_t v = 0xFFFFFFFFu;
    switch (r.access) {
      case regmap::Access::kRo: {
        const std::uint32_t before = b.rd(r.offset);
        const auto rs = b.raw(tlm::TLM_WRITE_COMMAND, r.offset, v);
        ++errors;
        ck.check(rs == tlm::TLM_COMMAND_ERROR_RESPONSE, n + ": a write is refused (COMMAND_ERROR)");
        expect_error(b, Error::kRegAccess, What::kRegister, r.offset, n + " written");
        if (r.offset != reg::kStatus && r.offset != reg::kError && r.offset != reg::kErrorInfoLo &&
            r.offset != reg::kErrorInfoHi && r.offset != reg::kErrorCount) {
          ck.equal(b.rd(r.offset), before, n + ": unchanged by the refused write");
        }
        break;
      }
      case regmap::Access::kRw: {
        if (r.offset == reg::kIrqEnable) b.wr(reg::kIrqStatus, 0xFFFFFFFFu);
        b.wr(r.offset, 0xFFFFFFFFu);
        ck.equal(b.rd(r.offset), r.bits, n + ": all ones written read back as its bits");
        b.wr(r.offset, 0x5A5A5A5Au);
        ck.equal(b.rd(r.offset), 0x5A5A5A5Au & r.bits, n + ": 0x5a5a5a5a read back");
        b.wr(r.offset, 0);
        ck.equal(b.rd(r.offset), 0u, n + ": 0 read back");
        break;
      }
      case regmap::Access::kWo: {
        v = 0;
        ck.check(b.raw(tlm::TLM_READ_COMMAND, r.offset, v) == tlm::TLM_OK_RESPONSE && v == 0,
                 n + ": write-only, reads 0");
        const std::uint32_t count = b.rd(reg::kErrorCount);
        b.wr(r.offset, 0);  // no bit set: nothing happens
        ck.equal(b.rd(reg::kErrorCount), count, n + ": writing 0 does nothing");
        ck.equal(field::kStatusBusy.get(b.rd(reg::kStatus)), 0u, n + ": writing 0 starts nothing");
        break;
      }
      case regmap::Access::kRw1c: {
        v = 0;
        b.raw(tlm::TLM_WRITE_COMMAND, reg::kId, v);  // a refused write sets ERROR
        ++errors;
        const std::uint32_t set = b.rd(r.offset);
        ck.check(field::kIrqStatusError.get(set) == 1, n + ": the refused writes set ERROR");
        b.wr(r.offset, 0);
        ck.equal(b.rd(r.offset), set, n + ": writing 0 clears nothing");
        b.wr(r.offset, field::kIrqStatusError.mask());
        ck.equal(b.rd(r.offset), set & ~field::kIrqStatusError.mask(), n + ": writing 1 clears");
        break;
      }
    }
  }
  ck.equal(b.rd(reg::kErrorCount), errors, "ERROR_COUNT counts every refused write");
  // CLEAR.ERROR and CLEAR.STATUS.
  b.wr(reg::kClear, field::kClearError.mask());
  ck.equal(b.rd(reg::kError), 0u, "CLEAR.ERROR clears ERROR");
  ck.equal(b.drv.read64(reg::kErrorInfoLo), std::uint64_t{0}, "CLEAR.ERROR clears ERROR_INFO");
  ck.equal(b.rd(reg::kErrorCount), 0u, "CLEAR.ERROR clears ERROR_COUNT");
  ck.equal(field::kStatusError.get(b.rd(reg::kStatus)), 0u, "CLEAR.ERROR clears STATUS.ERROR");

  // Refused accesses: each gets its TLM response and is recorded as REG_ACCESS.
  struct BadAccess {
    std::string what;
    tlm::tlm_command cmd;
    std::uint64_t offset;
    unsigned len, be_len, streaming;
    std::vector<std::uint8_t> be;
    tlm::tlm_response_status want;
  };
  const std::vector<BadAccess> bad = {
      {"read of unmapped offset 0x03c",
       tlm::TLM_READ_COMMAND,
       0x03C,
       4,
       0,
       0,
       {},
       tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"write of unmapped offset 0x078",
       tlm::TLM_WRITE_COMMAND,
       0x078,
       4,
       0,
       0,
       {},
       tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"read of the window's last word 0x0fc",
       tlm::TLM_READ_COMMAND,
       0x0FC,
       4,
       0,
       0,
       {},
       tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"misaligned read at 0x051",
       tlm::TLM_READ_COMMAND,
       0x051,
       4,
       0,
       0,
       {},
       tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"2-byte read of CMD_M",
       tlm::TLM_READ_COMMAND,
       reg::kCmdM,
       2,
       0,
       0,
       {},
       tlm::TLM_BURST_ERROR_RESPONSE},
      {"8-byte write of W_ADDR",
       tlm::TLM_WRITE_COMMAND,
       reg::kWAddrLo,
       8,
       0,
       0,
       {},
       tlm::TLM_BURST_ERROR_RESPONSE},
      {"streaming width 2",
       tlm::TLM_READ_COMMAND,
       reg::kCmdN,
       4,
       0,
       2,
       {},
       tlm::TLM_BURST_ERROR_RESPONSE},
      {"byte enables with a byte off",
       tlm::TLM_WRITE_COMMAND,
       reg::kCmdK,
       4,
       4,
       0,
       {0xFF, 0x00, 0xFF, 0xFF},
       tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
  };
  for (const BadAccess& a : bad) {
    const std::uint32_t count = b.rd(reg::kErrorCount);
    std::uint32_t v = 0x1234;
    const auto rs = b.raw(a.cmd, a.offset, v, a.len, a.be.empty() ? nullptr : a.be.data(), a.be_len,
                          a.streaming);
    ck.check(rs == a.want, fmt::format("{}: response {}", a.what, static_cast<int>(rs)));
    expect_error(b, Error::kRegAccess, What::kRegister, a.offset, a.what);
    ck.equal(b.rd(reg::kErrorCount), count + 1, a.what + ": ERROR_COUNT + 1");
  }
  {
    const std::uint8_t all[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    std::uint32_t v = 77;
    ck.check(b.raw(tlm::TLM_WRITE_COMMAND, reg::kCmdK, v, 4, all, 4) == tlm::TLM_OK_RESPONSE &&
                 b.rd(reg::kCmdK) == 77,
             "a write with every byte enabled is taken");
    const std::uint32_t count = b.rd(reg::kErrorCount);
    v = 0;
    ck.check(
        b.raw(tlm::TLM_READ_COMMAND, regmap::kWindowBytes, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE,
        "an access past the device's window is refused by the interconnect");
    ck.equal(b.rd(reg::kErrorCount), count, "... and never reaches the device");
    v = 0;
    ck.check(b.raw(tlm::TLM_IGNORE_COMMAND, reg::kCmdM, v) == tlm::TLM_OK_RESPONSE,
             "TLM_IGNORE_COMMAND is answered OK");
    // A debugger's read: no time passes, nothing changes.
    tlm::tlm_generic_payload t;
    std::uint8_t buf[4] = {};
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(b.pf.options().device_base + reg::kId);
    t.set_data_ptr(buf);
    t.set_data_length(4);
    t.set_streaming_width(4);
    const sc_time before = b.now();
    const unsigned n = b.pf.cpu.socket->transport_dbg(t);
    std::uint32_t id = 0;
    std::memcpy(&id, buf, 4);
    ck.check(n == 4 && id == 0x54524E43u && b.now() == before,
             "a debug read of ID returns it in no time");
  }
  b.wr(reg::kClear, field::kClearError.mask());
  b.wr(reg::kIrqStatus, 0xFFFFFFFFu);

  // A good command, and its interrupt.
  BufferArena arena(DmaWindow{kMemoryBase, b.pf.options().memory_size});
  std::mt19937_64 rng(5);
  const ArrayConfig& c = b.opt.cfg;
  const Placed good =
      place(arena, make_job("good",
                            {std::uint32_t(c.token_tile) + 2, std::uint32_t(c.lanes) + 1,
                             std::uint32_t(c.tree_inputs) * 2 + 1},
                            Format::kCodes, rng, 3));
  load(b.pf, good);
  b.wr(reg::kIrqEnable, 0);
  b.drv.program(good.g);
  const sc_time t_start = b.now();
  b.drv.go();
  ck.equal(field::kStatusBusy.get(b.rd(reg::kStatus)), 1u, "STATUS.BUSY right after START");
  // The command registers are latched at START: changing them now changes nothing.
  b.wr(reg::kCmdM, 0);
  b.wr(reg::kWAddrLo, 1);
  b.wr(reg::kYAddrLo, static_cast<std::uint32_t>(good.g.w));
  const std::uint64_t total = b.expected_total(good);
  const sc_time done_at = align_up(t_start, b.period) + b.period * static_cast<double>(total);
  b.pf.cpu.idle(done_at + b.period - b.now());
  ck.equal(field::kStatusBusy.get(b.rd(reg::kStatus)), 0u, "STATUS.BUSY clear once done");
  ck.equal(b.rd(reg::kIrqStatus), field::kIrqStatusDone.mask(),
           "IRQ_STATUS.DONE set with the interrupt disabled");
  ck.check(b.mon.rises.empty() && !b.pf.cpu.irq.read(), "the line stayed low: DONE disabled");
  check_y(b.pf, ck, good, "a command whose registers changed after START");
  ck.equal(b.rd(reg::kDoneCount), 1u, "DONE_COUNT");
  ck.equal(b.drv.read64(reg::kLastArrayCyclesLo), predict_cycles(c, good.job.shape).cycles,
           "LAST_ARRAY_CYCLES");
  ck.equal(b.drv.read64(reg::kLastTotalCyclesLo), total, "LAST_TOTAL_CYCLES");
  const std::uint64_t blocks = tile_grid(c, good.job.shape).token_blocks;
  ck.equal(std::uint64_t{b.rd(reg::kIllegalTritCount)}, 3 * blocks,
           "ILLEGAL_TRIT_COUNT: 3 illegal codes per token block");
  ck.equal(field::kStatusIllegalTrit.get(b.rd(reg::kStatus)), 1u, "STATUS.ILLEGAL_TRIT");
  ck.equal(field::kStatusTreeOverflow.get(b.rd(reg::kStatus)), 0u,
           "STATUS.TREE_OVERFLOW never set by a full-precision array");
  ck.equal(b.rd(reg::kTreeOverflowCount), 0u, "TREE_OVERFLOW_COUNT stays 0");
  const sc_time enable_at = b.now();
  b.wr(reg::kIrqEnable, field::kIrqEnableDone.mask());
  ck.check(b.pf.cpu.irq.read() && b.mon.rises.size() == 1 && b.mon.rises[0] == enable_at,
           "enabling DONE with DONE pending raises the line at once");
  b.wr(reg::kIrqStatus, field::kIrqStatusError.mask());
  ck.check(b.pf.cpu.irq.read(), "clearing ERROR leaves DONE, the line high");
  b.wr(reg::kIrqStatus, field::kIrqStatusDone.mask());
  ck.check(!b.pf.cpu.irq.read() && b.rd(reg::kIrqStatus) == 0, "clearing DONE drops the line");
  b.wr(reg::kClear, field::kClearStatus.mask());
  ck.check(b.rd(reg::kIllegalTritCount) == 0 && b.rd(reg::kDoneCount) == 0 &&
               field::kStatusIllegalTrit.get(b.rd(reg::kStatus)) == 0,
           "CLEAR.STATUS clears the sticky bits and counters");

  // The interrupt's timing, and DMI withdrawn between commands.
  (void)b.drv.probe();  // enables DONE and ERROR
  const std::uint64_t dmi_before = b.pf.device->dmi_bursts();
  b.run_checked(good, "good again, interrupt timing");
  const bool used_dmi = b.pf.device->dmi_bursts() > dmi_before;
  ck.check(!b.opt.dmi || used_dmi, "the DMA uses DMI where the memory grants it");
  b.pf.memory.set_dmi(false);
  const std::uint64_t transport_before = b.pf.device->transport_bursts();
  b.run_checked(good, "good without DMI");
  ck.check(b.pf.device->transport_bursts() > transport_before,
           "with DMI withdrawn, the DMA uses b_transport: same results, same timing");
  b.pf.memory.set_dmi(true);

  // Every error of START: the command is refused, memory unchanged, nothing started.
  struct BadCommand {
    std::string what;
    std::function<void(GemmJob&)> spoil;
    Error code;
    What which;
    std::function<std::uint64_t(const GemmJob&)> info;
  };
  const std::uint64_t mem_end = kMemoryBase + b.pf.options().memory_size;
  const std::uint64_t win_end = b.pf.options().window.base + b.pf.options().window.size;
  const std::vector<BadCommand> bad_commands = {
      {"M = 0", [](GemmJob& g) { g.shape.m = 0; }, Error::kShape, What::kM,
       [](const GemmJob&) { return 0; }},
      {"N = 2^24", [](GemmJob& g) { g.shape.n = 1u << 24; }, Error::kShape, What::kN,
       [](const GemmJob&) { return 1u << 24; }},
      {"K = HW_MAX_K + 1", [&](GemmJob& g) { g.shape.k = c.max_k() + 1; }, Error::kShape, What::kK,
       [&](const GemmJob&) { return c.max_k() + 1; }},
      {"FORMAT = 2", [](GemmJob& g) { g.format = static_cast<Format>(2); }, Error::kFormat,
       What::kFormat, [](const GemmJob&) { return 2; }},
      {"I2S with K = 100",
       [](GemmJob& g) {
         g.format = Format::kI2s;
         g.shape.k = 100;
       },
       Error::kFormat, What::kK, [](const GemmJob&) { return 100; }},
      {"W misaligned", [](GemmJob& g) { g.w += 1; }, Error::kAlign, What::kW,
       [](const GemmJob& g) { return g.w; }},
      {"X misaligned", [](GemmJob& g) { g.x += 16; }, Error::kAlign, What::kX,
       [](const GemmJob& g) { return g.x; }},
      {"Y misaligned", [](GemmJob& g) { g.y += 4; }, Error::kAlign, What::kY,
       [](const GemmJob& g) { return g.y; }},
      {"W below the window", [](GemmJob& g) { g.w = kMemoryBase - 32; }, Error::kRange, What::kW,
       [](const GemmJob& g) { return g.w; }},
      {"X past the window's end", [&](GemmJob& g) { g.x = win_end - 32; }, Error::kRange, What::kX,
       [](const GemmJob& g) { return g.x; }},
      {"Y wrapping past 2^64", [](GemmJob& g) { g.y = ~std::uint64_t{31}; }, Error::kRange,
       What::kY, [](const GemmJob& g) { return g.y; }},
      {"Y overlapping W", [](GemmJob& g) { g.y = g.w + 32; }, Error::kOverlap, What::kW,
       [](const GemmJob& g) { return g.y; }},
      {"Y overlapping X", [](GemmJob& g) { g.y = g.x; }, Error::kOverlap, What::kX,
       [](const GemmJob& g) { return g.y; }},
  };
  b.drv.clear(true, true);
  for (const BadCommand& bc : bad_commands) {
    GemmJob g = good.g;
    bc.spoil(g);
    const std::uint64_t digest = memory_digest(b.pf);
    const std::uint32_t count = b.rd(reg::kErrorCount);
    const std::uint32_t bad_cmds = b.rd(reg::kBadCmdCount);
    b.wr(reg::kIrqStatus, 0xFFFFFFFFu);
    b.drv.program(g);
    const sc_time t = b.now();
    b.drv.go();
    const std::string label = "START with " + bc.what;
    expect_error(b, bc.code, bc.which, bc.info(g), label);
    ck.equal(b.rd(reg::kErrorCount), count + 1, label + ": ERROR_COUNT + 1");
    ck.equal(field::kStatusBusy.get(b.rd(reg::kStatus)), 0u, label + ": nothing started");
    sc_time rose;
    ck.check(b.mon.rise_after(t, rose) && rose == t, label + ": ERROR interrupt at START");
    const bool shape = bc.code == Error::kShape;
    ck.equal(b.rd(reg::kBadCmdCount), bad_cmds + (shape ? 1u : 0u),
             label + ": BAD_CMD_COUNT counts shape errors only");
    if (shape) ck.equal(field::kStatusBadCmd.get(b.rd(reg::kStatus)), 1u, label + ": BAD_CMD");
    ck.check(memory_digest(b.pf) == digest, label + ": memory untouched");
  }
  // START while busy: refused, the running command unharmed.
  {
    b.drv.clear(true, true);
    b.wr(reg::kIrqStatus, 0xFFFFFFFFu);
    b.drv.program(good.g);
    const sc_time t = b.now();
    b.drv.go();
    b.drv.go();
    expect_error(b, Error::kBusy, What::kNone, 0, "START while busy");
    b.drv.clear(false, true);
    b.wr(reg::kIrqStatus, field::kIrqStatusError.mask());
    const JobResult r = b.drv.wait();
    ck.check(r.ok(), "the running command completes: " + r.describe());
    check_y(b.pf, ck, good, "the command running during a refused START");
    sc_time rose;
    const sc_time want = align_up(t, b.period) + b.period * static_cast<double>(total);
    ck.check(b.mon.rise_after(want, rose) && rose == want, "... on time");
    ck.equal(b.rd(reg::kDoneCount), 1u, "... once");
  }
  // BUS: the window reaches past the memory; the interconnect refuses the bursts there.
  {
    b.drv.clear(true, true);
    GemmJob g = good.g;
    g.w = mem_end;  // the whole of W past the memory
    const Placed& p = good;
    b.drv.program(g);
    sc_time t = b.now();
    b.drv.go();
    JobResult r = b.drv.wait();
    ck.check(!r.done && r.error.code == Error::kBus && r.error.what == What::kW &&
                 r.error.info == mem_end,
             "W past the memory: error BUS on W at its first burst: " + r.describe());
    const std::uint64_t wb = weight_bytes(Format::kCodes, p.job.shape.n, p.job.shape.k);
    const std::uint64_t first = std::min<std::uint64_t>(wb, 4096);
    sc_time rose;
    const sc_time want = align_up(t, b.period) + b.period * static_cast<double>((first + 31) / 32);
    ck.check(b.mon.rise_after(t, rose) && rose == want,
             fmt::format("... raised after that burst, at {} (want {})", rose.to_string(),
                         want.to_string()));
    ck.equal(field::kStatusBusy.get(b.rd(reg::kStatus)), 0u, "... and the device is idle");
    // Y straddling the end of the memory (a job with 5 KiB of Y): the part before the end is
    // written, then BUS.
    const Placed big_y = place(arena, make_job("big_y", {40, 32, 3}, Format::kCodes, rng));
    load(b.pf, big_y);
    g = big_y.g;
    g.y = mem_end - 4096;
    std::memset(b.pf.host(g.y, 4096), 0xA5, 4096);
    b.drv.program(g);
    t = b.now();
    b.drv.go();
    r = b.drv.wait();
    ck.check(r.error.code == Error::kBus && r.error.what == What::kY && r.error.info == mem_end,
             "Y across the memory's end: error BUS on Y: " + r.describe());
    const std::vector<std::int64_t> want_y = plain_results(big_y.job);
    const std::vector<std::int64_t> got = decode_results(b.pf.host(g.y, 4096), 1024);
    ck.check(std::equal(got.begin(), got.end(), want_y.begin()),
             "... after the bursts before it were written");
    const std::uint64_t until = dma_cycles_by_hand(g.w, 96, b.latency_cycles) +
                                dma_cycles_by_hand(g.x, 120, b.latency_cycles) +
                                predict_cycles(c, big_y.job.shape).cycles + 4096 / 32 +
                                b.latency_cycles + (1024 + 31) / 32;
    ck.check(b.mon.rise_after(t, rose) &&
                 rose == align_up(t, b.period) + b.period * static_cast<double>(until),
             "... raised after the refused burst");
  }
  // The interrupt enables: ERROR disabled keeps the line low on an error.
  {
    b.drv.clear(true, true);
    b.wr(reg::kIrqStatus, 0xFFFFFFFFu);
    b.wr(reg::kIrqEnable, field::kIrqEnableDone.mask());
    const std::size_t rises = b.mon.rises.size();
    GemmJob g = good.g;
    g.shape.m = 0;
    b.drv.program(g);
    b.drv.go();
    ck.check(b.mon.rises.size() == rises && !b.pf.cpu.irq.read() &&
                 field::kIrqStatusError.get(b.rd(reg::kIrqStatus)) == 1,
             "an error with ERROR disabled: IRQ_STATUS.ERROR set, the line low");
    b.wr(reg::kIrqEnable, field::kIrqEnableError.mask());
    ck.check(b.pf.cpu.irq.read(), "enabling ERROR then raises the line");
    b.wr(reg::kIrqStatus, 0xFFFFFFFFu);
    ck.check(!b.pf.cpu.irq.read(), "clearing it drops the line");
  }
}

// ---------------------------------------------------------------------------------------------
// program: a fixed program, the same on every model; its JSON is compared between models.

std::vector<TestJob> program_jobs(const ArrayConfig& c) {
  std::mt19937_64 rng(20);
  const auto u = [](int v) { return static_cast<std::uint32_t>(v); };
  return {
      make_job("tiny", {3, 5, 9}, Format::kCodes, rng),
      make_job("blocks_and_remainders",
               {u(2 * c.token_tile + 3), u(2 * c.lanes + 1), u(3 * c.tree_inputs + 5)},
               Format::kCodes, rng),
      make_job("i2s", {2, u(c.lanes + 3), 256}, Format::kI2s, rng),
      make_job("i2s_illegal", {u(c.token_tile + 1), 7, 128}, Format::kI2s, rng, 5),
      make_job("codes_illegal_2", {4, u(c.lanes), u(c.tree_inputs + 1)}, Format::kCodes, rng, 3, 2),
      make_job("codes_illegal_0x55", {2, 3, 17}, Format::kCodes, rng, 2, 0x55),
      make_job("gemv_i2s", {1, u(4 * c.lanes), 512}, Format::kI2s, rng),
  };
}

json program_scenario(Bench& b) {
  const DeviceInfo info = b.drv.probe();
  b.ck.check(info.config == b.opt.cfg, "the device reports the configuration: " + info.describe());
  BufferArena arena(DmaWindow{kMemoryBase, b.pf.options().memory_size});
  std::vector<Placed> placed;
  for (const TestJob& j : program_jobs(b.opt.cfg)) placed.push_back(place(arena, j));
  // Copies for the steps that run a job again (each with its own Y).
  const Placed busy = place(arena, placed[1].job);
  const Placed polled = place(arena, placed[0].job);
  for (const Placed* p : {&busy, &polled}) load(b.pf, *p);
  for (const Placed& p : placed) load(b.pf, p);
  json steps = json::array();
  for (std::size_t i = 0; i < placed.size(); ++i) {
    steps.push_back(b.run_checked(placed[i], placed[i].job.name));
    if (i == 1) {
      // A refused command between good ones: X misaligned.
      GemmJob g = placed[0].g;
      g.x += 1;
      const std::uint64_t digest = memory_digest(b.pf);
      b.drv.clear(false, true);
      b.drv.program(g);
      const sc_time t = b.now();
      b.drv.go();
      const JobResult r = b.drv.wait();
      sc_time rose;
      const bool on_time = b.mon.rise_after(t, rose) && rose == t;
      b.ck.check(r.error.code == Error::kAlign && r.error.what == What::kX && on_time &&
                     memory_digest(b.pf) == digest,
                 "misaligned X: refused at START with ALIGN, memory untouched: " + r.describe());
      steps.push_back({{"step", "misaligned_x"},
                       {"error", regmap::name(r.error.code)},
                       {"irq_ps", rose.value() - t.value()}});
    }
  }
  // START while a command runs.
  {
    b.drv.clear(false, true);
    b.drv.program(busy.g);
    const sc_time t = b.now();
    b.drv.go();
    b.drv.go();
    const std::uint32_t e = b.rd(reg::kError);
    b.ck.check(field::kErrorCode.get(e) == static_cast<std::uint32_t>(Error::kBusy),
               "a second START while busy: error BUSY");
    b.drv.clear(false, true);
    b.wr(reg::kIrqStatus, field::kIrqStatusError.mask());
    const JobResult r = b.drv.wait();
    b.ck.check(r.ok(), "the running command completes: " + r.describe());
    check_y(b.pf, b.ck, busy, "the running command");
    sc_time rose;
    const sc_time want =
        align_up(t, b.period) + b.period * static_cast<double>(b.expected_total(busy));
    b.ck.check(b.mon.rise_after(want, rose) && rose == want, "... its interrupt on time");
    steps.push_back({{"step", "busy"},
                     {"error", "BUSY"},
                     {"total_cycles", r.total_cycles},
                     {"irq_ps", rose.value() - t.value()}});
  }
  // The same driver calls, completion by polling STATUS instead of the interrupt.
  {
    Driver poll(b.pf.cpu, kDeviceBase, Driver::Completion::kPoll);
    const JobResult r = poll.run(polled.g);
    b.ck.check(r.ok(), "a job waited for by polling: " + r.describe());
    check_y(b.pf, b.ck, polled, "polled job");
    steps.push_back({{"step", "polled"},
                     {"error", regmap::name(r.error.code)},
                     {"total_cycles", r.total_cycles}});
  }
  return steps;
}

int compare(const std::string& a_path, const std::string& b_path) {
  const json a = read_json(a_path), b = read_json(b_path);
  int diffs = 0;
  // DMI or not must not change anything the program sees: "dmi" is not compared.
  for (const char* key : {"config", "latency_ns", "steps", "memory_fnv1a64", "end_ps"}) {
    if (!a.contains(key) || !b.contains(key)) {
      std::fprintf(stderr, "compare: '%s' missing in %s\n", key,
                   !a.contains(key) ? a_path.c_str() : b_path.c_str());
      return 2;
    }
    if (a[key] != b[key]) {
      ++diffs;
      std::fprintf(stderr, "compare: %s differs:\n  %s (%s): %s\n  %s (%s): %s\n", key,
                   a_path.c_str(), a.value("model", "?").c_str(), a[key].dump().c_str(),
                   b_path.c_str(), b.value("model", "?").c_str(), b[key].dump().c_str());
    }
  }
  if (diffs) return 1;
  std::printf(
      "compare: %s (%s) and %s (%s): identical memory (fnv1a64 %s), %zu steps with the "
      "same cycles and interrupt times, end at %s ps\n",
      a_path.c_str(), a.value("model", "?").c_str(), b_path.c_str(), b.value("model", "?").c_str(),
      a["memory_fnv1a64"].get<std::string>().c_str(), a["steps"].size(),
      a["end_ps"].dump().c_str());
  return 0;
}

// ---------------------------------------------------------------------------------------------
// cosim: random GEMMs through the registers and memory, scored against gemm_target.h's model.

class Reference : public sc_module {
 public:
  tlm_utils::simple_initiator_socket<Reference> socket{"socket"};
  explicit Reference(sc_module_name n) : sc_module(n) {}
  bool expect(const GemmProblem& p, GemmExtension& ext) {
    tlm::tlm_generic_payload t;
    ext.problem = &p;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_extension(&ext);
    sc_time d = SC_ZERO_TIME;
    socket->b_transport(t, d);
    t.clear_extension(&ext);
    return t.get_response_status() == tlm::TLM_OK_RESPONSE;
  }
};

void cosim_scenario(Bench& b, Reference& ref, GemmTarget& target) {
  const ArrayConfig& c = b.opt.cfg;
  b.drv.probe();
  std::uint64_t values = 0;
  for (std::uint64_t i = 0; i < b.opt.count; ++i) {
    const std::uint64_t seed = b.opt.seed + i;
    std::mt19937_64 rng(seed);
    RandomSpec spec = random_command(c, seed, rng);
    const bool i2s = rng() % 4 == 0;
    if (i2s) spec.shape.k = static_cast<std::uint32_t>(128 * (1 + rng() % 2));
    const GemmProblem p = random_problem(spec);
    TestJob j;
    j.name = fmt::format("seed {}", seed);
    j.shape = p.shape;
    j.format = i2s ? Format::kI2s : Format::kCodes;
    j.w.resize(p.weights.size());
    for (std::size_t k = 0; k < p.weights.size(); ++k) j.w[k] = trit_value(p.weights[k]);
    if (rng() % 5 == 0) j.w[rng() % j.w.size()] = kIllegalWeight;
    j.x = p.activations;
    // The reference sees the same weights as trit codes, the illegal one as TritCode::kIllegal.
    GemmProblem rp = p;
    for (std::size_t k = 0; k < j.w.size(); ++k) {
      rp.weights[k] = j.w[k] == kIllegalWeight ? static_cast<std::uint8_t>(TritCode::kIllegal)
                                               : encode_trit(j.w[k]);
    }
    BufferArena arena(DmaWindow{kMemoryBase + 32 * (rng() % 64), b.pf.options().memory_size / 2});
    const Placed pl = place(arena, j);
    load(b.pf, pl);
    GemmExtension ext;
    target.clear_status();
    const bool accepted = ref.expect(rp, ext);
    b.drv.clear(true, true);
    b.drv.program(pl.g);
    const sc_time t = b.now();
    b.drv.go();
    const JobResult r = b.drv.wait();
    const std::string what =
        fmt::format("cosim {} {} {} (reproduce: {} cosim --model {} --seed {} --commands 1)",
                    j.name, j.shape.str(), regmap::name(j.format), b.opt.self, b.opt.model, seed);
    if (!b.ck.check(accepted && r.ok(), what + ": " + r.describe())) continue;
    const std::vector<std::int64_t> got =
        decode_results(b.pf.host(pl.g.y, ext.result.size() * 4), ext.result.size());
    std::size_t bad = 0;
    while (bad < got.size() && got[bad] == ext.result[bad]) ++bad;
    b.ck.check(bad == got.size(),
               bad == got.size()
                   ? what + ": Y equals the reference's"
                   : fmt::format("{}: Y[{}][{}] = {}, the reference model says {}", what,
                                 bad / j.shape.n, bad % j.shape.n, got[bad], ext.result[bad]));
    values += got.size();
    b.ck.equal(r.array_cycles, ext.cycles, what + ": cycles against the reference's delay");
    b.ck.equal(std::uint64_t{r.illegal_trit_count}, target.illegal_trit_count(),
               what + ": ILLEGAL_TRIT_COUNT against the reference's");
    sc_time rose;
    const sc_time want =
        align_up(t, b.period) + b.period * static_cast<double>(b.expected_total(pl));
    b.ck.check(b.mon.rise_after(t, rose) && rose == want, what + ": interrupt on time");
  }
  std::printf("cosim: %llu commands, %llu values checked\n",
              static_cast<unsigned long long>(b.opt.count),
              static_cast<unsigned long long>(values));
}

// ---------------------------------------------------------------------------------------------
// hostile: random register accesses and address ranges against a reference of the documented
// rules (written here, apart from the device's code). After every transaction: the response,
// the error registers and counters, the interrupt line and the whole memory are as predicted.

struct HostileRef {
  // Registers the reference follows.
  std::uint32_t m = 0, n = 0, k = 0, format = 0;
  std::uint64_t w = 0, x = 0, y = 0;
  std::uint32_t irq_enable = 0, irq_status = 0;
  std::uint32_t error = 0, error_count = 0;
  std::uint64_t info = 0;
  bool illegal = false, bad = false, busy = false;
  std::uint32_t illegal_count = 0, bad_count = 0, done_count = 0;

  void record(Error code, What what, std::uint64_t value) {
    error = static_cast<std::uint32_t>(code) | static_cast<std::uint32_t>(what) << 8;
    info = value;
    if (error_count != 0xFFFFFFFFu) ++error_count;
    irq_status |= 2;
  }
};

struct Verdict {
  Error code = Error::kNone;
  What what = What::kNone;
  std::uint64_t info = 0;
};

// START's checks as docs/systemc.md states them, in 128-bit arithmetic.
Verdict predict_start(const HostileRef& r, const ArrayConfig& c, std::uint64_t win_base,
                      std::uint64_t win_size) {
  using u128 = unsigned __int128;
  if (r.m < 1 || r.m > 0xFFFFFF) return {Error::kShape, What::kM, r.m};
  if (r.n < 1 || r.n > 0xFFFFFF) return {Error::kShape, What::kN, r.n};
  if (r.k < 1 || r.k > 0xFFFFFF || r.k > c.max_k()) return {Error::kShape, What::kK, r.k};
  if (r.format > 1) return {Error::kFormat, What::kFormat, r.format};
  if (r.format == 1 && r.k % 128 != 0) return {Error::kFormat, What::kK, r.k};
  const u128 wb = r.format == 1 ? u128{r.n} * r.k / 4 : u128{r.n} * r.k;
  const u128 xb = u128{r.m} * r.k, yb = u128{r.m} * r.n * 4;
  const std::pair<What, std::uint64_t> addrs[] = {
      {What::kW, r.w}, {What::kX, r.x}, {What::kY, r.y}};
  const u128 bytes[] = {wb, xb, yb};
  for (const auto& [what, a] : addrs) {
    if (a % 32 != 0) return {Error::kAlign, what, a};
  }
  for (int i = 0; i < 3; ++i) {
    const u128 a = addrs[i].second;
    if (a < win_base || a + bytes[i] > u128{win_base} + win_size) {
      return {Error::kRange, addrs[i].first, addrs[i].second};
    }
  }
  const auto overlap = [](u128 a, u128 an, u128 b2, u128 bn) { return a < b2 + bn && b2 < a + an; };
  if (overlap(r.y, yb, r.w, wb)) return {Error::kOverlap, What::kW, r.y};
  if (overlap(r.y, yb, r.x, xb)) return {Error::kOverlap, What::kX, r.y};
  return {};
}

class Hostile {
 public:
  Hostile(Bench& b, std::uint64_t mem_size, std::uint64_t win_size)
      : b_(b), rng_(b.opt.seed), mem_size_(mem_size), win_size_(win_size) {
    shadow_.resize(mem_size);
    // Memory of mostly legal trit-code bytes, with some of everything else.
    for (auto& byte : shadow_) {
      const std::uint64_t r = rng_();
      byte = r % 10 == 0 ? static_cast<std::uint8_t>(r >> 8)
                         : std::array<std::uint8_t, 3>{0, 1, 3}[(r >> 8) % 3];
    }
    std::memcpy(b_.pf.host(kMemoryBase, mem_size), shadow_.data(), mem_size);
  }

  // Exactly `transactions` register accesses.
  void run(std::uint64_t transactions) {
    budget_ = transactions;
    while (done_ < transactions) {
      const std::uint64_t kind = rng_() % 100;
      if (kind < 25) {
        write_cmd_register();
      } else if (kind < 40 && transactions - done_ >= 11) {
        plausible_command();
        start();
      } else if (kind < 50) {
        start();
      } else if (kind < 62) {
        random_write();
      } else if (kind < 74) {
        random_read();
      } else if (kind < 82) {
        odd_access();
      } else if (kind < 88) {
        transact_write(reg::kClear, static_cast<std::uint32_t>(rng_() % 4));
      } else {
        transact_write(rng_() % 2 ? reg::kIrqEnable : reg::kIrqStatus,
                       static_cast<std::uint32_t>(rng_()));
      }
    }
    std::printf("hostile: %llu transactions, %llu commands run, errors:",
                static_cast<unsigned long long>(done_), static_cast<unsigned long long>(runs_));
    for (const auto& [code, n] : errors_) {
      std::printf(" %s %llu", regmap::name(code), static_cast<unsigned long long>(n));
    }
    std::printf("\n");
    for (std::uint32_t e = 1; e <= static_cast<std::uint32_t>(Error::kRegAccess); ++e) {
      b_.ck.check(errors_.count(static_cast<Error>(e)) != 0,
                  fmt::format("hostile: error {} was provoked (and reported)",
                              regmap::name(static_cast<Error>(e))));
    }
  }

 private:
  std::string where() const {
    return fmt::format(
        "transaction {} (reproduce: {} hostile --model {} --seed {} "
        "--transactions {})",
        done_, b_.opt.self, b_.opt.model, b_.opt.seed, b_.opt.count);
  }

  // After every transaction: the registers the reference follows, the line, the memory.
  void verify(const std::string& what) {
    Checks& ck = b_.ck;
    const std::string at = what + " at " + where();
    const auto same = [&](std::uint32_t off, std::uint64_t want, const char* name) {
      const std::uint32_t got = b_.rd(off);
      if (got != static_cast<std::uint32_t>(want)) {
        ck.check(false, fmt::format("{}: {} reads {}, the rules say {}", at, name, hex(got),
                                    hex(static_cast<std::uint32_t>(want))));
      }
    };
    same(reg::kError, ref_.error, "ERROR");
    same(reg::kErrorInfoLo, ref_.info, "ERROR_INFO_LO");
    same(reg::kErrorInfoHi, ref_.info >> 32, "ERROR_INFO_HI");
    same(reg::kErrorCount, ref_.error_count, "ERROR_COUNT");
    same(reg::kIrqStatus, ref_.irq_status, "IRQ_STATUS");
    same(reg::kIrqEnable, ref_.irq_enable, "IRQ_ENABLE");
    same(reg::kIllegalTritCount, ref_.illegal_count, "ILLEGAL_TRIT_COUNT");
    same(reg::kBadCmdCount, ref_.bad_count, "BAD_CMD_COUNT");
    same(reg::kDoneCount, ref_.done_count, "DONE_COUNT");
    same(reg::kStatus,
         (ref_.busy ? 1u : 0u) | (ref_.error != 0 ? 2u : 0u) | (ref_.illegal ? 0x100u : 0u) |
             (ref_.bad ? 0x200u : 0u),
         "STATUS");
    if (b_.pf.cpu.irq.read() != ((ref_.irq_status & ref_.irq_enable) != 0)) {
      ck.check(false, at + ": the interrupt line is not IRQ_STATUS & IRQ_ENABLE");
    }
    if (std::memcmp(b_.pf.host(kMemoryBase, mem_size_), shadow_.data(), mem_size_) != 0) {
      std::size_t i = 0;
      while (b_.pf.memory.data()[i] == shadow_[i]) ++i;
      ck.check(false, fmt::format("{}: memory at {} differs from what the rules leave", at,
                                  hex(kMemoryBase + i)));
    }
    ck.check(true, at);
  }

  tlm::tlm_response_status transact_write(std::uint32_t off, std::uint32_t v, bool check = true) {
    std::uint32_t value = v;
    const auto rs = b_.raw(tlm::TLM_WRITE_COMMAND, off, value);
    ++done_;
    // The rules: what a write of `v` at `off` does.
    const regmap::RegisterSpec* r = regmap::find_register(off);
    tlm::tlm_response_status want = tlm::TLM_OK_RESPONSE;
    if (r == nullptr || off % 4 != 0) {
      want = tlm::TLM_ADDRESS_ERROR_RESPONSE;
      ref_.record(Error::kRegAccess, What::kRegister, off);
      ++errors_[Error::kRegAccess];
    } else if (r->access == regmap::Access::kRo) {
      want = tlm::TLM_COMMAND_ERROR_RESPONSE;
      ref_.record(Error::kRegAccess, What::kRegister, off);
      ++errors_[Error::kRegAccess];
    } else {
      apply_write(off, v);
    }
    if (rs != want) {
      b_.ck.check(false, fmt::format("write {} to {}: response {}, want {} at {}", hex(v), hex(off),
                                     static_cast<int>(rs), static_cast<int>(want), where()));
    }
    if (check) verify(fmt::format("write {} to {}", hex(v), hex(off)));
    return rs;
  }

  void apply_write(std::uint32_t off, std::uint32_t v) {
    const auto lo = [](std::uint64_t& a, std::uint32_t x) { a = (a & ~0xFFFFFFFFull) | x; };
    const auto hi = [](std::uint64_t& a, std::uint32_t x) {
      a = (a & 0xFFFFFFFFull) | std::uint64_t{x} << 32;
    };
    switch (off) {
      case reg::kCmdM:
        ref_.m = v;
        break;
      case reg::kCmdN:
        ref_.n = v;
        break;
      case reg::kCmdK:
        ref_.k = v;
        break;
      case reg::kCmdFormat:
        ref_.format = v;
        break;
      case reg::kWAddrLo:
        lo(ref_.w, v);
        break;
      case reg::kWAddrHi:
        hi(ref_.w, v);
        break;
      case reg::kXAddrLo:
        lo(ref_.x, v);
        break;
      case reg::kXAddrHi:
        hi(ref_.x, v);
        break;
      case reg::kYAddrLo:
        lo(ref_.y, v);
        break;
      case reg::kYAddrHi:
        hi(ref_.y, v);
        break;
      case reg::kClear:
        if (v & 1) {
          ref_.illegal = ref_.bad = false;
          ref_.illegal_count = ref_.bad_count = ref_.done_count = 0;
        }
        if (v & 2) {
          ref_.error = ref_.error_count = 0;
          ref_.info = 0;
        }
        break;
      case reg::kIrqEnable:
        ref_.irq_enable = v & 3;
        break;
      case reg::kIrqStatus:
        ref_.irq_status &= ~v;
        break;
      default:
        break;
    }
  }

  std::uint32_t dim() {
    switch (rng_() % 10) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
      case 3:
      case 4:
        return 1 + static_cast<std::uint32_t>(rng_() % 24);
      case 5:
        return 1 + static_cast<std::uint32_t>(rng_() % (3 * b_.opt.cfg.lanes));
      case 6:
        return 0xFFFFFF;
      case 7:
        return 0x1000000;
      case 8:
        return 128 * (1 + static_cast<std::uint32_t>(rng_() % 2));
      default:
        return static_cast<std::uint32_t>(rng_());
    }
  }

  std::uint64_t address() {
    switch (rng_() % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
        return kMemoryBase + (rng_() % mem_size_ & ~std::uint64_t{31});
      case 4:
        return kMemoryBase + rng_() % mem_size_;
      case 5:
        return kMemoryBase - 32 * (1 + rng_() % 4);
      case 6:
        return kMemoryBase + mem_size_ + (rng_() % (win_size_ - mem_size_ + 4096) & ~31ull);
      case 7:
        return ~std::uint64_t{0} - 32 * (rng_() % 4) - 31;
      case 8:
        return 0;
      default:
        return rng_();
    }
  }

  void write_cmd_register(bool check = true) {
    static const std::uint32_t regs[] = {
        reg::kCmdM,    reg::kCmdN,    reg::kCmdK,    reg::kCmdFormat, reg::kWAddrLo,
        reg::kWAddrHi, reg::kXAddrLo, reg::kXAddrHi, reg::kYAddrLo,   reg::kYAddrHi};
    const std::uint32_t off = regs[rng_() % 10];
    std::uint32_t v = 0;
    if (off == reg::kCmdM || off == reg::kCmdN || off == reg::kCmdK) {
      v = dim();
    } else if (off == reg::kCmdFormat) {
      const std::uint64_t r = rng_() % 10;
      v = r < 7 ? 0 : r < 9 ? 1 : static_cast<std::uint32_t>(rng_());
    } else {
      const std::uint64_t a = address();
      v = static_cast<std::uint32_t>(off % 8 == 0 ? a : a >> 32);
    }
    transact_write(off, v, check);
  }

  // A command that may well run: small, mostly inside the memory, Y apart from W and X (now
  // and then in the hole past the memory, or overlapping).
  void plausible_command() {
    const bool i2s = rng_() % 4 == 0;
    const std::uint32_t m = 1 + static_cast<std::uint32_t>(rng_() % 12);
    const std::uint32_t n = 1 + static_cast<std::uint32_t>(rng_() % 20);
    const std::uint32_t k = i2s ? 128 * (1 + static_cast<std::uint32_t>(rng_() % 2))
                                : 1 + static_cast<std::uint32_t>(rng_() % 40);
    const std::uint64_t slots = mem_size_ / 4096;  // W, X and Y each in their own 4 KiB page
    const auto page = [&](std::uint64_t p) {
      return kMemoryBase + p * 4096 + (rng_() % 64) * 32 % 2048;
    };
    std::uint64_t pw = rng_() % slots, px = rng_() % slots, py = rng_() % slots;
    while (py == pw || py == px) py = (py + 1) % slots;
    std::uint64_t w = page(pw), x = page(px), y = page(py);
    std::uint32_t format = i2s ? 1u : 0u, kk = k;
    // Now and then one thing wrong: in the hole past the memory, overlapping, a bad format.
    switch (rng_() % 24) {
      case 0:
        w = kMemoryBase + mem_size_ + 32 * (rng_() % 8);
        break;
      case 1:
        x = kMemoryBase + mem_size_ + 32 * (rng_() % 8);
        break;
      case 2:
        y = kMemoryBase + mem_size_ - 32 * (1 + rng_() % 8);
        break;
      case 3:
        y = w + 32 * (rng_() % 2);
        break;
      case 4:
        y = x + 32 * (rng_() % 2);
        break;
      case 5:
        format = 2 + static_cast<std::uint32_t>(rng_() % 8);
        break;
      case 6:
        format = 1;
        kk = 1 + static_cast<std::uint32_t>(rng_() % 127);
        break;
      default:
        break;
    }
    const std::pair<std::uint32_t, std::uint32_t> writes[] = {
        {reg::kCmdM, m},
        {reg::kCmdN, n},
        {reg::kCmdK, kk},
        {reg::kCmdFormat, format},
        {reg::kWAddrLo, static_cast<std::uint32_t>(w)},
        {reg::kWAddrHi, static_cast<std::uint32_t>(w >> 32)},
        {reg::kXAddrLo, static_cast<std::uint32_t>(x)},
        {reg::kXAddrHi, static_cast<std::uint32_t>(x >> 32)},
        {reg::kYAddrLo, static_cast<std::uint32_t>(y)},
        {reg::kYAddrHi, static_cast<std::uint32_t>(y >> 32)}};
    for (const auto& [off, v] : writes) transact_write(off, v);
  }

  void random_write() {
    const std::uint32_t off = static_cast<std::uint32_t>(rng_() % (regmap::kWindowBytes / 4)) * 4;
    std::uint32_t v = static_cast<std::uint32_t>(rng_());
    if (off == reg::kStart) v &= ~1u;  // starts go through start(), which waits for them
    transact_write(off, v);
  }

  void random_read() {
    const std::uint32_t off = static_cast<std::uint32_t>(rng_() % regmap::kWindowBytes);
    std::uint32_t v = 0;
    const auto rs = b_.raw(tlm::TLM_READ_COMMAND, off, v);
    ++done_;
    const regmap::RegisterSpec* r = off % 4 == 0 ? regmap::find_register(off) : nullptr;
    const tlm::tlm_response_status want =
        r ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE;
    // A read that runs past the window is the interconnect's to refuse: the device never sees it.
    if (!r && off + 4 <= regmap::kWindowBytes) {
      ref_.record(Error::kRegAccess, What::kRegister, off);
      ++errors_[Error::kRegAccess];
    }
    if (rs != want) {
      b_.ck.check(false, fmt::format("read {}: response {}, want {} at {}", hex(off),
                                     static_cast<int>(rs), static_cast<int>(want), where()));
    }
    verify(fmt::format("read {}", hex(off)));
  }

  // Accesses of the wrong size, with byte enables, past the window.
  void odd_access() {
    const std::uint32_t off = static_cast<std::uint32_t>(rng_() % regmap::kWindowBytes) & ~3u;
    const unsigned lens[] = {1, 2, 3, 8, 16};
    const unsigned len = lens[rng_() % 5];
    const std::uint64_t kind = rng_() % 3;
    std::uint8_t be[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    be[rng_() % 4] = 0;
    std::uint32_t v = 0;
    tlm::tlm_response_status rs, want;
    const tlm::tlm_command cmd = rng_() % 2 ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND;
    if (kind == 0) {
      rs = b_.raw(cmd, off, v, len);
      // The interconnect refuses what passes the window; the device what is not 4 bytes.
      want = off + len > regmap::kWindowBytes ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                              : tlm::TLM_BURST_ERROR_RESPONSE;
    } else if (kind == 1) {
      rs = b_.raw(cmd, off, v, 4, be, 4);
      want = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    } else {
      rs = b_.raw(cmd, regmap::kWindowBytes + off, v);
      want = tlm::TLM_ADDRESS_ERROR_RESPONSE;
    }
    ++done_;
    if (want != tlm::TLM_ADDRESS_ERROR_RESPONSE) {
      ref_.record(Error::kRegAccess, What::kRegister, off);
      ++errors_[Error::kRegAccess];
    }
    if (rs != want) {
      b_.ck.check(false,
                  fmt::format("odd access {} kind {} len {}: response {}, want {} at {}", hex(off),
                              kind, len, static_cast<int>(rs), static_cast<int>(want), where()));
    }
    verify(fmt::format("odd access {} kind {}", hex(off), kind));
  }

  // The weight a W byte's field stands for (kIllegalWeight for an illegal code).
  static int weight_of(std::uint32_t format, const std::uint8_t* w, std::uint64_t i) {
    if (format == 0) {
      const std::uint8_t c = w[i];
      return c == 0 ? 0 : c == 1 ? 1 : c == 3 ? -1 : kIllegalWeight;
    }
    const std::uint64_t block = i / 128, p = i % 128;
    const unsigned c = (w[block * 32 + p % 32] >> (6 - 2 * (p / 32))) & 3u;
    return c == 3 ? kIllegalWeight : static_cast<int>(c) - 1;
  }

  void start() {
    const Verdict v = predict_start(ref_, b_.opt.cfg, kMemoryBase, win_size_);
    const sc_time t = b_.now();
    std::uint32_t go = 1;
    const auto rs = b_.raw(tlm::TLM_WRITE_COMMAND, reg::kStart, go);
    ++done_;
    if (rs != tlm::TLM_OK_RESPONSE) b_.ck.check(false, "START refused at " + where());
    if (v.code != Error::kNone) {
      ref_.record(v.code, v.what, v.info);
      if (v.code == Error::kShape) {
        ref_.bad = true;
        if (ref_.bad_count != 0xFFFFFFFFu) ++ref_.bad_count;
      }
      ++errors_[v.code];
      verify(fmt::format("START refused with {}", regmap::name(v.code)));
      return;
    }
    run_started(t);
  }

  // A START the rules accept: the command runs; predict its memory and its end.
  void run_started(const sc_time& t) {
    const HostileRef cmd = ref_;
    const ArrayConfig& c = b_.opt.cfg;
    TestJob j;
    j.shape = {cmd.m, cmd.n, cmd.k};
    j.format = static_cast<Format>(cmd.format);
    const std::uint8_t* w = shadow_.data() + (cmd.w - kMemoryBase);
    const std::uint8_t* x = shadow_.data() + (cmd.x - kMemoryBase);
    const std::uint64_t wb =
        cmd.format ? std::uint64_t{cmd.n} * cmd.k / 4 : std::uint64_t{cmd.n} * cmd.k;
    const std::uint64_t xb = std::uint64_t{cmd.m} * cmd.k;
    const std::uint64_t yb = std::uint64_t{cmd.m} * cmd.n * 4;
    const std::uint64_t mem_end = kMemoryBase + mem_size_;
    // Bursts past the memory's end fail (the memory ends on a 4 KiB boundary, so a burst is
    // wholly inside or wholly past it); the first failing burst ends the command.
    std::uint64_t cycles = 0;
    Verdict bus;
    std::uint64_t y_written = yb;
    const auto dma = [&](std::uint64_t a, std::uint64_t bytes, What what) {
      for (std::uint64_t left = bytes; left > 0;) {
        const std::uint64_t len = std::min<std::uint64_t>(left, 4096 - a % 4096);
        cycles += (len + 31) / 32;
        if (a >= mem_end) {
          bus = {Error::kBus, what, a};
          if (what == What::kY) y_written = a - cmd.y;
          return false;
        }
        a += len;
        left -= len;
      }
      return true;
    };
    const bool fetched = dma(cmd.w, wb, What::kW) && dma(cmd.x, xb, What::kX);
    std::vector<std::int64_t> y;
    std::uint64_t illegal = 0;
    if (fetched) {
      j.w.resize(std::uint64_t{cmd.n} * cmd.k);
      for (std::uint64_t i = 0; i < j.w.size(); ++i) {
        j.w[i] = weight_of(cmd.format, w, i);
        illegal += j.w[i] == kIllegalWeight ? 1 : 0;
      }
      j.x.assign(reinterpret_cast<const std::int8_t*>(x),
                 reinterpret_cast<const std::int8_t*>(x) + xb);
      y = plain_results(j);
      cycles += predict_cycles(c, j.shape).cycles;
      dma(cmd.y, yb, What::kY);
    }
    const sc_time end = align_up(t, b_.period) + b_.period * static_cast<double>(cycles);
    // While it runs: now and then a second START (BUSY), or command registers rewritten.
    ref_.busy = true;
    if (b_.now() + b_.period * 3.0 < end && done_ < budget_) {
      if (rng_() % 2) {
        std::uint32_t go = 1;
        b_.raw(tlm::TLM_WRITE_COMMAND, reg::kStart, go);
        ++done_;
        ref_.record(Error::kBusy, What::kNone, 0);
        ++errors_[Error::kBusy];
      } else {
        write_cmd_register(false);  // checked once the command is over: reads take time
      }
    }
    if (b_.now() + b_.period < end) {
      b_.pf.cpu.idle(end - b_.period - b_.now());
      if (!field::kStatusBusy.get(b_.rd(reg::kStatus))) {
        b_.ck.check(false, "STATUS.BUSY dropped before the predicted end at " + where());
      }
    }
    if (b_.now() <= end) b_.pf.cpu.idle(end + b_.period - b_.now());
    ref_.busy = false;
    if (field::kStatusBusy.get(b_.rd(reg::kStatus))) {
      b_.ck.check(false, "STATUS.BUSY still set after the predicted end at " + where());
    }
    if (fetched && y_written > 0) {
      const std::vector<std::uint8_t> bytes = encode_results(y);
      std::memcpy(shadow_.data() + (cmd.y - kMemoryBase), bytes.data(), y_written);
    }
    if (bus.code != Error::kNone) {
      ref_.record(bus.code, bus.what, bus.info);
      ++errors_[Error::kBus];
    } else {
      const std::uint64_t blocks = tile_grid(c, j.shape).token_blocks;
      const std::uint64_t count = std::uint64_t{ref_.illegal_count} + illegal * blocks;
      ref_.illegal_count = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, 0xFFFFFFFFu));
      ref_.illegal = ref_.illegal || illegal != 0;
      ++ref_.done_count;
      ref_.irq_status |= 1;
      ++runs_;
    }
    verify(bus.code != Error::kNone ? "a command ended by BUS" : "a command run");
  }

  Bench& b_;
  std::mt19937_64 rng_;
  std::uint64_t mem_size_, win_size_;
  std::vector<std::uint8_t> shadow_;
  HostileRef ref_;
  std::uint64_t done_ = 0, runs_ = 0, budget_ = 0;
  std::map<Error, std::uint64_t> errors_;
};

}  // namespace
}  // namespace ternac::vp

int sc_main(int argc, char** argv) {
  using namespace ternac;
  using namespace ternac::vp;
  const std::string self = argv[0];
  const std::string usage =
      "usage: " + self +
      " regs|hostile|program|cosim --model fast|rtl [--seed S] [--transactions N] "
      "[--commands N] [--latency-ns L] [--no-dmi] [--json FILE] [--verbose]\n"
      "       " +
      self + " compare --a FILE --b FILE\n";
  if (argc < 2) {
    std::fprintf(stderr, "%s", usage.c_str());
    return 2;
  }
  const std::string scenario = argv[1];
  Options opt;
  opt.self = self;
  std::unique_ptr<CliArgs> a;
  try {
    a = std::make_unique<CliArgs>(std::vector<std::string>(argv + 2, argv + argc),
                                  std::set<std::string>{"model", "seed", "transactions", "commands",
                                                        "latency-ns", "json", "a", "b"},
                                  std::set<std::string>{"no-dmi", "verbose"});
    if (scenario == "compare") {
      if (!a->has("a") || !a->has("b")) throw std::invalid_argument("compare needs --a and --b");
      return compare(a->str("a", ""), a->str("b", ""));
    }
    if (scenario != "regs" && scenario != "hostile" && scenario != "program" &&
        scenario != "cosim") {
      throw std::invalid_argument("unknown scenario '" + scenario + "'");
    }
    opt.model = a->str("model", "");
    if (opt.model != "fast" && opt.model != "rtl") {
      throw std::invalid_argument("--model must be fast or rtl, got '" + opt.model + "'");
    }
    opt.seed = a->u64("seed", 1);
    opt.count = scenario == "hostile" ? a->u64("transactions", 2000) : a->u64("commands", 100);
    opt.latency_ns = a->u64("latency-ns", 0);
    if (opt.latency_ns > 1000) throw std::invalid_argument("--latency-ns must be at most 1000");
    opt.dmi = !a->has("no-dmi");
    opt.verbose = a->has("verbose");
    opt.json_path = a->str("json", "");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n%s", self.c_str(), e.what(), usage.c_str());
    return 2;
  }
  opt.cfg = built_config();
  std::printf("vp_test %s %s on %s: seed=%llu\n", scenario.c_str(), opt.model.c_str(),
              opt.cfg.name().c_str(), static_cast<unsigned long long>(opt.seed));

  PlatformOptions po;
  po.device_base = kDeviceBase;
  po.memory_base = kMemoryBase;
  po.memory_size = 1u << 20;
  po.memory_latency = sc_core::sc_time(static_cast<double>(opt.latency_ns), sc_core::SC_NS);
  po.memory_dmi = opt.dmi;
  if (scenario == "regs") po.window = {kMemoryBase, po.memory_size + 8192};
  if (scenario == "hostile") {
    po.memory_size = 64u << 10;
    po.window = {kMemoryBase, po.memory_size + 8192};
  }
  Checks checks(opt.verbose);
  json steps;
  std::unique_ptr<Bench> bench;
  std::unique_ptr<IrqMonitor> monitor;
  std::unique_ptr<GemmTarget> target;
  std::unique_ptr<Reference> reference;
  std::unique_ptr<Platform> pf;
  try {
    pf = std::make_unique<Platform>(po, factory(opt.model, opt.cfg), [&](Cpu&) {
      Bench& b = *bench;
      if (scenario == "regs") regs_scenario(b);
      if (scenario == "program") steps = program_scenario(b);
      if (scenario == "cosim") cosim_scenario(b, *reference, *target);
      if (scenario == "hostile") {
        Hostile h(b, po.memory_size, po.window.size);
        h.run(opt.count);
      }
    });
    monitor = std::make_unique<IrqMonitor>("irq_monitor");
    monitor->irq.bind(pf->irq);
    if (scenario == "cosim") {
      target = std::make_unique<GemmTarget>("reference_model", opt.cfg, po.period);
      reference = std::make_unique<Reference>("reference");
      reference->socket.bind(target->socket);
    }
    bench = std::make_unique<Bench>(*pf, *monitor, checks, opt);
    sc_core::sc_start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL: %s\n", e.what());
    return 1;
  }
  if (!pf->cpu.finished()) {
    checks.check(false, "the program did not finish: it waits for an interrupt that never came");
  }
  if (!pf->cpu.failure().empty()) checks.check(false, "the program stopped: " + pf->cpu.failure());
  if (scenario == "program" && !opt.json_path.empty()) {
    json out = {{"schema", 1},
                {"scenario", "program"},
                {"model", opt.model},
                {"config", opt.cfg.name()},
                {"latency_ns", opt.latency_ns},
                {"dmi", opt.dmi},
                {"steps", steps},
                {"memory_fnv1a64", fmt::format("0x{:016x}", memory_digest(*pf))},
                {"end_ps", sc_core::sc_time_stamp().value()}};
    try {
      write_json(opt.json_path, out);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: %s\n", self.c_str(), e.what());
      return 2;
    }
  }
  std::printf("vp_test %s %s on %s: %d checks passed, %d failed: %s (simulated %s)\n",
              scenario.c_str(), opt.model.c_str(), opt.cfg.name().c_str(), checks.passed(),
              checks.failed(), checks.failed() ? "FAIL" : "PASS",
              sc_core::sc_time_stamp().to_string().c_str());
  return checks.failed() ? 1 : 0;
}
