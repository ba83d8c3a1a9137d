// What the device's tests and the example platform share: checks that print, an interrupt monitor,
// jobs whose W is written into memory by encoders of their own (not the device's decoder), the
// plain multiply-add they are checked against, a memory digest and an atomic JSON writer.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <systemc>
#include <vector>

#include "ternac/model/core/gemm.h"
#include "ternac_vp_regmap.h"

namespace ternac::vp {

class Checks {
 public:
  explicit Checks(bool verbose) : verbose_(verbose) {}
  bool check(bool ok, const std::string& what) {
    if (ok) {
      ++passed_;
      if (verbose_) std::printf("ok    %s\n", what.c_str());
    } else {
      ++failed_;
      std::fprintf(stderr, "FAIL  %s\n", what.c_str());
    }
    return ok;
  }
  template <typename A, typename B>
  bool equal(const A& got, const B& want, const std::string& what) {
    return check(got == want, fmt::format("{}: got {}, want {}", what, got, want));
  }
  int passed() const { return passed_; }
  int failed() const { return failed_; }

 private:
  bool verbose_;
  int passed_ = 0, failed_ = 0;
};

// The times at which the interrupt line rose.
class IrqMonitor : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> irq;
  std::vector<sc_core::sc_time> rises;

  explicit IrqMonitor(sc_core::sc_module_name name) : sc_module(name), irq("irq") {
    SC_HAS_PROCESS(IrqMonitor);
    SC_METHOD(on_change);
    sensitive << irq;
    dont_initialize();
  }
  // The first rise at or after `t` into `at`; false when there is none.
  bool rise_after(const sc_core::sc_time& t, sc_core::sc_time& at) const {
    for (const sc_core::sc_time& r : rises) {
      if (r >= t) {
        at = r;
        return true;
      }
    }
    return false;
  }

 private:
  void on_change() {
    if (irq.read()) rises.push_back(sc_core::sc_time_stamp());
  }
};

// The first clock edge at or after `t`.
inline sc_core::sc_time align_up(const sc_core::sc_time& t, const sc_core::sc_time& period) {
  const sc_dt::uint64 p = period.value();
  return sc_core::sc_time::from_value((t.value() + p - 1) / p * p);
}

// A weight that is none of -1, 0, +1: stored as an illegal code.
inline constexpr int kIllegalWeight = 99;

struct TestJob {
  std::string name;
  GemmShape shape;
  regmap::Format format = regmap::Format::kCodes;
  std::vector<int> w;             // N x K: -1, 0, +1 or kIllegalWeight
  std::vector<std::int8_t> x;     // M x K
  std::uint8_t illegal_byte = 2;  // FORMAT CODES: the byte an illegal weight is stored as
};

// W as it lies in memory, written from the layout docs/systemc.md gives (the reference's I2_S).
inline std::vector<std::uint8_t> weight_image(const TestJob& j) {
  const std::size_t count = j.w.size();
  if (j.format == regmap::Format::kCodes) {
    std::vector<std::uint8_t> out(count);
    for (std::size_t i = 0; i < count; ++i) {
      const int v = j.w[i];
      out[i] = v == kIllegalWeight ? j.illegal_byte : v == 1 ? 1 : v == -1 ? 3 : 0;
    }
    return out;
  }
  if (j.shape.k % 128 != 0) throw std::invalid_argument("I2_S needs K a multiple of 128");
  std::vector<std::uint8_t> out(count / 4, 0);
  for (std::size_t i = 0; i < count; ++i) {
    const int v = j.w[i];
    const unsigned code = v == kIllegalWeight ? 3u : static_cast<unsigned>(v + 1);
    const std::size_t block = i / 128, in_block = i % 128;
    const std::size_t byte = block * 32 + in_block % 32;
    const unsigned shift = 6 - 2 * static_cast<unsigned>(in_block / 32);
    out[byte] = static_cast<std::uint8_t>(out[byte] | code << shift);
  }
  return out;
}

// Y by the plain multiply-add (an illegal weight counts as zero), as int32.
inline std::vector<std::int64_t> plain_results(const TestJob& j) {
  const GemmShape& s = j.shape;
  std::vector<std::int64_t> y(std::size_t{s.m} * s.n);
  for (std::uint32_t m = 0; m < s.m; ++m) {
    for (std::uint32_t n = 0; n < s.n; ++n) {
      std::int64_t acc = 0;
      for (std::uint32_t k = 0; k < s.k; ++k) {
        const int w = j.w[std::size_t{n} * s.k + k];
        if (w != kIllegalWeight) acc += w * j.x[std::size_t{m} * s.k + k];
      }
      y[std::size_t{m} * s.n + n] = static_cast<std::int32_t>(acc);
    }
  }
  return y;
}

inline std::uint64_t illegal_weights(const TestJob& j) {
  std::uint64_t n = 0;
  for (int w : j.w) n += w == kIllegalWeight ? 1 : 0;
  return n;
}

// FNV-1a, 64 bits.
inline std::uint64_t fnv1a64(const std::uint8_t* p, std::size_t n,
                             std::uint64_t h = 0xcbf29ce484222325ull) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

// Writes `j` to `path` whole or not at all (a temporary file renamed over it).
inline void write_json(const std::string& path, const nlohmann::json& j) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << j.dump(2) << '\n';
    f.flush();
    if (!f) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  try {
    return nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not JSON: " + e.what());
  }
}

}  // namespace ternac::vp
