// Fuzz target: the GGUF reader (model/io/gguf.cpp) on arbitrary file contents, read both ways it
// can be: parsed from the input's own, exactly sized buffer (so that AddressSanitizer sees any read
// past the end) and opened as a file, memory-mapped, from an in-memory file (memfd). The two must
// give the same answer: the same error message, or the same tensors, data and decoded weights.
//
// A malformed file must be refused with std::invalid_argument naming the file and the problem; in
// a file that parses, every tensor is sized (its size agrees with ggml_tensor_bytes) and its data,
// read through tensor_data(), lies inside the input; each tensor decodes as I2_S or is refused the
// same way, and kv lookups answer or refuse a lookup of the wrong type the same way. The first
// bytes also give a type id and a shape for ggml_tensor_bytes, whose answer must agree with the
// type's block size without wrapping. Anything else (a crash, a sanitizer report, another
// exception, an allocation sized by an unchecked count, the two readings disagreeing) is a bug.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ternac/model/io/gguf.h"

namespace {

// What f threw, as a line of the summary.
std::string refused_or_done(const std::function<std::string()>& f) {
  try {
    return f();
  } catch (const std::invalid_argument& e) {
    return std::string("refused: ") + e.what();
  }
}

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Everything the reader answers about a parsed file, one line per question.
std::string exercise(const ternac::GgufFile& f) {
  std::string summary = "parsed, version " + std::to_string(f.version()) + "\n";
  for (const ternac::GgufTensorInfo& t : f.tensors()) {
    // Every tensor is sized as ggml_tensor_bytes sizes it, and its data lies inside the input:
    // reading its first and last byte is in bounds.
    if (t.bytes != ternac::ggml_tensor_bytes(t.type, t.ne, t.name)) __builtin_trap();
    const std::string_view data = f.tensor_data(t.name);
    if (data.size() != t.bytes) __builtin_trap();
    summary += t.name + ": " + std::to_string(t.bytes) + " bytes, hash " +
               std::to_string(fnv1a(data)) + "\n";
    summary += refused_or_done([&] {
                 const ternac::TernaryTensorData w = f.i2s(t.name);
                 // The decoder promises N x K legal codes.
                 if (w.codes.size() != std::uint64_t{w.n} * w.k) __builtin_trap();
                 for (std::uint8_t c : w.codes) {
                   if (c == 2 || c > 3) __builtin_trap();
                 }
                 std::uint32_t alpha_bits;
                 std::memcpy(&alpha_bits, &w.alpha, sizeof alpha_bits);
                 return "decoded, alpha bits " + std::to_string(alpha_bits) + ", codes hash " +
                        std::to_string(
                            fnv1a({reinterpret_cast<const char*>(w.codes.data()), w.codes.size()}));
               }) +
               "\n";
  }
  summary += refused_or_done([&] {
               (void)f.i2s("no such tensor");
               return std::string("found a tensor that is not there");
             }) +
             "\n";
  for (const std::string& key : f.keys()) {
    summary += refused_or_done([&] { return f.string_value(key).value_or("(absent)"); }) + "\n";
    summary +=
        refused_or_done([&] { return std::to_string(f.uint_value(key).value_or(0)); }) + "\n";
    summary +=
        refused_or_done([&] { return std::to_string(f.float_value(key).value_or(0)); }) + "\n";
    summary +=
        refused_or_done([&] { return std::to_string(f.bool_value(key).value_or(0)); }) + "\n";
    summary += refused_or_done([&] {
                 return std::to_string(
                     f.string_array_value(key).value_or(std::vector<std::string>{}).size());
               }) +
               "\n";
  }
  return summary;
}

// An in-memory file holding the current input, opened by name through /proc/self/fd.
const std::string& memory_file(const std::uint8_t* data, std::size_t size) {
  static const int fd = ::memfd_create("fuzz.gguf", MFD_CLOEXEC);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ::ftruncate(fd, 0) != 0) __builtin_trap();
  for (std::size_t done = 0; done < size;) {
    const ssize_t r = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (r <= 0) __builtin_trap();
    done += static_cast<std::size_t>(r);
  }
  return path;
}

// ggml_tensor_bytes on a type id and shape taken from the input: an answer that agrees with the
// type's block size (computed here in 128 bits, so a wrapped size would show), or a refusal.
void size_a_type(const std::uint8_t* data, std::size_t size) {
  if (size < 4 + 8) return;
  std::uint32_t type;
  std::memcpy(&type, data, 4);
  type %= 48;  // mostly ids near the known ones
  std::vector<std::uint64_t> ne;
  for (std::size_t at = 4; at + 8 <= size && ne.size() < 4; at += 8) {
    std::uint64_t d;
    std::memcpy(&d, data + at, 8);
    ne.push_back(d >> (d & 63));  // small dimensions as often as huge ones
  }
  std::uint64_t bytes = 0;
  try {
    bytes = ternac::ggml_tensor_bytes(type, ne, "fuzz");
  } catch (const std::invalid_argument&) {
    return;
  }
  unsigned __int128 elements = 1;
  for (std::uint64_t d : ne) elements *= d;
  if (elements >> 63 != 0) __builtin_trap();  // the element count fits in int64, as in ggml
  const std::optional<ternac::GgmlBlockSize> block = ternac::ggml_block_size(type);
  unsigned __int128 expected;
  if (type == ternac::kGgmlTypeI2S) {
    expected = elements / 4 + ternac::kI2sTailBytes;
  } else {
    if (!block || ne[0] % block->elements != 0) __builtin_trap();
    expected = elements / block->elements * block->bytes;
  }
  if (expected != bytes) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = memory_file(data, size);
  const std::string borrowed = refused_or_done([&] {
    return exercise(
        ternac::GgufFile::parse_borrowed({reinterpret_cast<const char*>(data), size}, path));
  });
  const std::string mapped =
      refused_or_done([&] { return exercise(ternac::GgufFile::open(path)); });
  if (borrowed != mapped) {
    std::fprintf(stderr, "parsed from memory:\n%s\nopened and mapped:\n%s\n", borrowed.c_str(),
                 mapped.c_str());
    __builtin_trap();
  }
  size_a_type(data, size);
  return 0;
}
