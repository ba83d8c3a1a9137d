// File input and output that a hostile or careless command line cannot turn into a hang, a
// clobbered input or a half-written output: the one place where ternac's readers and writers touch
// the file system.
//
// - Inputs must be regular files. A FIFO, a directory, a device or a socket is refused with an
//   error naming the path and what it is, without blocking (a FIFO is never opened for reading,
//   and the check is repeated on the opened descriptor, so swapping the path in between does not
//   help either).
// - Big inputs are memory-mapped read-only (MappedFile): only the pages actually read cost memory.
// - Outputs are written atomically (AtomicFileWriter, write_file_atomic): a temporary file in the
//   target's directory, every write checked, fsync, a checked close, then rename over the target.
//   On any failure the temporary file is removed and a previous file at the path is left as it
//   was.
// - Before long work starts, check_output_writable() and check_distinct_paths() refuse an output
//   that cannot be written, or that is the same file as another output or as an input.
//
// Every error is a FileError (a std::invalid_argument, so that the readers' callers keep catching
// one type) whose message starts with the path and names the problem and, for a failed system
// call, the errno text.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ternac {

class FileError : public std::invalid_argument {
 public:
  // `error_number` is the errno of the failed call, or 0 when no system call failed (a FIFO given
  // as an input, say).
  FileError(const std::string& path, int error_number, const std::string& message);
  const std::string& path() const { return path_; }
  int error_number() const { return error_number_; }

 private:
  std::string path_;
  int error_number_;
};

// What a stat() mode is, for messages: "regular file", "directory", "FIFO (named pipe)",
// "character device", "block device", "socket", "symbolic link".
std::string file_type_name(mode_t mode);

// Checks, without opening it, that `path` names a regular file (symbolic links followed) that
// exists. Throws FileError naming the path and what it is otherwise. For command lines that want
// every input checked before any work starts; the readers check again when they open.
void check_input_file(const std::string& path);

// An input file open for reading (RAII, movable, not copyable). Refuses anything that is not a
// regular file, never blocking on the way.
class InputFile {
 public:
  static InputFile open(const std::string& path);

  InputFile() = default;
  ~InputFile();
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  // Size when opened.
  std::uint64_t size() const { return size_; }
  int fd() const { return fd_; }

  // Reads exactly `n` bytes at `offset` into `out`; throws FileError naming the path on a read
  // error or when the file ends first (it shrank after it was opened).
  void read_exact(std::uint64_t offset, void* out, std::size_t n) const;
  // The same, returning the bytes.
  std::string read(std::uint64_t offset, std::size_t n) const;

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// A read-only, private memory map of a whole regular file (RAII, movable, not copyable). Pages
// are read from the file only when touched. An empty file maps to data() == nullptr, size() 0.
// As with any memory map, a file truncated by another program while mapped makes reads past its
// new end fault (SIGBUS); ternac does not guard against that.
class MappedFile {
 public:
  static MappedFile open(const std::string& path);
  // Maps an already opened input (which may be closed afterwards).
  static MappedFile map(const InputFile& file);

  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const std::uint8_t* data() const { return data_; }
  std::uint64_t size() const { return size_; }
  std::string_view bytes() const {
    return {reinterpret_cast<const char*>(data_), static_cast<std::size_t>(size_)};
  }

 private:
  std::string path_;
  const std::uint8_t* data_ = nullptr;
  std::uint64_t size_ = 0;
};

// Writes a file atomically: the bytes go to a temporary file beside the target (same directory,
// so the rename cannot cross file systems), created with the permissions a new file gets (0666
// less the umask) or, when the target exists, with the target's; every write is checked, then
// the file is fsynced and closed (checked), renamed over the target, and the directory fsynced
// (best effort: the new file is in place by then). A symbolic link at the path is followed, so
// the file it points to is replaced and the link stays.
//
// Until commit() succeeds nothing at the path changes; destroying the writer without commit(), or
// any failure, removes the temporary file. The target must be a regular file or absent: a
// directory, a FIFO or a device at the path is refused before anything is written.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(const std::string& path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  const std::string& path() const { return path_; }
  void write(std::string_view bytes);
  void write(const void* data, std::size_t size);
  void commit();

 private:
  [[noreturn]] void fail(int error_number, const std::string& doing);
  void discard() noexcept;

  std::string path_;    // as given, for messages
  std::string target_;  // the file replaced (symbolic links resolved)
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// One-shot forms of AtomicFileWriter: the whole file, or its parts in order (so that a header and
// a large body need not be copied into one buffer first).
void write_file_atomic(const std::string& path, std::string_view bytes);
void write_file_atomic(const std::string& path, const std::vector<std::string_view>& parts);

// Checks before long work starts that `path` can be written as an output: it is not a directory
// (nor a FIFO, device or socket), its directory exists and is a directory, and a file can be
// created in that directory (tried with a probe file, removed at once, so that a read-only file
// system or missing permission is found even when running as root). Throws FileError naming the
// path and the problem.
void check_output_writable(const std::string& path);

// A path with the name the user gave it (a command-line option, say "--out"), for messages.
struct NamedPath {
  std::string name;
  std::string path;
};

// Checks that no two outputs are the same file and that no output is an input (two inputs may
// be the same). Paths that exist are compared by file identity (device and inode, symbolic links
// followed), so a hard link, a symbolic link or another spelling of the same file is caught; a
// path that does not exist yet is compared by its absolute path with symbolic links in its
// existing part resolved and "." and ".." removed. Throws FileError naming both paths.
void check_distinct_paths(const std::vector<NamedPath>& outputs,
                          const std::vector<NamedPath>& inputs);
// The same without names ("output 1", "input 2" in messages).
void check_distinct_paths(const std::vector<std::string>& outputs,
                          const std::vector<std::string>& inputs);

}  // namespace ternac
