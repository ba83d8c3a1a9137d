#include "ternac/model/core/op_counts.h"

#include <algorithm>

#include "ternac/model/core/streams.h"

namespace ternac {

std::vector<std::uint64_t> OpCounts::flat() const {
  std::vector<std::uint64_t> v{fires,
                               sel_pos,
                               sel_neg,
                               sel_zero,
                               muls,
                               acc_adds,
                               reg_pipe_bits,
                               psum_read_bits,
                               psum_write_bits,
                               wgt_stream_bits,
                               wgt_bank_write_bits,
                               act_stream_bits,
                               res_stream_bits};
  v.insert(v.end(), tree_adds.begin(), tree_adds.end());
  return v;
}

std::vector<std::string> OpCounts::names(const ArrayConfig& config) {
  std::vector<std::string> n{"fires",
                             "sel_pos",
                             "sel_neg",
                             "sel_zero",
                             "muls",
                             "acc_adds",
                             "reg_pipe_bits",
                             "psum_read_bits",
                             "psum_write_bits",
                             "wgt_stream_bits",
                             "wgt_bank_write_bits",
                             "act_stream_bits",
                             "res_stream_bits"};
  for (int e = 0; e < config.add_entries(); ++e) n.push_back(config.add_name(e));
  return n;
}

namespace {

void add_into(std::vector<std::uint64_t>& to, const std::vector<std::uint64_t>& from) {
  if (to.size() < from.size()) to.resize(from.size(), 0);
  for (std::size_t i = 0; i < from.size(); ++i) to[i] += from[i];
}

}  // namespace

OpCounts& OpCounts::operator+=(const OpCounts& o) {
  fires += o.fires;
  sel_pos += o.sel_pos;
  sel_neg += o.sel_neg;
  sel_zero += o.sel_zero;
  muls += o.muls;
  add_into(tree_adds, o.tree_adds);
  acc_adds += o.acc_adds;
  reg_pipe_bits += o.reg_pipe_bits;
  psum_read_bits += o.psum_read_bits;
  psum_write_bits += o.psum_write_bits;
  wgt_stream_bits += o.wgt_stream_bits;
  wgt_bank_write_bits += o.wgt_bank_write_bits;
  act_stream_bits += o.act_stream_bits;
  res_stream_bits += o.res_stream_bits;
  return *this;
}

ToggleCounts& ToggleCounts::operator+=(const ToggleCounts& o) {
  sel_pos += o.sel_pos;
  sel_neg += o.sel_neg;
  sel_zero += o.sel_zero;
  mul += o.mul;
  acc += o.acc;
  reg_stage0 += o.reg_stage0;
  reg_tree += o.reg_tree;
  bank += o.bank;
  psum += o.psum;
  add_into(adds, o.adds);
  return *this;
}

MonitorCounts MonitorCounts::from_ids(const std::vector<std::uint64_t>& by_id, int entries) {
  // Ids past the end of a reading count zero (a model's monitors may not use every id).
  std::vector<std::uint64_t> id = by_id;
  id.resize(std::max<std::size_t>(id.size(), kNumFixedCounters + 2 * entries), 0);
  MonitorCounts m;
  OpCounts& o = m.ops;
  o.fires = id.at(kCntFires);
  o.sel_pos = id.at(kCntSelPos);
  o.sel_neg = id.at(kCntSelNeg);
  o.sel_zero = id.at(kCntSelZero);
  o.muls = id.at(kCntMuls);
  o.acc_adds = id.at(kCntAccAdds);
  o.reg_pipe_bits = id.at(kCntRegPipeBits);
  o.psum_read_bits = id.at(kCntPsumReadBits);
  o.psum_write_bits = id.at(kCntPsumWriteBits);
  o.wgt_stream_bits = id.at(kCntWgtStreamBits);
  o.wgt_bank_write_bits = id.at(kCntWgtBankWriteBits);
  o.act_stream_bits = id.at(kCntActStreamBits);
  o.res_stream_bits = id.at(kCntResStreamBits);
  ToggleCounts& t = m.toggles;
  t.sel_pos = id.at(kCntTogSelPos);
  t.sel_neg = id.at(kCntTogSelNeg);
  t.sel_zero = id.at(kCntTogSelZero);
  t.mul = id.at(kCntTogMul);
  t.acc = id.at(kCntTogAcc);
  t.reg_stage0 = id.at(kCntTogRegStage0);
  t.reg_tree = id.at(kCntTogRegTree);
  t.bank = id.at(kCntTogBank);
  t.psum = id.at(kCntTogPsum);
  for (int e = 0; e < entries; ++e) {
    o.tree_adds.push_back(id.at(static_cast<std::size_t>(kNumFixedCounters + 2 * e)));
    t.adds.push_back(id.at(static_cast<std::size_t>(kNumFixedCounters + 2 * e + 1)));
  }
  return m;
}

MonitorCounts MonitorCounts::delta(const std::vector<std::uint64_t>& before,
                                   const std::vector<std::uint64_t>& after, int entries) {
  std::vector<std::uint64_t> d(std::max(before.size(), after.size()), 0);
  for (std::size_t i = 0; i < d.size(); ++i) {
    d[i] = (i < after.size() ? after[i] : 0) - (i < before.size() ? before[i] : 0);
  }
  return from_ids(d, entries);
}

MonitorCounts& MonitorCounts::operator+=(const MonitorCounts& o) {
  ops += o.ops;
  toggles += o.toggles;
  return *this;
}

namespace {

// One lane's reduction of one item, on the bit patterns the RTL holds. Every function counts
// the adders with a nonzero input into adds[entry] and returns the reduced value: the root's sum
// plus its pending carry (which the accumulator adds), and whether that carry is set.
struct Reduced {
  std::int64_t sum = 0;  // the root register's value
  bool carry = false;    // the root's pending carry
};

// The levels of a lane's binary tree: each level's width and whether its adders saturate (a
// width-capped level that does not grow).
struct TreeLevels {
  struct Level {
    bool saturate;
    std::int32_t lo, hi;
  };
  std::vector<Level> levels;  // levels[l - 1] for level l
  explicit TreeLevels(const ArrayConfig& cfg) {
    for (int l = 1; l <= cfg.tree_levels(); ++l) {
      const int w = cfg.level_width(l);
      levels.push_back({w == cfg.level_width(l - 1), -(std::int32_t{1} << (w - 1)),
                        (std::int32_t{1} << (w - 1)) - 1});
    }
  }
};

// Signed binary tree (and the INT8 baseline's): operand i is v[i] + c[i]; each adder adds its
// left child's carry, passes its right child's on; an odd node passes through. Width-capped
// levels saturate. In place.
Reduced binary_tree(const TreeLevels& tree, std::int32_t* v, std::uint8_t* c, int inputs,
                    std::uint64_t* adds) {
  int nodes = inputs;
  for (std::size_t l = 0; l < tree.levels.size(); ++l) {
    const TreeLevels::Level& level = tree.levels[l];
    std::uint64_t active = 0;
    const int pairs = nodes / 2;
    for (int i = 0; i < pairs; ++i) {
      const std::int32_t a = v[2 * i], b = v[2 * i + 1];
      const std::uint8_t cin = c[2 * i];
      active += (a | b | cin) != 0;
      const std::int32_t s = a + b + cin;
      v[i] = level.saturate ? std::clamp(s, level.lo, level.hi) : s;
      c[i] = c[2 * i + 1];
    }
    if (nodes % 2 != 0) {
      v[pairs] = v[nodes - 1];
      c[pairs] = c[nodes - 1];
    }
    adds[l] += active;
    nodes = pairs + nodes % 2;
  }
  return {v[0], c[0] != 0};
}

// Carry-save reduction: 3:2 compressors over W-bit patterns (W = operand bits + levels), the
// negation carry of operand j entering compressor j's carry vector, then one carry-propagate
// add that takes carry T - 2; carry T - 1 is left for the accumulator.
Reduced csa_tree(const ArrayConfig& cfg, std::vector<std::uint32_t>& cur,
                 std::vector<std::uint32_t>& next, const std::uint8_t* carry, int inputs,
                 std::uint64_t* adds) {
  const int w = cfg.tree_width();
  const std::uint32_t mask = (w >= 32) ? ~0u : ((1u << w) - 1u);
  int count = inputs, first = 0;
  const int levels = cfg.csa_levels();
  for (int l = 0; l < levels; ++l) {
    const int groups = count / 3, rest = count % 3;
    std::uint64_t active = 0;
    for (int g = 0; g < groups; ++g) {
      const std::uint32_t a = cur[3 * g], b = cur[3 * g + 1], d = cur[3 * g + 2];
      const std::uint32_t cin = carry[first + g];
      active += (a | b | d | cin) != 0;
      next[2 * g] = a ^ b ^ d;
      next[2 * g + 1] = ((((a & b) | (a & d) | (b & d)) << 1) | cin) & mask;
    }
    for (int r = 0; r < rest; ++r) next[2 * groups + r] = cur[3 * groups + r];
    adds[l] += active;
    first += groups;
    count = 2 * groups + rest;
    cur.swap(next);
  }
  const std::uint32_t cin = carry[inputs - 2];
  adds[levels] += (cur[0] | cur[1] | cin) != 0;
  return {wrap_to_width((cur[0] + cur[1] + cin) & mask, w), carry[inputs - 1] != 0};
}

}  // namespace

OpCounts predict_op_counts(const ArrayConfig& c, const GemmProblem& p) {
  check_shape(p.shape, c);
  p.check_sizes();
  const GemmShape& s = p.shape;
  const TileGrid g = tile_grid(c, s);
  const int T = c.tree_inputs;
  const auto L = static_cast<std::uint64_t>(c.lanes);
  const auto TT = static_cast<std::uint64_t>(c.token_tile);
  const auto acc = static_cast<std::uint64_t>(c.acc_width);
  const std::uint64_t k_tiles = g.k_tiles;

  OpCounts out;
  const auto entries = static_cast<std::size_t>(c.add_entries());
  out.tree_adds.assign(entries, 0);
  std::uint64_t* adds = out.tree_adds.data();

  // Scratch: the row's weights, one item's operands (values and carries; the split trees'
  // second tree; carry-save patterns) and the partial sums of the block's tokens per lane.
  std::vector<int> weight(static_cast<std::size_t>(T));
  std::vector<std::int32_t> v(static_cast<std::size_t>(T)), v_neg(static_cast<std::size_t>(T));
  std::vector<std::uint8_t> carry(static_cast<std::size_t>(T)),
      no_carry(static_cast<std::size_t>(T));
  std::vector<std::uint32_t> cur(static_cast<std::size_t>(T)), next(static_cast<std::size_t>(T));
  std::vector<std::int64_t> psum(L * TT);
  const TreeLevels tree(c);
  const bool int8_weights = p.format == WeightFormat::kInt8;

  for (std::uint64_t mb = 0; mb < g.token_blocks; ++mb) {
    const std::uint64_t m0 = mb * TT, tokens = std::min<std::uint64_t>(TT, s.m - m0);
    for (std::uint64_t nt = 0; nt < g.n_tiles; ++nt) {
      for (std::uint64_t kt = 0; kt < k_tiles; ++kt) {
        const std::uint64_t k0 = kt * static_cast<std::uint64_t>(T);
        const bool first_k = kt == 0, last_k = kt + 1 == k_tiles;
        out.fires += tokens;
        if (!first_k) out.psum_read_bits += tokens * L * acc;
        if (!last_k) out.psum_write_bits += tokens * L * acc;
        for (std::uint64_t j = 0; j < L; ++j) {
          // The row's weights as values, padding (rows past N, columns past K) as zero.
          const std::uint64_t n = nt * L + j;
          const auto real_cols =
              n < s.n ? static_cast<int>(std::min<std::uint64_t>(T, s.k - k0)) : 0;
          const std::uint8_t* row = real_cols > 0 ? &p.weights[n * s.k + k0] : nullptr;
          for (int col = 0; col < real_cols; ++col) {
            weight[static_cast<std::size_t>(col)] =
                int8_weights ? static_cast<std::int8_t>(row[col]) : trit_value(row[col]);
          }
          std::fill(weight.begin() + real_cols, weight.end(), 0);
          for (std::uint64_t t = 0; t < tokens; ++t) {
            const std::int8_t* x = &p.activations[(m0 + t) * s.k + k0];
            const auto real = static_cast<int>(std::min<std::uint64_t>(T, s.k - k0));
            // Past K the weight is zero: the activation does not matter.
            auto act = [&](int col) { return col < real ? std::int32_t{x[col]} : 0; };
            std::uint64_t pos = 0, neg = 0;
            Reduced r;
            if (c.int8()) {
              for (int col = 0; col < T; ++col) {
                const int w = weight[static_cast<std::size_t>(col)];
                out.muls += w != 0 && act(col) != 0;
                v[static_cast<std::size_t>(col)] = act(col) * w;
                carry[static_cast<std::size_t>(col)] = 0;
              }
              r = binary_tree(tree, v.data(), carry.data(), T, adds);
            } else if (c.reduction == Reduction::kSplit) {
              // Each select routes x to the +1 or the -1 tree; the final subtract always has its
              // +1 (it subtracts as pos + ~neg + 1), so it always counts.
              for (int col = 0; col < T; ++col) {
                const int w = weight[static_cast<std::size_t>(col)];
                const std::int32_t xv = act(col);
                v[static_cast<std::size_t>(col)] = w > 0 ? xv : 0;
                v_neg[static_cast<std::size_t>(col)] = w < 0 ? xv : 0;
                no_carry[static_cast<std::size_t>(col)] = 0;
                carry[static_cast<std::size_t>(col)] = 0;
                pos += w > 0 && xv != 0;
                neg += w < 0 && xv != 0;
              }
              const Reduced a = binary_tree(tree, v.data(), carry.data(), T, adds);
              const Reduced b = binary_tree(tree, v_neg.data(), no_carry.data(), T, adds);
              adds[entries - 1] += 1;
              r = {a.sum - b.sum, false};
            } else {
              // Signed selects: +x, or ~x with its carry (-x = ~x + 1), or 0.
              for (int col = 0; col < T; ++col) {
                const int w = weight[static_cast<std::size_t>(col)];
                const std::int32_t xv = act(col);
                const std::int32_t is_neg = w < 0, nonzero = w != 0;
                v[static_cast<std::size_t>(col)] = (xv ^ -is_neg) & -nonzero;
                carry[static_cast<std::size_t>(col)] = static_cast<std::uint8_t>(is_neg);
                pos += (w > 0) & (xv != 0);
                neg += static_cast<std::uint64_t>(is_neg);
              }
              if (c.reduction == Reduction::kCsa) {
                const std::uint32_t mask =
                    c.tree_width() >= 32 ? ~0u : ((1u << c.tree_width()) - 1u);
                for (int col = 0; col < T; ++col) {
                  cur[static_cast<std::size_t>(col)] =
                      static_cast<std::uint32_t>(v[static_cast<std::size_t>(col)]) & mask;
                }
                r = csa_tree(c, cur, next, carry.data(), T, adds);
              } else {
                r = binary_tree(tree, v.data(), carry.data(), T, adds);
              }
            }
            out.sel_pos += pos;
            out.sel_neg += neg;
            if (!c.int8()) out.sel_zero += static_cast<std::uint64_t>(T) - pos - neg;
            // Stage 1: the accumulator adds the lane's running partial sum (none on the first K
            // tile), the reduced sum and its carry.
            std::int64_t& ps = psum[j * TT + t];
            const std::int64_t base = first_k ? 0 : ps;
            out.acc_adds += (base != 0 || r.sum != 0 || r.carry);
            ps = wrap_to_width(base + r.sum + (r.carry ? 1 : 0), c.acc_width);
          }
        }
      }
    }
  }
  const std::uint64_t tiles = g.tiles();
  const auto T64 = static_cast<std::uint64_t>(T);
  // Every item loads the stage-0 input register (the beat's activations, shared by the lanes)
  // and, in every lane, the tree's register stages and the root register.
  out.reg_pipe_bits =
      out.fires * (L * static_cast<std::uint64_t>(c.lane_register_bits()) + T64 * kActBits);
  out.wgt_stream_bits = tiles * static_cast<std::uint64_t>(c.beats_per_tile()) *
                        static_cast<std::uint64_t>(c.weight_rows_per_beat) * T64 *
                        static_cast<std::uint64_t>(c.weight_bits());
  out.wgt_bank_write_bits = tiles * L * T64 * static_cast<std::uint64_t>(c.weight_bits());
  out.act_stream_bits = out.fires * T64 * kActBits;
  out.res_stream_bits = std::uint64_t{s.m} * g.n_tiles * L * acc;
  return out;
}

}  // namespace ternac
