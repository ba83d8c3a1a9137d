// The scoreboard's failure triage on hand-made wrong results: the tile coordinates, and what the
// golden model can say about a wrong value (a K tile dropped or added twice, the accumulation
// stopped early).
#include "ternac/testbench/env/scoreboard.h"

#include <gtest/gtest.h>

namespace ternac {
namespace {

// A 2-lane, 4-input array; one output row of K = 12 (three K tiles) with known tile sums.
struct Fixture {
  ArrayConfig config;
  GemmProblem problem;
  Fixture() {
    config.lanes = 2;
    config.tree_inputs = 4;
    config.weight_rows_per_beat = 2;
    config.token_tile = 4;
    problem.shape = {1, 1, 12};
    // Tile sums: 1 + 2 + 3 + 4 = 10; -(5 + 6) = -11 (two -1 weights); 7 + 8 + 9 + 10 = 34.
    const int w[12] = {1, 1, 1, 1, -1, -1, 0, 0, 1, 1, 1, 1};
    for (int v : w) problem.weights.push_back(encode_trit(v));
    for (int k = 1; k <= 12; ++k) {
      problem.activations.push_back(static_cast<std::int8_t>(k <= 8 ? k : k - 2));
    }
  }
  // The report after one result beat carrying `value` in lane 0 (lane 1 is padding: zero).
  std::string report_for(std::int64_t value) {
    Scoreboard board(config, problem);
    Beat beat(2, 0);
    beat[0] = static_cast<std::uint32_t>(value);
    board.on_result(beat, true, 7);
    return board.final_report();
  }
};

TEST(Scoreboard, AgreesWithTheHandComputedSum) {
  Fixture f;  // 10 - 11 + 34 = 33
  EXPECT_EQ(golden_gemm(f.problem, 32), std::vector<std::int64_t>{33});
  EXPECT_EQ(f.report_for(33), "");
}

TEST(Scoreboard, CountsResultsApartFromPaddingLanes) {
  Fixture f;  // N = 1 on 2 lanes: one result and one padding lane per beat
  Scoreboard board(f.config, f.problem);
  Beat beat(2, 0);
  beat[0] = 33;
  board.on_result(beat, true, 7);
  EXPECT_TRUE(board.passed()) << board.final_report();
  EXPECT_EQ(board.checked_values(), 2u);
  EXPECT_EQ(board.checked_results(), 1u);  // M x N
}

TEST(Scoreboard, NamesTheTileCoordinatesAndTheDroppedTile) {
  const std::string r = Fixture().report_for(33 + 11);  // tile 1 (sum -11) missing
  EXPECT_NE(r.find("token m=0, row n=0; token block 0, N tile 0, lane 0) cycle 7: expected 33, "
                   "got 44"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find("partial sum after each of the 3 K tiles: 10 -1 33"), std::string::npos) << r;
  EXPECT_NE(r.find("minus K tile 1's sum (-11): that tile was dropped"), std::string::npos) << r;
}

TEST(Scoreboard, TellsATileAddedTwice) {
  const std::string r = Fixture().report_for(33 + 34);
  EXPECT_NE(r.find("K tile 2's sum (34): that tile was added twice"), std::string::npos) << r;
}

TEST(Scoreboard, TellsAnAccumulationThatStoppedEarly) {
  const std::string r = Fixture().report_for(10);
  EXPECT_NE(r.find("the partial sum after K tile 0: the tiles after it were not accumulated"),
            std::string::npos)
      << r;
}

TEST(Scoreboard, TellsALostNegationCarry) {
  const std::string r = Fixture().report_for(33 - 2);  // two -1 weights, each off by one
  EXPECT_NE(r.find("the +1 of each negation (-x = ~x + 1) was lost"), std::string::npos) << r;
}

TEST(Scoreboard, SaysNothingItCannotTell) {
  const std::string r = Fixture().report_for(1000);
  EXPECT_NE(r.find("difference 967\n"), std::string::npos) << r;
}

}  // namespace
}  // namespace ternac
