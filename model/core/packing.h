// Packing of trit codes: four 2-bit codes per byte, code i at bits 2 (i % 4) of byte i / 4 (the
// same order as the weight stream's beats, which are this packing cut into beat-sized pieces).
#pragma once

#include <cstdint>
#include <vector>

namespace ternac {

// Codes of weights in {-1, 0, +1}; throws std::invalid_argument naming the first bad value and
// its index.
std::vector<std::uint8_t> encode_trits(const std::vector<int>& weights);

std::vector<std::uint8_t> pack_codes(const std::vector<std::uint8_t>& codes);
// Unpacks `count` codes; throws std::invalid_argument when `packed` is too short or holds an
// illegal code (naming its index), unless allow_illegal.
std::vector<std::uint8_t> unpack_codes(const std::vector<std::uint8_t>& packed, std::size_t count,
                                       bool allow_illegal = false);

}  // namespace ternac
