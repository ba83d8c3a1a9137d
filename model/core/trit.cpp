#include "ternac/model/core/trit.h"

#include <stdexcept>

namespace ternac {

std::uint8_t encode_trit(int value) {
  switch (value) {
    case 0:
      return static_cast<std::uint8_t>(TritCode::kZero);
    case 1:
      return static_cast<std::uint8_t>(TritCode::kPos);
    case -1:
      return static_cast<std::uint8_t>(TritCode::kNeg);
    default:
      throw std::invalid_argument("ternary weight must be -1, 0 or +1, got " +
                                  std::to_string(value));
  }
}

std::string trit_name(std::uint8_t code) {
  switch (code) {
    case 0:
      return "0";
    case 1:
      return "+1";
    case 3:
      return "-1";
    default:
      return "illegal(" + std::to_string(code) + ")";
  }
}

}  // namespace ternac
