#include "ternac/model/core/packing.h"

#include <fmt/format.h>

#include <stdexcept>

#include "ternac/model/core/trit.h"

namespace ternac {

std::vector<std::uint8_t> encode_trits(const std::vector<int>& weights) {
  std::vector<std::uint8_t> codes(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] < -1 || weights[i] > 1) {
      throw std::invalid_argument(
          fmt::format("weight {} at index {} is not -1, 0 or +1", weights[i], i));
    }
    codes[i] = encode_trit(weights[i]);
  }
  return codes;
}

std::vector<std::uint8_t> pack_codes(const std::vector<std::uint8_t>& codes) {
  std::vector<std::uint8_t> packed((codes.size() + 3) / 4, 0);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] > 3) {
      throw std::invalid_argument(fmt::format("code {} at index {} is not 2 bits", codes[i], i));
    }
    packed[i / 4] |= static_cast<std::uint8_t>(codes[i] << (2 * (i % 4)));
  }
  return packed;
}

std::vector<std::uint8_t> unpack_codes(const std::vector<std::uint8_t>& packed, std::size_t count,
                                       bool allow_illegal) {
  if (packed.size() < (count + 3) / 4) {
    throw std::invalid_argument(fmt::format("{} packed bytes hold at most {} codes, {} asked",
                                            packed.size(), packed.size() * 4, count));
  }
  std::vector<std::uint8_t> codes(count);
  for (std::size_t i = 0; i < count; ++i) {
    codes[i] = (packed[i / 4] >> (2 * (i % 4))) & 3u;
    if (!allow_illegal && !is_legal(codes[i])) {
      throw std::invalid_argument(fmt::format("illegal trit code 0b10 at index {}", i));
    }
  }
  return codes;
}

}  // namespace ternac
