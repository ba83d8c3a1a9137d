// .npy reader and writer: round trips of every dtype, files written by numpy itself (generated
// here with /usr/bin/python3; those tests are skipped when it has no numpy), files written here
// and checked by numpy, and hand-made malformed files, each refused with a message that names the
// problem.
#include "ternac/model/io/npy.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "ternac/model/base/test_support.h"
#include "ternac/model/core/trit.h"

namespace ternac {
namespace {

namespace fs = std::filesystem;
using test::expect_error;
using test::TempDir;

const char* const kPython = "/usr/bin/python3";

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool python_has_numpy() {
  return std::system((std::string(kPython) + " -c 'import numpy' >/dev/null 2>&1").c_str()) == 0;
}

// Runs a Python program (with numpy imported as np) in `dir`; returns its exit status, output in
// *log.
int run_python(const TempDir& dir, const std::string& program, std::string* log) {
  const std::string py = dir.file("prog.py");
  std::ofstream(py) << "import numpy as np\n" << program;
  // Relative file names in the program are in `dir`.
  const std::string cmd =
      "cd '" + fs::path(py).parent_path().string() + "' && " + kPython + " prog.py >py.log 2>&1";
  const int rc = std::system(cmd.c_str());
  *log = slurp(dir.file("py.log"));
  return rc;
}

// A .npy file by hand: preamble of `major`, the header text as given (padded with spaces and '\n'
// to 64 bytes when `pad`), then the data.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1,
                      bool pad = true) {
  const std::size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  if (pad) {
    while ((preamble + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
  }
  std::string out("\x93NUMPY", 6);
  out.push_back(static_cast<char>(major));
  out.push_back('\0');
  for (std::size_t i = 0; i < preamble - 8; ++i) {
    out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  }
  return out + header + data;
}

std::string f4_dict(const std::string& shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
}

std::string le32(std::uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

std::uint32_t bits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

TEST(Npy, RawRoundTripOfEveryDtype) {
  TempDir dir;
  struct Case {
    const char* dtype;
    std::size_t size;
  };
  const Case cases[] = {{"i1", 1}, {"u1", 1}, {"i2", 2}, {"u2", 2}, {"i4", 4},
                        {"u4", 4}, {"i8", 8}, {"u8", 8}, {"f4", 4}, {"f8", 8}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dtype);
    // Shape 2 x 3 of arbitrary bytes: the reader must hand back exactly what was written.
    std::vector<std::uint8_t> data(6 * c.size);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
    const std::string path = dir.file(std::string(c.dtype) + ".npy");
    write_npy(path, c.dtype, {2, 3}, data.data(), data.size());
    const std::string bytes = slurp(path);
    EXPECT_EQ(bytes.size() % 64, data.size() % 64);
    EXPECT_EQ((bytes.size() - data.size()) % 64, 0u) << "data must start 64-byte aligned";
    EXPECT_EQ(bytes[bytes.size() - data.size() - 1], '\n');
    EXPECT_EQ(bytes[6], '\x01');
    const NpyArray a = read_npy(path);
    EXPECT_EQ(a.dtype, c.dtype);
    EXPECT_EQ(a.shape, (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(a.elements(), 6u);
    EXPECT_EQ(a.item_size(), c.size);
    EXPECT_EQ(a.data, data);
  }
}

TEST(Npy, TypedRoundTrips) {
  TempDir dir;
  const std::vector<float> f = {0.0f,
                                -0.0f,
                                1.5f,
                                -3.25e-39f,  // subnormal
                                std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::infinity(),
                                std::numeric_limits<float>::quiet_NaN()};
  write_npy(dir.file("f.npy"), {7}, f);
  const std::vector<float> f2 = npy_to_float(read_npy(dir.file("f.npy")), "f.npy");
  ASSERT_EQ(f2.size(), f.size());
  for (std::size_t i = 0; i < f.size(); ++i) EXPECT_EQ(bits(f2[i]), bits(f[i])) << i;

  const std::vector<std::int8_t> i8 = {-128, -1, 0, 1, 127, 5};
  write_npy(dir.file("i1.npy"), {2, 3}, i8);
  EXPECT_EQ(npy_to_int8(read_npy(dir.file("i1.npy")), "i1.npy"), i8);

  const std::vector<std::int32_t> i32 = {-2147483647 - 1, -1, 0, 16777216, 2147483647, 7};
  write_npy(dir.file("i4.npy"), {3, 1, 2}, i32);
  const NpyArray a32 = read_npy(dir.file("i4.npy"));
  EXPECT_EQ(a32.dtype, "i4");
  EXPECT_EQ(a32.shape, (std::vector<std::uint64_t>{3, 1, 2}));
  EXPECT_EQ(
      npy_to_float(NpyArray{a32.dtype, {2}, {a32.data.begin() + 8, a32.data.begin() + 16}}, "x"),
      (std::vector<float>{0.0f, 16777216.0f}));

  const std::vector<std::int64_t> i64 = {std::numeric_limits<std::int64_t>::min(), -1, 0, 1,
                                         std::numeric_limits<std::int64_t>::max()};
  write_npy(dir.file("i8.npy"), {5}, i64);
  const NpyArray a64 = read_npy(dir.file("i8.npy"));
  ASSERT_EQ(a64.data.size(), 40u);
  for (std::size_t i = 0; i < i64.size(); ++i) {
    std::int64_t v;
    std::memcpy(&v, &a64.data[8 * i], 8);  // the test host is little-endian
    EXPECT_EQ(v, i64[i]);
  }

  // 0-d and empty arrays.
  write_npy(dir.file("scalar.npy"), {}, std::vector<float>{2.5f});
  const NpyArray s = read_npy(dir.file("scalar.npy"));
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.elements(), 1u);
  EXPECT_EQ(npy_to_float(s, "scalar.npy"), std::vector<float>{2.5f});
  write_npy(dir.file("empty.npy"), {0, 3}, std::vector<std::int8_t>{});
  const NpyArray e = read_npy(dir.file("empty.npy"));
  EXPECT_EQ(e.shape, (std::vector<std::uint64_t>{0, 3}));
  EXPECT_EQ(e.elements(), 0u);
  EXPECT_TRUE(npy_to_trit_codes(e, "empty.npy").empty());
}

TEST(Npy, WriterRefusesBadArguments) {
  TempDir dir;
  const std::vector<std::uint8_t> d(8);
  expect_error([&] { write_npy(dir.file("x.npy"), "c8", {1}, d.data(), 8); }, {"x.npy", "'c8'"});
  expect_error([&] { write_npy(dir.file("x.npy"), "f4", {3}, d.data(), 8); },
               {"x.npy", "8 data bytes", "(3,)"});
  expect_error(
      [&] {
        write_npy(dir.file("x.npy"), {2, 2}, std::vector<float>{1.0f});
      },
      {"1 values", "(2, 2)"});
  const std::string bad = dir.file("no/such/dir/x.npy");
  expect_error([&] { write_npy(bad, {1}, std::vector<float>{1.0f}); },
               {bad + ": cannot write", "cannot create a temporary file", "No such file"});
  expect_error([&] { read_npy(dir.file("missing.npy")); },
               {"missing.npy: cannot open for reading", "No such file"});
}

TEST(Npy, HeaderVariantsAccepted) {
  const std::string one = le32(bits(1.0f));
  // Version 2.0 and 3.0 (4-byte header length), keys in any order, double quotes, no trailing
  // comma, Python 2's long integers, a one-element tuple.
  for (int major : {2, 3}) {
    const NpyArray a = parse_npy(npy_bytes(f4_dict("(1,)"), one, major), "v.npy");
    EXPECT_EQ(a.shape, std::vector<std::uint64_t>{1});
  }
  const NpyArray b = parse_npy(
      npy_bytes("{\"shape\": (1L, 1L), \"fortran_order\": False, \"descr\": \"<f4\"}", one),
      "b.npy");
  EXPECT_EQ(b.shape, (std::vector<std::uint64_t>{1, 1}));
  // No padding at all (numpy reads it; data need not be aligned).
  EXPECT_EQ(parse_npy(npy_bytes(f4_dict("()"), one, 1, false), "u.npy").elements(), 1u);
  // A single-byte type may carry any byte order.
  EXPECT_EQ(
      parse_npy(npy_bytes("{'descr': '>i1', 'fortran_order': False, 'shape': (2,)}", "ab"), "i.npy")
          .dtype,
      "i1");
}

TEST(Npy, MalformedFilesNameTheProblem) {
  const std::string data6 = std::string(24, '\0');
  const auto err = [](const std::string& bytes, const std::vector<std::string>& words) {
    std::vector<std::string> w = {"bad.npy: "};
    w.insert(w.end(), words.begin(), words.end());
    expect_error([&] { parse_npy(bytes, "bad.npy"); }, w);
  };
  err("", {"bad magic"});
  err("\x93NUMPZ\x01\x00", {"bad magic"});
  err(std::string("PK\x03\x04", 4) + std::string(100, 'x'), {"bad magic"});
  err(std::string("\x93NUMPY", 6), {"preamble"});
  err(std::string("\x93NUMPY\x01\x00\x10", 9), {"preamble"});
  err(std::string("\x93NUMPY\x04\x00\x00\x00", 10), {"version 4.0"});
  err(std::string("\x93NUMPY\x01\x01\x00\x00", 10), {"version 1.1"});
  err(std::string("\x93NUMPY\x01\x00\x00\x10{}", 12), {"header length 4096", "past the end"});
  err(std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14), {"header length 4294967295"});
  err(std::string("\x93NUMPY\x02\x00\x01\x00\x01\x00", 12) + std::string(65537, ' '),
      {"header of 65537 bytes is longer than the 65536"});
  // 65536 bytes are read (and then found to hold no dict).
  err(std::string("\x93NUMPY\x02\x00\x00\x00\x01\x00", 12) + std::string(65536, ' '),
      {"not a dict"});
  err(npy_bytes("[1, 2]", ""), {"not a dict"});
  err(npy_bytes("{'descr': '<f4', 'fortran_order': False", ""), {"not closed"});
  err(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } x", ""),
      {"after the header dict"});
  err(npy_bytes("{'descr': '<f4', 'shape': (6,)}", data6), {"lacks key 'fortran_order'"});
  err(npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}", data6),
      {"unexpected key 'x'"});
  err(npy_bytes("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,)}", data6),
      {"'descr' repeated"});
  err(npy_bytes("{'descr': <f4, 'fortran_order': False, 'shape': (6,)}", data6),
      {"unparsable", "unexpected character"});
  err(npy_bytes("{'descr': 'f4<', 'fortran_order': False, 'shape': (6,)}", data6),
      {"unsupported dtype 'f4<'"});
  err(npy_bytes("{'descr': 3, 'fortran_order': False, 'shape': (6,)}", data6),
      {"'descr' must be a string"});
  err(npy_bytes("{'descr': '>f4', 'fortran_order': False, 'shape': (6,)}", data6),
      {"big-endian", "'>f4'"});
  err(npy_bytes("{'descr': '|f4', 'fortran_order': False, 'shape': (6,)}", data6),
      {"byte order", "not little-endian"});
  err(npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3)}", data6),
      {"fortran_order is True", "Fortran"});
  err(npy_bytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (6,)}", data6),
      {"'fortran_order' must be True or False"});
  err(npy_bytes("{'descr': '<c8', 'fortran_order': False, 'shape': (3,)}", data6),
      {"unsupported dtype '<c8'", "complex"});
  err(npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,)}", "abc"),
      {"unsupported dtype '|b1'", "bool"});
  err(npy_bytes("{'descr': '<U3', 'fortran_order': False, 'shape': (2,)}", data6),
      {"unsupported dtype '<U3'", "unicode"});
  err(npy_bytes("{'descr': '|O', 'fortran_order': False, 'shape': (3,)}", data6),
      {"unsupported dtype '|O'", "objects"});
  err(npy_bytes("{'descr': '<f2', 'fortran_order': False, 'shape': (3,)}", data6),
      {"unsupported dtype '<f2'", "float16"});
  err(npy_bytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,)}", data6),
      {"structured dtype"});
  err(npy_bytes(f4_dict("(2, -3)"), data6), {"negative shape dimension -3"});
  err(npy_bytes(f4_dict("(6)"), data6), {"'shape' must be a tuple"});
  err(npy_bytes(f4_dict("(6, 'a')"), data6), {"shape dimensions must be integers"});
  err(npy_bytes(f4_dict("(100000000000000000000000,)"), data6), {"absurd shape dimension"});
  err(npy_bytes(f4_dict("(4294967296, 4294967296)"), data6), {"overflows"});
  err(npy_bytes(f4_dict("(4611686018427387904,)"), data6), {"overflows"});  // 2^62 * 4 bytes
  // A zero dimension makes any shape empty, as in numpy.
  EXPECT_EQ(parse_npy(npy_bytes(f4_dict("(4611686018427387904, 0, 4)"), ""), "z.npy").elements(),
            0u);
  err(npy_bytes(f4_dict("(1000000000000,)"), data6),
      {"data truncated", "needs 4000000000000 bytes", "holds 24"});
  err(npy_bytes(f4_dict("(7,)"), data6), {"data truncated", "needs 28 bytes", "holds 24"});
  err(npy_bytes(f4_dict("(5,)"), data6), {"4 trailing bytes"});
  err(npy_bytes(f4_dict("(" + std::string(100, '(') + "6," + std::string(100, ')') + ",)"), data6),
      {"nested too deeply"});
  std::string dims65;
  for (int i = 0; i < 65; ++i) dims65 += "1, ";
  err(npy_bytes(f4_dict("(" + dims65 + ")"), le32(0)), {"65 dimensions, more than 64"});
}

