// Moves beats (little-endian 32-bit words) in and out of Verilated ports of any width.
//
// Verilator maps ports of up to 8/16/32/64 bits to CData/SData/IData/QData and wider ones to
// VlWide<words>; the SystemC flavour maps wide ports to sc_bv<bits>. These overloads hide that.
#pragma once

#include <verilated.h>

#include <cstdint>
#include <type_traits>

#include "ternac/model/core/streams.h"

namespace ternac {

template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
inline void assign_port(T& port, const Beat& beat) {
  std::uint64_t v = beat.empty() ? 0 : beat[0];
  if constexpr (sizeof(T) > 4) {
    if (beat.size() > 1) v |= std::uint64_t{beat[1]} << 32;
  }
  port = static_cast<T>(v);
}

template <std::size_t N>
inline void assign_port(VlWide<N>& port, const Beat& beat) {
  for (std::size_t i = 0; i < N; ++i) port[i] = i < beat.size() ? beat[i] : 0u;
}

template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
inline void read_port(const T& port, Beat& beat) {
  const auto v = static_cast<std::uint64_t>(port);
  if (!beat.empty()) beat[0] = static_cast<std::uint32_t>(v);
  if (beat.size() > 1) beat[1] = static_cast<std::uint32_t>(v >> 32);
}

template <std::size_t N>
inline void read_port(const VlWide<N>& port, Beat& beat) {
  for (std::size_t i = 0; i < N && i < beat.size(); ++i) beat[i] = port[i];
}

}  // namespace ternac
