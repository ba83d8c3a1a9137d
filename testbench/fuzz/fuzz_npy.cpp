// Fuzz target: the .npy reader (model/io/npy.cpp) on arbitrary file contents, read both ways it can
// be: parsed from the input's own, exactly sized buffer (so that AddressSanitizer sees any read
// past the end) and read from a file (an in-memory file, memfd) the way read_npy reads one: the
// magic first, then the header, then the data straight into the array. The two must agree: the
// same error message, or the same array.
//
// A malformed file must be rejected with std::invalid_argument naming the file; an array that
// parses must go through every converter, each either converting it or refusing it with
// std::invalid_argument. Anything else (a crash, an out-of-bounds read, a sanitizer report,
// another exception, a huge allocation, the two readings disagreeing) is a bug.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ternac/model/io/npy.h"

namespace {

// An in-memory file holding the current input, opened by name through /proc/self/fd.
const std::string& memory_file(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("fuzz.npy", MFD_CLOEXEC);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ::ftruncate(fd, 0) != 0) __builtin_trap();
  for (std::size_t done = 0; done < size;) {
    const ssize_t r = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (r <= 0) __builtin_trap();
    done += static_cast<std::size_t>(r);
  }
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = memory_file(data, size);
  ternac::NpyArray a, b;
  std::string a_error, b_error;
  try {
    a = ternac::parse_npy({reinterpret_cast<const char*>(data), size}, path);
  } catch (const std::invalid_argument& e) {
    a_error = e.what();
  }
  try {
    b = ternac::read_npy(path);
  } catch (const std::invalid_argument& e) {
    b_error = e.what();
  }
  if (a_error != b_error || a.dtype != b.dtype || a.shape != b.shape || a.data != b.data) {
    std::fprintf(stderr, "parse_npy: '%s'\nread_npy: '%s'\n", a_error.c_str(), b_error.c_str());
    __builtin_trap();
  }
  if (!a_error.empty()) return 0;
  // The reader's guarantees, which the converters rely on.
  if (a.data.size() != a.elements() * a.item_size() || a.data.size() > size) __builtin_trap();
  try {
    (void)ternac::npy_to_int8(a, path);
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)ternac::npy_to_float(a, path);
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)ternac::npy_to_trit_codes(a, path);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