TEST(Npy, ConvertersNameTheFirstBadElement) {
  const auto array = [](const std::string& dtype, std::vector<std::uint64_t> shape,
                        std::vector<std::uint8_t> data) {
    return NpyArray{dtype, shape, data};
  };
  // int8: 200 as u1 at flat index 4 of a 2 x 3 array, i.e. index (1, 1).
  expect_error(
      [&] {
        npy_to_int8(array("u1", {2, 3}, {1, 2, 3, 4, 200, 6}), "x.npy");
      },
      {"x.npy", "element 4 (index (1, 1)) = 200", "int8"});
  // -129 as i2 (0xff7f little-endian).
  expect_error([&] { npy_to_int8(array("i2", {1}, {0x7f, 0xff}), "x.npy"); }, {"element 0 = -129"});
  EXPECT_EQ(
      npy_to_int8(array("i8", {2},
                        {0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 127, 0, 0, 0, 0, 0, 0, 0}),
                  "x.npy"),
      (std::vector<std::int8_t>{-128, 127}));
  expect_error(
      [&] {
        npy_to_int8(array("f4", {1}, {0, 0, 0, 0}), "acts.npy");
      },
      {"acts.npy", "floating-point", "quantize"});
  // Trit codes: -1, 0, +1 from any integer dtype; 2 refused with its position.
  EXPECT_EQ(npy_to_trit_codes(array("i1", {3}, {0xff, 0, 1}), "w.npy"),
            (std::vector<std::uint8_t>{encode_trit(-1), encode_trit(0), encode_trit(1)}));
  EXPECT_EQ(npy_to_trit_codes(array("u8", {1}, {1, 0, 0, 0, 0, 0, 0, 0}), "w.npy"),
            std::vector<std::uint8_t>{encode_trit(1)});
  expect_error(
      [&] {
        npy_to_trit_codes(array("i1", {2, 2}, {1, 0, 2, 1}), "w.npy");
      },
      {"w.npy", "element 2 (index (1, 0)) = 2", "ternary"});
  expect_error(
      [&] { npy_to_trit_codes(array("u8", {1}, std::vector<std::uint8_t>(8, 0xff)), "w.npy"); },
      {"18446744073709551615"});
  expect_error(
      [&] { npy_to_trit_codes(array("f8", {1}, std::vector<std::uint8_t>(8, 0)), "w.npy"); },
      {"floating-point", "int8"});
  // Floats: integers only when exact, f8 only when exactly a float.
  EXPECT_EQ(npy_to_float(array("i4", {1}, {0, 0, 0, 1}), "x.npy"), std::vector<float>{16777216.0f});
  expect_error(
      [&] {
        npy_to_float(array("i4", {1}, {1, 0, 0, 1}), "x.npy");
      },
      {"16777217", "float32"});
  expect_error(
      [&] {
        npy_to_float(array("i8", {1}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}), "x.npy");
      },
      {"9223372036854775807"});
  expect_error([&] { npy_to_float(array("u8", {1}, std::vector<std::uint8_t>(8, 0xff)), "x.npy"); },
               {"18446744073709551615"});
  const auto f8 = [&](double v) {
    std::vector<std::uint8_t> d(8);
    std::memcpy(d.data(), &v, 8);
    return array("f8", {1}, d);
  };
  EXPECT_EQ(npy_to_float(f8(0.375), "x.npy"), std::vector<float>{0.375f});
  EXPECT_TRUE(std::isinf(npy_to_float(f8(-HUGE_VAL), "x.npy").at(0)));
  EXPECT_TRUE(std::isnan(npy_to_float(f8(std::nan("")), "x.npy").at(0)));
  expect_error([&] { npy_to_float(f8(0.1), "x.npy"); }, {"element 0 = 0.1", "float32", "astype"});
  expect_error([&] { npy_to_float(f8(1e300), "x.npy"); }, {"1e+300"});
  // Inconsistent hand-built arrays are refused, not read past.
  expect_error([&] { npy_to_float(array("f4", {2}, {0, 0, 0}), "x.npy"); }, {"3 data bytes"});
  expect_error([&] { npy_to_float(array("c8", {1}, {}), "x.npy"); }, {"unsupported dtype 'c8'"});
}

