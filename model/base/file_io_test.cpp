// File input and output (file_io.h): inputs that are not regular files refused without blocking,
// by file_io itself and by the readers built on it (GGUF, .npy); memory maps; atomic writes that
// leave the previous file when they fail (write errors made real with RLIMIT_FSIZE); the output
// checks run before long work.
#include "ternac/model/base/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <string>
#include <vector>

#include "ternac/model/base/test_support.h"
#include "ternac/model/io/gguf.h"
#include "ternac/model/io/npy.h"

namespace ternac {
namespace {

namespace fs = std::filesystem;
using test::expect_error;
using test::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Names in a directory, to see that no temporary file is left behind.
std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The message of the std::invalid_argument f throws, run on another thread: when f has not
// returned after 5 s (it waits in open() for a writer to the FIFO `fifo`), the FIFO is opened
// for writing to release it, and the test fails. So a reader that blocks makes the test fail
// instead of hanging it.
std::string error_without_blocking(const std::string& fifo, const std::function<void()>& f) {
  auto result = std::async(std::launch::async, [&] {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no std::invalid_argument thrown)");
  });
  if (result.wait_for(std::chrono::seconds(5)) == std::future_status::timeout) {
    ADD_FAILURE() << "still blocked after 5 s on the FIFO " << fifo;
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  return result.get();
}

void expect_words(const std::string& message, const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    EXPECT_NE(message.find(w), std::string::npos)
        << "message '" << message << "' lacks '" << w << "'";
  }
}

// A directory, a FIFO, a socket and a character device, each with the words its refusal names.
struct NonRegular {
  std::string path;
  std::string kind;
};

std::vector<NonRegular> non_regular_files(const TempDir& dir) {
  const std::string fifo = dir / "pipe";
  EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  const std::string sock = dir / "sock";
  const int s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
  EXPECT_EQ(::bind(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0)
      << std::strerror(errno);
  ::close(s);
  fs::create_directory(dir / "subdir");
  return {{fifo, "is a FIFO (named pipe), not a regular file"},
          {sock, "is a socket, not a regular file"},
          {dir / "subdir", "is a directory, not a regular file"},
          {"/dev/null", "is a character device, not a regular file"}};
}

TEST(FileIo, InputsThatAreNotRegularFilesAreRefusedWithoutBlocking) {
  TempDir dir;
  for (const NonRegular& f : non_regular_files(dir)) {
    SCOPED_TRACE(f.path);
    const std::vector<std::string> words = {f.path + ": ", f.kind};
    expect_words(error_without_blocking(f.path, [&] { check_input_file(f.path); }), words);
    expect_words(error_without_blocking(f.path, [&] { InputFile::open(f.path); }), words);
    expect_words(error_without_blocking(f.path, [&] { MappedFile::open(f.path); }), words);
  }
  // A symbolic link to a FIFO is the FIFO.
  fs::create_symlink(dir / "pipe", dir / "link");
  expect_words(error_without_blocking(dir / "link", [&] { InputFile::open(dir / "link"); }),
               {"is a FIFO"});
  expect_error([&] { InputFile::open(dir / "missing"); },
               {dir / "missing", "cannot open for reading", std::strerror(ENOENT)});
  try {
    InputFile::open(dir / "missing");
  } catch (const FileError& e) {
    EXPECT_EQ(e.path(), dir / "missing");
    EXPECT_EQ(e.error_number(), ENOENT);
  }
}

// The readers open their inputs through file_io: before, a FIFO made them wait forever for a
// writer, and /dev/null read as an empty file.
TEST(FileIo, ReadersRefuseNonRegularInputsWithoutBlocking) {
  TempDir dir;
  for (const NonRegular& f : non_regular_files(dir)) {
    SCOPED_TRACE(f.path);
    const std::vector<std::string> words = {f.path + ": ", f.kind};
    expect_words(error_without_blocking(f.path, [&] { GgufFile::open(f.path); }), words);
    expect_words(error_without_blocking(f.path, [&] { read_npy(f.path); }), words);
  }
}

TEST(FileIo, InputFileReadsExactlyWhatIsAskedFor) {
  TempDir dir;
  const std::string path = dir / "data.bin";
  spit(path, "0123456789");
  const InputFile f = InputFile::open(path);
  EXPECT_EQ(f.size(), 10u);
  EXPECT_EQ(f.read(0, 10), "0123456789");
  EXPECT_EQ(f.read(7, 3), "789");
  EXPECT_EQ(f.read(10, 0), "");
  expect_error([&] { f.read(8, 3); }, {path + ": ", "ends at byte 10", "3 bytes were expected"});
  InputFile moved = InputFile::open(path);
  const int fd = moved.fd();
  InputFile other = std::move(moved);
  EXPECT_EQ(other.fd(), fd);
  EXPECT_EQ(moved.fd(), -1);  // NOLINT(bugprone-use-after-move): the moved-from state is defined
  EXPECT_EQ(other.read(0, 1), "0");
}

TEST(FileIo, MappedFileMapsTheWholeFileAndMoves) {
  TempDir dir;
  std::string bytes;
  for (int i = 0; i < 10000; ++i) bytes += static_cast<char>(i * 7);
  spit(dir / "data.bin", bytes);
  MappedFile m = MappedFile::open(dir / "data.bin");
  EXPECT_EQ(m.size(), bytes.size());
  EXPECT_EQ(m.bytes(), bytes);
  EXPECT_EQ(m.path(), dir / "data.bin");
  const std::uint8_t* data = m.data();
  MappedFile moved(std::move(m));
  EXPECT_EQ(moved.data(), data);
  EXPECT_EQ(m.data(), nullptr);  // NOLINT(bugprone-use-after-move)
  MappedFile assigned;
  assigned = std::move(moved);
  EXPECT_EQ(assigned.bytes(), bytes);
  spit(dir / "empty.bin", "");
  const MappedFile empty = MappedFile::open(dir / "empty.bin");
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.data(), nullptr);
  EXPECT_EQ(empty.bytes(), "");
}

TEST(FileIo, AtomicWriteCreatesAndReplacesFiles) {
  TempDir dir;
  const std::string path = dir / "out.bin";
  write_file_atomic(path, "first");
  EXPECT_EQ(slurp(path), "first");
  // A new file gets 0666 less the umask, like any file this process creates.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  EXPECT_EQ(fs::status(path).permissions(), static_cast<fs::perms>(0666 & ~mask));
  // A replaced file keeps its permissions.
  fs::permissions(path, static_cast<fs::perms>(0640));
  write_file_atomic(path, std::vector<std::string_view>{"sec", "", "ond"});
  EXPECT_EQ(slurp(path), "second");
  EXPECT_EQ(fs::status(path).permissions(), static_cast<fs::perms>(0640));
  // A symbolic link is followed: the file it names is replaced, the link stays a link.
  fs::create_symlink("out.bin", dir / "link.bin");
  write_file_atomic(dir / "link.bin", "third");
  EXPECT_TRUE(fs::is_symlink(dir / "link.bin"));
  EXPECT_EQ(slurp(path), "third");
  // An empty file, and a large one written in one call.
  write_file_atomic(dir / "empty.bin", "");
  EXPECT_EQ(fs::file_size(dir / "empty.bin"), 0u);
  const std::string big(5 << 20, 'x');
  write_file_atomic(dir / "big.bin", big);
  EXPECT_EQ(slurp(dir / "big.bin"), big);
  EXPECT_EQ(listing(dir.path()),
            (std::vector<std::string>{"big.bin", "empty.bin", "link.bin", "out.bin"}));
}

// A real write error, in any environment and as root: in a child process (so that the test's own
// output, perhaps a file, is not limited), a file size limit makes write() fail with EFBIG
// (SIGXFSZ, which would kill the child, ignored). Returns what f threw: "<errno> <message>", or
// what went wrong instead.
std::string error_under_file_size_limit(rlim_t bytes, const std::function<void()>& f) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    std::string report = "(no FileError thrown)";
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = bytes;
    ::signal(SIGXFSZ, SIG_IGN);
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
      report = "setrlimit failed";
    } else {
      try {
        f();
      } catch (const FileError& e) {
        report = std::to_string(e.error_number()) + " " + e.what();
      } catch (const std::exception& e) {
        report = std::string("another exception: ") + e.what();
      }
    }
    (void)!::write(pipe_fds[1], report.data(), report.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t r; (r = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) report.append(buf, r);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return report;
}

