// The RTL's capability register and the configuration a test binary was built for.
#pragma once

#include <stdexcept>
#include <string>

#include "ternac/model/core/config.h"
#include "ternac/model/core/streams.h"

namespace ternac {

// Width of ternac_pkg::hw_config_t.
constexpr int kHwConfigBits = 104;

// Decodes ternac_pkg::hw_config_t (104 bits: reduction, level_width_cap, pipe_every, datapath,
// lanes, tree_inputs, acc_width, weight_rows_per_beat, token_tile from the top bit down).
// Throws std::invalid_argument when the beat holds fewer bits than that.
inline ArrayConfig decode_hw_config(const Beat& b) {
  if (b.size() * 32 < static_cast<std::size_t>(kHwConfigBits)) {
    throw std::invalid_argument("hw_config_o read into " + std::to_string(b.size() * 32) +
                                " bits; it has " + std::to_string(kHwConfigBits));
  }
  const auto bits = [&](int lo, int w) { return static_cast<int>(get_bits(b, lo, w)); };
  ArrayConfig c;
  c.token_tile = bits(0, 16);
  c.weight_rows_per_beat = bits(16, 16);
  c.acc_width = bits(32, 8);
  c.tree_inputs = bits(40, 16);
  c.lanes = bits(56, 16);
  c.datapath = bits(72, 8) == 1 ? Datapath::kInt8 : Datapath::kTernary;
  c.pipe_every = bits(80, 8);
  c.level_width_cap = bits(88, 8);
  c.reduction = static_cast<Reduction>(bits(96, 8));
  return c;
}

#ifdef TERNAC_LANES
// The configuration this binary's Verilated model was built with (CMake passes the parameters).
inline ArrayConfig built_config() {
  ArrayConfig c;
  c.lanes = TERNAC_LANES;
  c.tree_inputs = TERNAC_TREE_INPUTS;
  c.acc_width = TERNAC_ACC_WIDTH;
  c.weight_rows_per_beat = TERNAC_ROWS_PER_BEAT;
  c.token_tile = TERNAC_TOKEN_TILE;
  c.datapath = TERNAC_DATAPATH == 1 ? Datapath::kInt8 : Datapath::kTernary;
  c.pipe_every = TERNAC_PIPE_EVERY;
  c.level_width_cap = TERNAC_LEVEL_WIDTH_CAP;
  c.reduction = static_cast<Reduction>(TERNAC_REDUCTION);
  return c;
}
#endif

}  // namespace ternac
