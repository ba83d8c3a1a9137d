#include "ternac/model/io/gguf.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "ternac/model/base/test_support.h"
#include "ternac/model/core/trit.h"
#include "ternac/model/io/npy.h"

namespace ternac {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

constexpr std::uint8_t kZ = static_cast<std::uint8_t>(TritCode::kZero);
constexpr std::uint8_t kP = static_cast<std::uint8_t>(TritCode::kPos);
constexpr std::uint8_t kN = static_cast<std::uint8_t>(TritCode::kNeg);

// ---- Raw GGUF building blocks, written out by hand so that malformed files can be made. ----

std::string le32(std::uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string le64(std::uint64_t v) {
  std::string s;
  for (int i = 0; i < 8; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

std::string gstr(const std::string& s) { return le64(s.size()) + s; }

std::string kv_pair(const std::string& key, std::uint32_t type, const std::string& value) {
  return gstr(key) + le32(type) + value;
}

std::string bytes_of(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s += static_cast<char>(v);
  return s;
}

struct RawTensor {
  std::string name;
  std::vector<std::uint64_t> ne;
  std::uint32_t type = kGgmlTypeI2S;
  std::uint64_t offset = 0;
};

// A GGUF file assembled field by field; every field can be set to something illegal.
struct RawGguf {
  std::string magic = "GGUF";
  std::uint32_t version = 3;
  std::vector<std::string> kvs;
  std::vector<RawTensor> tensors;
  std::uint64_t alignment = 32;  // for the padding before the data section only
  std::string data;
  std::optional<std::uint64_t> tensor_count, kv_count;

  std::string bytes() const {
    std::string out = magic + le32(version);
    out += le64(tensor_count.value_or(tensors.size()));
    out += le64(kv_count.value_or(kvs.size()));
    for (const std::string& kv : kvs) out += kv;
    for (const RawTensor& t : tensors) {
      out += gstr(t.name) + le32(static_cast<std::uint32_t>(t.ne.size()));
      for (std::uint64_t d : t.ne) out += le64(d);
      out += le32(t.type) + le64(t.offset);
    }
    while (out.size() % alignment != 0) out += '\0';
    return out + data;
  }
};

// I2_S data of one block of zeros (code 1 everywhere) and the tail with alpha.
std::string i2s_zero_block(float alpha = 0.5f) {
  std::uint32_t bits;
  std::memcpy(&bits, &alpha, sizeof bits);
  return std::string(32, '\x55') + le32(bits) + std::string(28, '\0');
}

// A valid file with one 1 x 128 I2_S tensor "w" of zeros; tests break one thing at a time.
RawGguf one_tensor_file() {
  RawGguf f;
  f.kvs = {kv_pair("general.architecture", 8, gstr("bitnet")),
           kv_pair("general.alignment", 4, le32(32))};
  f.tensors = {{"w", {128, 1}, kGgmlTypeI2S, 0}};
  f.data = i2s_zero_block();
  return f;
}

// The message of the std::invalid_argument that f throws, or a note that it threw none.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument thrown)";
}

std::string parse_error(const std::string& bytes) {
  return error_of([&] { GgufFile::parse(bytes, "bad.gguf"); });
}

std::string i2s_error(const std::string& bytes, const std::string& tensor = "w") {
  return error_of([&] { GgufFile::parse(bytes, "bad.gguf").i2s(tensor); });
}

std::vector<std::uint8_t> codes_of(const std::vector<std::int8_t>& weights) {
  std::vector<std::uint8_t> codes;
  for (std::int8_t w : weights) codes.push_back(encode_trit(w));
  return codes;
}

std::vector<std::int8_t> random_weights(std::mt19937_64& rng, std::size_t count) {
  std::uniform_int_distribution<int> d(-1, 1);
  std::vector<std::int8_t> w(count);
  for (auto& x : w) x = static_cast<std::int8_t>(d(rng));
  return w;
}

// ---- Environment for the cross-check with scripts/make_gguf.py. ----

// The source tree, from this file's path (CMake compiles sources by absolute path).
std::string source_dir() {
  const std::string file = __FILE__;
  const std::string suffix = "model/io/gguf_test.cpp";
  if (file.size() < suffix.size() ||
      file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return "";
  }
  return file.substr(0, file.size() - suffix.size());
}

bool python_has_numpy() {
  return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs scripts/make_gguf.py with `args`; returns false (with its output in `log`) on failure.
bool run_make_gguf(const std::string& args, const TempDir& dir, std::string* log) {
  const std::string log_path = dir / "make_gguf.log";
  const std::string cmd = fmt::format("/usr/bin/python3 '{}scripts/make_gguf.py' {} >'{}' 2>&1",
                                      source_dir(), args, log_path);
  const int rc = std::system(cmd.c_str());
  *log = cmd + "\n" + read_file(log_path);
  return rc == 0;
}

#define REQUIRE_MAKE_GGUF()                                                                \
  do {                                                                                     \
    if (!python_has_numpy()) GTEST_SKIP() << "/usr/bin/python3 cannot import numpy";       \
    ASSERT_FALSE(source_dir().empty()) << "cannot find the source tree from " << __FILE__; \
    ASSERT_TRUE(fs::exists(source_dir() + "scripts/make_gguf.py"));                        \
  } while (0)

// Every tensor of `file` decodes to the weights and alpha make_gguf.py saved in `npy_dir`.
void expect_matches_npy(
    const GgufFile& file, const std::string& npy_dir,
    const std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t>>& expected) {
  ASSERT_EQ(file.tensors().size(), expected.size());
  for (const auto& [name, n, k] : expected) {
    SCOPED_TRACE(name);
    const TernaryTensorData t = file.i2s(name);
    EXPECT_EQ(t.n, n);
    EXPECT_EQ(t.k, k);
    const NpyArray w = read_npy(npy_dir + "/" + name + ".npy");
    ASSERT_EQ(w.shape, (std::vector<std::uint64_t>{n, k}));
    EXPECT_EQ(w.dtype, "i1");
    EXPECT_EQ(t.codes, npy_to_trit_codes(w, name));
    const std::vector<float> alpha =
        npy_to_float(read_npy(npy_dir + "/" + name + ".alpha.npy"), name);
    ASSERT_EQ(alpha.size(), 1u);
    EXPECT_EQ(std::memcmp(&t.alpha, &alpha[0], sizeof(float)), 0) << t.alpha << " vs " << alpha[0];
  }
}

// ---- (a) Cross-check with the independent Python generator. ----

TEST(Gguf, ReadsTensorsWrittenByMakeGgufPy) {
  REQUIRE_MAKE_GGUF();
  const std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t>> shapes = {
      {"blk.0.attn_q.weight", 64, 256}, {"w3x128", 3, 128}, {"w5x384", 5, 384}};
  for (const char* options : {"--seed 7", "--seed 8 --zeros 0.6 --alpha 0.375 --alignment 64"}) {
    SCOPED_TRACE(options);
    TempDir dir;
    std::string log;
    ASSERT_TRUE(
        run_make_gguf(fmt::format("{} --tensor blk.0.attn_q.weight:64:256 --tensor w3x128:3:128 "
                                  "--tensor w5x384:5:384 --npy-dir '{}' --out '{}'",
                                  options, dir / "npy", dir / "x.gguf"),
                      dir, &log))
        << log;
    const GgufFile f = GgufFile::open(dir / "x.gguf");
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(f.data_start() % f.alignment(), 0u);
    expect_matches_npy(f, dir / "npy", shapes);
    // The script's kv pairs: the ones a reader needs and the extras of every kind.
    EXPECT_EQ(f.string_value("general.architecture"), "bitnet");
    EXPECT_EQ(f.uint_value("general.file_type"), kGgufFileTypeI2S);
    EXPECT_EQ(f.uint_value("general.alignment"), f.alignment());
    EXPECT_FLOAT_EQ(*f.float_value("bitnet.attention.layer_norm_rms_epsilon"), 1e-5f);
    EXPECT_EQ(f.bool_value("tokenizer.ggml.add_bos_token"), true);
    const auto tokens = f.string_array_value("tokenizer.ggml.tokens");
    ASSERT_TRUE(tokens.has_value());
    ASSERT_EQ(tokens->size(), 8u);
    EXPECT_EQ((*tokens)[1], "<s>");
    const GgufKv* shapes_kv = f.kv("ternac.generator.shapes");
    ASSERT_NE(shapes_kv, nullptr);
    EXPECT_EQ(shapes_kv->array_type, static_cast<std::uint32_t>(GgufKvType::kArray));
    EXPECT_EQ(shapes_kv->array_count, 3u);
  }
}

TEST(Gguf, MakeGgufPyModelShapes) {
  REQUIRE_MAKE_GGUF();
  TempDir dir;
  std::string log;
  ASSERT_TRUE(
      run_make_gguf(fmt::format("--model tiny --layers 2 --seed 3 --npy-dir '{}' --out '{}'",
                                dir / "npy", dir / "tiny.gguf"),
                    dir, &log))
      << log;
  const GgufFile f = GgufFile::open(dir / "tiny.gguf");
  // tiny: hidden 256, FFN 384, 2 heads of 128, 1 KV head.
  std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t>> shapes;
  for (int b = 0; b < 2; ++b) {
    const std::string blk = fmt::format("blk.{}.", b);
    shapes.insert(shapes.end(), {{blk + "attn_q.weight", 256, 256},
                                 {blk + "attn_k.weight", 128, 256},
                                 {blk + "attn_v.weight", 128, 256},
                                 {blk + "attn_output.weight", 256, 256},
                                 {blk + "ffn_gate.weight", 384, 256},
                                 {blk + "ffn_up.weight", 384, 256},
                                 {blk + "ffn_down.weight", 256, 384}});
  }
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    EXPECT_EQ(f.tensors()[i].name, std::get<0>(shapes[i]));
  }
  expect_matches_npy(f, dir / "npy", shapes);
  EXPECT_EQ(f.uint_value("bitnet.block_count"), 2u);
  EXPECT_EQ(f.uint_value("bitnet.attention.head_count_kv"), 1u);
}

TEST(Gguf, MakeGgufPyRefusesKNotAMultipleOf128) {
  REQUIRE_MAKE_GGUF();
  TempDir dir;
  std::string log;
  EXPECT_FALSE(
      run_make_gguf(fmt::format("--tensor w:4:8640 --out '{}'", dir / "x.gguf"), dir, &log));
  EXPECT_NE(log.find("not a multiple of 128"), std::string::npos) << log;
}

// ---- (b) The C++ writer round trip. ----

TEST(Gguf, WriterRoundTrip) {
  const std::uint64_t seed = 20240601;
  std::mt19937_64 rng(seed);
  for (std::uint32_t alignment : {32u, 64u}) {
    SCOPED_TRACE(fmt::format("alignment {}, seed {}", alignment, seed));
    std::vector<GgufWriteTensor> tensors = {{"blk.0.attn_q.weight", 64, 256, {}, 0.0123f},
                                            {"blk.0.attn_k.weight", 3, 128, {}, 1.5f},
                                            {"blk.0.ffn_down.weight", 5, 384, {}, 3.0e-3f},
                                            {"one", 1, 128, {}, -0.0f}};
    for (auto& t : tensors) t.weights = random_weights(rng, std::size_t{t.n} * t.k);
    const GgufFile f = GgufFile::parse(gguf_i2s_bytes(tensors, alignment), "roundtrip.gguf");
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(f.alignment(), alignment);
    EXPECT_EQ(f.data_start() % alignment, 0u);
    EXPECT_EQ(f.string_value("general.architecture"), "bitnet");
    EXPECT_EQ(f.uint_value("general.alignment"), alignment);
    EXPECT_EQ(f.uint_value("general.file_type"), 40u);
    EXPECT_EQ(f.string_value("general.name"), std::nullopt);
    ASSERT_EQ(f.tensors().size(), tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) {
      const GgufWriteTensor& w = tensors[i];
      const GgufTensorInfo& info = f.tensors()[i];
      EXPECT_EQ(info.name, w.name);
      EXPECT_EQ(info.ne, (std::vector<std::uint64_t>{w.k, w.n}));
      EXPECT_EQ(info.type, kGgmlTypeI2S);
      EXPECT_EQ(info.offset % alignment, 0u);
      EXPECT_EQ(info.bytes, std::uint64_t{w.n} * w.k / 4 + 32);
      const TernaryTensorData t = f.i2s(w.name);
      EXPECT_EQ(t.n, w.n);
      EXPECT_EQ(t.k, w.k);
      EXPECT_EQ(t.codes, codes_of(w.weights));
      EXPECT_EQ(std::memcmp(&t.alpha, &w.alpha, sizeof(float)), 0);
    }
  }
}

TEST(Gguf, WriterRefusesBadInput) {
  const std::vector<std::int8_t> zeros(128, 0);
  EXPECT_NE(error_of([&] {
              gguf_i2s_bytes({{"w", 1, 128, zeros, 1.0f}}, 48);
            }).find("alignment 48"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              gguf_i2s_bytes({{"w", 1, 64, std::vector<std::int8_t>(64), 1.0f}});
            }).find("multiple of 128"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              gguf_i2s_bytes({{"w", 2, 128, zeros, 1.0f}});
            }).find("N x K"),
            std::string::npos);
  std::vector<std::int8_t> two = zeros;
  two[100] = 2;
  EXPECT_NE(error_of([&] {
              gguf_i2s_bytes({{"w", 1, 128, two, 1.0f}});
            }).find("column 100) is 2"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              gguf_i2s_bytes({{"w", 1, 128, zeros, NAN}});
            }).find("non-finite"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              gguf_i2s_bytes({{"w", 1, 128, zeros, 1.0f}, {"w", 1, 128, zeros, 1.0f}});
            }).find("duplicate"),
            std::string::npos);
}

