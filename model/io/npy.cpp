#include "ternac/model/io/npy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "ternac/model/base/file_io.h"
#include "ternac/model/core/trit.h"

namespace ternac {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
// numpy aligns the data to 64 bytes (ARRAY_ALIGN) so that it can be memory-mapped and read with
// aligned vector loads; the reader does not require it, the writer provides it.
constexpr std::size_t kAlign = 64;
// numpy itself allows at most 32 (1.x) or 64 (2.x) dimensions.
constexpr std::size_t kMaxDims = 64;
// Tuples and lists nested deeper than this cannot be a header numpy wrote; the limit keeps the
// recursive parser's stack bounded on hostile input.
constexpr int kMaxNesting = 16;
// numpy's own reader refuses headers past 10000 bytes unless told otherwise (max_header_size); a
// header numpy writes for a plain array of 64 dimensions takes under 2 KB. The limit keeps a
// hostile header (a list of a hundred million numbers, say) from being parsed into gigabytes.
constexpr std::uint64_t kMaxHeaderBytes = 65536;

struct Dtype {
  const char* name;
  char kind;  // 'i' signed integer, 'u' unsigned integer, 'f' IEEE float
  std::size_t size;
};

constexpr Dtype kDtypes[] = {{"i1", 'i', 1}, {"u1", 'u', 1}, {"i2", 'i', 2}, {"u2", 'u', 2},
                             {"i4", 'i', 4}, {"u4", 'u', 4}, {"i8", 'i', 8}, {"u8", 'u', 8},
                             {"f4", 'f', 4}, {"f8", 'f', 8}};

const Dtype* find_dtype(const std::string& name) {
  for (const Dtype& d : kDtypes) {
    if (name == d.name) return &d;
  }
  return nullptr;
}

std::string supported_dtypes() {
  std::string s;
  for (const Dtype& d : kDtypes) s += (s.empty() ? "" : ", ") + std::string(d.name);
  return s;
}

// What an unsupported numpy type string is, to make the refusal understandable.
std::string describe_type(const std::string& type) {
  if (type.empty()) return "";
  switch (type[0]) {
    case 'b':
    case '?':
      return " (bool)";
    case 'c':
      return " (complex)";
    case 'U':
      return " (unicode string)";
    case 'S':
    case 'a':
      return " (byte string)";
    case 'O':
      return " (Python objects)";
    case 'V':
      return " (raw void)";
    case 'M':
      return " (datetime)";
    case 'm':
      return " (timedelta)";
    case 'f':
      return type == "f2" ? " (float16)" : " (float of an unsupported size)";
    case 'i':
    case 'u':
      return " (integer of an unsupported size)";
    default:
      return "";
  }
}

[[noreturn]] void fail(const std::string& what, const std::string& problem) {
  throw std::invalid_argument(fmt::format("{}: {}", what, problem));
}

// Little-endian unsigned integer of n <= 8 bytes at p.
std::uint64_t load_le(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

// Product of the shape, false on 64-bit overflow. A zero dimension makes the product zero
// whatever the others are, as in numpy.
bool checked_elements(const std::vector<std::uint64_t>& shape, std::uint64_t* out) {
  for (std::uint64_t d : shape) {
    if (d == 0) {
      *out = 0;
      return true;
    }
  }
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) {
    if (n > std::numeric_limits<std::uint64_t>::max() / d) return false;
    n *= d;
  }
  *out = n;
  return true;
}

std::string shape_repr(const std::vector<std::uint64_t>& shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

// ---------------------------------------------------------------------------------------------
// The header: a Python dict literal. Only the subset numpy writes (and a little more, to give
// good messages) is understood: strings, integers (with Python 2's 'L' suffix), True, False,
// None, tuples and lists.

struct PyValue {
  enum class Kind { kString, kInt, kBool, kNone, kTuple, kList };
  Kind kind = Kind::kNone;
  std::string text;  // a string's contents, or an integer as written (for messages)
  bool negative = false;
  std::uint64_t magnitude = 0;
  bool too_large = false;  // an integer past 2^64 - 1 in magnitude
  bool flag = false;       // True or False
  std::vector<PyValue> items;
};

const char* kind_name(PyValue::Kind kind) {
  switch (kind) {
    case PyValue::Kind::kString:
      return "a string";
    case PyValue::Kind::kInt:
      return "an integer";
    case PyValue::Kind::kBool:
      return "a bool";
    case PyValue::Kind::kNone:
      return "None";
    case PyValue::Kind::kTuple:
      return "a tuple";
    case PyValue::Kind::kList:
      return "a list";
  }
  return "?";
}

class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& what) : s_(text), what_(what) {}

