#include "ternac/model/core/streams.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ternac {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// Deterministic padding filler: a hash of (seed, beat, position), so that a beat's padding does
// not depend on how far another stream has got.
std::uint64_t pad_hash(std::uint64_t seed, std::uint64_t beat, std::uint64_t pos) {
  std::uint64_t x = seed ^ (beat * 0x9E3779B97F4A7C15ull) ^ (pos * 0xC2B2AE3D27D4EB4Full);
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

std::size_t words_for(int bits) { return static_cast<std::size_t>((bits + 31) / 32); }

}  // namespace

TileGrid tile_grid(const ArrayConfig& config, const GemmShape& shape) {
  TileGrid g;
  g.token_blocks = ceil_div(shape.m, config.token_tile);
  g.n_tiles = ceil_div(shape.n, config.lanes);
  g.k_tiles = ceil_div(shape.k, config.tree_inputs);
  return g;
}

int weight_beat_bits(const ArrayConfig& c) {
  return c.weight_rows_per_beat * c.tree_inputs * c.weight_bits();
}

static void check_format(const GemmProblem& p, const ArrayConfig& c) {
  const bool int8 = p.format == WeightFormat::kInt8;
  if (int8 != c.int8()) {
    throw std::invalid_argument(fmt::format("{} weights cannot run on the {} array {}",
                                            int8 ? "INT8" : "ternary",
                                            c.int8() ? "INT8" : "ternary", c.name()));
  }
}
int activation_beat_bits(const ArrayConfig& c) { return c.tree_inputs * kActBits; }
int result_lane_bits(const ArrayConfig& c) { return c.acc_width; }

void put_bits(Beat& beat, std::uint64_t offset, int width, std::uint64_t value) {
  for (int i = 0; i < width; ++i) {
    const std::uint64_t bit = offset + static_cast<std::uint64_t>(i);
    const std::uint32_t mask = 1u << (bit % 32);
    if ((value >> i) & 1u) {
      beat[bit / 32] |= mask;
    } else {
      beat[bit / 32] &= ~mask;
    }
  }
}

std::uint64_t get_bits(const Beat& beat, std::uint64_t offset, int width) {
  std::uint64_t v = 0;
  for (int i = 0; i < width; ++i) {
    const std::uint64_t bit = offset + static_cast<std::uint64_t>(i);
    v |= static_cast<std::uint64_t>((beat[bit / 32] >> (bit % 32)) & 1u) << i;
  }
  return v;
}

std::int64_t get_signed_bits(const Beat& beat, std::uint64_t offset, int width) {
  return wrap_to_width(static_cast<std::int64_t>(get_bits(beat, offset, width)), width);
}