TEST(FileIo, FailedAtomicWriteLeavesThePreviousFileAndNoTemporary) {
  TempDir dir;
  const std::string path = dir / "out.npy";
  write_file_atomic(path, "previous contents");
  const std::string efbig = std::to_string(EFBIG) + " ";
  const std::string replace = error_under_file_size_limit(
      4096, [&] { write_file_atomic(path, std::string(1 << 20, 'x')); });
  EXPECT_EQ(replace.rfind(efbig + path + ": cannot write", 0), 0u) << replace;
  expect_words(replace, {"writing the temporary file", "left as it was", std::strerror(EFBIG)});
  // A new file is not created at all.
  const std::string create = error_under_file_size_limit(
      4096, [&] { write_file_atomic(dir / "new.npy", std::string(1 << 20, 'x')); });
  EXPECT_EQ(create.rfind(efbig + dir / "new.npy: cannot write", 0), 0u) << create;
  // The .npy writer goes through the same path.
  const std::string npy = error_under_file_size_limit(
      4096, [&] { write_npy(path, {100000}, std::vector<float>(100000, 1.0f)); });
  EXPECT_EQ(npy.rfind(efbig + path + ": cannot write", 0), 0u) << npy;
  EXPECT_EQ(slurp(path), "previous contents");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"out.npy"});
}