  std::vector<std::pair<std::string, PyValue>> dict() {
    skip_space();
    if (at_end() || peek() != '{') error("the header is not a dict (it must start with '{')");
    ++pos_;
    std::vector<std::pair<std::string, PyValue>> entries;
    for (;;) {
      skip_space();
      if (at_end()) error("the header dict is not closed");
      if (peek() == '}') {
        ++pos_;
        break;
      }
      if (peek() != '\'' && peek() != '"') error("header dict keys must be strings");
      std::string key = string_literal();
      skip_space();
      if (at_end() || peek() != ':') error(fmt::format("expected ':' after key '{}'", key));
      ++pos_;
      skip_space();
      PyValue v = value(0);
      entries.emplace_back(std::move(key), std::move(v));
      skip_space();
      if (at_end()) error("the header dict is not closed");
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != '}') {
        error("expected ',' or '}' in the header dict");
      }
    }
    skip_space();
    if (!at_end()) error("unexpected text after the header dict");
    return entries;
  }

 private:
  [[noreturn]] void error(const std::string& problem) const {
    fail(what_, fmt::format("unparsable .npy header: {} (at header byte {})", problem, pos_));
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }

  void skip_space() {
    while (!at_end() && std::strchr(" \t\n\r\f\v", peek()) != nullptr && peek() != '\0') ++pos_;
  }

  std::string string_literal() {
    const char quote = s_[pos_++];
    std::string out;
    for (;;) {
      if (at_end()) error("unterminated string");
      char c = s_[pos_++];
      if (c == quote) break;
      if (c == '\\') {
        if (at_end()) error("unterminated string");
        c = s_[pos_++];
      }
      out.push_back(c);
    }
    return out;
  }

  PyValue value(int depth) {
    if (depth > kMaxNesting) error("values nested too deeply");
    if (at_end()) error("a value is missing");
    const char c = peek();
    PyValue v;
    if (c == '\'' || c == '"') {
      v.kind = PyValue::Kind::kString;
      v.text = string_literal();
    } else if (c == '(') {
      return sequence(')', PyValue::Kind::kTuple, depth);
    } else if (c == '[') {
      return sequence(']', PyValue::Kind::kList, depth);
    } else if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
      v = integer();
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') {
      const std::size_t start = pos_;
      while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_')) {
        ++pos_;
      }
      const std::string name = s_.substr(start, pos_ - start);
      if (name == "True" || name == "False") {
        v.kind = PyValue::Kind::kBool;
        v.flag = name == "True";
      } else if (name == "None") {
        v.kind = PyValue::Kind::kNone;
      } else {
        pos_ = start;
        error(fmt::format("unexpected name '{}'", name));
      }
    } else {
      error(fmt::format("unexpected character '{}'", fmt::format("\\x{:02x}", c & 0xff)));
    }
    return v;
  }

  PyValue integer() {
    PyValue v;
    v.kind = PyValue::Kind::kInt;
    const std::size_t start = pos_;
    if (peek() == '-' || peek() == '+') v.negative = s_[pos_++] == '-';
    if (at_end() || peek() < '0' || peek() > '9') error("a sign without digits");
    while (!at_end() && peek() >= '0' && peek() <= '9') {
      const unsigned digit = static_cast<unsigned>(peek() - '0');
      if (v.magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
        v.too_large = true;
      } else {
        v.magnitude = v.magnitude * 10 + digit;
      }
      ++pos_;
    }
    v.text = s_.substr(start, pos_ - start);
    // Python 2 wrote long integers as 3L; numpy still reads such files.
    if (!at_end() && (peek() == 'L' || peek() == 'l')) ++pos_;
    if (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '.')) {
      error(fmt::format("'{}' is followed by '{}': not an integer", v.text, peek()));
    }
    return v;
  }

  PyValue sequence(char close, PyValue::Kind kind, int depth) {
    ++pos_;
    PyValue v;
    v.kind = kind;
    bool comma = false;
    for (;;) {
      skip_space();
      if (at_end()) error(fmt::format("'{}' missing", close));
      if (peek() == close) {
        ++pos_;
        break;
      }
      v.items.push_back(value(depth + 1));
      skip_space();
      if (at_end()) error(fmt::format("'{}' missing", close));
      if (peek() == ',') {
        ++pos_;
        comma = true;
      } else if (peek() != close) {
        error(fmt::format("expected ',' or '{}'", close));
      }
    }
    // As in Python, (3) is the integer 3; only (3,) is a tuple.
    if (kind == PyValue::Kind::kTuple && v.items.size() == 1 && !comma) return v.items[0];
    return v;
  }

  const std::string& s_;
  const std::string& what_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Element access for the converters.