// ---- (c) The bit layout, pinned by bytes written out literally. ----

TEST(Gguf, I2sBitLayoutPinnedByLiteralBytes) {
  // One 1 x 128 tensor. Byte p holds weights p, 32+p, 64+p, 96+p in bits 7:6, 5:4, 3:2, 1:0 as
  // code w + 1 (0 -> -1, 1 -> 0, 2 -> +1).
  std::string data = bytes_of({
      0x92,  // 10 01 00 10: w0 = +1, w32 = 0, w64 = -1, w96 = +1
      0x00,  // 00 00 00 00: w1, w33, w65, w97 = -1
      0x55,  // 01 01 01 01: w2, w34, w66, w98 = 0
      0xaa,  // 10 10 10 10: w3, w35, w67, w99 = +1
      0x24,  // 00 10 01 00: w4 = -1, w36 = +1, w68 = 0, w100 = -1
  });
  data += std::string(26, '\x55');             // w5..w30 and their partners: 0
  data += bytes_of({0x61});                    // 01 10 00 01: w31 = 0, w63 = +1, w95 = -1, w127 = 0
  data += bytes_of({0x00, 0x00, 0x80, 0x3e});  // alpha = 0.25f, little-endian
  data += std::string(28, '\0');
  ASSERT_EQ(data.size(), 64u);
  RawGguf raw = one_tensor_file();
  raw.data = data;
  const TernaryTensorData t = GgufFile::parse(raw.bytes(), "layout.gguf").i2s("w");
  ASSERT_EQ(t.n, 1u);
  ASSERT_EQ(t.k, 128u);
  EXPECT_EQ(t.alpha, 0.25f);
  std::vector<std::uint8_t> expected(128, kZ);
  for (int i : {0, 96, 3, 35, 67, 99, 36, 63}) expected[i] = kP;
  for (int i : {64, 1, 33, 65, 97, 4, 100, 95}) expected[i] = kN;
  EXPECT_EQ(t.codes, expected);
  // TritCode values themselves: +1 is 1, -1 is 3, 0 is 0.
  EXPECT_EQ(t.codes[0], 1);
  EXPECT_EQ(t.codes[64], 3);
  EXPECT_EQ(t.codes[32], 0);
}

