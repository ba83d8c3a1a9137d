#include "ternac/model/core/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

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

namespace ternac {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

const char* const kHeader =
    "name,lanes,tree_inputs,acc_width,rows_per_beat,token_tile,datapath,pipe_every,"
    "level_width_cap,reduction,use\n";

// rtl/configs.csv loads, every row legal, "default" first and equal to the built-in default.
TEST(NamedConfigs, TheProjectsFileLoads) {
  const std::vector<NamedConfig> all = load_named_configs(default_configs_file());
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().name, "default");
  EXPECT_EQ(all.front().config.name(), default_config().name());
  EXPECT_EQ(find_named_config(all, "csa_odd").config.reduction, Reduction::kCsa);
  EXPECT_THROW(find_named_config(all, "nope"), std::invalid_argument);
}

// A bad row is refused with the file, the line and what is wrong.
TEST(NamedConfigs, BadRowsAreNamed) {
  const auto error_of = [](const std::string& text) {
    try {
      load_named_configs(write_temp("configs_bad.csv", text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("# c\nname,lanes\n").find(":2: the header must be"), std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "a,4,5,11,4,8,0,0,0,0,cosim\n")
                .find(":2: configuration a: array parameter AccWidth must be in 12..64, got 11"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "a,4,8,32,4,8,0,0,0,0,cosim\n"
                                            "a,4,8,32,4,8,0,0,0,0,lint\n")
                .find(":3: the name 'a' is repeated"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "a,4,8,32,4,8,0,0,0,0,other\n").find("use must be"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "a,4,8,32,4,8,0,0,0\n").find("9 fields, expected 11"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "a,4,0x8,32,4,8,0,0,0,0,cosim\n").find("tree_inputs"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kHeader) + "A,4,8,32,4,8,0,0,0,0,cosim\n").find("lower-case"),
            std::string::npos);
}

}  // namespace
}  // namespace ternac
