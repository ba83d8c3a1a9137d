#include "op_counts.h"

#include <algorithm>

#include "streams.h"

namespace ternac {

std::vector<std::uint64_t> OpCounts::flat() const {
  std::vector<std::uint64_t> v{
      fires,           sel_pos,        sel_neg,         sel_zero,        acc_adds,
      reg_pipe_bits,   psum_read_bits, psum_write_bits, wgt_stream_bits, wgt_bank_write_bits,
      act_stream_bits, res_stream_bits};
  v.insert(v.end(), tree_adds.begin(), tree_adds.end());
  return v;
}

std::vector<std::string> OpCounts::names(int tree_levels) {
  std::vector<std::string> n{"fires",           "sel_pos",
                             "sel_neg",         "sel_zero",
                             "acc_adds",        "reg_pipe_bits",
                             "psum_read_bits",  "psum_write_bits",
                             "wgt_stream_bits", "wgt_bank_write_bits",
                             "act_stream_bits", "res_stream_bits"};
  for (int l = 1; l <= tree_levels; ++l) n.push_back("tree_adds_l" + std::to_string(l));
  return n;
}

OpCounts& OpCounts::operator+=(const OpCounts& o) {
  fires += o.fires;
  sel_pos += o.sel_pos;
  sel_neg += o.sel_neg;
  sel_zero += o.sel_zero;
  if (tree_adds.size() < o.tree_adds.size()) tree_adds.resize(o.tree_adds.size(), 0);
  for (std::size_t i = 0; i < o.tree_adds.size(); ++i) tree_adds[i] += o.tree_adds[i];
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

OpCounts predict_op_counts(const ArrayConfig& c, const GemmProblem& p) {
  check_shape(p.shape, c);
  p.check_sizes();
  const GemmShape& s = p.shape;
  const TileGrid g = tile_grid(c, s);
  const int levels = c.tree_levels();
  const auto L = static_cast<std::uint64_t>(c.lanes);
  const auto T = static_cast<std::uint64_t>(c.tree_inputs);
  const auto TT = static_cast<std::uint64_t>(c.token_tile);
  const auto acc = static_cast<std::uint64_t>(c.acc_width);

  OpCounts out;
  out.tree_adds.assign(static_cast<std::size_t>(levels), 0);
  // Per (N tile, K tile): selects by kind and active adds per level; reused for every block.
  std::vector<std::uint64_t> active(static_cast<std::size_t>(levels));
  std::vector<std::uint8_t> nonzero(T);
  for (std::uint64_t nt = 0; nt < g.n_tiles; ++nt) {
    for (std::uint64_t kt = 0; kt < g.k_tiles; ++kt) {
      std::uint64_t pos = 0, neg = 0, zero = 0;
      std::fill(active.begin(), active.end(), 0);
      for (std::uint64_t j = 0; j < L; ++j) {
        const std::uint64_t n = nt * L + j;
        for (std::uint64_t col = 0; col < T; ++col) {
          const std::uint64_t k = kt * T + col;
          const int v = (n < s.n && k < s.k) ? p.weight_value(n * s.k + k) : 0;
          if (c.int8()) {
            ++pos;  // every INT8 weight slot multiplies: nothing gates a multiplier
          } else {
            pos += v > 0;
            neg += v < 0;
            zero += v == 0;
          }
          nonzero[col] = v != 0;
        }
        // The tree's node structure: adjacent pairs add, an odd last node passes through.
        // Folded in place: node i of the next level overwrites entry i, already consumed.
        std::size_t nodes = T;
        for (int l = 0; l < levels; ++l) {
          std::uint64_t adds = 0;
          for (std::size_t i = 0; 2 * i < nodes; ++i) {
            if (2 * i + 1 < nodes) {
              nonzero[i] = nonzero[2 * i] | nonzero[2 * i + 1];
              adds += nonzero[i];
            } else {
              nonzero[i] = nonzero[2 * i];
            }
          }
          active[static_cast<std::size_t>(l)] += adds;
          nodes = (nodes + 1) / 2;
        }
      }
      for (std::uint64_t mb = 0; mb < g.token_blocks; ++mb) {
        const std::uint64_t tokens = std::min<std::uint64_t>(TT, s.m - mb * TT);
        out.fires += tokens;
        out.sel_pos += pos * tokens;
        out.sel_neg += neg * tokens;
        out.sel_zero += zero * tokens;
        for (int l = 0; l < levels; ++l) {
          out.tree_adds[static_cast<std::size_t>(l)] +=
              active[static_cast<std::size_t>(l)] * tokens;
        }
        if (kt > 0) out.psum_read_bits += tokens * L * acc;
        if (kt + 1 < g.k_tiles) out.psum_write_bits += tokens * L * acc;
      }
    }
  }
  const std::uint64_t tiles = g.tiles();
  out.acc_adds = out.fires * L;
  // Per item and lane: the root register (sum and carry) and each register level of a pipelined
  // tree (every node's sum and carry).
  std::uint64_t reg_bits = static_cast<std::uint64_t>(c.tree_width() + 1);
  for (int l = 1; l < levels; ++l) {
    if (c.pipe_every > 0 && l % c.pipe_every == 0) {
      const std::uint64_t nodes = (T + (1ull << l) - 1) >> l;
      reg_bits += nodes * static_cast<std::uint64_t>(c.level_width(l) + 1);
    }
  }
  out.reg_pipe_bits = out.fires * L * reg_bits;
  out.wgt_stream_bits = tiles * static_cast<std::uint64_t>(c.beats_per_tile()) *
                        static_cast<std::uint64_t>(c.weight_rows_per_beat) * T *
                        static_cast<std::uint64_t>(c.weight_bits());
  out.wgt_bank_write_bits = tiles * L * T * static_cast<std::uint64_t>(c.weight_bits());
  out.act_stream_bits = out.fires * T * kActBits;
  out.res_stream_bits = std::uint64_t{s.m} * g.n_tiles * L * acc;
  return out;
}

}  // namespace ternac
