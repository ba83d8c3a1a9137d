// Model of rtl/ternac_lane.sv: selects, adder tree, and one accumulator per token of a block.
#pragma once

#include <cstdint>
#include <vector>

#include "ternac/model/core/adder_tree.h"
#include "ternac/model/core/trit.h"

namespace ternac {

// Stage 0 of a lane: the tree over the selected operands of one activation beat.
TreeOut lane_tree(const std::vector<std::int8_t>& acts, const std::vector<std::uint8_t>& codes,
                  int cap = 0);

class Lane {
 public:
  Lane(int token_tile, int acc_width);
  // Stage 1: the accumulator value for `token` (the RTL's acc_o); written back unless `last`.
  std::int64_t accumulate(int token, bool first, bool last, const TreeOut& tree);

 private:
  int acc_width_;
  std::vector<std::int64_t> psum_;
};

}  // namespace ternac
