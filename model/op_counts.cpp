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

std::vector<std::string> OpCounts::names(const ArrayConfig& config) {
  std::vector<std::string> n{"fires",           "sel_pos",
                             "sel_neg",         "sel_zero",
                             "acc_adds",        "reg_pipe_bits",
                             "psum_read_bits",  "psum_write_bits",
                             "wgt_stream_bits", "wgt_bank_write_bits",
                             "act_stream_bits", "res_stream_bits"};
  for (int e = 0; e < config.add_entries(); ++e) n.push_back(config.add_name(e));
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

namespace {

// Adds per level of a binary tree over the operands marked in `nz` (adjacent pairs add, an odd
// last node passes through), added to active[0 .. levels - 1]. Folded in place: node i of the
// next level overwrites entry i, already consumed (so `nz` is the caller's scratch).
void binary_adds(std::vector<std::uint8_t>& nz, int levels, std::vector<std::uint64_t>& active) {
  std::size_t nodes = nz.size();
  for (int l = 0; l < levels; ++l) {
    std::uint64_t adds = 0;
    for (std::size_t i = 0; 2 * i < nodes; ++i) {
      if (2 * i + 1 < nodes) {
        nz[i] = nz[2 * i] | nz[2 * i + 1];
        adds += nz[i];
      } else {
        nz[i] = nz[2 * i];
      }
    }
    active[static_cast<std::size_t>(l)] += adds;
    nodes = (nodes + 1) / 2;
  }
}

// Compressors per 3:2 level (groups of three in order, leftovers passed on, compressor j taking
// the negation carry of operand j), then the final carry-propagate add (taking carry T - 2).
void csa_adds(const std::vector<std::uint8_t>& nz, const std::vector<std::uint8_t>& neg, int levels,
              std::vector<std::uint64_t>& active) {
  std::vector<std::uint8_t> cur = nz, next(nz.size());
  std::size_t count = nz.size(), first = 0;
  for (int l = 0; l < levels; ++l) {
    const std::size_t groups = count / 3, rest = count % 3;
    for (std::size_t g = 0; g < groups; ++g) {
      const std::uint8_t a = cur[3 * g] | cur[3 * g + 1] | cur[3 * g + 2] | neg[first + g];
      next[2 * g] = next[2 * g + 1] = a;
      active[static_cast<std::size_t>(l)] += a;
    }
    for (std::size_t r = 0; r < rest; ++r) next[2 * groups + r] = cur[3 * groups + r];
    first += groups;
    count = 2 * groups + rest;
    cur.swap(next);
  }
  active[static_cast<std::size_t>(levels)] += cur[0] | cur[1] | neg[nz.size() - 2];
}

}  // namespace

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
  const auto entries = static_cast<std::size_t>(c.add_entries());
  out.tree_adds.assign(entries, 0);
  // Per (N tile, K tile): selects by kind and active adds per entry; reused for every block.
  std::vector<std::uint64_t> active(entries);
  std::vector<std::uint8_t> nonzero(T), pos(T), neg(T);
  for (std::uint64_t nt = 0; nt < g.n_tiles; ++nt) {
    for (std::uint64_t kt = 0; kt < g.k_tiles; ++kt) {
      std::uint64_t pos_n = 0, neg_n = 0, zero_n = 0;
      std::fill(active.begin(), active.end(), 0);
      for (std::uint64_t j = 0; j < L; ++j) {
        const std::uint64_t n = nt * L + j;
        bool any = false;
        // The row's real columns (the rest is padding, zero weights).
        const std::uint64_t k0 = kt * T;
        const std::uint64_t real = n < s.n ? std::min<std::uint64_t>(T, s.k - k0) : 0;
        std::uint64_t col = 0;
        if (!c.int8()) {  // trit codes, branch-free: a whole-model run counts a billion of them
          const std::uint8_t* row = real ? &p.weights[n * s.k + k0] : nullptr;
          std::uint64_t row_pos = 0, row_neg = 0;
          for (; col < real; ++col) {
            const std::uint8_t code = row[col];
            const std::uint8_t nz = code & 1, ng = (code >> 1) & nz;  // illegal 2: zero
            nonzero[col] = nz;
            pos[col] = nz & static_cast<std::uint8_t>(ng ^ 1);
            neg[col] = ng;
            row_pos += pos[col];
            row_neg += ng;
          }
          pos_n += row_pos;
          neg_n += row_neg;
          zero_n += real - row_pos - row_neg;
          any = row_pos + row_neg > 0;
        }
        for (; col < T; ++col) {
          const std::uint64_t k = k0 + col;
          const int v = (n < s.n && k < s.k) ? p.weight_value(n * s.k + k) : 0;
          if (c.int8()) {
            ++pos_n;  // every INT8 weight slot multiplies: nothing gates a multiplier
          } else {
            pos_n += v > 0;
            neg_n += v < 0;
            zero_n += v == 0;
          }
          nonzero[col] = v != 0;
          pos[col] = !c.int8() && v > 0;
          neg[col] = !c.int8() && v < 0;
          any = any || v != 0;
        }
        switch (c.reduction) {
          case Reduction::kSigned:
            binary_adds(nonzero, levels, active);
            break;
          case Reduction::kSplit:
            binary_adds(pos, levels, active);
            binary_adds(neg, levels, active);
            active[static_cast<std::size_t>(levels)] += any;
            break;
          case Reduction::kCsa:
            csa_adds(nonzero, neg, c.csa_levels(), active);
            break;
        }
      }
      for (std::uint64_t mb = 0; mb < g.token_blocks; ++mb) {
        const std::uint64_t tokens = std::min<std::uint64_t>(TT, s.m - mb * TT);
        out.fires += tokens;
        out.sel_pos += pos_n * tokens;
        out.sel_neg += neg_n * tokens;
        out.sel_zero += zero_n * tokens;
        for (std::size_t e = 0; e < entries; ++e) out.tree_adds[e] += active[e] * tokens;
        if (kt > 0) out.psum_read_bits += tokens * L * acc;
        if (kt + 1 < g.k_tiles) out.psum_write_bits += tokens * L * acc;
      }
    }
  }
  const std::uint64_t tiles = g.tiles();
  out.acc_adds = out.fires * L;
  // Per item and lane: the root register (sum, and the leftover carry except with split trees)
  // and each register level of a pipelined tree (every node's sum and carry; both trees' sums
  // and no carries when split).
  const bool split = c.reduction == Reduction::kSplit;
  std::uint64_t reg_bits = static_cast<std::uint64_t>(c.tree_width() + (split ? 0 : 1));
  for (int l = 1; l < levels; ++l) {
    if (c.pipe_every > 0 && l % c.pipe_every == 0) {
      const std::uint64_t nodes = (T + (1ull << l) - 1) >> l;
      const auto w = static_cast<std::uint64_t>(c.level_width(l));
      reg_bits += nodes * (split ? 2 * w : w + 1);
    }
  }
  // And per item, shared by the lanes: the stage-0 input register (the beat's activations).
  out.reg_pipe_bits = out.fires * (L * reg_bits + T * kActBits);
  out.wgt_stream_bits = tiles * static_cast<std::uint64_t>(c.beats_per_tile()) *
                        static_cast<std::uint64_t>(c.weight_rows_per_beat) * T *
                        static_cast<std::uint64_t>(c.weight_bits());
  out.wgt_bank_write_bits = tiles * L * T * static_cast<std::uint64_t>(c.weight_bits());
  out.act_stream_bits = out.fires * T * kActBits;
  out.res_stream_bits = std::uint64_t{s.m} * g.n_tiles * L * acc;
  return out;
}

}  // namespace ternac