TEST(Gguf, I2sRowsAreConsecutiveBlocks) {
  // 2 x 256: row 0 is blocks 0 and 1, row 1 blocks 2 and 3. A single +1 in byte 32 + 5 (block 1)
  // at bits 3:2 is weight 128 + 64 + 5 = 197 of row 0; in byte 96 + 31 (block 3) at bits 7:6 it
  // is weight 128 + 31 = 159 of row 1.
  RawGguf raw = one_tensor_file();
  raw.tensors[0].ne = {256, 2};
  raw.data = std::string(128, '\x55') + i2s_zero_block(2.0f).substr(32);
  raw.data[37] = '\x59';   // 01 01 10 01
  raw.data[127] = '\x95';  // 10 01 01 01
  const TernaryTensorData t = GgufFile::parse(raw.bytes(), "rows.gguf").i2s("w");
  std::vector<std::uint8_t> expected(512, kZ);
  expected[197] = kP;
  expected[256 + 159] = kP;
  EXPECT_EQ(t.codes, expected);
  EXPECT_EQ(t.alpha, 2.0f);
}

// ---- Key/value parsing. ----

TEST(Gguf, EveryKvTypeParses) {
  RawGguf raw = one_tensor_file();
  const std::string nested4 =  // four levels of arrays, the deepest allowed
      le32(9) + le64(1) + le32(9) + le64(1) + le32(9) + le64(2) + le32(0) + le64(1) + "x" +
      le32(0) + le64(0);
  raw.kvs.insert(
      raw.kvs.end(),
      {kv_pair("u8", 0, bytes_of({200})), kv_pair("i8", 1, bytes_of({0x85})),
       kv_pair("u16", 2, bytes_of({0x34, 0x12})), kv_pair("i16", 3, le32(77).substr(0, 2)),
       kv_pair("u32", 4, le32(4000000000u)), kv_pair("i32", 5, le32(123456)),
       kv_pair("f32", 6, bytes_of({0x00, 0x00, 0xc0, 0x3f})), kv_pair("bool", 7, bytes_of({1})),
       kv_pair("string", 8, gstr("hello")),
       kv_pair("strings", 9, le32(8) + le64(3) + gstr("a") + gstr("") + gstr("ccc")),
       kv_pair("u64", 10, le64(1ull << 40)), kv_pair("i64", 11, le64(-5ll)),
       kv_pair("f64", 12, bytes_of({0, 0, 0, 0, 0, 0, 0xf0, 0x3f})),
       kv_pair("f32s", 9, le32(6) + le64(2) + le64(0)), kv_pair("empty", 9, le32(8) + le64(0)),
       kv_pair("nested4", 9, nested4)});
  const GgufFile f = GgufFile::parse(raw.bytes(), "kv.gguf");
  EXPECT_EQ(f.keys().size(), raw.kvs.size());
  EXPECT_EQ(f.uint_value("u8"), 200u);
  EXPECT_EQ(f.uint_value("u16"), 0x1234u);
  EXPECT_EQ(f.uint_value("i16"), 77u);
  EXPECT_EQ(f.uint_value("u32"), 4000000000u);
  EXPECT_EQ(f.uint_value("i32"), 123456u);
  EXPECT_EQ(f.uint_value("u64"), 1ull << 40);
  EXPECT_EQ(f.float_value("f32"), 1.5);
  EXPECT_EQ(f.float_value("f64"), 1.0);
  EXPECT_EQ(f.bool_value("bool"), true);
  EXPECT_EQ(f.string_value("string"), "hello");
  EXPECT_EQ(f.string_array_value("strings"), (std::vector<std::string>{"a", "", "ccc"}));
  EXPECT_EQ(f.string_array_value("empty"), std::vector<std::string>{});
  EXPECT_EQ(f.kv("f32s")->array_count, 2u);
  EXPECT_EQ(f.kv("nested4")->array_type, 9u);
  EXPECT_EQ(f.uint_value("absent"), std::nullopt);
  EXPECT_EQ(f.string_value("absent"), std::nullopt);
  // Present with the wrong type: an error naming the key and its type, not a silent nullopt.
  EXPECT_NE(error_of([&] { f.uint_value("string"); }).find("key 'string' has kv type string"),
            std::string::npos);
  EXPECT_NE(error_of([&] { f.string_value("u32"); }).find("key 'u32' has kv type u32"),
            std::string::npos);
  EXPECT_NE(error_of([&] { f.uint_value("i8"); }).find("'i8' is -123"), std::string::npos);
  EXPECT_NE(error_of([&] { f.uint_value("i64"); }).find("'i64' is -5"), std::string::npos);
  EXPECT_NE(error_of([&] { f.string_array_value("f32s"); }).find("array of f32"),
            std::string::npos);
  EXPECT_NE(error_of([&] { f.float_value("bool"); }).find("not f32 or f64"), std::string::npos);
}

TEST(Gguf, Version2IsReadLikeVersion3) {
  RawGguf raw = one_tensor_file();
  raw.version = 2;
  const GgufFile f = GgufFile::parse(raw.bytes(), "v2.gguf");
  EXPECT_EQ(f.version(), 2u);
  EXPECT_EQ(f.i2s("w").codes, std::vector<std::uint8_t>(128, kZ));
}

TEST(Gguf, DefaultAlignmentIs32AndOtherTypesAreSized) {
  RawGguf raw = one_tensor_file();
  raw.kvs.pop_back();  // no general.alignment
  raw.tensors.push_back({"norm", {128}, kGgmlTypeF32, 64});
  raw.data += std::string(512, '\0');
  const GgufFile f = GgufFile::parse(raw.bytes(), "default.gguf");
  EXPECT_EQ(f.alignment(), 32u);
  EXPECT_EQ(f.tensor("norm").bytes, 512u);
  EXPECT_EQ(f.tensor("w").bytes, 64u);
}

// ---- (d) Malformed files: each refused with a message naming the problem. ----

