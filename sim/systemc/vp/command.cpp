#include "ternac/sim/systemc/vp/command.h"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "ternac/model/core/cycle_model.h"
#include "ternac/model/core/trit.h"

namespace ternac::vp {
namespace {

using regmap::Error;
using regmap::Format;
using regmap::What;

constexpr std::uint8_t kIllegalCode = static_cast<std::uint8_t>(TritCode::kIllegal);

// The four trit codes of one I2_S byte (weights p, 32 + p, 64 + p, 96 + p of its block in bits
// 7:6, 5:4, 3:2, 1:0; I2_S code c is weight c - 1, code 3 is unused: illegal).
struct I2sCodes {
  std::array<std::uint8_t, 4> code{};
  std::uint8_t illegal = 0;
};

const std::array<I2sCodes, 256>& i2s_table() {
  static const std::array<I2sCodes, 256> table = [] {
    constexpr std::uint8_t kOfI2s[4] = {static_cast<std::uint8_t>(TritCode::kNeg),
                                        static_cast<std::uint8_t>(TritCode::kZero),
                                        static_cast<std::uint8_t>(TritCode::kPos), kIllegalCode};
    std::array<I2sCodes, 256> t{};
    for (int v = 0; v < 256; ++v) {
      for (int j = 0; j < 4; ++j) {
        const int c = (v >> (6 - 2 * j)) & 3;
        t[v].code[j] = kOfI2s[c];
        t[v].illegal += c == 3 ? 1 : 0;
      }
    }
    return t;
  }();
  return table;
}

std::string hex(std::uint64_t v) { return fmt::format("0x{:x}", v); }

const char* operand_name(What w) {
  switch (w) {
    case What::kW:
      return "W";
    case What::kX:
      return "X";
    case What::kY:
      return "Y";
    default:
      return regmap::name(w);
  }
}

}  // namespace

void DmaWindow::validate() const {
  if (size == 0) throw std::invalid_argument("DMA window: size is 0");
  if (size - 1 > std::numeric_limits<std::uint64_t>::max() - base) {
    throw std::invalid_argument(
        fmt::format("DMA window: base {} + size {} passes 2^64", hex(base), hex(size)));
  }
}

std::uint64_t weight_bytes(Format format, std::uint32_t n, std::uint32_t k) {
  const std::uint64_t weights = std::uint64_t{n} * k;
  return format == Format::kI2s ? (weights + 3) / 4 : weights;
}

std::uint64_t activation_bytes(std::uint32_t m, std::uint32_t k) { return std::uint64_t{m} * k; }

std::uint64_t result_bytes(std::uint32_t m, std::uint32_t n) {
  return std::uint64_t{m} * n * regmap::kYElementBytes;
}

bool check_command(const CommandRegs& regs, const ArrayConfig& config, const DmaWindow& window,
                   Command& out, CommandError& error) {
  const auto fail = [&](Error code, What what, std::uint64_t info) {
    error = {code, what, info};
    return false;
  };
  const std::pair<What, std::uint32_t> dims[] = {
      {What::kM, regs.m}, {What::kN, regs.n}, {What::kK, regs.k}};
  for (const auto& [what, value] : dims) {
    if (value < 1 || value > kMaxDim) return fail(Error::kShape, what, value);
  }
  if (regs.k > config.max_k()) return fail(Error::kShape, What::kK, regs.k);
  if (!regmap::is_valid_format(regs.format))
    return fail(Error::kFormat, What::kFormat, regs.format);
  const auto format = static_cast<Format>(regs.format);
  if (format == Format::kI2s && regs.k % regmap::kI2sBlockWeights != 0) {
    return fail(Error::kFormat, What::kK, regs.k);
  }
  const std::pair<What, Region> regions[] = {
      {What::kW, {regs.w, weight_bytes(format, regs.n, regs.k)}},
      {What::kX, {regs.x, activation_bytes(regs.m, regs.k)}},
      {What::kY, {regs.y, result_bytes(regs.m, regs.n)}}};
  for (const auto& [what, r] : regions) {
    if (r.addr % regmap::kDmaAlign != 0) return fail(Error::kAlign, what, r.addr);
  }
  for (const auto& [what, r] : regions) {
    if (!window.contains(r)) return fail(Error::kRange, what, r.addr);
  }
  const Region& y = regions[2].second;
  if (y.overlaps(regions[0].second)) return fail(Error::kOverlap, What::kW, y.addr);
  if (y.overlaps(regions[1].second)) return fail(Error::kOverlap, What::kX, y.addr);
  out.shape = {regs.m, regs.n, regs.k};
  out.format = format;
  out.w = regions[0].second;
  out.x = regions[1].second;
  out.y = y;
  return true;
}

std::string describe_error(const CommandError& e) {
  const std::uint64_t align = regmap::kDmaAlign;
  switch (e.code) {
    case Error::kNone:
      return "no error";
    case Error::kBusy:
      return "START while a command was running: the new command was ignored";
    case Error::kShape:
      return fmt::format("{} = {} is outside the array's range (1..2^24 - 1{})",
                         regmap::name(e.what), e.info,
                         e.what == What::kK ? ", and at most HW_MAX_K" : "");
    case Error::kFormat:
      if (e.what == What::kFormat) {
        return fmt::format("CMD_FORMAT = {} is not a format (0 CODES, 1 I2S)", e.info);
      }
      return fmt::format("K = {} is not a multiple of {}, as FORMAT I2S needs", e.info,
                         regmap::kI2sBlockWeights);
    case Error::kAlign:
      return fmt::format("{} at {} is not a multiple of {} bytes", operand_name(e.what),
                         hex(e.info), align);
    case Error::kRange:
      return fmt::format("{} at {} does not fit inside the DMA window", operand_name(e.what),
                         hex(e.info));
    case Error::kOverlap:
      return fmt::format("Y at {} overlaps {}", hex(e.info), operand_name(e.what));
    case Error::kBus:
      return fmt::format("the memory refused the DMA burst at {} of {}", hex(e.info),
                         operand_name(e.what));
    case Error::kRegAccess:
      return fmt::format("refused register access at offset {}", hex(e.info));
  }
  return fmt::format("unknown error code {}", static_cast<std::uint32_t>(e.code));
}

std::vector<Region> dma_bursts(const Region& r) {
  std::vector<Region> out;
  std::uint64_t addr = r.addr, left = r.bytes;
  while (left > 0) {
    const std::uint64_t to_boundary = regmap::kDmaBurstBytes - addr % regmap::kDmaBurstBytes;
    const std::uint64_t len = left < to_boundary ? left : to_boundary;
    out.push_back({addr, len});
    addr += len;
    left -= len;
  }
  return out;
}

std::uint64_t dma_cycles(const Region& r, std::uint64_t latency_cycles) {
  // Every burst but the last ends on a multiple of DMA_BURST_BYTES (itself a multiple of the bus
  // width) and the region starts aligned, so the beats add up to ceil(bytes / bus bytes).
  static_assert(regmap::kDmaBurstBytes % regmap::kDmaBusBytes == 0);
  static_assert(regmap::kDmaAlign % regmap::kDmaBusBytes == 0);
  if (r.bytes == 0) return 0;
  const std::uint64_t first_page = r.addr / regmap::kDmaBurstBytes;
  const std::uint64_t last_page = (r.addr + (r.bytes - 1)) / regmap::kDmaBurstBytes;
  const std::uint64_t bursts = last_page - first_page + 1;
  return (r.bytes + regmap::kDmaBusBytes - 1) / regmap::kDmaBusBytes + bursts * latency_cycles;
}

CommandTiming predict_timing(const ArrayConfig& config, const Command& c,
                             std::uint64_t latency_cycles) {
  CommandTiming t;
  t.read_w = dma_cycles(c.w, latency_cycles);
  t.read_x = dma_cycles(c.x, latency_cycles);
  t.array = predict_cycles(config, c.shape).cycles;
  t.write_y = dma_cycles(c.y, latency_cycles);
  return t;
}

std::uint64_t decode_weights(Format format, const std::uint8_t* bytes, std::uint32_t n,
                             std::uint32_t k, std::vector<std::uint8_t>& codes) {
  const std::uint64_t count = std::uint64_t{n} * k;
  codes.resize(count);
  std::uint64_t illegal = 0;
  if (format == Format::kCodes) {
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::uint8_t b = bytes[i];
      const bool ok = is_legal(b);
      codes[i] = ok ? b : kIllegalCode;
      illegal += ok ? 0 : 1;
    }
    return illegal;
  }
  // I2S: K is a multiple of 128, so the rows are whole blocks of 32 bytes.
  const auto& table = i2s_table();
  std::uint8_t* dst = codes.data();
  for (std::uint64_t block = 0; block < count / regmap::kI2sBlockWeights; ++block) {
    const std::uint8_t* in = bytes + block * 32;
    std::uint8_t* out = dst + block * regmap::kI2sBlockWeights;
    for (int p = 0; p < 32; ++p) {
      const I2sCodes& e = table[in[p]];
      out[p] = e.code[0];
      out[32 + p] = e.code[1];
      out[64 + p] = e.code[2];
      out[96 + p] = e.code[3];
      illegal += e.illegal;
    }
  }
  return illegal;
}

