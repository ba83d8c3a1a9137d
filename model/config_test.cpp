#include "config.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ternac {
namespace {

TEST(Config, DefaultIsValid) {
  const ArrayConfig c = default_config();
  EXPECT_NO_THROW(c.validate());
  EXPECT_EQ(c.lanes, 16);
  EXPECT_EQ(c.tree_inputs, 64);
  EXPECT_EQ(c.acc_width, 32);
  EXPECT_EQ(c.peak_macs_per_cycle(), 1024);
  EXPECT_EQ(c.beats_per_tile(), 1);
  EXPECT_EQ(c.tree_levels(), 6);
  EXPECT_EQ(c.name(), "16x64");
}

TEST(Config, MaxKKeepsTheAccumulatorExact) {
  ArrayConfig c;
  // 128 * K must fit in a signed AccWidth-bit accumulator, capped at 2^24 - 1.
  c.acc_width = 16;
  EXPECT_EQ(c.max_k(), 255u);  // (2^15 - 1) / 128 = 255.99
  c.acc_width = 20;
  EXPECT_EQ(c.max_k(), 4095u);
  c.acc_width = 32;
  EXPECT_EQ(c.max_k(), kMaxDim);
}

TEST(Config, OutOfRangeParametersAreNamed) {
  const auto expect_error = [](ArrayConfig c, const char* name) {
    try {
      c.validate();
      FAIL() << "accepted bad " << name;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  };
  ArrayConfig c;
  c.lanes = 0;
  expect_error(c, "Lanes");
  c = {};
  c.tree_inputs = 5000;
  expect_error(c, "TreeInputs");
  c = {};
  c.acc_width = 14;  // the 64-input tree alone needs 14 bits, plus one
  expect_error(c, "AccWidth");
  c = {};
  c.weight_rows_per_beat = 17;
  expect_error(c, "WeightRowsPerBeat");
  c = {};
  c.token_tile = 0;
  expect_error(c, "TokenTile");
}

TEST(Config, BeatsPerTileRoundsUp) {
  ArrayConfig c;
  c.lanes = 16;
  c.weight_rows_per_beat = 3;
  EXPECT_EQ(c.beats_per_tile(), 6);
  c.weight_rows_per_beat = 16;
  EXPECT_EQ(c.beats_per_tile(), 1);
}

}  // namespace
}  // namespace ternac
