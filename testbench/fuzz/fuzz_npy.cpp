// Fuzz target: the .npy reader (model/npy.cpp) on arbitrary file contents. A malformed file must
// be rejected with std::invalid_argument naming the file; an array that parses must go through
// every converter, each either converting it or refusing it with std::invalid_argument. Anything
// else (a crash, an out-of-bounds read, a sanitizer report, another exception, a huge allocation)
// is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  ternac::NpyArray a;
  try {
    a = ternac::parse_npy(bytes, "fuzz.npy");
  } catch (const std::invalid_argument&) {
    return 0;
  }
  // The reader's guarantees, which the converters rely on.
  if (a.data.size() != a.elements() * a.item_size() || a.data.size() > size) __builtin_trap();
  try {
    (void)ternac::npy_to_int8(a, "fuzz.npy");
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)ternac::npy_to_float(a, "fuzz.npy");
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)ternac::npy_to_trit_codes(a, "fuzz.npy");
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
