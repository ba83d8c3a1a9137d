#include "ternac/sim/build_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace ternac {
namespace {

// FNV-1a, 64 bits: the cache key is not a security boundary, only a content fingerprint.
struct Fnv {
  std::uint64_t h = 14695981039346656037ull;
  void add(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
  void add(const std::string& s) {
    add(s.data(), s.size());
    add("\0", 1);
  }
};

// The output of a shell command (its first line), or "" when it cannot run.
std::string command_line(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r")) {
    char buf[512];
    if (std::fgets(buf, sizeof buf, p)) out = buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

void hash_file(Fnv& f, const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string() + " for the build cache key");
  f.add(p.string());
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    f.add(buf, static_cast<std::size_t>(in.gcount()));
  }
}

// Runs argv with its output to `log` (appended); `on_line` sees each output line.
int run_logged(const std::vector<std::string>& argv, const fs::path& log,
               const std::function<void(const std::string&)>& on_line) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for the build");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot start the build");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "cannot run %s\n", args[0]);
    _exit(127);
  }
  close(fds[1]);
  std::ofstream out(log, std::ios::app);
  std::string line;
  char c;
  FILE* in = fdopen(fds[0], "r");
  while (std::fread(&c, 1, 1, in) == 1) {
    if (c == '\n' || c == '\r') {
      if (!line.empty()) {
        out << line << "\n";
        on_line(line);
      }
      line.clear();
    } else {
      line += c;
    }
  }
  if (!line.empty()) {
    out << line << "\n";
    on_line(line);
  }
  std::fclose(in);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string log_tail(const fs::path& log, int lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  std::string l;
  while (std::getline(in, l)) all.push_back(l);
  std::string out;
  for (std::size_t i = all.size() > static_cast<std::size_t>(lines) ? all.size() - lines : 0;
       i < all.size(); ++i) {
    out += "  " + all[i] + "\n";
  }
  return out;
}

}  // namespace

int run_process(const std::vector<std::string>& argv, std::string* output) {
  const fs::path log = fs::temp_directory_path() / fmt::format("ternac-run-{}.log", getpid());
  std::string collected;
  const int status = run_logged(argv, log, [&](const std::string& l) { collected += l + "\n"; });
  std::error_code ec;
  fs::remove(log, ec);
  if (output) *output = collected;
  return status;
}

std::string cache_root() {
  if (const char* d = std::getenv("TERNAC_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/ternac";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/ternac";
  throw std::runtime_error(
      "no cache directory for on-demand builds: set TERNAC_CACHE_DIR (or HOME)");
}

std::string cache_key(const CachedBuild& b) {
  Fnv f;
  f.add(b.name);
  f.add(b.target);
  for (const std::string& a : b.cmake_args) f.add(a);
  for (const std::string& p : b.key_paths) {
    if (fs::is_directory(p)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::recursive_directory_iterator(p)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) hash_file(f, file);
    } else {
      hash_file(f, p);
    }
  }
  for (const char* tool :
       {"cmake --version", "${CXX:-c++} --version", "verilator --version", "yosys -V"}) {
    f.add(command_line(tool));
  }
  return fmt::format("{:016x}", f.h);
}

std::string build_cached(const CachedBuild& b) {
  const fs::path root = cache_root();
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw std::runtime_error("cannot create the cache directory " + root.string());
  const fs::path dir = root / (b.name + "-" + cache_key(b));
  const fs::path product = dir / b.product;
  const fs::path done = dir / ".complete";

  // One build per entry at a time: a second process waits here, then finds it complete.
  const std::string lock_path = dir.string() + ".lock";
  const int lock = open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock < 0) throw std::runtime_error("cannot create the lock " + lock_path);
  flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() { close(fd); }
  } unlock{lock};
  if (fs::exists(done) && fs::exists(product)) return product.string();

  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir.string());
  const fs::path log = dir / "build.log";
  const bool tty = isatty(STDERR_FILENO) != 0;
  const auto t0 = std::chrono::steady_clock::now();
  std::fprintf(stderr, "ternac: building %s on first use (log: %s)\n", b.name.c_str(), log.c_str());
  const std::regex step(R"(^\[(\d+)/(\d+)\])");
  std::string phase = "configuring";
  auto show = [&](const std::string& line) {
    std::smatch m;
    if (!tty) return;
    if (std::regex_search(line, m, step)) {
      std::fprintf(stderr, "\r  %s: compiling, step %s of %s   ", b.name.c_str(),
                   m[1].str().c_str(), m[2].str().c_str());
    } else {
      std::fprintf(stderr, "\r  %s: %s...   ", b.name.c_str(), phase.c_str());
    }
  };
  std::vector<std::string> configure{
      "cmake", "-S", b.source_dir, "-B", dir.string(), "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release"};
  configure.insert(configure.end(), b.cmake_args.begin(), b.cmake_args.end());
  int status = run_logged(configure, log, show);
  if (status == 0) {
    phase = "compiling";
    status = run_logged({"cmake", "--build", dir.string(), "--target", b.target}, log, show);
  }
  if (tty) std::fprintf(stderr, "\r%80s\r", "");
  if (status != 0 || !fs::exists(product)) {
    // The entry stays incomplete (no .complete): the next use builds it again from scratch.
    throw std::runtime_error(
        fmt::format("building {} failed (log: {}):\n{}", b.name, log.string(), log_tail(log, 25)));
  }
  std::ofstream(done) << "ok\n";
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "ternac: built %s in %.0f s (cached in %s)\n", b.name.c_str(), s,
               dir.c_str());
  return product.string();
}

}  // namespace ternac
