// The reduction variants on the model side: configuration limits, the carry-save level structure,
// the adder entries and their widths, and counts derived by hand.
#include <gtest/gtest.h>

#include <stdexcept>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/op_counts.h"
#include "ternac/model/energy/energy_model.h"
#include "ternac/model/energy/energy_table.h"

namespace ternac {
namespace {

ArrayConfig small(Reduction r) {
  ArrayConfig c;
  c.lanes = 4;
  c.tree_inputs = 8;
  c.weight_rows_per_beat = 4;
  c.token_tile = 8;
  c.reduction = r;
  return c;
}

TEST(Reduction, NamesRoundTripAndBadNamesAreNamed) {
  for (Reduction r : {Reduction::kSigned, Reduction::kSplit, Reduction::kCsa}) {
    EXPECT_EQ(parse_reduction(reduction_name(r)), r);
  }
  try {
    parse_reduction("wallace");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("wallace"), std::string::npos);
  }
}

TEST(Reduction, CarrySaveLevelsFollowTheThreeToTwoSequence) {
  // Each level turns every three values into two: 8 -> 6 -> 4 -> 3 -> 2 (4 levels);
  // 64 -> 43 -> 29 -> 20 -> 14 -> 10 -> 7 -> 5 -> 4 -> 3 -> 2 (10 levels).
  ArrayConfig c = small(Reduction::kCsa);
  EXPECT_EQ(c.csa_levels(), 4);
  EXPECT_EQ(ArrayConfig::csa_count(8, 1), 6);
  EXPECT_EQ(ArrayConfig::csa_count(8, 3), 3);
  c.tree_inputs = 64;
  EXPECT_EQ(c.csa_levels(), 10);
  c.tree_inputs = 3;
  EXPECT_EQ(c.csa_levels(), 1);
}

TEST(Reduction, AdderEntriesAndWidths) {
  const ArrayConfig s = small(Reduction::kSigned);
  EXPECT_EQ(s.add_entries(), 3);
  EXPECT_EQ(s.add_width(0), 8);
  EXPECT_EQ(s.add_width(2), 10);
  EXPECT_EQ(s.tree_width(), 11);
  const ArrayConfig p = small(Reduction::kSplit);
  EXPECT_EQ(p.add_entries(), 4);
  EXPECT_EQ(p.add_name(3), "final_sub");
  EXPECT_EQ(p.add_width(3), 11);  // the subtract takes the two 11-bit roots
  EXPECT_EQ(p.tree_width(), 12);
  const ArrayConfig q = small(Reduction::kCsa);
  EXPECT_EQ(q.add_entries(), 5);
  EXPECT_EQ(q.add_name(0), "csa_l1");
  EXPECT_EQ(q.add_name(4), "final_add");
  EXPECT_EQ(q.add_width(0), 11);  // every carry-save vector is full width
  EXPECT_EQ(q.tree_width(), 11);
  EXPECT_EQ(OpCounts::names(q).size(), static_cast<std::size_t>(kFixedCounters + 5));
}

TEST(Reduction, IllegalCombinationsAreRejectedByName) {
  ArrayConfig c = small(Reduction::kCsa);
  c.pipe_every = 1;
  EXPECT_THROW(c.validate(), std::invalid_argument);
  c.pipe_every = 0;
  c.level_width_cap = 10;
  EXPECT_THROW(c.validate(), std::invalid_argument);
  c.level_width_cap = 0;
  c.tree_inputs = 2;
  EXPECT_THROW(c.validate(), std::invalid_argument);
  ArrayConfig d = small(Reduction::kSplit);
  d.datapath = Datapath::kInt8;
  try {
    d.validate();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Reduction"), std::string::npos);
  }
  EXPECT_NO_THROW(small(Reduction::kSplit).validate());
  EXPECT_NO_THROW(small(Reduction::kCsa).validate());
}

GemmProblem tiny_case() {
  GemmProblem p;
  p.shape = {1, 1, 2};
  p.weights = {encode_trit(1), encode_trit(-1)};
  p.activations = {3, 5};
  return p;
}

// W = [+1, -1], X = [3, 5] on 4 x 8 (the same case as the RTL's EnergyCountersByHand tests).
TEST(Reduction, CountsOfTheTinyCaseByHand) {
  // Split: 3 enters the +1 tree, 5 the -1 tree, so each tree has one adder per level with a
  // nonzero input; every lane's final subtract (pos + ~neg + 1) counts.
  EXPECT_EQ(predict_op_counts(small(Reduction::kSplit), tiny_case()).tree_adds,
            (std::vector<std::uint64_t>{2, 2, 2, 4}));
  // Carry-save: level 1 compresses (3, ~5, 0) and (0, 0, 0) with the -1's carry, then one
  // compressor with nonzero inputs per group up the levels, and the final adder.
  EXPECT_EQ(predict_op_counts(small(Reduction::kCsa), tiny_case()).tree_adds,
            (std::vector<std::uint64_t>{2, 2, 1, 1, 1}));
  // Per lane the root register: a 12-bit difference, or an 11-bit sum, with a carry and the
  // overflow flag; and the 8 x 8-bit stage-0 input register.
  EXPECT_EQ(predict_op_counts(small(Reduction::kSplit), tiny_case()).reg_pipe_bits, 4u * 14 + 64);
  EXPECT_EQ(predict_op_counts(small(Reduction::kCsa), tiny_case()).reg_pipe_bits, 4u * 13 + 64);
}

TEST(Reduction, SplitSelectsAreChargedAtTheirOwnProxy) {
  const ArrayConfig c = small(Reduction::kSplit);
  static const EnergyTables tables = EnergyTables::load(default_energy_dir());
  const EnergyTable& t = tables.node(45);
  const EnergyBreakdown e = array_energy(c, predict_op_counts(c, tiny_case()), 2, t);
  EXPECT_NEAR(e.group_pj("select"), 2 * t.pj("select_split", 8), 1e-12);
  EXPECT_LT(t.pj("select_split", 8), t.pj("select", 8));  // two AND rows against AND + XOR
}

TEST(Reduction, CappedSplitTreesSaturateEachSignSeparately) {
  // 16 x +1 against 127: the +1 tree's level-3 sums (8 x 127 = 1016) pass a 10-bit cap (511),
  // so each 8-operand half saturates to 511 and the root to 1022 > 511: 511. The exact sum 2032.
  ArrayConfig c = small(Reduction::kSplit);
  c.tree_inputs = 16;
  c.level_width_cap = 10;
  GemmProblem p;
  p.shape = {1, 1, 16};
  p.weights.assign(16, encode_trit(1));
  p.activations.assign(16, 127);
  std::uint64_t overflows = 0;
  EXPECT_EQ(golden_gemm(p, c, &overflows), (std::vector<std::int64_t>{511}));
  EXPECT_EQ(overflows, 1u);
  EXPECT_EQ(golden_gemm(p, c.acc_width), (std::vector<std::int64_t>{2032}));
}

}  // namespace
}  // namespace ternac