const Dtype& checked_dtype(const NpyArray& a, const std::string& what) {
  const Dtype* d = find_dtype(a.dtype);
  if (d == nullptr) {
    fail(what, fmt::format("unsupported dtype '{}'; supported: {}", a.dtype, supported_dtypes()));
  }
  std::uint64_t n = 0;
  if (!checked_elements(a.shape, &n) || n > std::numeric_limits<std::uint64_t>::max() / d->size ||
      n * d->size != a.data.size()) {
    fail(what, fmt::format("array of shape {} and dtype {} holds {} data bytes, which do not match",
                           shape_repr(a.shape), a.dtype, a.data.size()));
  }
  return *d;
}

std::int64_t signed_at(const NpyArray& a, const Dtype& d, std::size_t i) {
  std::uint64_t raw = load_le(&a.data[i * d.size], d.size);
  if (d.size < 8 && ((raw >> (8 * d.size - 1)) & 1) != 0) raw |= ~std::uint64_t{0} << (8 * d.size);
  std::int64_t v;
  std::memcpy(&v, &raw, sizeof v);
  return v;
}

std::uint64_t unsigned_at(const NpyArray& a, const Dtype& d, std::size_t i) {
  return load_le(&a.data[i * d.size], d.size);
}

float f4_at(const NpyArray& a, std::size_t i) {
  const auto bits = static_cast<std::uint32_t>(load_le(&a.data[i * 4], 4));
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

double f8_at(const NpyArray& a, std::size_t i) {
  const std::uint64_t bits = load_le(&a.data[i * 8], 8);
  double f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::string value_str(const NpyArray& a, const Dtype& d, std::size_t i) {
  switch (d.kind) {
    case 'i':
      return fmt::format("{}", signed_at(a, d, i));
    case 'u':
      return fmt::format("{}", unsigned_at(a, d, i));
    default:
      return d.size == 4 ? fmt::format("{}", f4_at(a, i)) : fmt::format("{}", f8_at(a, i));
  }
}

// "element 5 (index (1, 2)) = 7" for the error messages.
std::string element_str(const NpyArray& a, const Dtype& d, std::size_t i) {
  std::string where = fmt::format("element {}", i);
  if (a.shape.size() >= 2) {
    std::vector<std::uint64_t> index(a.shape.size());
    std::uint64_t rest = i;
    for (std::size_t j = a.shape.size(); j-- > 0;) {
      index[j] = rest % a.shape[j];
      rest /= a.shape[j];
    }
    where += fmt::format(" (index ({}))", fmt::join(index, ", "));
  }
  return fmt::format("{} = {}", where, value_str(a, d, i));
}

// Reads integer element i when it lies in [lo, hi].
bool int_in_range(const NpyArray& a, const Dtype& d, std::size_t i, std::int64_t lo,
                  std::int64_t hi, std::int64_t* value) {
  if (d.kind == 'i') {
    *value = signed_at(a, d, i);
    return *value >= lo && *value <= hi;
  }
  const std::uint64_t u = unsigned_at(a, d, i);
  if (hi < 0 || u > static_cast<std::uint64_t>(hi)) return false;
  *value = static_cast<std::int64_t>(u);
  return *value >= lo;
}

template <typename T>
void write_typed(const std::string& path, const char* dtype,
                 const std::vector<std::uint64_t>& shape, const std::vector<T>& values) {
  std::uint64_t n = 0;
  if (!checked_elements(shape, &n) || n != values.size()) {
    throw std::invalid_argument(
        fmt::format("{}: {} values do not fill shape {}", path, values.size(), shape_repr(shape)));
  }
  // Stored little-endian by shifts, so the file is the same on any host.
  std::vector<std::uint8_t> bytes;
  bytes.reserve(values.size() * sizeof(T));
  for (const T& v : values) {
    std::uint64_t bits = 0;
    if constexpr (sizeof(T) == 1) {
      std::uint8_t b;
      std::memcpy(&b, &v, 1);
      bits = b;
    } else if constexpr (sizeof(T) == 4) {
      std::uint32_t b;
      std::memcpy(&b, &v, 4);
      bits = b;
    } else {
      static_assert(sizeof(T) == 8, "1-, 4- or 8-byte elements");
      std::memcpy(&bits, &v, 8);
    }
    for (std::size_t b = 0; b < sizeof(T); ++b) {
      bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
    }
  }
  write_npy(path, dtype, shape, bytes.data(), bytes.size());
}

}  // namespace

std::uint64_t NpyArray::elements() const {
  std::uint64_t n = 0;
  return checked_elements(shape, &n) ? n : std::numeric_limits<std::uint64_t>::max();
}

std::size_t NpyArray::item_size() const {
  const Dtype* d = find_dtype(dtype);
  if (d == nullptr) throw std::invalid_argument(fmt::format("unknown npy dtype '{}'", dtype));
  return d->size;
}

namespace {

// An array's header and where its data lies in the file.
struct NpyLayout {
  NpyArray array;  // dtype and shape; data still empty
  std::uint64_t data_start = 0;
  std::uint64_t data_bytes = 0;
};

// Parses the preamble and the header of a file of `size` bytes, reading its bytes with
// read(offset, n) (exactly n bytes, called only for bytes inside the file) from the magic on,
// in file order, each piece only once the previous ones are checked: a file that is not .npy is
// refused after its first 6 bytes, and nothing is read or allocated from a length before the
// length is checked against the file size.
template <typename Read>
NpyLayout parse_layout(std::uint64_t size, Read&& read, const std::string& what) {
  const std::string magic = read(0, static_cast<std::size_t>(std::min<std::uint64_t>(size, 6)));
  if (size < kMagicLen || magic.compare(0, kMagicLen, kMagic, kMagicLen) != 0) {
    fail(what, "not a .npy file: bad magic (a .npy file starts with \\x93NUMPY)");
  }
  if (size < kMagicLen + 2) fail(what, "file ends inside the .npy preamble (no format version)");
  const std::string version = read(kMagicLen, 2);
  const int major = static_cast<std::uint8_t>(version[0]);
  const int minor = static_cast<std::uint8_t>(version[1]);
  if (major < 1 || major > 3 || minor != 0) {
    fail(what, fmt::format("unsupported .npy format version {}.{} (1.0, 2.0 and 3.0 are read)",
                           major, minor));
  }
  // Version 1.0 has a 2-byte header length; 2.0 and 3.0 (UTF-8 header) a 4-byte one.
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = kMagicLen + 2 + len_bytes;
  if (size < header_start) fail(what, "file ends inside the .npy preamble (no header length)");
  const std::string len_field = read(kMagicLen + 2, len_bytes);
  const std::uint64_t header_len =
      load_le(reinterpret_cast<const std::uint8_t*>(len_field.data()), len_bytes);
  if (header_len > size - header_start) {
    fail(what, fmt::format("header length {} runs past the end of the file ({} bytes follow the "
                           "{}-byte preamble)",
                           header_len, size - header_start, header_start));
  }
  if (header_len > kMaxHeaderBytes) {
    fail(what, fmt::format("header of {} bytes is longer than the {} this reader accepts (numpy "
                           "writes headers of a few hundred bytes for the arrays read here)",
                           header_len, kMaxHeaderBytes));
  }
  const std::string header = read(header_start, static_cast<std::size_t>(header_len));
  const std::uint64_t data_start = header_start + header_len;

  const PyValue* descr = nullptr;
  const PyValue* fortran = nullptr;
  const PyValue* shape = nullptr;
  const auto entries = HeaderParser(header, what).dict();
  for (const auto& [key, value] : entries) {
    const PyValue** slot = key == "descr"           ? &descr
                           : key == "fortran_order" ? &fortran
                           : key == "shape"         ? &shape
                                                    : nullptr;
    if (slot == nullptr) fail(what, fmt::format("unexpected key '{}' in the .npy header", key));
    if (*slot != nullptr) fail(what, fmt::format("key '{}' repeated in the .npy header", key));
    *slot = &value;
  }
  for (const auto& [key, slot] : {std::pair{"descr", descr}, std::pair{"fortran_order", fortran},
                                  std::pair{"shape", shape}}) {
    if (slot == nullptr) fail(what, fmt::format("the .npy header lacks key '{}'", key));
  }

  // descr: byte order, kind and size, e.g. '<f4' or '|i1'.
  if (descr->kind == PyValue::Kind::kList) {
    fail(what,
         "structured dtype (descr is a list of fields) is not supported; save a plain "
         "numeric array");
  }
  if (descr->kind != PyValue::Kind::kString) {
    fail(what, fmt::format("'descr' must be a string, got {}", kind_name(descr->kind)));
  }
  const std::string& d = descr->text;
  const bool has_order = !d.empty() && std::strchr("<>|=", d[0]) != nullptr && d[0] != '\0';
  const char order = has_order ? d[0] : '\0';
  const std::string type = has_order ? d.substr(1) : d;
  const Dtype* dtype = find_dtype(type);
  if (dtype == nullptr) {
    fail(what, fmt::format("unsupported dtype '{}'{}; supported: {} (little-endian)", d,
                           describe_type(type), supported_dtypes()));
  }
  if (dtype->size > 1 && order != '<') {
    if (order == '>') {
      fail(what,
           fmt::format("big-endian byte order ('{}') is not supported; save it little-endian, "
                       "e.g. np.save(path, a.astype('<{}'))",
                       d, type));
    }
    fail(what, fmt::format("byte order of '{}' is not little-endian ('<'); a {}-byte type needs "
                           "an explicit byte order",
                           d, dtype->size));
  }

  if (fortran->kind != PyValue::Kind::kBool) {
    fail(what,
         fmt::format("'fortran_order' must be True or False, got {}", kind_name(fortran->kind)));
  }
  if (fortran->flag) {
    fail(what,
         "fortran_order is True: Fortran-ordered (column-major) arrays are not supported; "
         "save np.ascontiguousarray(a) instead");
  }

  if (shape->kind != PyValue::Kind::kTuple) {
    fail(what, fmt::format("'shape' must be a tuple, got {}", kind_name(shape->kind)));
  }
  if (shape->items.size() > kMaxDims) {
    fail(what, fmt::format("shape has {} dimensions, more than {}", shape->items.size(), kMaxDims));
  }
  NpyLayout layout;
  NpyArray& a = layout.array;
  a.dtype = type;
  for (const PyValue& dim : shape->items) {
    if (dim.kind != PyValue::Kind::kInt) {
      fail(what, fmt::format("shape dimensions must be integers, got {}", kind_name(dim.kind)));
    }
    if (dim.negative && (dim.magnitude != 0 || dim.too_large)) {
      fail(what, fmt::format("negative shape dimension {}", dim.text));
    }
    if (dim.too_large || dim.magnitude > std::uint64_t{std::numeric_limits<std::int64_t>::max()}) {
      fail(what, fmt::format("absurd shape dimension {}", dim.text));
    }
    a.shape.push_back(dim.magnitude);
  }
  std::uint64_t elements = 0;
  if (!checked_elements(a.shape, &elements) ||
      elements > std::numeric_limits<std::uint64_t>::max() / dtype->size) {
    fail(what, fmt::format("element count of shape {} overflows 64 bits", shape_repr(a.shape)));
  }
  // Only now, with the byte count known not to exceed what the file holds, is anything allocated.
  const std::uint64_t want = elements * dtype->size;
  const std::uint64_t present = size - data_start;
  if (present < want) {
    fail(what, fmt::format("data truncated: shape {} of '{}' needs {} bytes, the file holds {}",
                           shape_repr(a.shape), d, want, present));
  }
  if (present > want) {
    fail(what, fmt::format("{} trailing byte{} after the data (shape {} of '{}' needs {} bytes, "
                           "the file holds {})",
                           present - want, present - want == 1 ? "" : "s", shape_repr(a.shape), d,
                           want, present));
  }
  layout.data_start = data_start;
  layout.data_bytes = want;
  return layout;
}

}  // namespace

NpyArray parse_npy(std::string_view bytes, const std::string& what) {
  NpyLayout layout = parse_layout(
      bytes.size(),
      [&](std::uint64_t offset, std::size_t n) {
        return std::string(bytes.substr(static_cast<std::size_t>(offset), n));
      },
      what);
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data()) + layout.data_start;
  layout.array.data.assign(data, data + layout.data_bytes);
  return std::move(layout.array);
}

