// Bit-level model of rtl/ternac_adder_tree.sv: the same node structure and carry routing, so the
// unit test can check sum_o and carry_o separately, not only their total.
#pragma once

#include <cstdint>
#include <vector>

namespace ternac {

struct TreeOut {
  std::int64_t sum;       // the root's sum_o, as a signed value of the root's width
  bool carry;             // the root's carry_o; the tree's value is sum + carry
  bool overflow = false;  // some adder saturated (width-capped trees only)
};

// Width of the sums at `level` (ternac_pkg::level_width): in_width + level, capped at `cap` bits
// when cap > 0.
inline int level_width(int in_width, int level, int cap) {
  return (cap > 0 && in_width + level > cap) ? cap : in_width + level;
}

// Levels of a tree over `inputs` operands: ceil(log2(inputs)), 0 for one operand.
int tree_levels(int inputs);

// operands[i] are signed in_width-bit values, carries[i] their pending +1. With cap > 0 a level
// that would grow past cap bits keeps cap bits and its adders saturate, exactly as the RTL's.
TreeOut adder_tree(const std::vector<std::int64_t>& operands, const std::vector<bool>& carries,
                   int in_width = 8, int cap = 0);

}  // namespace ternac