std::uint64_t count_illegal_weights(Format format, const std::uint8_t* bytes, std::uint64_t size) {
  std::uint64_t illegal = 0;
  if (format == Format::kCodes) {
    for (std::uint64_t i = 0; i < size; ++i) illegal += is_legal(bytes[i]) ? 0 : 1;
    return illegal;
  }
  // A 2-bit field holding 3 has both bits set: 8 bytes at a time.
  std::uint64_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, bytes + i, 8);
    illegal += static_cast<std::uint64_t>(__builtin_popcountll(v & (v >> 1) & 0x5555555555555555u));
  }
  for (; i < size; ++i) illegal += i2s_table()[bytes[i]].illegal;
  return illegal;
}

std::vector<std::uint8_t> encode_results(const std::vector<std::int64_t>& y) {
  std::vector<std::uint8_t> out(y.size() * regmap::kYElementBytes);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto v = static_cast<std::uint32_t>(static_cast<std::int32_t>(y[i]));
    for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<std::uint8_t>(v >> (8 * b));
  }
  return out;
}

std::vector<std::int64_t> decode_results(const std::uint8_t* bytes, std::size_t count) {
  std::vector<std::int64_t> y(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t v = 0;
    for (int b = 0; b < 4; ++b) v |= std::uint32_t{bytes[i * 4 + b]} << (8 * b);
    y[i] = static_cast<std::int32_t>(v);
  }
  return y;
}

}  // namespace ternac::vp
