#include "ternac/model/base/text_io.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ternac {
namespace {

// The message of the std::invalid_argument that `f` throws ("" when it throws none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(TextIo, DecimalIntegersAreDigitsOnlyTheWholeStringInRange) {
  EXPECT_EQ(parse_decimal("0", "--x"), 0u);
  EXPECT_EQ(parse_decimal("10", "--x"), 10u);
  EXPECT_EQ(parse_decimal("18446744073709551615", "--x"),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(parse_decimal("16777215", "--m", 1, 16777215), 16777215u);
  // Each refused, the message naming the option and what is wrong.
  const struct {
    const char* text;
    const char* says;
  } bad[] = {
      {"010", "leading zero"},     // was octal 8
      {"00", "leading zero"},      //
      {"0x10", "hexadecimal"},     // was 16
      {" -1", "spaces"},           // was 2^64 - 1
      {"-1", "negative"},          //
      {"+5", "without the sign"},  //
      {"5 ", "spaces"},            //
      {"3k", "got '3k'"},          // was 3
      {"abc", "got 'abc'"},        // was 0
      {"1e3", "got '1e3'"},        //
      {"", "empty"},               //
      {"18446744073709551616", "must be in 0..18446744073709551615"},
      {"99999999999999999999999", "must be in"},
  };
  for (const auto& b : bad) {
    const std::string e = error_of([&] { parse_decimal(b.text, "--x"); });
    EXPECT_NE(e.find("--x"), std::string::npos) << b.text << ": " << e;
    EXPECT_NE(e.find(b.says), std::string::npos) << b.text << ": " << e;
  }
  EXPECT_EQ(error_of([] { parse_decimal("0", "--m", 1, 16777215); }),
            "--m must be in 1..16777215, got 0");
  EXPECT_EQ(error_of([] { parse_decimal("16777216", "--m", 1, 16777215); }),
            "--m must be in 1..16777215, got 16777216");
}

TEST(TextIo, RealsAreFiniteDecimalNumbers) {
  EXPECT_EQ(parse_real("0.4", "--z"), 0.4);
  EXPECT_EQ(parse_real("-.5", "--z"), -0.5);
  EXPECT_EQ(parse_real("1e-3", "--z"), 1e-3);
  EXPECT_EQ(parse_real("2.", "--z"), 2.0);
  EXPECT_EQ(parse_real("0", "--z"), 0.0);
  EXPECT_EQ(parse_real("0e-999", "--z"), 0.0);  // a zero written as zero
  for (const char* t : {"nan", "inf", "-inf", "0x1p3", " 1", "1 ", "1e", ".", "", "1,5", "e3",
                        "1e999", "1e-999", "--1"}) {
    const std::string e = error_of([&] { parse_real(t, "--z"); });
    EXPECT_NE(e.find("--z"), std::string::npos) << "'" << t << "' accepted";
  }
}

TEST(TextIo, FloatsMustBeFiniteAndNonzeroAsFloats) {
  EXPECT_EQ(parse_float("0.5", "--alpha"), 0.5f);
  EXPECT_EQ(parse_float("3e38", "--alpha"), 3e38f);
  // Finite as a double, infinite as a float.
  EXPECT_NE(error_of([] { parse_float("1e39", "--alpha"); }).find("not finite as a 32-bit float"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_float("1e-50", "--alpha"); }).find("too small"), std::string::npos);
  EXPECT_EQ(parse_float("0", "--alpha"), 0.0f);
}

TEST(TextIo, EnvironmentVariablesAreStrict) {
  ::unsetenv("TERNAC_TEXT_IO_TEST");
  EXPECT_EQ(env_decimal("TERNAC_TEXT_IO_TEST", 7), 7u);
  EXPECT_FALSE(env_flag("TERNAC_TEXT_IO_TEST"));
  ::setenv("TERNAC_TEXT_IO_TEST", "", 1);
  EXPECT_EQ(env_decimal("TERNAC_TEXT_IO_TEST", 7), 7u);
  EXPECT_FALSE(env_flag("TERNAC_TEXT_IO_TEST"));
  ::setenv("TERNAC_TEXT_IO_TEST", "12", 1);
  EXPECT_EQ(env_decimal("TERNAC_TEXT_IO_TEST", 7), 12u);
  EXPECT_NE(error_of([] {
              env_decimal("TERNAC_TEXT_IO_TEST", 7, 1, 10);
            }).find("environment variable TERNAC_TEXT_IO_TEST must be in 1..10, got 12"),
            std::string::npos);
  for (const char* v : {"abc", "3k", "-1", "0x3"}) {
    ::setenv("TERNAC_TEXT_IO_TEST", v, 1);
    EXPECT_NE(error_of([] { env_decimal("TERNAC_TEXT_IO_TEST", 7); }).find("TERNAC_TEXT_IO_TEST"),
              std::string::npos)
        << v;
  }
  ::setenv("TERNAC_TEXT_IO_TEST", "1", 1);
  EXPECT_TRUE(env_flag("TERNAC_TEXT_IO_TEST"));
  ::setenv("TERNAC_TEXT_IO_TEST", "0", 1);
  EXPECT_FALSE(env_flag("TERNAC_TEXT_IO_TEST"));
  for (const char* v : {"yes", "true", "on", "2", "01"}) {
    ::setenv("TERNAC_TEXT_IO_TEST", v, 1);
    EXPECT_NE(error_of([] { env_flag("TERNAC_TEXT_IO_TEST"); }).find("must be 1 (on) or 0 (off)"),
              std::string::npos)
        << v;
  }
  ::unsetenv("TERNAC_TEXT_IO_TEST");
}

TEST(TextIo, PrintableEscapesControlsAndInvalidUtf8) {
  EXPECT_EQ(printable("blk.0.attn_q"), "blk.0.attn_q");
  EXPECT_EQ(printable("a,b\nc\td\re"), "a,b\\nc\\td\\re");
  EXPECT_EQ(printable("\x1b[31mred"), "\\e[31mred");
  EXPECT_EQ(printable("back\\slash"), "back\\\\slash");
  EXPECT_EQ(printable(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(printable("\x7f"), "\\x7f");
  EXPECT_EQ(printable("caf\xc3\xa9 \xe2\x88\x91"), "caf\xc3\xa9 \xe2\x88\x91");  // UTF-8 kept
  EXPECT_EQ(printable("\xc2\x9b"), "\\xc2\\x9b");           // C1 CSI: a terminal escape
  EXPECT_EQ(printable("\xff\xc3"), "\\xff\\xc3");           // not UTF-8
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(printable_message("line 1\nname \x1b[2J"), "line 1\nname \\e[2J");
}

TEST(TextIo, CsvFieldsAreQuotedWhenTheyMustBe) {
  EXPECT_EQ(csv_field("attn_q"), "attn_q");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(csv_field("\x1b[31m"), "\x1b[31m");  // data, kept as it is
  EXPECT_EQ(csv_field(""), "");
}

}  // namespace
}  // namespace ternac