NpyArray read_npy(const std::string& path) {
  const InputFile file = InputFile::open(path);
  NpyLayout layout = parse_layout(
      file.size(), [&](std::uint64_t offset, std::size_t n) { return file.read(offset, n); }, path);
  // Read straight into the array: the data is in memory once, not also as the file's bytes.
  layout.array.data.resize(static_cast<std::size_t>(layout.data_bytes));
  file.read_exact(layout.data_start, layout.array.data.data(), layout.array.data.size());
  return std::move(layout.array);
}

std::vector<std::int8_t> npy_to_int8(const NpyArray& a, const std::string& what) {
  const Dtype& d = checked_dtype(a, what);
  if (d.kind == 'f') {
    fail(what, fmt::format("holds floating-point values ('{}') where int8 values are expected; "
                           "quantize them first (e.g. quantize_absmax) or pass them as float "
                           "activations",
                           a.dtype));
  }
  std::vector<std::int8_t> out(a.data.size() / d.size);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::int64_t v = 0;
    if (!int_in_range(a, d, i, -128, 127, &v)) {
      fail(what, fmt::format("{} does not fit in int8 [-128, 127]", element_str(a, d, i)));
    }
    out[i] = static_cast<std::int8_t>(v);
  }
  return out;
}

std::vector<float> npy_to_float(const NpyArray& a, const std::string& what) {
  const Dtype& d = checked_dtype(a, what);
  std::vector<float> out(a.data.size() / d.size);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (d.kind == 'f' && d.size == 4) {
      out[i] = f4_at(a, i);
      continue;
    }
    bool exact = false;
    if (d.kind == 'f') {
      const double v = f8_at(a, i);
      // Range-checked before the cast: converting a finite double past FLT_MAX is undefined.
      if (std::isnan(v) || std::isinf(v) ||
          (std::fabs(v) <= std::numeric_limits<float>::max() &&
           static_cast<double>(static_cast<float>(v)) == v)) {
        out[i] = static_cast<float>(v);
        exact = true;
      }
    } else if (d.kind == 'i') {
      const std::int64_t v = signed_at(a, d, i);
      const auto f = static_cast<float>(v);
      // 2^63 is the float nearest to the largest int64s and is itself out of int64's range.
      exact = f < 9223372036854775808.0f && static_cast<std::int64_t>(f) == v;
      out[i] = f;
    } else {
      const std::uint64_t v = unsigned_at(a, d, i);
      const auto f = static_cast<float>(v);
      exact = f < 18446744073709551616.0f && static_cast<std::uint64_t>(f) == v;
      out[i] = f;
    }
    if (!exact) {
      fail(what, fmt::format("{} is not exactly representable as float32; convert the array "
                             "deliberately (a.astype(np.float32)) if rounding is acceptable",
                             element_str(a, d, i)));
    }
  }
  return out;
}