struct Malformed {
  std::string label;
  std::string bytes;
  std::string expected;    // a piece of the message
  bool at_decode = false;  // refused by i2s("w") rather than by parse
};

std::vector<Malformed> malformed_files() {
  std::vector<Malformed> cases;
  auto add = [&](const std::string& label, RawGguf raw, const std::string& expected,
                 bool at_decode = false) {
    cases.push_back({label, raw.bytes(), expected, at_decode});
  };
  const RawGguf good = one_tensor_file();
  RawGguf r;

  cases.push_back({"empty file", "", "too short for the 4-byte magic"});
  r = good, r.magic = "GGML";
  add("bad magic", r, "not a GGUF file: magic is 'GGML'");
  r = good, r.version = 1;
  add("version 1", r, "GGUF version 1 is not supported");
  r = good, r.version = 4;
  add("version 4", r, "GGUF version 4 is not supported");
  r = good, r.version = 0x03000000;
  add("big-endian", r, "big-endian");
  cases.push_back({"truncated header", good.bytes().substr(0, 12),
                   "at byte 8: truncated file: tensor count needs 8 bytes, only 4 left"});
  cases.push_back({"truncated string value", good.bytes().substr(0, 66),
                   "string value of key 'general.architecture' runs past the end"});
  cases.push_back({"truncated u32 value", good.bytes().substr(0, 100),
                   "truncated file: u32 value of key 'general.alignment' needs 4 bytes, only 1"});
  r = good, r.tensor_count = 1ull << 62;
  add("tensor count huge", r, "tensor count 4611686018427387904 cannot fit");
  r = good, r.kv_count = ~0ull;
  add("kv count huge", r, "kv count 18446744073709551615 cannot fit");
  r = good, r.kvs[0] = le64(1ull << 40) + "general.architecture";
  add("key length past end", r, "string length 1099511627776 of key of kv pair 0 runs past");
  r = good, r.kvs[0] = kv_pair("general.architecture", 8, le64(5000) + "bitnet");
  add("string value past end", r, "string length 5000 of string value");
  r = good, r.kvs.push_back(kv_pair("general.x", 13, le32(0)));
  add("unknown kv type", r, "key 'general.x' has unknown kv type 13");
  r = good, r.kvs.push_back(kv_pair("arr", 9, le32(99) + le64(1) + "x"));
  add("unknown array element type", r, "key 'arr': array has unknown kv type 99");
  r = good;
  {
    std::string deep = le32(0) + le64(0);
    for (int i = 0; i < 4; ++i) deep = le32(9) + le64(1) + deep;  // five levels in all
    r.kvs.push_back(kv_pair("deep", 9, deep));
  }
  add("array nesting too deep", r, "key 'deep': arrays nested deeper than 4 levels");
  r = good, r.kvs.push_back(kv_pair("many", 9, le32(8) + le64(1ull << 60)));
  add("array count huge", r, "array of 1152921504606846976 string elements cannot fit");
  r = good, r.kvs.push_back(kv_pair("many", 9, le32(12) + le64(1ull << 61)));
  add("f64 array count overflowing", r, "array of 2305843009213693952 f64 elements cannot fit");
  r = good, r.kvs.push_back(kv_pair("general.architecture", 8, gstr("llama")));
  add("duplicate key", r, "duplicate key 'general.architecture'");
  r = good, r.kvs[1] = kv_pair("general.alignment", 4, le32(0));
  add("alignment 0", r, "general.alignment is 0, expected a nonzero power of two");
  r = good, r.kvs[1] = kv_pair("general.alignment", 4, le32(3));
  add("alignment 3", r, "general.alignment is 3, expected a nonzero power of two");
  r = good, r.kvs[1] = kv_pair("general.alignment", 10, le64(32));
  add("alignment not u32", r, "general.alignment has kv type u64, expected u32");
  r = good, r.tensors[0].ne = {};
  add("n_dims 0", r, "tensor 'w' has n_dims 0, expected 1..4");
  r = good, r.tensors[0].ne = {128, 1, 1, 1, 1};
  add("n_dims 5", r, "tensor 'w' has n_dims 5, expected 1..4");
  r = good, r.tensors[0].ne = {128, 0};
  add("ne 0", r, "tensor 'w' has ne[1] = 0");
  r = good, r.tensors[0].ne = {1ull << 40, 1ull << 40};
  add("ne product overflow", r, "element count overflows");
  r = good, r.tensors[0].offset = 16;
  add("offset misaligned", r, "data offset 16, not a multiple of the alignment 32");
  r = good, r.tensors[0].offset = 1ull << 20;
  add("offset past end", r, "tensor 'w' (I2_S 128x1, 64 bytes at data offset 1048576) runs past");
  r = good, r.tensors[0].offset = ~0ull << 5;
  add("offset near 2^64", r, "runs past the end of the file");
  r = good, r.data.pop_back();
  add("data truncated", r, "runs past the end of the file");
  r = good, r.tensors[0].ne = {128, 2};
  add("shape larger than data", r, "runs past the end of the file");
  r = good, r.tensors.push_back(r.tensors[0]);
  add("duplicate tensor names", r, "duplicate tensor name 'w'");
  r = good, r.tensors[0].type = kGgmlTypeF32;
  r.data += std::string(512, '\0');
  add("type F32", r, "tensor 'w' has ggml type 0 (F32), not I2_S (36)", true);
  r = good, r.tensors[0].type = kGgmlTypeTL1;
  add("type TL1", r,
      "at byte 103: tensor 'w' has ggml type 38 (TL1), which this reader cannot size, so its "
      "extent in the file cannot be checked: TL1 (38) and TL2 (39) are bitnet.cpp's");
  r = good, r.tensors[0].type = kGgmlTypeTL2;
  add("type TL2", r, "tensor 'w' has ggml type 39 (TL2), which this reader cannot size");
  r = good, r.tensors[0].type = 37;
  add("type I8_S", r, "tensor 'w' has ggml type 37 (I8_S), which this reader cannot size");
  r = good, r.tensors[0].type = 4;
  add("type Q4_2", r,
      "ggml type 4 (Q4_2), which this reader cannot size, so its extent in the "
      "file cannot be checked (removed from ggml before GGUF existed)");
  r = good, r.tensors[0].type = 40;
  add("type 40", r, "tensor 'w' has unknown ggml type 40 (this reader knows ids 0..39");
  r = good, r.tensors[0].type = 0xffffffffu;
  add("type 2^32 - 1", r, "tensor 'w' has unknown ggml type 4294967295");
  // Q8_0 blocks hold 32 weights in 34 bytes: 128 x 1 is 136 bytes, and the file has 64.
  r = good, r.tensors[0].type = 8;
  add("Q8_0 cut", r, "tensor 'w' (Q8_0 128x1, 136 bytes at data offset 0) runs past the end");
  // Q6_K blocks hold 256 weights in 210 bytes.
  r = good, r.tensors[0].type = 14, r.tensors[0].ne = {256, 1};
  add("Q6_K cut", r, "tensor 'w' (Q6_K 256x1, 210 bytes at data offset 0) runs past the end");
  r = good, r.tensors[0].type = 8, r.tensors[0].ne = {48, 1};
  add("ne0 not a multiple of the block", r,
      "tensor 'w' has ne[0] = 48, not a multiple of the 32-element blocks of its ggml type 8 "
      "(Q8_0)");
  r = good, r.tensors[0].name = std::string(65, 'n');
  add("tensor name of 65 bytes", r,
      "name of tensor 0 is 65 bytes long, longer than the 64 bytes GGUF allows");
  r = good, r.kvs.push_back(kv_pair(std::string(65536, 'k'), 4, le32(1)));
  add("key of 65536 bytes", r,
      "key of kv pair 2 is 65536 bytes long, longer than the 65535 bytes GGUF allows");
  r = good, r.tensors[0].ne = {64, 2};
  add("K not a multiple of 128", r, "K = ne0 = 64 (N = 2), not a multiple of 128", true);
  r = good, r.tensors[0].ne = {128, 1, 1};
  add("three dimensions", r, "has 3 dimensions (128x1x1), expected 2", true);
  r = good, r.data[9] = '\x57';  // 01 01 01 11: code 3 for weight 96 + 9
  add("code 3", r,
      "weight (row 0, column 105) has the unused code 3 (bits 1:0 of data byte 9 of the tensor",
      true);
  r = good, r.data = i2s_zero_block(std::numeric_limits<float>::quiet_NaN());
  add("alpha NaN", r, "has a non-finite alpha nan", true);
  r = good, r.data = i2s_zero_block(-std::numeric_limits<float>::infinity());
  add("alpha -inf", r, "has a non-finite alpha -inf", true);
  return cases;
}

