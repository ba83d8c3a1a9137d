// The array's stream protocol in C++: which beat carries what, in which order.
//
// Order (docs/architecture.md): for each token block of up to TokenTile tokens, for each N tile of
// Lanes rows, for each K tile of TreeInputs columns: the tile's weight beats, then one activation
// beat per token of the block. Results come per (token block, N tile), one beat per token, once the
// last K tile of that N tile has been applied. This file walks that order with tile indices; the
// RTL walks it with "left" counters (rtl/ternac_tile_walker.sv), so the two are independent.
#pragma once

#include <cstdint>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"

namespace ternac {

// A beat as little-endian 32-bit words: bit i of the beat is bit (i % 32) of word i / 32.
using Beat = std::vector<std::uint32_t>;

// What padding (rows past N, columns past K) carries. The array must ignore it; kRandom proves
// that it does by filling padding with random legal codes and random activations.
enum class Padding { kZero, kRandom };

struct TileGrid {
  std::uint64_t token_blocks = 0;  // ceil(M / TokenTile)
  std::uint64_t n_tiles = 0;       // ceil(N / Lanes)
  std::uint64_t k_tiles = 0;       // ceil(K / TreeInputs)
  std::uint64_t tiles() const { return token_blocks * n_tiles * k_tiles; }
};

TileGrid tile_grid(const ArrayConfig& config, const GemmShape& shape);

// Bit widths of one beat of each stream.
int weight_beat_bits(const ArrayConfig& config);
int activation_beat_bits(const ArrayConfig& config);
int result_lane_bits(const ArrayConfig& config);

class WeightStream {
 public:
  WeightStream(const GemmProblem& problem, const ArrayConfig& config,
               Padding padding = Padding::kZero, std::uint64_t padding_seed = 0);
  std::uint64_t total_beats() const { return total_; }
  bool done() const { return index_ >= total_; }
  std::uint64_t index() const { return index_; }
  const Beat& current() const { return beat_; }
  void next();

 private:
  void build();
  const GemmProblem& problem_;
  ArrayConfig config_;
  TileGrid grid_;
  Padding padding_;
  std::uint64_t padding_seed_;
  std::uint64_t total_;
  std::uint64_t index_ = 0;
  Beat beat_;
};

class ActivationStream {
 public:
  ActivationStream(const GemmProblem& problem, const ArrayConfig& config,
                   Padding padding = Padding::kZero, std::uint64_t padding_seed = 0);
  std::uint64_t total_beats() const { return total_; }
  bool done() const { return tile_ >= grid_.tiles(); }
  std::uint64_t index() const { return index_; }
  const Beat& current() const { return beat_; }
  void next();

 private:
  void build();
  std::uint64_t block_tokens() const;
  const GemmProblem& problem_;
  ArrayConfig config_;
  TileGrid grid_;
  Padding padding_;
  std::uint64_t padding_seed_;
  std::uint64_t total_;
  std::uint64_t index_ = 0;
  std::uint64_t tile_ = 0;   // tile of the current beat
  std::uint64_t token_ = 0;  // token within the block
  Beat beat_;
};

// Where a result beat lands in Y.
struct ResultBeatPlace {
  std::uint32_t m;           // token
  std::uint32_t n0;          // first output row (lane 0)
  std::uint32_t lanes_used;  // lanes that carry real rows; the rest must read zero
  bool last;                 // the final beat of the command
};

class ResultOrder {
 public:
  ResultOrder(const ArrayConfig& config, const GemmShape& shape);
  std::uint64_t total_beats() const { return total_; }
  ResultBeatPlace place(std::uint64_t beat) const;

 private:
  ArrayConfig config_;
  GemmShape shape_;
  TileGrid grid_;
  std::uint64_t total_;
};

// Writes `value`'s low `width` bits at bit `offset` of a beat.
void put_bits(Beat& beat, std::uint64_t offset, int width, std::uint64_t value);
// Reads `width` (<= 64) bits at bit `offset` of a beat.
std::uint64_t get_bits(const Beat& beat, std::uint64_t offset, int width);
// Reads `width` bits at bit `offset` of a beat, sign-extended.
std::int64_t get_signed_bits(const Beat& beat, std::uint64_t offset, int width);

}  // namespace ternac
