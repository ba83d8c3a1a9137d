// NumPy .npy files: a hardened reader and a writer for the plain numeric arrays ternac exchanges
// with Python (weights, activations, reference outputs).
//
// Format versions 1.0, 2.0 and 3.0 are read; only C-ordered, little-endian arrays of the integer
// and float dtypes below. Everything else (big-endian, Fortran order, bool, complex, strings,
// objects, structured dtypes, float16) is refused with std::invalid_argument whose message starts
// with the file name and names the problem, so that a user can fix the file on the Python side.
// The reader trusts nothing in the file: every length and count is checked against the bytes
// actually present before it is used, and nothing is read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ternac {

struct NpyArray {
  // Normalized dtype: kind and byte size without byte order, one of "i1", "u1", "i2", "u2",
  // "i4", "u4", "i8", "u8", "f4", "f8".
  std::string dtype;
  std::vector<std::uint64_t> shape;  // empty for a 0-d (scalar) array
  std::vector<std::uint8_t> data;    // elements in C order, each little-endian

  // Product of the shape (1 for a 0-d array). The reader guarantees it does not overflow and
  // that data holds exactly elements() * item_size() bytes.
  std::uint64_t elements() const;
  // Bytes per element of dtype; throws std::invalid_argument for an unknown dtype.
  std::size_t item_size() const;
};

// Parses the contents of a .npy file. `what` (normally the file name) starts every error message.
NpyArray parse_npy(std::string_view bytes, const std::string& what);

// Reads and parses a .npy file; errors name the path. Only a regular file is read (file_io.h: a
// FIFO, a directory or a device is refused without blocking); its magic is read and checked
// before anything else, the header next, and the data last, straight into the array once its
// size is known to match the file's.
NpyArray read_npy(const std::string& path);

// Conversions to the element types the model uses. Each checks every element and names the first
// bad one by flat index (and multi-index), value and file (`what`); none rounds or wraps silently.
//
// Integer dtypes whose values all lie in [-128, 127]. Float arrays are refused: activations must
// be quantized first (quantize_absmax in bitlinear.h), or passed as float activations.
std::vector<std::int8_t> npy_to_int8(const NpyArray& array, const std::string& what);
// f4 as is; integer dtypes when every value is exactly representable as a float; f8 only when
// every value is exactly representable as a float (NaN and infinities included), so that a
// float64 array holding float32 data is accepted but a genuine float64 one is not rounded.
std::vector<float> npy_to_float(const NpyArray& array, const std::string& what);
// Integer dtypes with values in {-1, 0, +1}, encoded as TritCode bytes (encode_trit in trit.h).
std::vector<std::uint8_t> npy_to_trit_codes(const NpyArray& array, const std::string& what);

// Writes `bytes` bytes of little-endian, C-ordered element data as a .npy file of normalized
// dtype `dtype` ("f4", "i1", ...; see NpyArray) and `shape`, in the format numpy writes: version
// 1.0 (2.0 only if the header needs it), header padded with spaces and terminated by '\n' so that
// the data starts at a multiple of 64 bytes. Throws std::invalid_argument for an unknown dtype,
// a byte count that does not match the shape, or a failed write (FileError, naming the path). The
// file is written atomically (write_file_atomic in file_io.h): a failed write leaves whatever was
// at the path before.
void write_npy(const std::string& path, const std::string& dtype,
               const std::vector<std::uint64_t>& shape, const void* data, std::size_t bytes);

// Typed writers: dtype from the element type ("f4", "i4", "i8", "i1"), values stored
// little-endian whatever the host order. values.size() must equal the product of shape.
void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<float>& values);
void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<std::int32_t>& values);
void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<std::int64_t>& values);
void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<std::int8_t>& values);

}  // namespace ternac