std::vector<std::uint8_t> npy_to_trit_codes(const NpyArray& a, const std::string& what) {
  const Dtype& d = checked_dtype(a, what);
  if (d.kind == 'f') {
    fail(what, fmt::format("holds floating-point values ('{}') where ternary weights (-1, 0, +1) "
                           "are expected; store them as integers (a.astype(np.int8)), or "
                           "ternarize float weights with ternarize_absmean",
                           a.dtype));
  }
  std::vector<std::uint8_t> out(a.data.size() / d.size);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::int64_t v = 0;
    if (!int_in_range(a, d, i, -1, 1, &v)) {
      fail(what, fmt::format("{} is not a ternary weight (-1, 0 or +1)", element_str(a, d, i)));
    }
    out[i] = encode_trit(static_cast<int>(v));
  }
  return out;
}

void write_npy(const std::string& path, const std::string& dtype,
               const std::vector<std::uint64_t>& shape, const void* data, std::size_t bytes) {
  const Dtype* d = find_dtype(dtype);
  if (d == nullptr) {
    throw std::invalid_argument(
        fmt::format("{}: cannot write dtype '{}'; supported: {}", path, dtype, supported_dtypes()));
  }
  std::uint64_t elements = 0;
  if (!checked_elements(shape, &elements) ||
      elements > std::numeric_limits<std::uint64_t>::max() / d->size ||
      elements * d->size != bytes) {
    throw std::invalid_argument(fmt::format("{}: {} data bytes do not match shape {} of '{}'", path,
                                            bytes, shape_repr(shape), dtype));
  }
  if (bytes > 0 && data == nullptr) {
    throw std::invalid_argument(fmt::format("{}: no data for {} bytes", path, bytes));
  }
  // numpy's header: the dict with sorted keys, padded with spaces and ended by '\n' so that the
  // data starts at a multiple of 64; version 2.0 only when the header outgrows 1.0's 16-bit length.
  const std::string dict = fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}",
                                       d->size == 1 ? '|' : '<', dtype, shape_repr(shape));
  std::size_t preamble = kMagicLen + 2 + 2;
  std::size_t header_len = (dict.size() + 1 + preamble + kAlign - 1) / kAlign * kAlign - preamble;
  int major = 1;
  if (header_len > 0xffff) {
    major = 2;
    preamble = kMagicLen + 2 + 4;
    header_len = (dict.size() + 1 + preamble + kAlign - 1) / kAlign * kAlign - preamble;
  }
  std::string out(kMagic, kMagicLen);
  out.push_back(static_cast<char>(major));
  out.push_back('\0');
  for (std::size_t i = 0; i < preamble - kMagicLen - 2; ++i) {
    out.push_back(static_cast<char>((header_len >> (8 * i)) & 0xff));
  }
  out += dict;
  out.append(header_len - dict.size() - 1, ' ');
  out.push_back('\n');
  write_file_atomic(path, {out, std::string_view(static_cast<const char*>(data), bytes)});
}

void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<float>& values) {
  write_typed(path, "f4", shape, values);
}

void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<std::int32_t>& values) {
  write_typed(path, "i4", shape, values);
}

void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<std::int64_t>& values) {
  write_typed(path, "i8", shape, values);
}

void write_npy(const std::string& path, const std::vector<std::uint64_t>& shape,
               const std::vector<std::int8_t>& values) {
  write_typed(path, "i1", shape, values);
}

}  // namespace ternac
