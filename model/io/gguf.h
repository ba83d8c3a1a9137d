// GGUF files holding BitNet b1.58 ternary weights in bitnet.cpp's I2_S layout: a hardened reader
// and a minimal writer for tests and fuzz corpora.
//
// The reader follows the GGUF v3 specification (v2 has the same little-endian layout and is
// accepted too) and the BitNet fork of ggml's x86 I2_S layout (ggml type 36): the N x K weights
// flattened row-major in blocks of 128, byte p of a block holding weights p, 32+p, 64+p, 96+p in
// bits 7:6, 5:4, 3:2, 1:0 as code w + 1, then a 32-byte tail whose first 4 bytes are the fp32
// scale alpha (ne0 * ne1 / 4 + 32 bytes in all). scripts/make_gguf.py is an independent Python
// writer of the same layout, and the tests cross-check the two.
//
// It trusts nothing in the file: every count and length is checked against the bytes actually
// present before it is used or allocated, every tensor is sized (every ggml type a GGUF file may
// hold, or the file is refused) and its data checked to lie inside the file, so a hostile file is
// refused with std::invalid_argument (message: the file, the byte offset, the problem) and never
// read out of bounds. A file is memory-mapped, not read: only the header's pages and those of
// the tensors decoded are ever read from disk, so picking one tensor out of a large model costs
// about that tensor's size in memory (docs/robustness.md has the measurement).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ternac {

// ggml type ids of the BitNet fork (upstream llama.cpp reuses 36 and up for other types).
inline constexpr std::uint32_t kGgmlTypeF32 = 0;
inline constexpr std::uint32_t kGgmlTypeI2S = 36;
inline constexpr std::uint32_t kGgmlTypeTL1 = 38;
inline constexpr std::uint32_t kGgmlTypeTL2 = 39;
// general.file_type of a model whose linear layers are I2_S.
inline constexpr std::uint32_t kGgufFileTypeI2S = 40;
// I2_S packs blocks of 128 weights into 32 bytes; K must be a multiple of the block.
inline constexpr std::uint64_t kI2sBlockWeights = 128;
inline constexpr std::uint64_t kI2sTailBytes = 32;

// GGUF key/value types.
enum class GgufKvType : std::uint32_t {
  kU8 = 0,
  kI8 = 1,
  kU16 = 2,
  kI16 = 3,
  kU32 = 4,
  kI32 = 5,
  kF32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kU64 = 10,
  kI64 = 11,
  kF64 = 12,
};

// Name of a kv type ("u32", "array", ...; "unknown" past 12).
std::string gguf_kv_type_name(std::uint32_t type);
// Name of a ggml tensor type as the BitNet fork numbers them ("F32", "Q6_K", "I2_S", "TL1", ...;
// "type N" past TL2 = 39).
std::string ggml_type_name(std::uint32_t type);

// Elements per block and bytes per block of a ggml type (ggml's type traits: F32 is 1 and 4, Q8_0
// 32 and 34, Q6_K 256 and 210, ...), for every type a GGUF file may hold; std::nullopt for I2_S
// (sized by its own rule, ne0 * ne1 / 4 + 32), for I8_S, TL1 and TL2 (which this reader cannot
// size), for 4 and 5 (removed before GGUF) and for ids past 39.
struct GgmlBlockSize {
  std::uint64_t elements = 0;
  std::uint64_t bytes = 0;
};
std::optional<GgmlBlockSize> ggml_block_size(std::uint32_t type);

// Data bytes of a tensor of ggml type `type` and shape `ne` (ne[0] fastest), as ggml sizes it.
// Throws std::invalid_argument naming `tensor` and the type id for a type it cannot size, ne[0]
// not a multiple of the type's block, no dimensions, or a size past 63 bits of elements.
std::uint64_t ggml_tensor_bytes(std::uint32_t type, const std::vector<std::uint64_t>& ne,
                                const std::string& tensor);

struct GgufTensorInfo {
  std::string name;
  std::vector<std::uint64_t> ne;  // ne[0] is the fastest dimension: K of a weight, ne[1] is N
  std::uint32_t type = 0;         // ggml type id
  std::uint64_t offset = 0;       // relative to the start of the data section
  // Data size (ggml_tensor_bytes); the parser has checked that the data lies inside the file.
  std::uint64_t bytes = 0;
  std::uint64_t elements() const;
};

// A decoded ternary weight tensor.
struct TernaryTensorData {
  std::uint32_t n = 0, k = 0;
  std::vector<std::uint8_t> codes;  // N x K TritCode bytes, row-major: row n holds K weights
  float alpha = 1.0f;               // y = (acc / s) * alpha
};

