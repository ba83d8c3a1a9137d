#include "ternac/model/core/cycle_model.h"

#include <algorithm>

#include "ternac/model/core/streams.h"

namespace ternac {

std::uint64_t predict_cycles_by_tiles(const ArrayConfig& config, const GemmShape& shape) {
  check_shape(shape, config);
  const TileGrid grid = tile_grid(config, shape);
  const auto beats = static_cast<std::uint64_t>(config.beats_per_tile());
  const auto tt = static_cast<std::uint64_t>(config.token_tile);
  const std::uint64_t tiles_per_block = grid.n_tiles * grid.k_tiles;
  // Per tile t: load starts at S_t, its last beat is accepted at L_t = S_t + beats - 1, compute
  // runs from C_t to R_t = C_t + tokens - 1 (R_t is when the bank is released).
  //   S_0 = 1 (the cycle after the command), S_t = max(L_{t-1}, R_{t-2}) + 1
  //   C_t = max(L_t, R_{t-1}) + 1
  std::uint64_t last_load = 0;      // L_{t-1}
  std::uint64_t release_prev = 0;   // R_{t-1}
  std::uint64_t release_prev2 = 0;  // R_{t-2}
  for (std::uint64_t t = 0; t < grid.tiles(); ++t) {
    const std::uint64_t block = t / tiles_per_block;
    const std::uint64_t tokens = std::min<std::uint64_t>(tt, shape.m - block * tt);
    const std::uint64_t start = std::max(last_load, release_prev2) + 1;
    const std::uint64_t load_end = start + beats - 1;
    const std::uint64_t compute = std::max(load_end, release_prev) + 1;
    const std::uint64_t release = compute + tokens - 1;
    last_load = load_end;
    release_prev2 = release_prev;
    release_prev = release;
  }
  // The last activation beat is accepted at R_last; stage 0 computes it at R_last + 1, stage 1
  // pushes the result at R_last + 2 (plus the tree's own stages); the result handshake happens at
  // R_last + 3; counting cycle 0, that is R_last + 4 cycles.
  return release_prev + kPipelineCycles + static_cast<std::uint64_t>(config.tree_stages()) + 1;
}

CycleEstimate predict_cycles(const ArrayConfig& config, const GemmShape& shape) {
  check_shape(shape, config);
  const TileGrid grid = tile_grid(config, shape);
  CycleEstimate e;
  e.busy_cycles = std::uint64_t{shape.m} * grid.n_tiles * grid.k_tiles;
  e.lower_bound = e.busy_cycles;
  if (config.beats_per_tile() == 1) {
    // One beat per tile: the first tile loads in cycle 1, every later tile loads while the one
    // before it computes, so compute runs without a gap from cycle 2.
    e.cycles = kCommandCycles + 1 + e.busy_cycles + kPipelineCycles +
               static_cast<std::uint64_t>(config.tree_stages());
  } else {
    e.cycles = predict_cycles_by_tiles(config, shape);
  }
  e.latency = e.cycles - e.lower_bound;
  return e;
}

double utilization(const ArrayConfig& config, const GemmShape& shape, std::uint64_t cycles) {
  if (cycles == 0) return 0.0;
  return static_cast<double>(shape.macs()) /
         (static_cast<double>(cycles) * static_cast<double>(config.peak_macs_per_cycle()));
}

}  // namespace ternac
