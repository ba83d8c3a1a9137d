// Text that crosses the program's boundary: numbers read from command lines and from the
// environment, and names (from files) shown on a terminal or written to CSV.
//
// Numbers are parsed strictly, the same way everywhere (the ternac CLI, the test programs'
// TERNAC_* variables, the helper tools):
// - integers are decimal digits only, the whole string: no sign, no spaces, no "0x" (hexadecimal)
//   and no leading zero ("010" was octal 8 for strtoull(.., 0); it is refused rather than read as
//   ten, so that no old command line silently changes meaning), and in the range the caller gives;
// - reals are [+-]digits[.digits][e[+-]digits] (or .digits), the whole string, finite: no "inf",
//   "nan", hexadecimal floats or spaces; a value that overflows, or underflows to zero, is refused;
//   parse_float also requires the value to be finite (and not flushed to zero) as a float.
// Every error is a std::invalid_argument whose message starts with `what` (an option's or a
// variable's name) and shows the text given, escaped for a terminal.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace ternac {

std::uint64_t parse_decimal(std::string_view text, std::string_view what, std::uint64_t lo = 0,
                            std::uint64_t hi = std::numeric_limits<std::uint64_t>::max());
double parse_real(std::string_view text, std::string_view what);
float parse_float(std::string_view text, std::string_view what);

// An environment variable read as parse_decimal reads it; unset or empty gives `fallback`.
std::uint64_t env_decimal(const char* name, std::uint64_t fallback, std::uint64_t lo = 0,
                          std::uint64_t hi = std::numeric_limits<std::uint64_t>::max());
// An on/off environment variable: "1" on, "0", empty or unset off; anything else is refused (a
// "yes" that silently meant off was the reason for this).
bool env_flag(const char* name);

// `text` safe to print on a terminal: control characters (C0, DEL and the C1 range, which hold
// the terminal's escape sequences) and bytes that are not valid UTF-8 become \n, \t, \r, \e or
// \xNN, and a backslash becomes \\ (so the escaped form is unambiguous). Valid printable UTF-8 is
// kept as it is.
std::string printable(std::string_view text);
// The same, but newlines and tabs are kept: for multi-line messages that may quote names.
std::string printable_message(std::string_view text);

// One CSV field (RFC 4180): as it is when it holds no comma, quote, CR or LF and does not start or
// end with a space; otherwise in double quotes with every quote doubled. The bytes are kept (a
// CSV reader gets the name back exactly).
std::string csv_field(std::string_view text);

// The comma-separated fields of one line of a simple CSV (no quoting: ternac's own input files,
// rtl/configs.csv and workload files), empty fields kept.
std::vector<std::string> split_commas(std::string_view line);

}  // namespace ternac
