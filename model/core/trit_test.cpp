#include "ternac/model/core/trit.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "ternac/model/core/select.h"

namespace ternac {
namespace {

TEST(Trit, CodesMatchThePackageEncoding) {
  // rtl/ternac_pkg.sv: TritZero = 2'b00, TritPos = 2'b01, TritIllegal = 2'b10, TritNeg = 2'b11.
  EXPECT_EQ(static_cast<int>(TritCode::kZero), 0b00);
  EXPECT_EQ(static_cast<int>(TritCode::kPos), 0b01);
  EXPECT_EQ(static_cast<int>(TritCode::kIllegal), 0b10);
  EXPECT_EQ(static_cast<int>(TritCode::kNeg), 0b11);
}

TEST(Trit, EncodeDecodeRoundTrip) {
  for (int v = -1; v <= 1; ++v) {
    EXPECT_EQ(trit_value(encode_trit(v)), v);
    EXPECT_TRUE(is_legal(encode_trit(v)));
  }
  EXPECT_FALSE(is_legal(2));
  EXPECT_FALSE(is_legal(4));
  EXPECT_EQ(trit_value(2), 0);  // the illegal code selects nothing
}

TEST(Trit, EncodeRejectsNonTernaryValues) {
  EXPECT_THROW(encode_trit(2), std::invalid_argument);
  try {
    encode_trit(-5);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("-5"), std::string::npos);
  }
}

TEST(Select, AllCodesAllActivations) {
  for (int x = -128; x <= 127; ++x) {
    const auto a = static_cast<std::int8_t>(x);
    for (std::uint8_t code = 0; code < 4; ++code) {
      const SelectOut s = select(a, code);
      const int value = static_cast<std::int8_t>(s.operand) + (s.carry ? 1 : 0);
      EXPECT_EQ(value, trit_value(code) * x) << "x=" << x << " code=" << int(code);
      if (trit_value(code) == 0) {
        EXPECT_EQ(s.operand, 0);  // gated: nothing downstream toggles
        EXPECT_FALSE(s.carry);
      }
    }
  }
}

}  // namespace
}  // namespace ternac