TEST(Gguf, MalformedFilesAreRefusedNamingTheProblem) {
  ASSERT_EQ(parse_error(one_tensor_file().bytes()), "(no std::invalid_argument thrown)");
  for (const Malformed& c : malformed_files()) {
    SCOPED_TRACE(c.label);
    if (c.at_decode) {
      EXPECT_EQ(parse_error(c.bytes), "(no std::invalid_argument thrown)");
    }
    const std::string message = c.at_decode ? i2s_error(c.bytes) : parse_error(c.bytes);
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    EXPECT_EQ(message.rfind("bad.gguf: ", 0), 0u) << message;
  }
}

TEST(Gguf, TensorNotFoundListsAvailableNames) {
  std::vector<GgufWriteTensor> tensors;
  for (int i = 0; i < 10; ++i) {
    tensors.push_back(
        {fmt::format("blk.{}.ffn_up.weight", i), 1, 128, std::vector<std::int8_t>(128), 1.0f});
  }
  const GgufFile f = GgufFile::parse(gguf_i2s_bytes(tensors), "model.gguf");
  const std::string message = error_of([&] { f.i2s("blk.0.ffn_gate.weight"); });
  EXPECT_NE(message.find("model.gguf: no tensor named 'blk.0.ffn_gate.weight'; the file has 10 "
                         "tensor(s): blk.0.ffn_up.weight, blk.1.ffn_up.weight"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("... (2 more)"), std::string::npos) << message;
  EXPECT_FALSE(f.has_tensor("blk.0.ffn_gate.weight"));
  EXPECT_TRUE(f.has_tensor("blk.9.ffn_up.weight"));
}

// The limits are inclusive: a 64-byte tensor name and a 65535-byte key are read.
TEST(Gguf, NamesAndKeysUpToTheLimitsAreRead) {
  RawGguf raw = one_tensor_file();
  raw.tensors[0].name = std::string(64, 'n');
  raw.kvs.push_back(kv_pair(std::string(65535, 'k'), 4, le32(7)));
  const GgufFile f = GgufFile::parse(raw.bytes(), "long.gguf");
  EXPECT_TRUE(f.has_tensor(std::string(64, 'n')));
  EXPECT_EQ(f.uint_value(std::string(65535, 'k')), 7u);
}

// Counts past the limits, in files long enough that the counts would otherwise fit.
TEST(Gguf, CountsPastTheLimitsAreRefused) {
  RawGguf raw = one_tensor_file();
  raw.tensor_count = (1u << 20) + 1;
  raw.data += std::string(((1u << 20) + 1) * 32, '\0');
  EXPECT_NE(parse_error(raw.bytes())
                .find("at byte 8: tensor count 1048577 is past this reader's limit of 1048576"),
            std::string::npos);
  raw = one_tensor_file();
  raw.kv_count = (1u << 16) + 1;
  raw.data += std::string(((1u << 16) + 1) * 13, '\0');
  EXPECT_NE(parse_error(raw.bytes())
                .find("at byte 16: kv count 65537 is past this reader's limit of 65536"),
            std::string::npos);
}

TEST(Gguf, OpenNamesAMissingFile) {
  EXPECT_NE(error_of([] {
              GgufFile::open("/nonexistent/model.gguf");
            }).find("/nonexistent/model.gguf: cannot open"),
            std::string::npos);
}

// Every proper prefix of a valid file is refused with std::invalid_argument: no crash, no other
// exception, no file accepted with part of its data missing. The files' last tensors end on the
// alignment, so no prefix is a complete file with its trailing padding cut.
TEST(Gguf, EveryTruncationIsRefused) {
  std::vector<std::string> files = {
      gguf_i2s_bytes({{"a", 1, 128, std::vector<std::int8_t>(128, 1), 1.0f},
                      {"b", 3, 128, std::vector<std::int8_t>(384, -1), 0.5f}}),
  };
  const std::string corpus =
      source_dir() + "testbench/fuzz/corpus/gguf/valid_two_tensors_full_kv.gguf";
  if (fs::exists(corpus)) files.push_back(read_file(corpus));
  for (const std::string& file : files) {
    const GgufFile whole = GgufFile::parse(file, "whole.gguf");
    for (const GgufTensorInfo& t : whole.tensors()) whole.i2s(t.name);
    for (std::size_t size = 0; size < file.size(); ++size) {
      EXPECT_NE(parse_error(file.substr(0, size)), "(no std::invalid_argument thrown)")
          << "prefix of " << size << " of " << file.size() << " bytes";
    }
  }
}

// Random byte corruption of a valid file: every result either parses and decodes or is refused
// with std::invalid_argument (a short fuzz run inside the unit tests; libFuzzer goes further).
TEST(Gguf, RandomCorruptionIsRefusedOrDecoded) {
  const std::uint64_t seed = 777;
  std::mt19937_64 rng(seed);
  std::vector<GgufWriteTensor> tensors = {{"a", 2, 128, random_weights(rng, 256), 0.5f},
                                          {"b", 1, 256, random_weights(rng, 256), 2.0f}};
  const std::string base = gguf_i2s_bytes(tensors, 64);
  int refused = 0, decoded = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string file = base;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      file[rng() % file.size()] = static_cast<char>(rng() % 256);
    }
    try {
      const GgufFile f = GgufFile::parse(file, "mutant.gguf");
      for (const GgufTensorInfo& t : f.tensors()) f.i2s(t.name);
      ++decoded;
    } catch (const std::invalid_argument&) {
      ++refused;
    }
  }
  RecordProperty("seed", std::to_string(seed));
  std::printf("seed %llu: %d refused, %d decoded\n", static_cast<unsigned long long>(seed), refused,
              decoded);
  EXPECT_GT(refused, 0);
  EXPECT_GT(decoded, 0);
}

// ---- Every ggml type is sized, and every tensor must lie inside the file. ----