TEST(FileIo, AtomicWriteRefusesWhatIsNotARegularFile) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  fs::create_directory(dir / "subdir");
  expect_error([&] { write_file_atomic(dir / "pipe", "x"); },
               {dir / "pipe", "is a FIFO (named pipe), not a regular file"});
  EXPECT_TRUE(fs::is_fifo(dir / "pipe"));
  expect_error([&] { write_file_atomic(dir / "subdir", "x"); }, {dir / "subdir", "is a directory"});
  EXPECT_TRUE(fs::is_directory(dir / "subdir"));
  expect_error([&] { write_file_atomic(dir / "no/such/dir/x.npy", "x"); },
               {dir / "no/such/dir/x.npy", "cannot create a temporary file in directory",
                std::strerror(ENOENT)});
  expect_error([&] { write_file_atomic("", "x"); }, {"no output file named"});
  EXPECT_EQ(listing(dir.path()), (std::vector<std::string>{"pipe", "subdir"}));
}

TEST(FileIo, AtomicWriterWithoutCommitChangesNothing) {
  TempDir dir;
  const std::string path = dir / "out.csv";
  write_file_atomic(path, "old");
  {
    AtomicFileWriter w(path);
    w.write("new contents");
    EXPECT_EQ(listing(dir.path()).size(), 2u);  // out.csv and the temporary file
    // Destroyed without commit(), as when an exception leaves the scope.
  }
  EXPECT_EQ(slurp(path), "old");
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"out.csv"});
  AtomicFileWriter w(path);
  w.write("a,b\n");
  w.write(std::string_view("1,2\n"));
  w.commit();
  EXPECT_EQ(slurp(path), "a,b\n1,2\n");
  expect_error([&] { w.write("more"); }, {"write after commit"});
}

