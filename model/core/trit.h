// Trit codes: the 2-bit weight encoding shared with rtl/ternac_pkg.sv (trit_e).
#pragma once

#include <cstdint>
#include <string>

namespace ternac {

// Bit 0 is "nonzero", bit 1 is "negate"; the code with negate but not nonzero is illegal.
enum class TritCode : std::uint8_t { kZero = 0, kPos = 1, kIllegal = 2, kNeg = 3 };

inline constexpr int kTritBits = 2;
inline constexpr int kActBits = 8;

// True for the three codes that stand for -1, 0 and +1.
constexpr bool is_legal(std::uint8_t code) { return code <= 3 && code != 2; }

// The weight a code stands for in the datapath. The illegal code selects nothing (the select
// unit gates on the nonzero bit), so it acts as zero; the array flags it in its status.
constexpr int trit_value(std::uint8_t code) { return code == 1 ? 1 : (code == 3 ? -1 : 0); }

// Code of a weight in {-1, 0, +1}; throws std::invalid_argument naming the value otherwise.
std::uint8_t encode_trit(int value);

// Human-readable name of a code ("+1", "-1", "0", "illegal").
std::string trit_name(std::uint8_t code);

}  // namespace ternac
