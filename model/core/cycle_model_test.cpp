#include "ternac/model/core/cycle_model.h"

#include <gtest/gtest.h>

#include <random>

namespace ternac {
namespace {

TEST(CycleModel, SingleTileByHand) {
  // Command in cycle 0, weight beat in 1, activation accepted in 2, stage 0 in 3, stage 1 in 4,
  // result handshake in 5.
  const CycleEstimate e = predict_cycles(ArrayConfig{}, {1, 1, 1});
  EXPECT_EQ(e.cycles, 6u);
  EXPECT_EQ(e.lower_bound, 1u);
  EXPECT_EQ(e.latency, 5u);
}

TEST(CycleModel, NarrowPortByHand) {
  // Two beats per tile, one token, two K tiles. Tile 0 loads in 1-2, its beat is accepted in 3;
  // tile 1 loads in 3-4, its beat is accepted in 5 and computed in 6; the result leaves stage 1
  // in 7 and is taken in 8: 9 cycles.
  ArrayConfig c;
  c.lanes = 4;
  c.tree_inputs = 8;
  c.weight_rows_per_beat = 2;
  EXPECT_EQ(predict_cycles(c, {1, 4, 16}).cycles, 9u);
  // With 3 tokens per tile compute dominates and the second load hides under the first tile's
  // compute: command (cycle 0), loads (1-2), beats accepted (3-8), stage 0 (9), stage 1 (10),
  // result (11): 12 cycles.
  EXPECT_EQ(predict_cycles(c, {3, 4, 16}).cycles, 12u);
}

TEST(CycleModel, ClosedFormEqualsTileRecurrence) {
  std::mt19937 rng(3);
  for (int i = 0; i < 300; ++i) {
    ArrayConfig c;
    c.lanes = 1 + static_cast<int>(rng() % 20);
    c.tree_inputs = 1 + static_cast<int>(rng() % 70);
    c.token_tile = 1 + static_cast<int>(rng() % 9);
    const GemmShape s{1 + static_cast<std::uint32_t>(rng() % 30),
                      1 + static_cast<std::uint32_t>(rng() % 100),
                      1 + static_cast<std::uint32_t>(rng() % 300)};
    EXPECT_EQ(predict_cycles(c, s).cycles, predict_cycles_by_tiles(c, s)) << s.str();
  }
}

TEST(CycleModel, Bitnet2B4TWithinTwoPercentOfBound) {
  const ArrayConfig c;
  const std::pair<std::uint32_t, std::uint32_t> layers[] = {
      {2560, 2560}, {640, 2560}, {6912, 2560}, {2560, 6912}};
  for (std::uint32_t m : {1u, 128u}) {
    for (auto [n, k] : layers) {
      const CycleEstimate e = predict_cycles(c, {m, n, k});
      const std::uint64_t bound = ((n + 15) / 16) * ((k + 63) / 64) * std::uint64_t{m};
      EXPECT_EQ(e.lower_bound, bound);
      EXPECT_LE(double(e.cycles), 1.02 * double(bound + e.latency));
      EXPECT_GE(utilization(c, {m, n, k}, e.cycles), 0.98);
    }
  }
}

TEST(CycleModel, PipelinedTreeAddsItsStages) {
  ArrayConfig c;
  c.lanes = 5;
  c.tree_inputs = 16;  // 4 levels
  c.weight_rows_per_beat = 5;
  c.pipe_every = 1;  // registers after levels 1, 2, 3: 3 stages
  EXPECT_EQ(c.tree_stages(), 3);
  EXPECT_EQ(predict_cycles(c, {1, 1, 1}).cycles, 6u + 3);
  c.pipe_every = 2;  // after level 2 only
  EXPECT_EQ(c.tree_stages(), 1);
  c.pipe_every = 4;  // the root is never registered inside the tree
  EXPECT_EQ(c.tree_stages(), 0);
  c.pipe_every = 1;
  c.weight_rows_per_beat = 2;  // the recurrence adds the same stages
  EXPECT_EQ(predict_cycles(c, {3, 7, 40}).cycles, predict_cycles_by_tiles(c, {3, 7, 40}));
}

TEST(CycleModel, RejectsBadShape) {
  EXPECT_THROW(predict_cycles(ArrayConfig{}, {0, 1, 1}), std::invalid_argument);
}

}  // namespace
}  // namespace ternac
