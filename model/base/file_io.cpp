#include "ternac/model/base/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>

namespace ternac {
namespace {

namespace fs = std::filesystem;

// Symbolic links are followed at most this many times (Linux's own limit, MAXSYMLINKS).
constexpr int kMaxSymlinkHops = 40;
// pread and write move at most this much per call (Linux moves at most about 2 GiB anyway).
constexpr std::size_t kMaxIoChunk = std::size_t{1} << 30;

std::string errno_text(int error_number) { return std::strerror(error_number); }

[[noreturn]] void throw_error(const std::string& path, int error_number,
                              const std::string& problem) {
  const std::string shown = path.empty() ? "(empty path)" : path;
  if (error_number == 0) throw FileError(path, 0, fmt::format("{}: {}", shown, problem));
  throw FileError(path, error_number,
                  fmt::format("{}: {}: {}", shown, problem, errno_text(error_number)));
}

// The final component's symbolic links followed, also when the last one dangles (the file it
// names is then what a writer creates). Links in the directories above are left to the kernel.
std::string resolve_final_symlinks(const std::string& path) {
  fs::path p = path;
  for (int hops = 0; hops < kMaxSymlinkHops; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) break;
    std::error_code ec;
    const fs::path target = fs::read_symlink(p, ec);
    if (ec) break;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  return p.string();
}

std::string directory_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// A name for a new file in `dir` that no other writer of this process picks; O_EXCL settles the
// rest.
std::string temp_name(const std::string& dir, const std::string& base) {
  static std::atomic<unsigned> counter{0};
  return (fs::path(dir) / fmt::format(".{}.tmp-{}-{}", base, ::getpid(), counter++)).string();
}

// Creates a new file in `dir` with open(O_CREAT | O_EXCL); returns its descriptor and name, or -1
// with errno set.
int create_temp(const std::string& dir, const std::string& base, std::string* name) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    *name = temp_name(dir, base);
    int fd;
    do {
      fd = ::open(name->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  return -1;  // errno is EEXIST
}

// Refuses, for an output, something at the path that is not a regular file. Returns whether a
// regular file is there and, if so, its permission bits.
bool existing_output(const std::string& path, const std::string& target, mode_t* mode) {
  struct stat st;
  if (::lstat(target.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    throw_error(path, errno, "cannot be written");
  }
  if (S_ISDIR(st.st_mode)) throw_error(path, 0, "is a directory, not a file");
  if (!S_ISREG(st.st_mode)) {
    throw_error(path, 0,
                fmt::format("is a {}, not a regular file: outputs are written only as regular "
                            "files",
                            file_type_name(st.st_mode)));
  }
  *mode = st.st_mode & 07777;
  return true;
}

// What check_distinct_paths compares.
struct Identity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string normalized;
};

Identity identity_of(const std::string& path) {
  Identity id;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(resolve_final_symlinks(path), ec);
  if (ec) {
    id.normalized = fs::path(path).lexically_normal().string();
    return id;
  }
  const fs::path canonical = fs::weakly_canonical(absolute, ec);
  id.normalized = (ec ? absolute.lexically_normal() : canonical).string();
  return id;
}

bool same_file(const Identity& a, const Identity& b) {
  if (a.exists && b.exists) return a.dev == b.dev && a.ino == b.ino;
  return a.normalized == b.normalized;
}

std::string label(const NamedPath& p, const char* kind, std::size_t index) {
  return p.name.empty() ? fmt::format("{} {}", kind, index + 1) : p.name;
}

}  // namespace

FileError::FileError(const std::string& path, int error_number, const std::string& message)
    : std::invalid_argument(message), path_(path), error_number_(error_number) {}

std::string file_type_name(mode_t mode) {
  if (S_ISREG(mode)) return "regular file";
  if (S_ISDIR(mode)) return "directory";
  if (S_ISFIFO(mode)) return "FIFO (named pipe)";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISLNK(mode)) return "symbolic link";
  return "file of unknown type";
}

void check_input_file(const std::string& path) {
  struct stat st;
  if (path.empty()) throw_error(path, 0, "no input file named");
  if (::stat(path.c_str(), &st) != 0) throw_error(path, errno, "cannot open for reading");
  if (!S_ISREG(st.st_mode)) {
    throw_error(path, 0,
                fmt::format("is a {}, not a regular file: inputs must be regular files",
                            file_type_name(st.st_mode)));
  }
}

// ---- InputFile ----

InputFile InputFile::open(const std::string& path) {
  // Checked before opening, so that a FIFO is never opened (opening one for reading waits for a
  // writer) and a device's open has no side effect.
  check_input_file(path);
  InputFile f;
  f.path_ = path;
  // O_NONBLOCK in case the path was replaced by a FIFO since the check; then checked again.
  do {
    f.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  } while (f.fd_ < 0 && errno == EINTR);
  if (f.fd_ < 0) throw_error(path, errno, "cannot open for reading");
  struct stat st;
  if (::fstat(f.fd_, &st) != 0) throw_error(path, errno, "cannot read its size");
  if (!S_ISREG(st.st_mode)) {
    throw_error(path, 0,
                fmt::format("is a {}, not a regular file: inputs must be regular files",
                            file_type_name(st.st_mode)));
  }
  const int flags = ::fcntl(f.fd_, F_GETFL);
  if (flags < 0 || ::fcntl(f.fd_, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    throw_error(path, errno, "cannot set up for reading");
  }
  f.size_ = static_cast<std::uint64_t>(st.st_size);
  return f;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      size_(std::exchange(other.size_, 0)) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void InputFile::read_exact(std::uint64_t offset, void* out, std::size_t n) const {
  auto* p = static_cast<char*>(out);
  std::size_t done = 0;
  while (done < n) {
    const std::size_t chunk = std::min(n - done, kMaxIoChunk);
    const ssize_t r = ::pread(fd_, p + done, chunk, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw_error(path_, errno, fmt::format("read error at byte {}", offset + done));
    }
    if (r == 0) {
      throw_error(path_, 0,
                  fmt::format("the file ends at byte {}, {} bytes were expected from byte {} "
                              "(it shrank after it was opened?)",
                              offset + done, n, offset));
    }
    done += static_cast<std::size_t>(r);
  }
}

std::string InputFile::read(std::uint64_t offset, std::size_t n) const {
  std::string s(n, '\0');
  read_exact(offset, s.data(), n);
  return s;
}

// ---- MappedFile ----

MappedFile MappedFile::open(const std::string& path) { return map(InputFile::open(path)); }

MappedFile MappedFile::map(const InputFile& file) {
  MappedFile m;
  m.path_ = file.path();
  if (file.size() == 0) return m;
  if (file.size() > std::numeric_limits<std::size_t>::max()) {
    throw_error(file.path(), 0,
                fmt::format("{} bytes do not fit in this process's address space", file.size()));
  }
  void* p =
      ::mmap(nullptr, static_cast<std::size_t>(file.size()), PROT_READ, MAP_PRIVATE, file.fd(), 0);
  if (p == MAP_FAILED) throw_error(file.path(), errno, "cannot map into memory");
  m.data_ = static_cast<const std::uint8_t*>(p);
  m.size_ = file.size();
  return m;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<std::uint8_t*>(data_), static_cast<std::size_t>(size_));
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) {
      ::munmap(const_cast<std::uint8_t*>(data_), static_cast<std::size_t>(size_));
    }
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

// ---- AtomicFileWriter ----

AtomicFileWriter::AtomicFileWriter(const std::string& path) : path_(path) {
  if (path.empty()) throw_error(path, 0, "no output file named");
  target_ = resolve_final_symlinks(path);
  mode_t mode = 0;
  const bool exists = existing_output(path, target_, &mode);
  const std::string dir = directory_of(target_);
  fd_ = create_temp(dir, fs::path(target_).filename().string(), &temp_);
  if (fd_ < 0) {
    const int err = errno;
    temp_.clear();  // nothing was created
    throw_error(path, err,
                fmt::format("cannot write: cannot create a temporary file in directory '{}'", dir));
  }
  // A replaced file keeps its permissions; a new one has those open() gave (0666 less umask).
  if (exists && ::fchmod(fd_, mode) != 0) fail(errno, "setting the permissions of");
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) discard();
}

void AtomicFileWriter::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
    temp_.clear();
  }
}