// One key/value pair: where its value lies in the file. Values are decoded on demand.
struct GgufKv {
  std::uint32_t type = 0;          // GgufKvType
  std::uint64_t value_offset = 0;  // file offset of the value (arrays: of the first element)
  std::uint32_t array_type = 0;    // arrays: element type
  std::uint64_t array_count = 0;   // arrays: element count
};

// A parsed GGUF file. Copies share the file's bytes (a memory map or a string); either stays alive
// as long as any copy does.
class GgufFile {
 public:
  // Opens and parses a file: a regular file only (file_io.h: a FIFO, directory or device is
  // refused without blocking); the magic is checked before anything else is read, then the file
  // is memory-mapped and its header parsed. Errors name the path.
  static GgufFile open(const std::string& path);
  // Parses the contents of a file; `what` (normally the file name) starts every error message.
  static GgufFile parse(std::string bytes, const std::string& what);
  // The same without a copy: `bytes` must outlive the GgufFile and all its copies. For the fuzz
  // target, whose exactly sized input buffer lets AddressSanitizer catch any read past the end.
  static GgufFile parse_borrowed(std::string_view bytes, const std::string& what);

  std::uint32_t version() const { return version_; }
  const std::string& what() const { return what_; }
  // Tensor infos in file order.
  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  // Throws std::invalid_argument naming the tensor and listing a few of the available names.
  const GgufTensorInfo& tensor(const std::string& name) const;
  bool has_tensor(const std::string& name) const { return tensor_index_.count(name) != 0; }
  // File offset where the data section starts (a multiple of alignment()).
  std::uint64_t data_start() const { return data_start_; }
  std::uint32_t alignment() const { return alignment_; }

  // Keys in file order.
  const std::vector<std::string>& keys() const { return keys_; }
  // The kv pair of a key, or nullptr when absent.
  const GgufKv* kv(const std::string& key) const;

  // Typed value lookups: std::nullopt when the key is absent; std::invalid_argument naming the
  // key and its type when the key is present with a type that does not fit (asking for a string
  // where the file has a u32 is a caller's mistake worth hearing about, not a missing key).
  std::optional<std::string> string_value(const std::string& key) const;
  // Any integer type; a negative signed value is refused.
  std::optional<std::uint64_t> uint_value(const std::string& key) const;
  // f32 or f64.
  std::optional<double> float_value(const std::string& key) const;
  std::optional<bool> bool_value(const std::string& key) const;
  // An array of strings.
  std::optional<std::vector<std::string>> string_array_value(const std::string& key) const;

  // The raw data of a tensor (tensor(name).bytes bytes), without a copy; valid while this
  // GgufFile or a copy of it lives.
  std::string_view tensor_data(const std::string& name) const;

  // Decodes an I2_S weight tensor (type 36, 2 dimensions, ne0 = K a multiple of 128, ne1 = N)
  // into TritCodes and its scale. Throws std::invalid_argument for another type (naming it), a
  // bad shape, the unused code 3 (naming the weight's row and column and its byte offset) or a
  // non-finite alpha.
  TernaryTensorData i2s(const std::string& name) const;

 private:
  static GgufFile parse_view(std::shared_ptr<const void> owner, const unsigned char* data,
                             std::uint64_t size, const std::string& what);

  std::shared_ptr<const void> owner_;  // what keeps data_ valid: a MappedFile or a std::string
  const unsigned char* data_ = nullptr;
  std::uint64_t size_ = 0;
  std::string what_;
  std::uint32_t version_ = 0;
  std::uint32_t alignment_ = 32;
  std::uint64_t data_start_ = 0;
  std::vector<GgufTensorInfo> tensors_;
  std::map<std::string, std::size_t> tensor_index_;
  std::vector<std::string> keys_;
  std::map<std::string, GgufKv> kvs_;
};

// A tensor for gguf_i2s_bytes.
struct GgufWriteTensor {
  std::string name;
  std::uint32_t n = 0, k = 0;
  std::vector<std::int8_t> weights;  // N x K values in -1..1, row-major
  float alpha = 1.0f;
};

// A minimal valid GGUF v3 file of I2_S tensors: kv general.architecture = "bitnet",
// general.alignment, general.file_type = 40 (u32); each tensor's data padded to the alignment.
// Throws std::invalid_argument for a weight outside -1..1, a size mismatch, K not a multiple of
// 128, a non-finite alpha, duplicate names or an alignment that is not a power of two.
std::string gguf_i2s_bytes(const std::vector<GgufWriteTensor>& tensors,
                           std::uint32_t alignment = 32);

}  // namespace ternac
