#include "ternac/model/base/text_io.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace ternac {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Why `text` is not a plain decimal integer, for the message ("" when it is one).
std::string integer_hint(std::string_view text) {
  if (is_space(text.front()) || is_space(text.back())) return " (spaces are not allowed)";
  if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    return " (hexadecimal is not accepted)";
  }
  if (text[0] == '-') return " (negative numbers are not accepted)";
  if (text[0] == '+') return " (write it without the sign)";
  return "";
}

// Whether `text` is a strict real: [+-]digits[.digits][e[+-]digits] or [+-].digits[e...].
bool strict_real_syntax(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < text.size() && is_digit(text[i])) ++i, ++int_digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < text.size() && is_digit(text[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == text.size();
}

// Whether the mantissa of a strict real has a nonzero digit (so that a result of 0 is an
// underflow, not a zero that was written).
bool has_nonzero_digit(std::string_view text) {
  for (char c : text) {
    if (c == 'e' || c == 'E') break;
    if (c >= '1' && c <= '9') return true;
  }
  return false;
}

// Length of the valid UTF-8 sequence starting at `s[i]` that is not a control character (C1
// controls, U+0080..U+009F, are terminal escapes too), or 0.
std::size_t printable_utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t j) { return static_cast<unsigned char>(s[j]); };
  const unsigned char c = b(i);
  std::size_t n;
  std::uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t j = 1; j < n; ++j) {
    if ((b(i + j) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + j) & 0x3F);
  }
  // Overlong forms, surrogates, past U+10FFFF, C1 controls.
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F)) {
    return 0;
  }
  return n;
}

std::string escape(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t n = printable_utf8_length(text, i);
      if (n > 0) {
        out.append(text.substr(i, n));
        i += n;
      } else {
        out += fmt::format("\\x{:02x}", c);
        ++i;
      }
      continue;
    }
    ++i;
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += keep_lines ? "\n" : "\\n";
    } else if (c == '\t') {
      out += keep_lines ? "\t" : "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == 0x1B) {
      out += "\\e";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::uint64_t parse_decimal(std::string_view text, std::string_view what, std::uint64_t lo,
                            std::uint64_t hi) {
  if (text.empty()) {
    throw std::invalid_argument(
        fmt::format("{} needs a decimal integer, got an empty value", what));
  }
  for (char c : text) {
    if (!is_digit(c)) {
      throw std::invalid_argument(fmt::format("{} needs a decimal integer, got '{}'{}", what,
                                              printable(text), integer_hint(text)));
    }
  }
  if (text.size() > 1 && text[0] == '0') {
    throw std::invalid_argument(
        fmt::format("{} needs a decimal integer, got '{}' (a leading zero: octal is not "
                    "accepted; write it without the zero)",
                    what, printable(text)));
  }
  std::uint64_t v = 0;
  for (char c : text) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
      throw std::invalid_argument(fmt::format("{} must be in {}..{}, got {}", what, lo, hi, text));
    }
    v = v * 10 + d;
  }
  if (v < lo || v > hi) {
    throw std::invalid_argument(fmt::format("{} must be in {}..{}, got {}", what, lo, hi, v));
  }
  return v;
}

double parse_real(std::string_view text, std::string_view what) {
  if (!strict_real_syntax(text)) {
    throw std::invalid_argument(
        fmt::format("{} needs a decimal number (digits, an optional point and exponent), got '{}'",
                    what, printable(text)));
  }
  const std::string s(text);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) {  // cannot happen after the syntax check
    throw std::invalid_argument(fmt::format("{} needs a decimal number, got '{}'", what, s));
  }
  if (!std::isfinite(v) || (errno == ERANGE && std::fabs(v) > 1.0)) {
    throw std::invalid_argument(fmt::format("{}: {} is too large for a double", what, s));
  }
  if (v == 0.0 && has_nonzero_digit(s)) {
    throw std::invalid_argument(
        fmt::format("{}: {} is too small for a double (it would be read as 0)", what, s));
  }
  return v;
}

float parse_float(std::string_view text, std::string_view what) {
  const double d = parse_real(text, what);
  const auto f = static_cast<float>(d);
  if (!std::isfinite(f)) {
    throw std::invalid_argument(
        fmt::format("{}: {} is not finite as a 32-bit float (at most {:g} in magnitude)", what,
                    std::string(text), static_cast<double>(std::numeric_limits<float>::max())));
  }
  if (f == 0.0f && d != 0.0) {
    throw std::invalid_argument(fmt::format(
        "{}: {} is too small for a 32-bit float (it would be read as 0)", what, std::string(text)));
  }
  return f;
}

std::uint64_t env_decimal(const char* name, std::uint64_t fallback, std::uint64_t lo,
                          std::uint64_t hi) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return parse_decimal(v, fmt::format("environment variable {}", name), lo, hi);
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return false;
  const std::string_view s(v);
  if (s == "0") return false;
  if (s == "1") return true;
  throw std::invalid_argument(fmt::format(
      "environment variable {} must be 1 (on) or 0 (off), got '{}'", name, printable(s)));
}

std::string printable(std::string_view text) { return escape(text, false); }

std::string printable_message(std::string_view text) { return escape(text, true); }

std::string csv_field(std::string_view text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::vector<std::string> split_commas(std::string_view line) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    out.emplace_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

}  // namespace ternac
