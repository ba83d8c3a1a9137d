#include "ternac/model/core/adder_tree.h"

#include <cassert>

namespace ternac {

int tree_levels(int inputs) {
  int levels = 0;
  while ((1 << levels) < inputs) ++levels;
  return levels;
}

TreeOut adder_tree(const std::vector<std::int64_t>& operands, const std::vector<bool>& carries,
                   int in_width, int cap) {
  assert(operands.size() == carries.size() && !operands.empty());
  std::vector<std::int64_t> sum = operands;
  std::vector<bool> carry = carries;
  bool overflow = false;
  int level = 0;
  while (sum.size() > 1) {
    ++level;
    const bool saturate =
        level_width(in_width, level, cap) == level_width(in_width, level - 1, cap);
    const int w = level_width(in_width, level, cap);
    const std::int64_t hi = (std::int64_t{1} << (w - 1)) - 1, lo = -(std::int64_t{1} << (w - 1));
    std::vector<std::int64_t> next_sum;
    std::vector<bool> next_carry;
    for (std::size_t i = 0; i < sum.size(); i += 2) {
      if (i + 1 < sum.size()) {
        // The node adds its left child's carry and passes its right child's carry on.
        std::int64_t s = sum[i] + sum[i + 1] + (carry[i] ? 1 : 0);
        if (saturate && (s > hi || s < lo)) {
          overflow = true;
          s = s > hi ? hi : lo;
        }
        next_sum.push_back(s);
        next_carry.push_back(carry[i + 1]);
      } else {
        next_sum.push_back(sum[i]);
        next_carry.push_back(carry[i]);
      }
    }
    sum.swap(next_sum);
    carry.swap(next_carry);
  }
  return {sum[0], carry[0], overflow};
}

}  // namespace ternac