// ggml's block structs (ggml-common.h, QK_K = 256), field by field; ggml asserts that none has
// padding, so sizeof here is ggml's block size, derived independently of the reader's table.
namespace ggml_blocks {
using half = std::uint16_t;
constexpr int kQkK = 256;
struct Q4_0 {
  half d;
  std::uint8_t qs[16];
};
struct Q4_1 {
  half d, m;
  std::uint8_t qs[16];
};
struct Q5_0 {
  half d;
  std::uint8_t qh[4];
  std::uint8_t qs[16];
};
struct Q5_1 {
  half d, m;
  std::uint8_t qh[4];
  std::uint8_t qs[16];
};
struct Q8_0 {
  half d;
  std::int8_t qs[32];
};
struct Q8_1 {
  half d, s;
  std::int8_t qs[32];
};
struct Q2_K {
  std::uint8_t scales[kQkK / 16];
  std::uint8_t qs[kQkK / 4];
  half d, dmin;
};
struct Q3_K {
  std::uint8_t hmask[kQkK / 8];
  std::uint8_t qs[kQkK / 4];
  std::uint8_t scales[12];
  half d;
};
struct Q4_K {
  half d, dmin;
  std::uint8_t scales[12];
  std::uint8_t qs[kQkK / 2];
};
struct Q5_K {
  half d, dmin;
  std::uint8_t scales[12];
  std::uint8_t qh[kQkK / 8];
  std::uint8_t qs[kQkK / 2];
};
struct Q6_K {
  std::uint8_t ql[kQkK / 2];
  std::uint8_t qh[kQkK / 4];
  std::int8_t scales[kQkK / 16];
  half d;
};
struct Q8_K {
  float d;
  std::int8_t qs[kQkK];
  std::int16_t bsums[kQkK / 16];
};
struct IQ2_XXS {
  half d;
  std::uint16_t qs[kQkK / 8];
};
struct IQ2_XS {
  half d;
  std::uint16_t qs[kQkK / 8];
  std::uint8_t scales[kQkK / 32];
};
struct IQ3_XXS {
  half d;
  std::uint8_t qs[3 * kQkK / 8];
};
struct IQ1_S {
  half d;
  std::uint8_t qs[kQkK / 8];
  std::uint16_t qh[kQkK / 32];
};
struct IQ4_NL {
  half d;
  std::uint8_t qs[16];
};
struct IQ3_S {
  half d;
  std::uint8_t qs[kQkK / 4];
  std::uint8_t qh[kQkK / 32];
  std::uint8_t signs[kQkK / 8];
  std::uint8_t scales[kQkK / 64];
};
struct IQ2_S {
  half d;
  std::uint8_t qs[kQkK / 4];
  std::uint8_t qh[kQkK / 32];
  std::uint8_t scales[kQkK / 32];
};
struct IQ4_XS {
  half d;
  std::uint16_t scales_h;
  std::uint8_t scales_l[kQkK / 64];
  std::uint8_t qs[kQkK / 2];
};
struct IQ1_M {
  std::uint8_t qs[kQkK / 8];
  std::uint8_t qh[kQkK / 16];
  std::uint8_t scales[kQkK / 32];
};
struct TQ1_0 {
  std::uint8_t qs[(kQkK - 4 * kQkK / 64) / 5];
  std::uint8_t qh[kQkK / 64];
  half d;
};
struct TQ2_0 {
  std::uint8_t qs[kQkK / 4];
  half d;
};
}  // namespace ggml_blocks

struct TypeSize {
  std::uint32_t id;
  const char* name;
  std::uint64_t block, bytes;
};

std::vector<TypeSize> expected_type_sizes() {
  namespace b = ggml_blocks;
  return {{0, "F32", 1, sizeof(float)},
          {1, "F16", 1, sizeof(b::half)},
          {2, "Q4_0", 32, sizeof(b::Q4_0)},
          {3, "Q4_1", 32, sizeof(b::Q4_1)},
          {6, "Q5_0", 32, sizeof(b::Q5_0)},
          {7, "Q5_1", 32, sizeof(b::Q5_1)},
          {8, "Q8_0", 32, sizeof(b::Q8_0)},
          {9, "Q8_1", 32, sizeof(b::Q8_1)},
          {10, "Q2_K", 256, sizeof(b::Q2_K)},
          {11, "Q3_K", 256, sizeof(b::Q3_K)},
          {12, "Q4_K", 256, sizeof(b::Q4_K)},
          {13, "Q5_K", 256, sizeof(b::Q5_K)},
          {14, "Q6_K", 256, sizeof(b::Q6_K)},
          {15, "Q8_K", 256, sizeof(b::Q8_K)},
          {16, "IQ2_XXS", 256, sizeof(b::IQ2_XXS)},
          {17, "IQ2_XS", 256, sizeof(b::IQ2_XS)},
          {18, "IQ3_XXS", 256, sizeof(b::IQ3_XXS)},
          {19, "IQ1_S", 256, sizeof(b::IQ1_S)},
          {20, "IQ4_NL", 32, sizeof(b::IQ4_NL)},
          {21, "IQ3_S", 256, sizeof(b::IQ3_S)},
          {22, "IQ2_S", 256, sizeof(b::IQ2_S)},
          {23, "IQ4_XS", 256, sizeof(b::IQ4_XS)},
          {24, "I8", 1, 1},
          {25, "I16", 1, 2},
          {26, "I32", 1, 4},
          {27, "I64", 1, 8},
          {28, "F64", 1, sizeof(double)},
          {29, "IQ1_M", 256, sizeof(b::IQ1_M)},
          {30, "BF16", 1, 2},
          {31, "Q4_0_4_4", 32, sizeof(b::Q4_0)},
          {32, "Q4_0_4_8", 32, sizeof(b::Q4_0)},
          {33, "Q4_0_8_8", 32, sizeof(b::Q4_0)},
          {34, "TQ1_0", 256, sizeof(b::TQ1_0)},
          {35, "TQ2_0", 256, sizeof(b::TQ2_0)}};
}

TEST(Gguf, EveryGgmlTypeIsSizedLikeItsBlockStruct) {
  const std::vector<TypeSize> types = expected_type_sizes();
  for (const TypeSize& t : types) {
    SCOPED_TRACE(t.name);
    EXPECT_EQ(ggml_type_name(t.id), t.name);
    const std::optional<GgmlBlockSize> size = ggml_block_size(t.id);
    ASSERT_TRUE(size.has_value());
    EXPECT_EQ(size->elements, t.block);
    EXPECT_EQ(size->bytes, t.bytes);
    // 3 blocks per row, 2 rows, 2 planes: 12 blocks.
    EXPECT_EQ(ggml_tensor_bytes(t.id, {3 * t.block, 2, 2}, "x"), 12 * t.bytes);
    if (t.block > 1) {
      EXPECT_NE(error_of([&] {
                  ggml_tensor_bytes(t.id, {t.block + 1, 1}, "x");
                })
                    .find(fmt::format("tensor 'x' has ne[0] = {}, not a multiple of the {}-element "
                                      "blocks of its ggml type {} ({})",
                                      t.block + 1, t.block, t.id, t.name)),
                std::string::npos);
    }
  }
  // I2_S: its own rule, N x K / 4 + 32, and no block size.
  EXPECT_FALSE(ggml_block_size(kGgmlTypeI2S).has_value());
  EXPECT_EQ(ggml_tensor_bytes(kGgmlTypeI2S, {256, 3}, "w"), 256u * 3 / 4 + 32);
  // Refused, naming the tensor and the type id: removed, unsizable and unknown types.
  for (std::uint32_t id : {4u, 5u, 37u, 38u, 39u, 40u, 1000u, 0xffffffffu}) {
    SCOPED_TRACE(id);
    EXPECT_FALSE(ggml_block_size(id).has_value());
    const std::string message = error_of([&] { ggml_tensor_bytes(id, {256, 1}, "blk.0.x"); });
    EXPECT_EQ(message.rfind("tensor 'blk.0.x' has ", 0), 0u) << message;
    EXPECT_NE(message.find(fmt::format("ggml type {}", id)), std::string::npos) << message;
  }
  // Sizes past 2^64 bytes are refused, not wrapped: 2^62 I64 elements are 2^65 bytes.
  EXPECT_NE(error_of([] {
              ggml_tensor_bytes(27, {1ull << 31, 1ull << 31}, "big");
            }).find("past 2^64 bytes"),
            std::string::npos);
  EXPECT_EQ(ggml_tensor_bytes(24, {1ull << 31, 1ull << 31}, "big"), 1ull << 62);
}