TEST(Npy, ReadsWhatNumpyWrites) {
  if (!python_has_numpy()) GTEST_SKIP() << kPython << " cannot import numpy";
  TempDir dir;
  std::string log;
  ASSERT_EQ(run_python(dir, R"(
np.save('f4.npy', np.array([[1.5, -2.0, 0.1], [3e38, -0.0, 1e-40]], dtype=np.float32))
np.save('i1.npy', np.array([-128, -1, 0, 1, 127], dtype=np.int8))
np.save('u1.npy', np.array([0, 255], dtype=np.uint8))
np.save('i2.npy', np.array([-300, 300], dtype=np.int16))
np.save('i4.npy', np.array([[-1, 0], [1, 5]], dtype=np.int32))
np.save('i8.npy', np.array([-2**40, 2**40], dtype=np.int64))
np.save('f8_exact.npy', np.array([0.5, -1.25, 3.0], dtype=np.float64))
np.save('f8_inexact.npy', np.array([0.5, 0.1], dtype=np.float64))
np.save('trits.npy', np.array([[-1, 0, 1], [1, 1, -1]], dtype=np.int8))
np.save('scalar.npy', np.float32(7.0))
np.save('empty.npy', np.zeros((0, 4), dtype=np.float32))
np.save('big_endian.npy', np.array([1, 2, 3], dtype='>f4'))
np.save('fortran.npy', np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
np.save('complex.npy', np.array([1 + 2j], dtype=np.complex64))
np.save('bool.npy', np.array([True, False]))
np.save('unicode.npy', np.array(['abc', 'de']))
np.save('object.npy', np.array([1, 'a'], dtype=object), allow_pickle=True)
np.save('structured.npy', np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))
np.save('half.npy', np.zeros(2, dtype=np.float16))
for v in [(2, 0), (3, 0)]:
    with open('v%d.npy' % v[0], 'wb') as f:
        np.lib.format.write_array(f, np.arange(4, dtype=np.int32), version=v)
with open('f4.npy', 'rb') as f:
    b = f.read()
open('truncated.npy', 'wb').write(b[:-3])
open('trailing.npy', 'wb').write(b + b'\0')
)",
                       &log),
            0)
      << log;
  const auto path = [&](const char* name) { return dir.file(name); };

  const NpyArray f4 = read_npy(path("f4.npy"));
  EXPECT_EQ(f4.dtype, "f4");
  EXPECT_EQ(f4.shape, (std::vector<std::uint64_t>{2, 3}));
  const std::vector<float> fv = npy_to_float(f4, "f4.npy");
  const std::vector<float> want = {1.5f, -2.0f, 0.1f, 3e38f, -0.0f, 1e-40f};
  ASSERT_EQ(fv.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_EQ(bits(fv[i]), bits(want[i])) << i;

  EXPECT_EQ(npy_to_int8(read_npy(path("i1.npy")), "i1.npy"),
            (std::vector<std::int8_t>{-128, -1, 0, 1, 127}));
  expect_error([&] { npy_to_int8(read_npy(path("u1.npy")), "u1.npy"); }, {"element 1 = 255"});
  expect_error([&] { npy_to_int8(read_npy(path("i2.npy")), "i2.npy"); }, {"element 0 = -300"});
  const NpyArray i4 = read_npy(path("i4.npy"));
  EXPECT_EQ(i4.dtype, "i4");
  EXPECT_EQ(npy_to_int8(i4, "i4.npy"), (std::vector<std::int8_t>{-1, 0, 1, 5}));
  EXPECT_EQ(npy_to_float(read_npy(path("i8.npy")), "i8.npy"),
            (std::vector<float>{-1099511627776.0f, 1099511627776.0f}));
  EXPECT_EQ(npy_to_float(read_npy(path("f8_exact.npy")), "f8_exact.npy"),
            (std::vector<float>{0.5f, -1.25f, 3.0f}));
  expect_error([&] { npy_to_float(read_npy(path("f8_inexact.npy")), "f8_inexact.npy"); },
               {"element 1 = 0.1", "not exactly representable"});
  EXPECT_EQ(npy_to_trit_codes(read_npy(path("trits.npy")), "trits.npy"),
            (std::vector<std::uint8_t>{3, 0, 1, 1, 1, 3}));
  const NpyArray scalar = read_npy(path("scalar.npy"));
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(npy_to_float(scalar, "scalar.npy"), std::vector<float>{7.0f});
  EXPECT_EQ(read_npy(path("empty.npy")).shape, (std::vector<std::uint64_t>{0, 4}));
  for (const char* v : {"v2.npy", "v3.npy"}) {
    const NpyArray a = read_npy(path(v));
    EXPECT_EQ(a.dtype, "i4") << v;
    EXPECT_EQ(npy_to_int8(a, v), (std::vector<std::int8_t>{0, 1, 2, 3})) << v;
  }

  const auto refused = [&](const char* name, const std::vector<std::string>& words) {
    std::vector<std::string> w = {path(name) + ": "};
    w.insert(w.end(), words.begin(), words.end());
    expect_error([&] { read_npy(path(name)); }, w);
  };
  refused("big_endian.npy", {"big-endian", "byte order", "'>f4'"});
  refused("fortran.npy", {"fortran_order is True"});
  refused("complex.npy", {"unsupported dtype '<c8'"});
  refused("bool.npy", {"unsupported dtype '|b1'"});
  refused("unicode.npy", {"unsupported dtype '<U3'"});
  refused("object.npy", {"unsupported dtype '|O'"});
  refused("structured.npy", {"structured dtype"});
  refused("half.npy", {"unsupported dtype '<f2'"});
  refused("truncated.npy", {"data truncated", "needs 24 bytes", "holds 21"});
  refused("trailing.npy", {"1 trailing byte after the data"});
}

