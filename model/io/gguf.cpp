#include "ternac/model/io/gguf.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <stdexcept>
#include <string_view>

#include "ternac/model/base/file_io.h"
#include "ternac/model/core/trit.h"

namespace ternac {
namespace {

constexpr std::uint32_t kGgufMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr std::uint32_t kMaxKvType = 12;
// Real files nest arrays at most once (tokenizer merges are arrays of strings); 4 levels leave
// room while keeping the recursion of a hostile file shallow.
constexpr int kMaxArrayDepth = 4;
// GGML_MAX_DIMS.
constexpr std::uint32_t kMaxDims = 4;
// Smallest encoding of a tensor info: empty name (8), n_dims (4), one ne (8), type (4), offset (8).
constexpr std::uint64_t kMinTensorInfoBytes = 32;
// Smallest encoding of a kv pair: empty key (8), type (4), a one-byte value.
constexpr std::uint64_t kMinKvBytes = 13;
// GGUF's own limits (docs/gguf.md of ggml): a key is at most 65535 bytes, a tensor name at most 64.
constexpr std::uint64_t kMaxKeyBytes = 65535;
constexpr std::uint64_t kMaxTensorNameBytes = 64;
// Far above real files (a few dozen kv pairs; tensors in the thousands, tens of thousands for
// mixtures of experts) and low enough that the parsed header of a hostile file, whose entries are
// kept in memory, cannot take more than a few hundred MB whatever the file's size.
constexpr std::uint64_t kMaxKvPairs = std::uint64_t{1} << 16;
constexpr std::uint64_t kMaxTensors = std::uint64_t{1} << 20;

std::uint32_t load_u32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint64_t load_u64(const unsigned char* p) {
  return static_cast<std::uint64_t>(load_u32(p)) | static_cast<std::uint64_t>(load_u32(p + 4))
                                                       << 32;
}

bool is_power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

// Bytes of one element of a fixed-size kv type; 0 for string, array and unknown types.
std::uint64_t kv_scalar_size(std::uint32_t type) {
  switch (static_cast<GgufKvType>(type)) {
    case GgufKvType::kU8:
    case GgufKvType::kI8:
    case GgufKvType::kBool:
      return 1;
    case GgufKvType::kU16:
    case GgufKvType::kI16:
      return 2;
    case GgufKvType::kU32:
    case GgufKvType::kI32:
    case GgufKvType::kF32:
      return 4;
    case GgufKvType::kU64:
    case GgufKvType::kI64:
    case GgufKvType::kF64:
      return 8;
    default:
      return 0;
  }
}

// Fewest bytes one array element of `type` can take, so that a count can be checked against the
// bytes left before anything is looped over.
std::uint64_t kv_min_element_size(std::uint32_t type) {
  if (type == static_cast<std::uint32_t>(GgufKvType::kString)) return 8;
  if (type == static_cast<std::uint32_t>(GgufKvType::kArray)) return 12;
  return kv_scalar_size(type);
}

// Block size and bytes per block of every ggml type a GGUF file may hold, numbered as in the
// BitNet fork of ggml (upstream llama.cpp numbers 0..35 the same way and reuses 36 and up for other
// types). Block sizes and byte counts are those of ggml's type traits (ggml.c), i.e. the sizes of
// the block structs of ggml-common.h with QK_K = 256; scripts/make_gguf.py derives the same numbers
// independently from the structs' fields and gguf_test.cpp compares the two. Ids 4 and 5 (Q4_2,
// Q4_3) were removed before GGUF existed. I2_S has its own rule (one scale for the whole tensor,
// see tensor_bytes); I8_S, TL1 and TL2 are left unsized: their size depends on how bitnet.cpp was
// built, and a tensor that cannot be sized cannot have its extent checked.
struct GgmlType {
  const char* name;
  std::uint64_t block;        // elements per block; 0: this reader cannot size the type
  std::uint64_t block_bytes;  // bytes per block
};

constexpr GgmlType kGgmlTypes[] = {
    {"F32", 1, 4},        {"F16", 1, 2},        {"Q4_0", 32, 18},     {"Q4_1", 32, 20},
    {"Q4_2", 0, 0},       {"Q4_3", 0, 0},       {"Q5_0", 32, 22},     {"Q5_1", 32, 24},
    {"Q8_0", 32, 34},     {"Q8_1", 32, 36},     {"Q2_K", 256, 84},    {"Q3_K", 256, 110},
    {"Q4_K", 256, 144},   {"Q5_K", 256, 176},   {"Q6_K", 256, 210},   {"Q8_K", 256, 292},
    {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74},  {"IQ3_XXS", 256, 98}, {"IQ1_S", 256, 50},
    {"IQ4_NL", 32, 18},   {"IQ3_S", 256, 110},  {"IQ2_S", 256, 82},   {"IQ4_XS", 256, 136},
    {"I8", 1, 1},         {"I16", 1, 2},        {"I32", 1, 4},        {"I64", 1, 8},
    {"F64", 1, 8},        {"IQ1_M", 256, 56},   {"BF16", 1, 2},       {"Q4_0_4_4", 32, 18},
    {"Q4_0_4_8", 32, 18}, {"Q4_0_8_8", 32, 18}, {"TQ1_0", 256, 54},   {"TQ2_0", 256, 66},
    {"I2_S", 0, 0},       {"I8_S", 0, 0},       {"TL1", 0, 0},        {"TL2", 0, 0},
};
constexpr std::uint32_t kGgmlTypeCount = sizeof(kGgmlTypes) / sizeof(kGgmlTypes[0]);
static_assert(kGgmlTypeCount == kGgmlTypeTL2 + 1, "the table ends with TL2 (39)");

// The data size of a tensor of `type` with `elements` elements and first dimension `ne0`, or
// the problem that keeps it from being sized (for "tensor 'x' <problem>").
std::string tensor_bytes(std::uint32_t type, std::uint64_t ne0, std::uint64_t elements,
                         std::uint64_t* bytes) {
  if (type == kGgmlTypeI2S) {
    // ggml_nbytes of the BitNet fork: the 2-bit codes, then a 32-byte tail holding the scale.
    *bytes = elements / 4 + kI2sTailBytes;
    return "";
  }
  if (type >= kGgmlTypeCount) {
    return fmt::format("has unknown ggml type {} (this reader knows ids 0..{} of the BitNet fork)",
                       type, kGgmlTypeCount - 1);
  }
  const GgmlType& t = kGgmlTypes[type];
  if (t.block == 0) {
    std::string why = type == 4 || type == 5 ? " (removed from ggml before GGUF existed)" : "";
    if (type == kGgmlTypeTL1 || type == kGgmlTypeTL2) {
      why =
          ": TL1 (38) and TL2 (39) are bitnet.cpp's lookup-table layouts, not supported; "
          "convert the model with quant type i2_s";
    }
    return fmt::format(
        "has ggml type {} ({}), which this reader cannot size, so its extent in the file cannot "
        "be checked{}",
        type, t.name, why);
  }
  if (ne0 % t.block != 0) {
    return fmt::format(
        "has ne[0] = {}, not a multiple of the {}-element blocks of its ggml type {} ({})", ne0,
        t.block, type, t.name);
  }
  const std::uint64_t blocks = elements / t.block;
  if (blocks > std::numeric_limits<std::uint64_t>::max() / t.block_bytes) {
    return fmt::format("({} elements of ggml type {}) has a data size past 2^64 bytes", elements,
                       t.name);
  }
  *bytes = blocks * t.block_bytes;
  return "";
}

std::string printable(const std::string& s, std::size_t max_len = 40) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max_len; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out += (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') ? std::string(1, s[i])
                                                             : fmt::format("\\x{:02x}", c);
  }
  if (s.size() > max_len) out += "...";
  return out;
}

// A bounds-checked little-endian cursor over the file's bytes; every error names the file and the
// byte offset where the offending item starts.
class Cursor {
 public:
  Cursor(const unsigned char* data, std::uint64_t size, const std::string& what)
      : data_(data), size_(size), what_(what) {}