void AtomicFileWriter::fail(int error_number, const std::string& doing) {
  const std::string temp = temp_;
  discard();
  throw_error(path_, error_number,
              fmt::format("cannot write ({} the temporary file '{}', now removed; anything at the "
                          "path was left as it was)",
                          doing, temp));
}

void AtomicFileWriter::write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

void AtomicFileWriter::write(const void* data, std::size_t size) {
  if (fd_ < 0) throw_error(path_, 0, "write after commit or after a failure");
  const auto* p = static_cast<const char*>(data);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t r = ::write(fd_, p + done, std::min(size - done, kMaxIoChunk));
    if (r < 0) {
      if (errno == EINTR) continue;
      fail(errno, "writing");
    }
    if (r == 0) fail(EIO, "writing");
    done += static_cast<std::size_t>(r);
  }
}

void AtomicFileWriter::commit() {
  if (fd_ < 0) throw_error(path_, 0, "commit after commit or after a failure");
  if (::fsync(fd_) != 0) fail(errno, "syncing");
  const int fd = std::exchange(fd_, -1);
  // close() can report a write error that the file system deferred (NFS, quotas).
  if (::close(fd) != 0) fail(errno, "closing");
  if (::rename(temp_.c_str(), target_.c_str()) != 0) fail(errno, "renaming");
  committed_ = true;
  temp_.clear();
  // Makes the rename itself durable. The new file is in place whatever happens here, so a
  // failure is not reported as a failed write.
  const int dir = ::open(directory_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  AtomicFileWriter w(path);
  w.write(bytes);
  w.commit();
}

void write_file_atomic(const std::string& path, const std::vector<std::string_view>& parts) {
  AtomicFileWriter w(path);
  for (std::string_view part : parts) w.write(part);
  w.commit();
}

// ---- Checks before work starts ----

void check_output_writable(const std::string& path) {
  if (path.empty()) throw_error(path, 0, "no output file named");
  const std::string target = resolve_final_symlinks(path);
  const std::string dir = directory_of(target);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      throw_error(path, 0, fmt::format("cannot be written: directory '{}' does not exist", dir));
    }
    if (errno == ENOTDIR) {
      throw_error(path, 0,
                  fmt::format("cannot be written: '{}' (or a directory above it) is not a "
                              "directory",
                              dir));
    }
    throw_error(path, errno, fmt::format("cannot be written: directory '{}'", dir));
  }
  if (!S_ISDIR(st.st_mode)) {
    throw_error(path, 0,
                fmt::format("cannot be written: '{}' is a {}, not a directory", dir,
                            file_type_name(st.st_mode)));
  }
  mode_t mode = 0;
  existing_output(path, target, &mode);
  // Permission bits do not tell: root ignores them, a read-only mount or an immutable directory
  // does not show in them. Creating a file does.
  std::string probe;
  const int fd = create_temp(dir, fs::path(target).filename().string(), &probe);
  if (fd < 0) {
    throw_error(path, errno,
                fmt::format("cannot be written: cannot create files in directory '{}'", dir));
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

void check_distinct_paths(const std::vector<NamedPath>& outputs,
                          const std::vector<NamedPath>& inputs) {
  std::vector<Identity> out_ids, in_ids;
  for (const NamedPath& p : outputs) out_ids.push_back(identity_of(p.path));
  for (const NamedPath& p : inputs) in_ids.push_back(identity_of(p.path));
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (same_file(out_ids[i], out_ids[j])) {
        throw_error(outputs[i].path, 0,
                    fmt::format("{} and {} ('{}') are the same file: each output needs its own",
                                label(outputs[i], "output", i), label(outputs[j], "output", j),
                                outputs[j].path));
      }
    }
    for (std::size_t j = 0; j < inputs.size(); ++j) {
      if (same_file(out_ids[i], in_ids[j])) {
        throw_error(outputs[i].path, 0,
                    fmt::format("{} is the same file as {} ('{}'): an output must not overwrite "
                                "an input",
                                label(outputs[i], "output", i), label(inputs[j], "input", j),
                                inputs[j].path));
      }
    }
  }
}

void check_distinct_paths(const std::vector<std::string>& outputs,
                          const std::vector<std::string>& inputs) {
  std::vector<NamedPath> o, in;
  for (const std::string& p : outputs) o.push_back({"", p});
  for (const std::string& p : inputs) in.push_back({"", p});
  check_distinct_paths(o, in);
}

}  // namespace ternac