// A file of one tensor of each sized type: parsed, every tensor's data exactly where the file puts
// it; with the last byte of any tensor's data missing, refused naming that tensor.
TEST(Gguf, EveryTensorMustLieInsideTheFile) {
  for (const TypeSize& t : expected_type_sizes()) {
    SCOPED_TRACE(t.name);
    RawGguf raw = one_tensor_file();
    raw.tensors[0].type = t.id;
    raw.tensors[0].ne = {2 * t.block, 3};
    raw.data = std::string(6 * t.bytes, '\x11');
    const GgufFile f = GgufFile::parse(raw.bytes(), "types.gguf");
    EXPECT_EQ(f.tensor("w").bytes, 6 * t.bytes);
    EXPECT_EQ(f.tensor_data("w"), raw.data);
    raw.data.pop_back();
    EXPECT_NE(
        parse_error(raw.bytes())
            .find(fmt::format(
                "tensor 'w' ({} {}x3, {} bytes at data offset 0) runs past the end of the file",
                t.name, 2 * t.block, 6 * t.bytes)),
        std::string::npos);
  }
}

TEST(Gguf, EveryTypeIsSizedLikeMakeGgufPy) {
  REQUIRE_MAKE_GGUF();
  TempDir dir;
  std::string log;
  ASSERT_TRUE(
      run_make_gguf(fmt::format("--every-type --seed 5 --out '{}'", dir / "types.gguf"), dir, &log))
      << log;
  const GgufFile f = GgufFile::open(dir / "types.gguf");
  const GgufKv* sizes = f.kv("ternac.generator.tensor_bytes");
  ASSERT_NE(sizes, nullptr);
  ASSERT_EQ(f.tensors().size(), expected_type_sizes().size());
  ASSERT_EQ(sizes->array_count, f.tensors().size());
  const std::string file = read_file(dir / "types.gguf");
  for (std::size_t i = 0; i < f.tensors().size(); ++i) {
    const GgufTensorInfo& t = f.tensors()[i];
    SCOPED_TRACE(t.name);
    EXPECT_EQ(t.type, expected_type_sizes()[i].id);
    std::uint64_t python_bytes = 0;
    for (int b = 0; b < 8; ++b) {
      python_bytes |=
          std::uint64_t{static_cast<unsigned char>(file[sizes->value_offset + 8 * i + b])}
          << (8 * b);
    }
    EXPECT_EQ(t.bytes, python_bytes);
  }
  // Cut inside the last tensor's data by one byte, it is refused by name.
  const GgufTensorInfo& last = f.tensors().back();
  const std::uint64_t end = f.data_start() + last.offset + last.bytes;
  ASSERT_LE(end, file.size());
  EXPECT_NE(parse_error(file.substr(0, end - 1))
                .find(fmt::format("tensor '{}' ({}", last.name, ggml_type_name(last.type))),
            std::string::npos);
}

// ---- Opening a file: mapped, the same answers as parsing its bytes. ----

TEST(Gguf, OpenAndParseAgreeOnEveryCorpusFile) {
  const std::string corpus = source_dir() + "testbench/fuzz/corpus/gguf";
  ASSERT_TRUE(fs::is_directory(corpus)) << corpus;
  int files = 0;
  for (const auto& e : fs::directory_iterator(corpus)) {
    const std::string path = e.path().string();
    SCOPED_TRACE(path);
    const std::string bytes = read_file(path);
    std::string opened, parsed, borrowed;
    const auto describe = [&](const GgufFile& f) {
      std::string d = fmt::format("v{} align {} data {} keys {}:", f.version(), f.alignment(),
                                  f.data_start(), f.keys().size());
      for (const GgufTensorInfo& t : f.tensors()) {
        d += fmt::format(" {} {} {} {} {};", t.name, t.type, t.offset, t.bytes,
                         std::hash<std::string_view>()(f.tensor_data(t.name)));
        d += error_of([&] { f.i2s(t.name); });
      }
      return d;
    };
    // Errors start with the path or "what"; compare what follows.
    const auto strip = [](const std::string& message, const std::string& prefix) {
      return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
    };
    try {
      opened = describe(GgufFile::open(path));
    } catch (const std::invalid_argument& e) {
      opened = strip(e.what(), path);
    }
    try {
      parsed = describe(GgufFile::parse(bytes, path));
    } catch (const std::invalid_argument& e) {
      parsed = strip(e.what(), path);
    }
    try {
      borrowed = describe(GgufFile::parse_borrowed(bytes, path));
    } catch (const std::invalid_argument& e) {
      borrowed = strip(e.what(), path);
    }
    EXPECT_EQ(opened, parsed);
    EXPECT_EQ(borrowed, parsed);
    ++files;
  }
  EXPECT_GE(files, 40);
}

TEST(Gguf, CopiesShareTheMappedFile) {
  TempDir dir;
  const std::string path = dir / "m.gguf";
  std::ofstream(path, std::ios::binary) << one_tensor_file().bytes();
  std::optional<GgufFile> copy;
  {
    const GgufFile f = GgufFile::open(path);
    copy = f;
  }
  fs::remove(path);  // the mapping outlives the name, and the first GgufFile
  EXPECT_EQ(copy->i2s("w").codes, std::vector<std::uint8_t>(128, kZ));
  EXPECT_EQ(copy->string_value("general.architecture"), "bitnet");
}

// ---- Peak memory: a reader reads what it needs, not the whole file (docs/robustness.md). ----

constexpr std::uint64_t kMiB = 1 << 20;