namespace {

// Eight 2-bit codes (one per byte of `src`) packed into 16 bits at an even bit offset of `beat`.
void put_packed_codes(Beat& beat, std::uint64_t bit, const std::uint8_t* src) {
  std::uint64_t v;
  std::memcpy(&v, src, 8);
  v &= 0x0303030303030303u;  // byte b holds code b in bits 1:0
  v = (v | (v >> 6)) & 0x000F000F000F000Fu;
  v = (v | (v >> 12)) & 0x000000FF000000FFu;
  v = (v | (v >> 24)) & 0xFFFFu;
  const auto word = static_cast<std::size_t>(bit / 32);
  const auto shift = static_cast<unsigned>(bit % 32);
  beat[word] |= static_cast<std::uint32_t>(v << shift);
  if (shift > 16) beat[word + 1] |= static_cast<std::uint32_t>(v >> (32 - shift));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
WeightStream::WeightStream(const GemmProblem& problem, const ArrayConfig& config, Padding padding,
                           std::uint64_t padding_seed)
    : problem_(problem),
      config_(config),
      grid_(tile_grid(config, problem.shape)),
      padding_(padding),
      padding_seed_(padding_seed),
      total_(grid_.tiles() * static_cast<std::uint64_t>(config.beats_per_tile())),
      beat_(words_for(weight_beat_bits(config))) {
  problem_.check_sizes();
  check_format(problem_, config_);
  if (!done()) build();
}

void WeightStream::next() {
  ++index_;
  if (!done()) build();
}

void WeightStream::build() {
  const auto bpt = static_cast<std::uint64_t>(config_.beats_per_tile());
  const std::uint64_t tile = index_ / bpt;
  const std::uint64_t beat_in_tile = index_ % bpt;
  const std::uint64_t kt = tile % grid_.k_tiles;
  const std::uint64_t nt = (tile / grid_.k_tiles) % grid_.n_tiles;
  const GemmShape& s = problem_.shape;
  const int rows = config_.weight_rows_per_beat;
  const int cols = config_.tree_inputs;
  const int bits = config_.weight_bits();
  std::fill(beat_.begin(), beat_.end(), 0u);
  for (int i = 0; i < rows; ++i) {
    const std::uint64_t lane = beat_in_tile * static_cast<std::uint64_t>(rows) + i;
    const std::uint64_t n = nt * static_cast<std::uint64_t>(config_.lanes) + lane;
    const std::uint64_t k0 = kt * static_cast<std::uint64_t>(cols);
    int c = 0;
    if (!config_.int8() && lane < static_cast<std::uint64_t>(config_.lanes) && n < s.n) {
      // The row's real codes, eight at a time: a whole-model run moves a billion of them.
      const std::uint64_t real = std::min<std::uint64_t>(cols, s.k > k0 ? s.k - k0 : 0);
      const std::uint8_t* src = &problem_.weights[n * s.k + k0];
      for (; c + 8 <= static_cast<int>(real); c += 8) {
        put_packed_codes(beat_, (std::uint64_t(i) * cols + c) * 2, src + c);
      }
    }
    for (; c < cols; ++c) {
      const std::uint64_t k = kt * static_cast<std::uint64_t>(cols) + c;
      std::uint8_t code = 0;
      const bool real = lane < static_cast<std::uint64_t>(config_.lanes) && n < s.n && k < s.k;
      if (real) {
        code = problem_.weights[n * s.k + k];
      } else if (padding_ == Padding::kRandom) {
        // A random legal code (0, 1 or 3), or a random INT8 weight.
        const std::uint64_t h = pad_hash(padding_seed_, index_, std::uint64_t(i) * cols + c);
        code = config_.int8() ? static_cast<std::uint8_t>(h)
                              : static_cast<std::uint8_t>(h % 3 == 2 ? 3 : h % 3);
      }
      if (code != 0) {
        // Weights are 2 or 8 bits and never straddle a 32-bit word.
        const std::uint64_t bit = (std::uint64_t(i) * cols + c) * bits;
        beat_[bit / 32] |= static_cast<std::uint32_t>(code) << (bit % 32);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
ActivationStream::ActivationStream(const GemmProblem& problem, const ArrayConfig& config,
                                   Padding padding, std::uint64_t padding_seed)
    : problem_(problem),
      config_(config),
      grid_(tile_grid(config, problem.shape)),
      padding_(padding),
      padding_seed_(padding_seed),
      total_(std::uint64_t{problem.shape.m} * grid_.n_tiles * grid_.k_tiles),
      beat_(words_for(activation_beat_bits(config))) {
  problem_.check_sizes();
  if (!done()) build();
}

std::uint64_t ActivationStream::block_tokens() const {
  const std::uint64_t mb = tile_ / (grid_.n_tiles * grid_.k_tiles);
  const std::uint64_t first = mb * static_cast<std::uint64_t>(config_.token_tile);
  return std::min<std::uint64_t>(config_.token_tile, problem_.shape.m - first);
}

void ActivationStream::next() {
  ++index_;
  if (++token_ == block_tokens()) {
    token_ = 0;
    ++tile_;
  }
  if (!done()) build();
}

void ActivationStream::build() {
  const std::uint64_t kt = tile_ % grid_.k_tiles;
  const std::uint64_t mb = tile_ / (grid_.n_tiles * grid_.k_tiles);
  const std::uint64_t m = mb * static_cast<std::uint64_t>(config_.token_tile) + token_;
  const GemmShape& s = problem_.shape;
  const int cols = config_.tree_inputs;
  std::fill(beat_.begin(), beat_.end(), 0u);
  for (int c = 0; c < cols; ++c) {
    const std::uint64_t k = kt * static_cast<std::uint64_t>(cols) + c;
    std::uint8_t byte = 0;
    if (k < s.k) {
      byte = static_cast<std::uint8_t>(problem_.activations[m * s.k + k]);
    } else if (padding_ == Padding::kRandom) {
      byte = static_cast<std::uint8_t>(pad_hash(padding_seed_ + 1, index_, c));
    }
    const std::uint64_t bit = std::uint64_t(c) * kActBits;
    beat_[bit / 32] |= static_cast<std::uint32_t>(byte) << (bit % 32);
  }
}

// ---------------------------------------------------------------------------------------------
ResultOrder::ResultOrder(const ArrayConfig& config, const GemmShape& shape)
    : config_(config),
      shape_(shape),
      grid_(tile_grid(config, shape)),
      total_(std::uint64_t{shape.m} * grid_.n_tiles) {}

ResultBeatPlace ResultOrder::place(std::uint64_t beat) const {
  // Beats come per token block: block mb holds n_tiles * tokens(mb) beats.
  const std::uint64_t tt = static_cast<std::uint64_t>(config_.token_tile);
  const std::uint64_t full_block_beats = tt * grid_.n_tiles;
  const std::uint64_t mb = beat / full_block_beats;
  const std::uint64_t in_block = beat % full_block_beats;
  const std::uint64_t first_token = mb * tt;
  const std::uint64_t tokens = std::min<std::uint64_t>(tt, shape_.m - first_token);
  const std::uint64_t nt = in_block / tokens;
  const std::uint64_t token = in_block % tokens;
  ResultBeatPlace p;
  p.m = static_cast<std::uint32_t>(first_token + token);
  p.n0 = static_cast<std::uint32_t>(nt * static_cast<std::uint64_t>(config_.lanes));
  p.lanes_used = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(config_.lanes, shape_.n - std::uint64_t{p.n0}));
  p.last = beat + 1 == total_;
  return p;
}

}  // namespace ternac