TEST(Npy, NumpyReadsWhatWeWrite) {
  if (!python_has_numpy()) GTEST_SKIP() << kPython << " cannot import numpy";
  TempDir dir;
  write_npy(dir.file("f.npy"), {2, 2}, std::vector<float>{1.5f, -0.0f, 1e-40f, 3e38f});
  write_npy(dir.file("i1.npy"), {3}, std::vector<std::int8_t>{-128, 0, 127});
  write_npy(dir.file("i4.npy"), {1, 2}, std::vector<std::int32_t>{-2147483647 - 1, 2147483647});
  write_npy(dir.file("i8.npy"), {}, std::vector<std::int64_t>{-(std::int64_t{1} << 62)});
  write_npy(dir.file("empty.npy"), {4, 0}, std::vector<float>{});
  write_npy(dir.file("dims.npy"), {3, 1, 1, 1, 1}, std::vector<std::int8_t>{1, 2, 3});
  std::string log;
  ASSERT_EQ(run_python(dir, R"(
def check(name, want):
    a = np.load(name, allow_pickle=False)
    assert a.dtype == want.dtype, (name, a.dtype, want.dtype)
    assert a.shape == want.shape, (name, a.shape, want.shape)
    assert a.tobytes() == want.tobytes(), (name, a, want)
check('f.npy', np.array([[1.5, -0.0], [1e-40, 3e38]], dtype=np.float32))
check('i1.npy', np.array([-128, 0, 127], dtype=np.int8))
check('i4.npy', np.array([[-2**31, 2**31 - 1]], dtype=np.int32))
check('i8.npy', np.array(-2**62, dtype=np.int64))
check('empty.npy', np.zeros((4, 0), dtype=np.float32))
check('dims.npy', np.array([1, 2, 3], dtype=np.int8).reshape((3, 1, 1, 1, 1)))
for name in ['f.npy', 'i1.npy', 'i4.npy', 'i8.npy', 'empty.npy', 'dims.npy']:
    with open(name, 'rb') as f:
        major, minor = np.lib.format.read_magic(f)
        np.lib.format._read_array_header(f, (major, minor))
        assert f.tell() % 64 == 0, (name, f.tell())
print('ok')
)",
                       &log),
            0)
      << log;
  EXPECT_NE(log.find("ok"), std::string::npos) << log;
}

}  // namespace
}  // namespace ternac