  std::uint64_t pos() const { return pos_; }
  std::uint64_t left() const { return size_ - pos_; }

  [[noreturn]] void fail_at(std::uint64_t at, const std::string& problem) const {
    throw std::invalid_argument(fmt::format("{}: at byte {}: {}", what_, at, problem));
  }

  void need(std::uint64_t n, const std::string& item) const {
    if (n > left()) {
      fail_at(pos_,
              fmt::format("truncated file: {} needs {} bytes, only {} left", item, n, left()));
    }
  }

  void skip(std::uint64_t n, const std::string& item) {
    need(n, item);
    pos_ += n;
  }

  std::uint32_t u32(const std::string& item) {
    need(4, item);
    const std::uint32_t v = load_u32(data_ + pos_);
    pos_ += 4;
    return v;
  }

  std::uint64_t u64(const std::string& item) {
    need(8, item);
    const std::uint64_t v = load_u64(data_ + pos_);
    pos_ += 8;
    return v;
  }

  // Skips a string, returning where its bytes start and its length.
  std::uint64_t skip_str(const std::string& item, std::uint64_t* len_out) {
    const std::uint64_t at = pos_;
    const std::uint64_t len = u64(item + " length");
    if (len > left()) {
      fail_at(at,
              fmt::format("string length {} of {} runs past the end of the file ({} bytes left)",
                          len, item, left()));
    }
    const std::uint64_t start = pos_;
    pos_ += len;
    *len_out = len;
    return start;
  }

