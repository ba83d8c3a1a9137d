// Bit-level model of rtl/ternac_adder_tree.sv: the same node structure and carry routing, so the
// unit test can check sum_o and carry_o separately, not only their total.
#pragma once

#include <cstdint>
#include <vector>

namespace ternac {

struct TreeOut {
  std::int64_t sum;  // the root's sum_o, as a signed value of in_width + levels bits
  bool carry;        // the root's carry_o; the tree's value is sum + carry
};

// Levels of a tree over `inputs` operands: ceil(log2(inputs)), 0 for one operand.
int tree_levels(int inputs);

// operands[i] are signed in_width-bit values, carries[i] their pending +1.
TreeOut adder_tree(const std::vector<std::int64_t>& operands, const std::vector<bool>& carries);

}  // namespace ternac
