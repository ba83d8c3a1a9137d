#include "ternac/model/core/packing.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "ternac/model/core/trit.h"

namespace ternac {
namespace {

TEST(Packing, FourCodesPerByteLowBitsFirst) {
  // +1, -1, 0, +1 -> 01, 11, 00, 01 -> 0b01'00'11'01.
  const auto codes = encode_trits({1, -1, 0, 1, -1});
  EXPECT_EQ(pack_codes(codes), (std::vector<std::uint8_t>{0b01001101, 0b11}));
  EXPECT_EQ(unpack_codes(pack_codes(codes), codes.size()), codes);
}

TEST(Packing, BadInputIsNamed) {
  try {
    encode_trits({0, 1, 2});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("index 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(unpack_codes({0xFF}, 5), std::invalid_argument);  // too short
  try {
    unpack_codes({0b00100000}, 4);  // code 2 (illegal) at index 2
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("index 2"), std::string::npos) << e.what();
  }
  EXPECT_EQ(unpack_codes({0b00100000}, 4, true)[2], 2);
  EXPECT_THROW(pack_codes({4}), std::invalid_argument);
}

}  // namespace
}  // namespace ternac