  // A string copied out of the file, refused past `max_len` bytes (keys and tensor names are
  // kept, so their total size must not be up to the file).
  std::string str(const std::string& item, std::uint64_t max_len) {
    const std::uint64_t at = pos_;
    std::uint64_t len = 0;
    const std::uint64_t start = skip_str(item, &len);
    if (len > max_len) {
      fail_at(at, fmt::format("{} is {} bytes long, longer than the {} bytes GGUF allows", item,
                              len, max_len));
    }
    return std::string(reinterpret_cast<const char*>(data_ + start), len);
  }

 private:
  const unsigned char* data_;
  std::uint64_t size_;
  const std::string& what_;
  std::uint64_t pos_ = 0;
};

// Skips one kv value of `type` (the type already read), checking everything on the way.
void skip_kv_value(Cursor& in, std::uint32_t type, const std::string& key, int depth);

void skip_array(Cursor& in, const std::string& key, int depth, std::uint32_t* elem_type_out,
                std::uint64_t* count_out) {
  const std::uint64_t at = in.pos();
  if (depth > kMaxArrayDepth) {
    in.fail_at(at, fmt::format("key '{}': arrays nested deeper than {} levels", printable(key),
                               kMaxArrayDepth));
  }
  const std::uint32_t elem_type = in.u32(fmt::format("array element type of key '{}'", key));
  const std::uint64_t count = in.u64(fmt::format("array length of key '{}'", key));
  if (elem_type > kMaxKvType) {
    in.fail_at(at, fmt::format("key '{}': array has unknown kv type {} for its elements",
                               printable(key), elem_type));
  }
  const std::uint64_t min_size = kv_min_element_size(elem_type);
  if (count > in.left() / min_size) {
    in.fail_at(at, fmt::format("key '{}': array of {} {} elements cannot fit in the {} bytes left",
                               printable(key), count, gguf_kv_type_name(elem_type), in.left()));
  }
  if (elem_type_out) *elem_type_out = elem_type;
  if (count_out) *count_out = count;
  const std::uint64_t scalar = kv_scalar_size(elem_type);
  if (scalar != 0) {
    in.skip(count * scalar, fmt::format("array of key '{}'", key));
    return;
  }
  for (std::uint64_t i = 0; i < count; ++i) skip_kv_value(in, elem_type, key, depth + 1);
}

void skip_kv_value(Cursor& in, std::uint32_t type, const std::string& key, int depth) {
  if (type == static_cast<std::uint32_t>(GgufKvType::kString)) {
    std::uint64_t len = 0;
    in.skip_str(fmt::format("string value of key '{}'", key), &len);
  } else if (type == static_cast<std::uint32_t>(GgufKvType::kArray)) {
    skip_array(in, key, depth, nullptr, nullptr);
  } else {
    in.skip(kv_scalar_size(type),
            fmt::format("{} value of key '{}'", gguf_kv_type_name(type), key));
  }
}

// TritCodes of the four weights of one I2_S byte (bits 7:6 first), and whether any field holds
// the unused code 3.
struct I2sByte {
  std::array<std::uint8_t, 4> codes{};
  bool bad = false;
};

const std::array<I2sByte, 256>& i2s_byte_table() {
  static const std::array<I2sByte, 256> table = [] {
    std::array<I2sByte, 256> t{};
    for (int v = 0; v < 256; ++v) {
      for (int j = 0; j < 4; ++j) {
        const int c = (v >> (6 - 2 * j)) & 3;
        if (c == 3) {
          t[v].bad = true;
        } else {
          t[v].codes[j] = encode_trit(c - 1);
        }
      }
    }
    return t;
  }();
  return table;
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_str(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

void pad_to(std::string& out, std::uint64_t alignment) {
  while (out.size() % alignment != 0) out += '\0';
}

}  // namespace

std::string gguf_kv_type_name(std::uint32_t type) {
  static const char* const names[] = {"u8",   "i8",     "u16",   "i16", "u32", "i32", "f32",
                                      "bool", "string", "array", "u64", "i64", "f64"};
  return type <= kMaxKvType ? names[type] : "unknown";
}

std::string ggml_type_name(std::uint32_t type) {
  if (type < kGgmlTypeCount) return kGgmlTypes[type].name;
  return fmt::format("type {}", type);
}

std::optional<GgmlBlockSize> ggml_block_size(std::uint32_t type) {
  if (type >= kGgmlTypeCount || kGgmlTypes[type].block == 0) return std::nullopt;
  return GgmlBlockSize{kGgmlTypes[type].block, kGgmlTypes[type].block_bytes};
}

std::uint64_t ggml_tensor_bytes(std::uint32_t type, const std::vector<std::uint64_t>& ne,
                                const std::string& tensor) {
  if (ne.empty()) {
    throw std::invalid_argument(fmt::format("tensor '{}' has no dimensions", printable(tensor)));
  }
  std::uint64_t elements = 1;
  for (std::uint64_t d : ne) {
    if (d != 0 &&
        elements > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / d) {
      throw std::invalid_argument(
          fmt::format("tensor '{}': element count overflows 63 bits", printable(tensor)));
    }
    elements *= d;
  }
  std::uint64_t bytes = 0;
  const std::string problem = tensor_bytes(type, ne[0], elements, &bytes);
  if (!problem.empty()) {
    throw std::invalid_argument(fmt::format("tensor '{}' {}", printable(tensor), problem));
  }
  return bytes;
}

std::uint64_t GgufTensorInfo::elements() const {
  std::uint64_t n = 1;
  for (std::uint64_t d : ne) n *= d;  // the reader has checked that this does not overflow
  return n;
}

namespace {

// The magic, checked before anything else is read.
void check_magic(const unsigned char* p, std::uint64_t size, const std::string& what) {
  if (size < 4) {
    throw std::invalid_argument(fmt::format(
        "{}: not a GGUF file: {} bytes, too short for the 4-byte magic \"GGUF\"", what, size));
  }
  const std::uint32_t magic = load_u32(p);
  if (magic != kGgufMagic) {
    throw std::invalid_argument(fmt::format(
        "{}: not a GGUF file: magic is '{}' (bytes {:02x} {:02x} {:02x} {:02x}), "
        "expected 'GGUF'",
        what, printable(std::string(reinterpret_cast<const char*>(p), 4)), p[0], p[1], p[2], p[3]));
  }
}

}  // namespace

GgufFile GgufFile::open(const std::string& path) {
  const InputFile file = InputFile::open(path);
  // The magic is read on its own first: a file that is not GGUF is refused before it is mapped.
  const std::string magic =
      file.read(0, static_cast<std::size_t>(std::min<std::uint64_t>(file.size(), 4)));
  check_magic(reinterpret_cast<const unsigned char*>(magic.data()), magic.size(), path);
  auto map = std::make_shared<const MappedFile>(MappedFile::map(file));
  const unsigned char* data = map->data();
  const std::uint64_t size = map->size();
  return parse_view(std::move(map), data, size, path);
}

GgufFile GgufFile::parse(std::string bytes, const std::string& what) {
  auto owned = std::make_shared<const std::string>(std::move(bytes));
  const auto* data = reinterpret_cast<const unsigned char*>(owned->data());
  const std::uint64_t size = owned->size();
  return parse_view(std::move(owned), data, size, what);
}

GgufFile GgufFile::parse_borrowed(std::string_view bytes, const std::string& what) {
  return parse_view(nullptr, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    what);
}

GgufFile GgufFile::parse_view(std::shared_ptr<const void> owner, const unsigned char* data,
                              std::uint64_t size, const std::string& what) {
  GgufFile f;
  f.owner_ = std::move(owner);
  f.data_ = data;
  f.size_ = size;
  f.what_ = what;
  Cursor in(data, size, f.what_);

  check_magic(data, size, what);
  in.skip(4, "magic");
  f.version_ = in.u32("version");
  if (f.version_ == 0x02000000 || f.version_ == 0x03000000) {
    in.fail_at(4, fmt::format("GGUF version reads as 0x{:08x}: a big-endian file, and only "
                              "little-endian files are supported",
                              f.version_));
  }
  if (f.version_ == 1) {
    // v1 stored counts and string lengths in 32 bits: a different layout, long obsolete.
    in.fail_at(4, "GGUF version 1 is not supported (only versions 2 and 3)");
  }
  if (f.version_ != 2 && f.version_ != 3) {
    in.fail_at(4,
               fmt::format("GGUF version {} is not supported (only versions 2 and 3)", f.version_));
  }
  // v2 and v3 share the little-endian layout (v3 only added big-endian files).
  const std::uint64_t n_tensors = in.u64("tensor count");
  const std::uint64_t n_kv = in.u64("kv count");
  // Counts are checked against the bytes present and the limits before anything is sized by them.
  if (n_tensors > in.left() / kMinTensorInfoBytes) {
    in.fail_at(8, fmt::format("tensor count {} cannot fit in the {} bytes after the header "
                              "(a tensor info takes at least {} bytes)",
                              n_tensors, in.left(), kMinTensorInfoBytes));
  }
  if (n_kv > in.left() / kMinKvBytes) {
    in.fail_at(16, fmt::format("kv count {} cannot fit in the {} bytes after the header "
                               "(a kv pair takes at least {} bytes)",
                               n_kv, in.left(), kMinKvBytes));
  }
  if (n_tensors > kMaxTensors) {
    in.fail_at(8, fmt::format("tensor count {} is past this reader's limit of {} tensors",
                              n_tensors, kMaxTensors));
  }
  if (n_kv > kMaxKvPairs) {
    in.fail_at(16, fmt::format("kv count {} is past this reader's limit of {} kv pairs", n_kv,
                               kMaxKvPairs));
  }

  for (std::uint64_t i = 0; i < n_kv; ++i) {
    const std::uint64_t at = in.pos();
    std::string key = in.str(fmt::format("key of kv pair {}", i), kMaxKeyBytes);
    if (f.kvs_.count(key)) in.fail_at(at, fmt::format("duplicate key '{}'", printable(key)));
    GgufKv kv;
    kv.type = in.u32(fmt::format("type of key '{}'", key));
    if (kv.type > kMaxKvType) {
      in.fail_at(at, fmt::format("key '{}' has unknown kv type {} (known: 0..{})", printable(key),
                                 kv.type, kMaxKvType));
    }
    kv.value_offset = in.pos();
    if (kv.type == static_cast<std::uint32_t>(GgufKvType::kArray)) {
      skip_array(in, key, 1, &kv.array_type, &kv.array_count);
      kv.value_offset += 12;  // the elements follow the element type (u32) and count (u64)
    } else {
      skip_kv_value(in, kv.type, key, 0);
    }
    f.keys_.push_back(key);
    f.kvs_.emplace(std::move(key), kv);
  }

  if (const GgufKv* a = f.kv("general.alignment")) {
    if (a->type != static_cast<std::uint32_t>(GgufKvType::kU32)) {
      throw std::invalid_argument(fmt::format("{}: general.alignment has kv type {}, expected u32",
                                              what, gguf_kv_type_name(a->type)));
    }
    const std::uint32_t alignment = load_u32(data + a->value_offset);
    if (!is_power_of_two(alignment)) {
      throw std::invalid_argument(fmt::format(
          "{}: general.alignment is {}, expected a nonzero power of two", what, alignment));
    }
    f.alignment_ = alignment;
  }

  for (std::uint64_t i = 0; i < n_tensors; ++i) {
    const std::uint64_t at = in.pos();
    GgufTensorInfo t;
    t.name = in.str(fmt::format("name of tensor {}", i), kMaxTensorNameBytes);
    const std::string name = printable(t.name);
    if (f.tensor_index_.count(t.name)) {
      in.fail_at(at, fmt::format("duplicate tensor name '{}'", name));
    }
    const std::uint32_t n_dims = in.u32(fmt::format("n_dims of tensor '{}'", name));
    if (n_dims < 1 || n_dims > kMaxDims) {
      in.fail_at(at,
                 fmt::format("tensor '{}' has n_dims {}, expected 1..{}", name, n_dims, kMaxDims));
    }
    std::uint64_t elements = 1;
    for (std::uint32_t d = 0; d < n_dims; ++d) {
      const std::uint64_t ne = in.u64(fmt::format("ne[{}] of tensor '{}'", d, name));
      if (ne == 0) in.fail_at(at, fmt::format("tensor '{}' has ne[{}] = 0", name, d));
      // ggml sizes tensors in int64_t.
      if (ne > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / elements) {
        in.fail_at(at, fmt::format("tensor '{}': element count overflows 63 bits at ne[{}] = {}",
                                   name, d, ne));
      }
      elements *= ne;
      t.ne.push_back(ne);
    }
    t.type = in.u32(fmt::format("type of tensor '{}'", name));
    t.offset = in.u64(fmt::format("data offset of tensor '{}'", name));
    if (t.offset % f.alignment_ != 0) {
      in.fail_at(at, fmt::format("tensor '{}' has data offset {}, not a multiple of the "
                                 "alignment {}",
                                 name, t.offset, f.alignment_));
    }
    // Every tensor is sized, so that every tensor's data is checked to lie inside the file.
    const std::string problem = tensor_bytes(t.type, t.ne[0], elements, &t.bytes);
    if (!problem.empty()) in.fail_at(at, fmt::format("tensor '{}' {}", name, problem));
    f.tensor_index_.emplace(t.name, f.tensors_.size());
    f.tensors_.push_back(std::move(t));
  }

  // The data section starts at the next multiple of the alignment (general.alignment <= 2^31 and
  // the position is below the file size, so this cannot overflow).
  f.data_start_ = (in.pos() + f.alignment_ - 1) / f.alignment_ * f.alignment_;
  for (const GgufTensorInfo& t : f.tensors_) {
    const std::uint64_t room = f.data_start_ <= size ? size - f.data_start_ : 0;
    if (f.data_start_ > size || t.offset > room || t.bytes > room - t.offset) {
      throw std::invalid_argument(fmt::format(
          "{}: tensor '{}' ({} {}, {} bytes at data offset {}) runs past the end of the file: "
          "its data would occupy file bytes [{}, {}), the file has {} (data section starts at {}); "
          "the data is truncated or the offset is wrong",
          what, printable(t.name), ggml_type_name(t.type), fmt::join(t.ne, "x"), t.bytes, t.offset,
          f.data_start_ + t.offset, f.data_start_ + t.offset + t.bytes, size, f.data_start_));
    }
  }
  return f;
}

const GgufTensorInfo& GgufFile::tensor(const std::string& name) const {
  const auto it = tensor_index_.find(name);
  if (it != tensor_index_.end()) return tensors_[it->second];
  std::string available;
  const std::size_t shown = std::min<std::size_t>(tensors_.size(), 8);
  for (std::size_t i = 0; i < shown; ++i) {
    available += (i ? ", " : "") + printable(tensors_[i].name);
  }
  if (tensors_.size() > shown) available += fmt::format(", ... ({} more)", tensors_.size() - shown);
  throw std::invalid_argument(fmt::format("{}: no tensor named '{}'; the file has {} tensor(s){}{}",
                                          what_, printable(name), tensors_.size(),
                                          tensors_.empty() ? "" : ": ", available));
}

std::string_view GgufFile::tensor_data(const std::string& name) const {
  const GgufTensorInfo& t = tensor(name);
  // The parser has checked that [data_start + offset, + bytes) lies inside the file.
  return {reinterpret_cast<const char*>(data_ + data_start_ + t.offset),
          static_cast<std::size_t>(t.bytes)};
}

const GgufKv* GgufFile::kv(const std::string& key) const {
  const auto it = kvs_.find(key);
  return it == kvs_.end() ? nullptr : &it->second;
}

namespace {

[[noreturn]] void wrong_kv_type(const std::string& what, const std::string& key, const GgufKv& kv,
                                const char* wanted) {
  const std::string type = kv.type == static_cast<std::uint32_t>(GgufKvType::kArray)
                               ? fmt::format("array of {}", gguf_kv_type_name(kv.array_type))
                               : gguf_kv_type_name(kv.type);
  throw std::invalid_argument(
      fmt::format("{}: key '{}' has kv type {}, not {}", what, printable(key), type, wanted));
}

}  // namespace

std::optional<std::string> GgufFile::string_value(const std::string& key) const {
  const GgufKv* kv = this->kv(key);
  if (!kv) return std::nullopt;
  if (kv->type != static_cast<std::uint32_t>(GgufKvType::kString)) {
    wrong_kv_type(what_, key, *kv, "string");
  }
  // The parser has checked that the string lies inside the file.
  return std::string(reinterpret_cast<const char*>(data_ + kv->value_offset + 8),
                     load_u64(data_ + kv->value_offset));
}

std::optional<std::uint64_t> GgufFile::uint_value(const std::string& key) const {
  const GgufKv* kv = this->kv(key);
  if (!kv) return std::nullopt;
  const unsigned char* p = data_ + kv->value_offset;
  std::int64_t s = 0;
  switch (static_cast<GgufKvType>(kv->type)) {
    case GgufKvType::kU8:
      return p[0];
    case GgufKvType::kU16:
      return static_cast<std::uint64_t>(p[0] | p[1] << 8);
    case GgufKvType::kU32:
      return load_u32(p);
    case GgufKvType::kU64:
      return load_u64(p);
    case GgufKvType::kI8:
      s = static_cast<std::int8_t>(p[0]);
      break;
    case GgufKvType::kI16:
      s = static_cast<std::int16_t>(p[0] | p[1] << 8);
      break;
    case GgufKvType::kI32:
      s = static_cast<std::int32_t>(load_u32(p));
      break;
    case GgufKvType::kI64:
      s = static_cast<std::int64_t>(load_u64(p));
      break;
    default:
      wrong_kv_type(what_, key, *kv, "an integer");
  }
  if (s < 0) {
    throw std::invalid_argument(fmt::format("{}: key '{}' is {}, expected a nonnegative integer",
                                            what_, printable(key), s));
  }
  return static_cast<std::uint64_t>(s);
}

std::optional<double> GgufFile::float_value(const std::string& key) const {
  const GgufKv* kv = this->kv(key);
  if (!kv) return std::nullopt;
  const unsigned char* p = data_ + kv->value_offset;
  if (kv->type == static_cast<std::uint32_t>(GgufKvType::kF32)) {
    const std::uint32_t bits = load_u32(p);
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  if (kv->type == static_cast<std::uint32_t>(GgufKvType::kF64)) {
    const std::uint64_t bits = load_u64(p);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  wrong_kv_type(what_, key, *kv, "f32 or f64");
}

std::optional<bool> GgufFile::bool_value(const std::string& key) const {
  const GgufKv* kv = this->kv(key);
  if (!kv) return std::nullopt;
  if (kv->type != static_cast<std::uint32_t>(GgufKvType::kBool)) {
    wrong_kv_type(what_, key, *kv, "bool");
  }
  const unsigned char byte = data_[kv->value_offset];
  if (byte > 1) {
    throw std::invalid_argument(
        fmt::format("{}: bool key '{}' holds byte {}, not 0 or 1", what_, printable(key), byte));
  }
  return byte == 1;
}

std::optional<std::vector<std::string>> GgufFile::string_array_value(const std::string& key) const {
  const GgufKv* kv = this->kv(key);
  if (!kv) return std::nullopt;
  if (kv->type != static_cast<std::uint32_t>(GgufKvType::kArray) ||
      kv->array_type != static_cast<std::uint32_t>(GgufKvType::kString)) {
    wrong_kv_type(what_, key, *kv, "array of string");
  }
  // Re-walks the elements the parser has already bounds-checked.
  std::vector<std::string> out;
  out.reserve(kv->array_count);
  std::uint64_t pos = kv->value_offset;
  for (std::uint64_t i = 0; i < kv->array_count; ++i) {
    const std::uint64_t len = load_u64(data_ + pos);
    out.emplace_back(reinterpret_cast<const char*>(data_ + pos + 8), len);
    pos += 8 + len;
  }
  return out;
}

TernaryTensorData GgufFile::i2s(const std::string& name) const {
  const GgufTensorInfo& t = tensor(name);
  const std::string shown = printable(name);
  if (t.type != kGgmlTypeI2S) {
    // (TL1 and TL2 never get here: the parser cannot size them and refuses the file.)
    throw std::invalid_argument(fmt::format("{}: tensor '{}' has ggml type {} ({}), not I2_S ({})",
                                            what_, shown, t.type, ggml_type_name(t.type),
                                            kGgmlTypeI2S));
  }
  if (t.ne.size() != 2) {
    throw std::invalid_argument(
        fmt::format("{}: I2_S tensor '{}' has {} dimensions ({}), expected 2 (ne0 = K, ne1 = N)",
                    what_, shown, t.ne.size(), fmt::join(t.ne, "x")));
  }
  const std::uint64_t k = t.ne[0], n = t.ne[1];
  if (k % kI2sBlockWeights != 0 || (k * n) % kI2sBlockWeights != 0) {
    throw std::invalid_argument(fmt::format(
        "{}: I2_S tensor '{}' has K = ne0 = {} (N = {}), not a multiple of {}: I2_S packs rows "
        "in blocks of {} weights",
        what_, shown, k, n, kI2sBlockWeights, kI2sBlockWeights));
  }
  if (k > std::numeric_limits<std::uint32_t>::max() ||
      n > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument(fmt::format(
        "{}: I2_S tensor '{}' is {} x {}, past 2^32 - 1 rows or columns", what_, shown, n, k));
  }
  // The parser has checked that the data (k * n / 4 + 32 bytes) lies inside the file.
  const std::uint64_t start = data_start_ + t.offset;
  const unsigned char* data = data_ + start;
  const std::uint64_t packed = k * n / 4;

  TernaryTensorData out;
  out.n = static_cast<std::uint32_t>(n);
  out.k = static_cast<std::uint32_t>(k);
  out.codes.resize(k * n);
  const auto& table = i2s_byte_table();
  std::uint8_t* codes = out.codes.data();
  for (std::uint64_t block = 0; block < packed / 32; ++block) {
    const unsigned char* in = data + block * 32;
    std::uint8_t* dst = codes + block * kI2sBlockWeights;
    for (int p = 0; p < 32; ++p) {
      const I2sByte& e = table[in[p]];
      if (e.bad) {
        int j = 0;
        while (((in[p] >> (6 - 2 * j)) & 3) != 3) ++j;
        const std::uint64_t flat = block * kI2sBlockWeights + 32 * j + p;
        throw std::invalid_argument(fmt::format(
            "{}: I2_S tensor '{}': weight (row {}, column {}) has the unused code 3 (bits {}:{} "
            "of data byte {} of the tensor, file offset {})",
            what_, shown, flat / k, flat % k, 7 - 2 * j, 6 - 2 * j, block * 32 + p,
            start + block * 32 + p));
      }
      dst[p] = e.codes[0];
      dst[32 + p] = e.codes[1];
      dst[64 + p] = e.codes[2];
      dst[96 + p] = e.codes[3];
    }
  }
  const std::uint32_t alpha_bits = load_u32(data + packed);
  std::memcpy(&out.alpha, &alpha_bits, sizeof out.alpha);
  if (!std::isfinite(out.alpha)) {
    throw std::invalid_argument(fmt::format(
        "{}: I2_S tensor '{}' has a non-finite alpha {} (bits 0x{:08x}, file offset {})", what_,
        shown, out.alpha, alpha_bits, start + packed));
  }
  return out;
}

std::string gguf_i2s_bytes(const std::vector<GgufWriteTensor>& tensors, std::uint32_t alignment) {
  if (!is_power_of_two(alignment)) {
    throw std::invalid_argument(
        fmt::format("gguf_i2s_bytes: alignment {} is not a nonzero power of two", alignment));
  }
  std::set<std::string> names;
  for (const GgufWriteTensor& t : tensors) {
    if (!names.insert(t.name).second) {
      throw std::invalid_argument(fmt::format("gguf_i2s_bytes: duplicate tensor '{}'", t.name));
    }
    if (t.n == 0 || t.k == 0 || t.k % kI2sBlockWeights != 0) {
      throw std::invalid_argument(fmt::format(
          "gguf_i2s_bytes: tensor '{}' is {} x {}: N must be positive and K a positive multiple "
          "of {}",
          t.name, t.n, t.k, kI2sBlockWeights));
    }
    if (t.weights.size() != static_cast<std::uint64_t>(t.n) * t.k) {
      throw std::invalid_argument(
          fmt::format("gguf_i2s_bytes: tensor '{}' has {} weights, N x K = {}", t.name,
                      t.weights.size(), static_cast<std::uint64_t>(t.n) * t.k));
    }
    if (!std::isfinite(t.alpha)) {
      throw std::invalid_argument(
          fmt::format("gguf_i2s_bytes: tensor '{}' has a non-finite alpha", t.name));
    }
  }

  std::string out;
  put_u32(out, kGgufMagic);
  put_u32(out, 3);
  put_u64(out, tensors.size());
  put_u64(out, 3);
  put_str(out, "general.architecture");
  put_u32(out, static_cast<std::uint32_t>(GgufKvType::kString));
  put_str(out, "bitnet");
  put_str(out, "general.alignment");
  put_u32(out, static_cast<std::uint32_t>(GgufKvType::kU32));
  put_u32(out, alignment);
  put_str(out, "general.file_type");
  put_u32(out, static_cast<std::uint32_t>(GgufKvType::kU32));
  put_u32(out, kGgufFileTypeI2S);

  std::uint64_t offset = 0;
  for (const GgufWriteTensor& t : tensors) {
    put_str(out, t.name);
    put_u32(out, 2);
    put_u64(out, t.k);
    put_u64(out, t.n);
    put_u32(out, kGgmlTypeI2S);
    put_u64(out, offset);
    const std::uint64_t bytes = static_cast<std::uint64_t>(t.n) * t.k / 4 + kI2sTailBytes;
    offset += (bytes + alignment - 1) / alignment * alignment;
  }
  pad_to(out, alignment);

  for (const GgufWriteTensor& t : tensors) {
    const std::size_t count = t.weights.size();
    for (std::size_t block = 0; block < count / kI2sBlockWeights; ++block) {
      const std::int8_t* w = t.weights.data() + block * kI2sBlockWeights;
      for (int p = 0; p < 32; ++p) {
        unsigned byte = 0;
        for (int j = 0; j < 4; ++j) {
          const int v = w[32 * j + p];
          if (v < -1 || v > 1) {
            const std::size_t flat = block * kI2sBlockWeights + 32 * j + p;
            throw std::invalid_argument(fmt::format(
                "gguf_i2s_bytes: tensor '{}': weight (row {}, column {}) is {}, not in -1..1",
                t.name, flat / t.k, flat % t.k, v));
          }
          byte |= static_cast<unsigned>(v + 1) << (6 - 2 * j);
        }
        out += static_cast<char>(byte);
      }
    }
    std::uint32_t alpha_bits;
    std::memcpy(&alpha_bits, &t.alpha, sizeof alpha_bits);
    put_u32(out, alpha_bits);
    out.append(kI2sTailBytes - 4, '\0');
    pad_to(out, alignment);
  }
  return out;
}

}  // namespace ternac
