// Bit-level model of rtl/ternac_select.sv.
#pragma once

#include <cstdint>

namespace ternac {

struct SelectOut {
  std::uint8_t operand;  // x, ~x or 0, as the 8 bits the RTL drives
  bool carry;            // the +1 of a negation
};

// TritPos passes x, TritNeg passes ~x with carry, TritZero and TritIllegal pass 0.
constexpr SelectOut select(std::int8_t act, std::uint8_t code) {
  const bool nonzero = code & 1u;
  const bool negate = nonzero && (code & 2u);
  const auto x = static_cast<std::uint8_t>(act);
  const auto op = static_cast<std::uint8_t>(nonzero ? (negate ? ~x : x) : 0);
  return {op, negate};
}

}  // namespace ternac
