// Fuzz target: the GGUF reader (model/gguf.cpp) on arbitrary file contents. A malformed file must
// be refused with std::invalid_argument naming the file and the problem; a file that parses must
// decode each of its tensors as I2_S or refuse it the same way, and answer kv lookups or refuse a
// lookup of the wrong type the same way. Anything else (a crash, a sanitizer report, another
// exception, an allocation sized by an unchecked count) is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "gguf.h"

namespace {

template <typename F>
void refused_or_done(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const ternac::GgufFile f = ternac::GgufFile::parse(std::move(bytes), "fuzz.gguf");
    for (const ternac::GgufTensorInfo& t : f.tensors()) {
      refused_or_done([&] {
        const ternac::TernaryTensorData w = f.i2s(t.name);
        // The decoder promises N x K legal codes.
        if (w.codes.size() != std::uint64_t{w.n} * w.k) __builtin_trap();
        for (std::uint8_t c : w.codes) {
          if (c == 2 || c > 3) __builtin_trap();
        }
      });
      (void)f.tensor(t.name);
    }
    refused_or_done([&] { (void)f.i2s("no such tensor"); });
    for (const std::string& key : f.keys()) {
      refused_or_done([&] { (void)f.string_value(key); });
      refused_or_done([&] { (void)f.uint_value(key); });
      refused_or_done([&] { (void)f.float_value(key); });
      refused_or_done([&] { (void)f.bool_value(key); });
      refused_or_done([&] { (void)f.string_array_value(key); });
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
