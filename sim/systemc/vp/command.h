// The memory-mapped device's command, without simulator types: the checks START applies (in
// their documented order), the sizes of W, X and Y in memory, the DMA's burst rule and timing,
// the decoding of W into the array's trit codes and the encoding of Y. The SystemC models, the
// tests and the driver's predictions share these; docs/systemc.md describes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac_vp_regmap.h"

namespace ternac::vp {

// The command registers as START reads them.
struct CommandRegs {
  std::uint32_t m = 0, n = 0, k = 0;
  std::uint32_t format = 0;
  std::uint64_t w = 0, x = 0, y = 0;
};

// A range of system memory [addr, addr + bytes).
struct Region {
  std::uint64_t addr = 0;
  std::uint64_t bytes = 0;
  // True when the two ranges share a byte (both non-empty).
  bool overlaps(const Region& o) const {
    if (bytes == 0 || o.bytes == 0) return false;
    return addr >= o.addr ? addr - o.addr < o.bytes : o.addr - addr < bytes;
  }
};

// The system memory the device may read and write (DMA_BASE, DMA_SIZE).
struct DmaWindow {
  std::uint64_t base = 0;
  std::uint64_t size = 0;
  // True when `r` lies inside the window (never wrapping past 2^64).
  bool contains(const Region& r) const {
    return r.addr >= base && r.bytes <= size && r.addr - base <= size - r.bytes;
  }
  // Throws std::invalid_argument naming the problem: an empty window, or one past 2^64.
  void validate() const;
};

// A command that passed every check.
struct Command {
  GemmShape shape;
  regmap::Format format = regmap::Format::kCodes;
  Region w, x, y;
};

// What START refused, as the ERROR registers report it.
struct CommandError {
  regmap::Error code = regmap::Error::kNone;
  regmap::What what = regmap::What::kNone;
  std::uint64_t info = 0;
};

// Bytes of W, X and Y in memory (FORMAT CODES: N x K; I2S: N x K / 4; X: M x K; Y: M x N x 4).
std::uint64_t weight_bytes(regmap::Format format, std::uint32_t n, std::uint32_t k);
std::uint64_t activation_bytes(std::uint32_t m, std::uint32_t k);
std::uint64_t result_bytes(std::uint32_t m, std::uint32_t n);

// The checks of START except BUSY, in order: SHAPE (M, N, K), FORMAT (the value, then I2S's K),
// ALIGN (W, X, Y), RANGE (W, X, Y), OVERLAP (Y with W, then with X). Returns true and fills
// `out` when the command may run, false and fills `error` with the first failure otherwise.
bool check_command(const CommandRegs& regs, const ArrayConfig& config, const DmaWindow& window,
                   Command& out, CommandError& error);

// A sentence naming what is wrong: "W at 0x80000011 is not a multiple of 32 bytes", ...
std::string describe_error(const CommandError& error);

// The DMA's bursts over `r`: at most DMA_BURST_BYTES each, never crossing a multiple of it.
std::vector<Region> dma_bursts(const Region& r);

// Cycles the DMA takes to move `r`: ceil(bytes / DMA_BUS_BYTES) for its bursts' beats, plus
// `latency_cycles` per burst (the memory's latency, rounded up to whole cycles).
std::uint64_t dma_cycles(const Region& r, std::uint64_t latency_cycles);

// The device's timing of a command, in clock cycles from its start (the first clock edge at or
// after the START write): read W, read X, run the array (the cycle model's count), write Y.
struct CommandTiming {
  std::uint64_t read_w = 0, read_x = 0, array = 0, write_y = 0;
  std::uint64_t total() const { return read_w + read_x + array + write_y; }
};
CommandTiming predict_timing(const ArrayConfig& config, const Command& command,
                             std::uint64_t latency_cycles);

// W as the array's trit codes (TritCode bytes, N x K row-major); codes the array cannot take
// become TritCode::kIllegal (FORMAT CODES: 2 and 4..255; I2S: 3). Returns how many there are.
// `bytes` must hold weight_bytes(format, n, k) bytes.
std::uint64_t decode_weights(regmap::Format format, const std::uint8_t* bytes, std::uint32_t n,
                             std::uint32_t k, std::vector<std::uint8_t>& codes);

// Illegal codes in W without decoding it (the same count as decode_weights).
std::uint64_t count_illegal_weights(regmap::Format format, const std::uint8_t* bytes,
                                    std::uint64_t size);

// Y (M x N values) as int32 little-endian bytes.
std::vector<std::uint8_t> encode_results(const std::vector<std::int64_t>& y);
// And back (tests, the example): `bytes` holds count x 4 bytes.
std::vector<std::int64_t> decode_results(const std::uint8_t* bytes, std::size_t count);

}  // namespace ternac::vp
