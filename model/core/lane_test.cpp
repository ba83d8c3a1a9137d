#include "ternac/model/core/lane.h"

#include <gtest/gtest.h>

#include <random>

namespace ternac {
namespace {

TEST(AdderTree, CarryRoutingByHand) {
  // Three operands: level 1 adds (a + b + ca) and passes c through; level 2 adds with cb routed on.
  const TreeOut t = adder_tree({1, 2, 3}, {true, false, true});
  // Level 1: node0 = 1 + 2 + 1 = 4 carrying false; node1 = 3 carrying true.
  // Level 2: root = 4 + 3 + 0 = 7 carrying true.
  EXPECT_EQ(t.sum, 7);
  EXPECT_TRUE(t.carry);
}

TEST(AdderTree, TotalIsExactForEveryFanIn) {
  std::mt19937 rng(9);
  for (int inputs : {1, 2, 3, 5, 7, 64, 100}) {
    for (int rep = 0; rep < 50; ++rep) {
      std::vector<std::int64_t> ops(inputs);
      std::vector<bool> carries(inputs);
      std::int64_t total = 0;
      for (int i = 0; i < inputs; ++i) {
        ops[i] = static_cast<std::int8_t>(rng());
        carries[i] = rng() & 1;
        total += ops[i] + carries[i];
      }
      const TreeOut t = adder_tree(ops, carries);
      EXPECT_EQ(t.sum + t.carry, total);
      // The root sum fits in 8 + levels bits.
      const int w = 8 + tree_levels(inputs);
      EXPECT_GE(t.sum, -(std::int64_t{1} << (w - 1)));
      EXPECT_LT(t.sum, std::int64_t{1} << (w - 1));
    }
  }
}

TEST(AdderTree, CappedLevelsSaturateByHand) {
  // Four 8-bit operands of 127 with a cap of 9 bits: level 1 is 9 bits wide (127 + 127 = 254
  // fits), level 2 stays 9 bits and saturates: 254 + 254 = 508 > 255.
  const TreeOut t = adder_tree({127, 127, 127, 127}, {false, false, false, false}, 8, 9);
  EXPECT_EQ(t.sum, 255);
  EXPECT_TRUE(t.overflow);
  // The negative side saturates at -256; the carries still travel unsaturated.
  const TreeOut n = adder_tree({-128, -128, -128, -128}, {true, false, false, true}, 8, 9);
  EXPECT_EQ(n.sum, -256);
  EXPECT_TRUE(n.carry);
  EXPECT_TRUE(n.overflow);
  // A sum that fits leaves the flag down and equals the exact tree.
  const TreeOut ok = adder_tree({100, -100, 27, 1}, {true, false, false, false}, 8, 9);
  EXPECT_FALSE(ok.overflow);
  EXPECT_EQ(ok.sum + ok.carry, 29);
  EXPECT_EQ(level_width(8, 3, 10), 10);
  EXPECT_EQ(level_width(8, 1, 10), 9);
  EXPECT_EQ(level_width(8, 5, 0), 13);
}

TEST(Lane, AccumulatesPerTokenAcrossKTiles) {
  Lane lane(2, 32);
  const TreeOut a{10, true}, b{-3, false};
  EXPECT_EQ(lane.accumulate(0, true, false, a), 11);
  EXPECT_EQ(lane.accumulate(1, true, false, b), -3);
  EXPECT_EQ(lane.accumulate(0, false, false, b), 8);
  EXPECT_EQ(lane.accumulate(1, false, true, a), 8);  // last: leaves, not written back
  EXPECT_EQ(lane.accumulate(1, false, true, a), 8);  // still -3 + 11
}

TEST(Lane, TreeOfSelectsEqualsDotProduct) {
  std::mt19937 rng(4);
  for (int rep = 0; rep < 200; ++rep) {
    const int n = 1 + static_cast<int>(rng() % 70);
    std::vector<std::int8_t> x(n);
    std::vector<std::uint8_t> w(n);
    long dot = 0;
    for (int i = 0; i < n; ++i) {
      x[i] = static_cast<std::int8_t>(rng());
      const int t = static_cast<int>(rng() % 3) - 1;
      w[i] = encode_trit(t);
      dot += long(t) * x[i];
    }
    const TreeOut t = lane_tree(x, w);
    EXPECT_EQ(t.sum + t.carry, dot);
  }
}

}  // namespace
}  // namespace ternac