TEST(FileIo, OutputWritableIsCheckedBeforeWork) {
  TempDir dir;
  check_output_writable(dir / "new.npy");  // absent, in a writable directory
  spit(dir / "old.npy", "x");
  check_output_writable(dir / "old.npy");                               // present
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"old.npy"});  // the probe is gone

  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  expect_error([&] { check_output_writable(dir.path().string()); }, {"is a directory"});
  expect_error([&] { check_output_writable(dir / "pipe"); }, {dir / "pipe", "is a FIFO"});
  expect_error([&] { check_output_writable(dir / "missing/y.npy"); },
               {dir / "missing/y.npy", "directory '" + dir / "missing" + "' does not exist"});
  expect_error([&] { check_output_writable(dir / "old.npy/y.npy"); },
               {dir / "old.npy/y.npy", "is a regular file, not a directory"});
  expect_error([&] { check_output_writable(""); }, {"no output file named"});
  // A directory where no file can be created, whatever the permission bits say: as root (who
  // ignores them) sysfs refuses new files; otherwise a directory made read-only.
  std::string locked = "/sys";
  if (::geteuid() != 0) {
    fs::create_directory(dir / "locked");
    fs::permissions(dir / "locked", static_cast<fs::perms>(0555));
    locked = dir / "locked";
  }
  expect_error([&] { check_output_writable(locked + "/y.npy"); },
               {locked + "/y.npy", "cannot create files in directory '" + locked + "'"});
  if (::geteuid() != 0) fs::permissions(dir / "locked", static_cast<fs::perms>(0755));
}

TEST(FileIo, OutputsMustBeDistinctFromEachOtherAndFromInputs) {
  TempDir dir;
  spit(dir / "in.npy", "x");
  fs::create_hard_link(dir / "in.npy", dir / "hard.npy");
  fs::create_symlink(dir / "in.npy", dir / "soft.npy");
  fs::create_directory(dir / "sub");
  fs::create_directory_symlink(dir.path(), dir / "sub/up");
  const std::string in = dir / "in.npy";

  check_distinct_paths({dir / "y.npy", dir / "acc.npy"}, {in, in});  // two inputs may be one
  const auto refused = [&](const std::vector<NamedPath>& outputs,
                           const std::vector<NamedPath>& inputs,
                           const std::vector<std::string>& words) {
    expect_error([&] { check_distinct_paths(outputs, inputs); }, words);
  };
  refused({{"--out", in}}, {{"--acts", in}},
          {in + ": --out is the same file as --acts ('" + in + "')", "must not overwrite"});
  refused({{"--out", dir / "hard.npy"}}, {{"--acts", in}}, {"hard.npy: --out", "--acts"});
  refused({{"--out", dir / "soft.npy"}}, {{"--weights", in}}, {"soft.npy: --out", "--weights"});
  refused({{"--out", dir / "sub/up/in.npy"}}, {{"--acts", in}}, {"sub/up/in.npy: --out"});
  // Outputs that do not exist yet: by their normalized absolute path.
  refused({{"--out", dir / "y.npy"}, {"--acc-out", dir / "sub/../y.npy"}}, {},
          {"--acc-out and --out ('" + dir / "y.npy" + "') are the same file"});
  refused({{"--out", dir / "y.npy"}, {"--csv", dir / "sub/up/y.npy"}}, {}, {"--csv and --out"});
  // A relative spelling of an absolute path.
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path());
  refused({{"", "y.npy"}, {"", dir / "y.npy"}}, {}, {"output 2 and output 1"});
  refused({{"", "./in.npy"}}, {{"", in}}, {"output 1 is the same file as input 1"});
  fs::current_path(cwd);
  check_distinct_paths({dir / "a.npy", dir / "sub/a.npy"}, {in});
  check_distinct_paths(std::vector<std::string>{}, std::vector<std::string>{in});
}

}  // namespace
}  // namespace ternac