// A field of /proc/self/status in bytes ("VmRSS:", "VmHWM:"), or 0 when absent.
std::uint64_t status_bytes(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) {
      std::istringstream value(line.substr(field.size()));
      std::uint64_t kb = 0;
      value >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

// How far this process's peak resident memory rose, while f ran, above what was resident when it
// started: the kernel's high-water mark (VmHWM) is reset to the resident size first, by writing 5
// to /proc/self/clear_refs (Linux 4.0 and later); std::nullopt where that does not work.
std::optional<std::uint64_t> peak_growth(const std::function<void()>& f) {
  {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5" << std::flush;
    if (!clear) return std::nullopt;
  }
  const std::uint64_t start = status_bytes("VmHWM:");
  if (start == 0 || start > status_bytes("VmRSS:") + kMiB) return std::nullopt;  // not reset
  f();
  return status_bytes("VmHWM:") - start;
}

#define MEASURE_PEAK_GROWTH(var, body)                                             \
  const std::optional<std::uint64_t> var##_measured = peak_growth([&] body);       \
  if (!var##_measured)                                                             \
    GTEST_SKIP() << "cannot reset the peak resident size (/proc/self/clear_refs)"; \
  const std::uint64_t var = *var##_measured

// Removes a file at the end of the scope, failed test or not: the sparse files below claim 3 GiB.
class RemoveAtExit {
 public:
  explicit RemoveAtExit(std::string path) : path_(std::move(path)) {}
  ~RemoveAtExit() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  RemoveAtExit(const RemoveAtExit&) = delete;
  RemoveAtExit& operator=(const RemoveAtExit&) = delete;

 private:
  std::string path_;
};

// Writes `head` at the start of `path` and `tail` so that it ends at byte `size`, with nothing in
// between: a sparse file, which takes no disk space for the hole.
void write_sparse(const std::string& path, const std::string& head, const std::string& tail,
                  std::uint64_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << head;
  out.seekp(static_cast<std::streamoff>(size - tail.size()));
  out << tail;
  out.close();
  ASSERT_TRUE(out) << "cannot write " << path;
  ASSERT_EQ(fs::file_size(path), size);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  std::printf("%s: %llu bytes, %llu on disk\n", path.c_str(), static_cast<unsigned long long>(size),
              static_cast<unsigned long long>(st.st_blocks) * 512);
}

// The 3 GiB tensor of the file below: 196608 x 65536 I2_S weights, 3 GiB + 32 bytes of data.
constexpr std::uint32_t kBigN = 196608, kBigK = 65536;

// One small tensor decoded out of a 3 GiB GGUF file (its data after a 3 GiB tensor left as a hole)
// must cost about its own size: the decoded codes plus its packed bytes read through the map. The
// target is 100 MiB above that; the test holds the reader to 16 MiB (the allocator, the page
// tables of the map, transparent huge pages and sanitizers' shadow memory take some). Reading the
// whole file, as the reader did before, costs 3 GiB.
TEST(ReaderPeakMemory, OneTensorOfA3GiBGgufFileCostsAboutItsOwnSize) {
  const std::uint64_t seed = 31337;
  std::printf("seed %llu\n", static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  const std::uint32_t n = 2048, k = 2048;
  GgufWriteTensor small{"blk.0.attn_k.weight", n, k, random_weights(rng, std::size_t{n} * k),
                        0.375f};
  const std::string packed(
      GgufFile::parse(gguf_i2s_bytes({small}), "small").tensor_data(small.name));
  const std::vector<std::uint8_t> expected = codes_of(small.weights);

  RawGguf raw;
  raw.kvs = {kv_pair("general.architecture", 8, gstr("bitnet")),
             kv_pair("general.alignment", 4, le32(32))};
  const std::uint64_t big_bytes = std::uint64_t{kBigN} * kBigK / 4 + 32;
  const std::uint64_t small_offset = (big_bytes + 31) / 32 * 32;
  raw.tensors = {{"blk.0.ffn_up.weight", {kBigK, kBigN}, kGgmlTypeI2S, 0},
                 {small.name, {k, n}, kGgmlTypeI2S, small_offset}};
  const std::string header = raw.bytes();  // padded to the data section
  const std::uint64_t size = header.size() + small_offset + packed.size();
  ASSERT_GT(size, 3ull << 30);

  TempDir dir;
  const std::string path = dir / "big.gguf";
  const RemoveAtExit remove(path);
  write_sparse(path, header, packed, size);

  const auto start = std::chrono::steady_clock::now();
  MEASURE_PEAK_GROWTH(growth, {
    const GgufFile f = GgufFile::open(path);
    const TernaryTensorData t = f.i2s(small.name);
    EXPECT_EQ(t.codes, expected);
    EXPECT_EQ(t.alpha, small.alpha);
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::uint64_t own = expected.size() + packed.size();
  std::printf(
      "opened and decoded in %.3f s; peak resident growth %.2f MiB; the tensor's own size "
      "(%u x %u codes + %zu packed bytes) %.2f MiB\n",
      seconds, growth / double(kMiB), n, k, packed.size(), own / double(kMiB));
  EXPECT_LE(growth, own + 100 * kMiB);
  EXPECT_LE(growth, own + 16 * kMiB);
}

// A file that is not GGUF is refused after its first 4 bytes, however large it is.
TEST(ReaderPeakMemory, GgufMagicIsCheckedBeforeTheFileIsRead) {
  TempDir dir;
  const std::string path = dir / "model.bin";
  const RemoveAtExit remove(path);
  write_sparse(path, "GGML", "end", 3ull << 30);
  std::string message;
  MEASURE_PEAK_GROWTH(growth, { message = error_of([&] { GgufFile::open(path); }); });
  EXPECT_NE(message.find(path + ": not a GGUF file: magic is 'GGML'"), std::string::npos)
      << message;
  std::printf("peak resident growth: %.1f MiB\n", growth / double(kMiB));
  EXPECT_LE(growth, 16 * kMiB);
}

// An .npz (a zip file) given where a .npy is expected: refused after its first 6 bytes.
TEST(ReaderPeakMemory, NpyMagicIsCheckedBeforeTheFileIsRead) {
  TempDir dir;
  const std::string path = dir / "x.npz";
  const RemoveAtExit remove(path);
  write_sparse(path, std::string("PK\x03\x04", 4), "end", 3ull << 30);
  std::string message;
  MEASURE_PEAK_GROWTH(growth, { message = error_of([&] { read_npy(path); }); });
  EXPECT_NE(message.find(path + ": not a .npy file: bad magic"), std::string::npos) << message;
  std::printf("peak resident growth: %.1f MiB\n", growth / double(kMiB));
  EXPECT_LE(growth, 16 * kMiB);
}

// read_npy holds an array's data once (it read the whole file, then copied the data: twice).
TEST(ReaderPeakMemory, NpyDataIsHeldOnce) {
  TempDir dir;
  const std::string path = dir / "acts.npy";
  const RemoveAtExit remove(path);
  const std::uint64_t elements = 64 * kMiB;  // f4: 256 MiB, all zeros (a hole)
  // A version 1.0 header as numpy writes it, padded so that the data starts at a multiple of 64.
  std::string dict =
      fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({},), }}", elements);
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  const std::string header = std::string("\x93NUMPY\x01\x00", 8) +
                             static_cast<char>(dict.size() & 0xff) +
                             static_cast<char>(dict.size() >> 8) + dict;
  write_sparse(path, header, std::string(4, '\0'), header.size() + 4 * elements);
  NpyArray a;
  MEASURE_PEAK_GROWTH(growth, { a = read_npy(path); });
  EXPECT_EQ(a.shape, std::vector<std::uint64_t>{elements});
  EXPECT_EQ(a.data.size(), 4 * elements);
  std::printf("peak resident growth: %.1f MiB for %.1f MiB of data\n", growth / double(kMiB),
              a.data.size() / double(kMiB));
  EXPECT_LE(growth, a.data.size() + 32 * kMiB);
}

}  // namespace
}  // namespace ternac
