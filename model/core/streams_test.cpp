#include "ternac/model/core/streams.h"

#include <gtest/gtest.h>

#include <random>

namespace ternac {
namespace {

GemmProblem random_codes(GemmShape s, unsigned seed) {
  std::mt19937 rng(seed);
  GemmProblem p;
  p.shape = s;
  for (std::uint64_t i = 0; i < std::uint64_t{s.n} * s.k; ++i) {
    p.weights.push_back(encode_trit(static_cast<int>(rng() % 3) - 1));
  }
  for (std::uint64_t i = 0; i < std::uint64_t{s.m} * s.k; ++i) {
    p.activations.push_back(static_cast<std::int8_t>(rng()));
  }
  return p;
}

// Rebuilds W and X from the streams by walking the documented order with plain nested loops, and
// checks that every real position is delivered exactly once and that padding is what was asked.
void check_round_trip(const ArrayConfig& c, GemmShape s, Padding padding) {
  const GemmProblem p = random_codes(s, 11);
  WeightStream ws(p, c, padding, 5);
  ActivationStream as(p, c, padding, 6);
  std::vector<int> w_seen(p.weights.size(), 0);
  const std::uint32_t L = c.lanes, T = c.tree_inputs, TT = c.token_tile;
  for (std::uint32_t m0 = 0; m0 < s.m; m0 += TT) {
    for (std::uint32_t n0 = 0; n0 < s.n; n0 += L) {
      for (std::uint32_t k0 = 0; k0 < s.k; k0 += T) {
        for (int b = 0; b < c.beats_per_tile(); ++b) {
          ASSERT_FALSE(ws.done());
          for (int r = 0; r < c.weight_rows_per_beat; ++r) {
            for (std::uint32_t col = 0; col < T; ++col) {
              const std::uint32_t lane = b * c.weight_rows_per_beat + r;
              const std::uint64_t bit = (std::uint64_t(r) * T + col) * 2;
              const auto code = static_cast<std::uint8_t>(get_bits(ws.current(), bit, 2));
              const std::uint32_t n = n0 + lane, k = k0 + col;
              if (lane < L && n < s.n && k < s.k) {
                EXPECT_EQ(code, p.weights[std::size_t{n} * s.k + k]);
                if (m0 == 0) ++w_seen[std::size_t{n} * s.k + k];
              } else if (padding == Padding::kZero) {
                EXPECT_EQ(code, 0);
              } else {
                EXPECT_TRUE(is_legal(code));
              }
            }
          }
          ws.next();
        }
        for (std::uint32_t m = m0; m < std::min(s.m, m0 + TT); ++m) {
          ASSERT_FALSE(as.done());
          for (std::uint32_t col = 0; col < T; ++col) {
            const auto v = static_cast<std::int8_t>(get_bits(as.current(), col * 8ull, 8));
            if (k0 + col < s.k) {
              EXPECT_EQ(v, p.activations[std::size_t{m} * s.k + k0 + col]);
            } else if (padding == Padding::kZero) {
              EXPECT_EQ(v, 0);
            }
          }
          as.next();
        }
      }
    }
  }
  EXPECT_TRUE(ws.done());
  EXPECT_TRUE(as.done());
  for (int n : w_seen) EXPECT_EQ(n, 1);
}

TEST(Streams, RoundTripDefaultArray) {
  check_round_trip(ArrayConfig{}, {3, 40, 130}, Padding::kZero);
}

TEST(Streams, RoundTripNarrowPortAndBlocks) {
  ArrayConfig c;
  c.lanes = 4;
  c.tree_inputs = 8;
  c.weight_rows_per_beat = 3;  // 2 beats per tile, the second half padding
  c.token_tile = 2;
  check_round_trip(c, {5, 9, 17}, Padding::kZero);
  check_round_trip(c, {5, 9, 17}, Padding::kRandom);
}

TEST(Streams, ResultOrderCoversEveryOutputOnce) {
  ArrayConfig c;
  c.lanes = 3;
  c.tree_inputs = 5;
  c.token_tile = 4;
  const GemmShape s{10, 7, 3};
  ResultOrder order(c, s);
  std::vector<int> seen(s.m * s.n, 0);
  for (std::uint64_t b = 0; b < order.total_beats(); ++b) {
    const ResultBeatPlace p = order.place(b);
    EXPECT_EQ(p.last, b + 1 == order.total_beats());
    for (std::uint32_t j = 0; j < p.lanes_used; ++j) ++seen[p.m * s.n + p.n0 + j];
  }
  for (int n : seen) EXPECT_EQ(n, 1);
  // Token block 0 (tokens 0..3) comes first, N tile by N tile.
  EXPECT_EQ(order.place(0).m, 0u);
  EXPECT_EQ(order.place(4).n0, 3u);
  EXPECT_EQ(order.place(4).m, 0u);
}

TEST(Streams, BitHelpers) {
  Beat b(3, 0);
  put_bits(b, 30, 8, 0xA5);
  EXPECT_EQ(get_bits(b, 30, 8), 0xA5u);
  EXPECT_EQ(get_signed_bits(b, 30, 8), static_cast<std::int8_t>(0xA5));
  EXPECT_EQ(b[0] >> 30, 0x1u);
}

}  // namespace
}  // namespace ternac
