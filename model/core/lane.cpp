#include "ternac/model/core/lane.h"

#include <stdexcept>

#include "ternac/model/core/gemm.h"
#include "ternac/model/core/select.h"

namespace ternac {

TreeOut lane_tree(const std::vector<std::int8_t>& acts, const std::vector<std::uint8_t>& codes,
                  int cap) {
  if (acts.size() != codes.size() || acts.empty()) {
    throw std::invalid_argument("lane_tree: activations and codes must be equally many, >= 1");
  }
  std::vector<std::int64_t> operands(acts.size());
  std::vector<bool> carries(acts.size());
  for (std::size_t i = 0; i < acts.size(); ++i) {
    const SelectOut s = select(acts[i], codes[i]);
    operands[i] = static_cast<std::int8_t>(s.operand);
    carries[i] = s.carry;
  }
  return adder_tree(operands, carries, 8, cap);
}

Lane::Lane(int token_tile, int acc_width) : acc_width_(acc_width), psum_(token_tile, 0) {}

std::int64_t Lane::accumulate(int token, bool first, bool last, const TreeOut& tree) {
  const std::int64_t base = first ? 0 : psum_.at(static_cast<std::size_t>(token));
  const std::int64_t acc = wrap_to_width(base + tree.sum + (tree.carry ? 1 : 0), acc_width_);
  if (!last) psum_.at(static_cast<std::size_t>(token)) = acc;
  return acc;
}

}  // namespace ternac
