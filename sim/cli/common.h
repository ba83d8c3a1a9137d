// The shared layer of the ternac subcommands (sim/cli/*.cpp): exit codes, options read strictly
// on top of CLI11, the files a command reads and writes (checked before any work starts, written
// atomically), memory estimates, and the version.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ternac/model/base/file_io.h"
#include "ternac/model/core/gemm.h"

namespace ternac::cli {

// Exit codes, the same for every subcommand (README, `ternac --help`).
enum ExitCode : int {
  kExitOk = 0,           // everything ran and every check passed
  kExitCheckFailed = 1,  // a check failed: the RTL disagreed with a model or raised a status bit
  kExitError = 2,        // the command could not do its job: bad usage, bad input, an output that
                         // cannot be written, too little memory, an internal error
};

// A failed check that ends a command early (exit 1). Commands that can report every layer
// return kExitCheckFailed instead.
class CheckFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The options of one subcommand. CLI11 parses the command line (subcommands, --help, unknown
// options, missing values, unexpected arguments); the values are read here, strictly
// (model/base/text_io.h), because CLI11 2.1 reads integers with strtoull(.., 0): octal,
// hexadecimal, and " -1" as 2^64 - 1. Every option is taken once: check_once() refuses a repeated
// one.
class Options {
 public:
  explicit Options(CLI::App* app) : app_(app) {}
  CLI::App* app() const { return app_; }

  // "--name VALUE"; `type` names the value in the help ("N", "FILE").
  void value(const std::string& name, const std::string& type, const std::string& help);
  // "--name", no value.
  void flag(const std::string& name, const std::string& help);

  // After parsing: throws std::invalid_argument for an option given more than once.
  void check_once() const;
  bool has(const std::string& name) const;
  std::string str(const std::string& name, const std::string& fallback) const;
  // A decimal integer in lo..hi.
  std::uint64_t decimal(const std::string& name, std::uint64_t lo, std::uint64_t hi,
                        std::uint64_t fallback) const;
  double real(const std::string& name, double fallback) const;
  float real32(const std::string& name, float fallback) const;
  // A dimension of a GEMM: 1..kMaxDim.
  std::uint32_t dim(const std::string& name, std::uint32_t fallback) const;
  // A fraction in [0, 1] (--zeros).
  double fraction(const std::string& name, double fallback) const;
  // Everything given, as text, for the provenance of a report: {"layer": "attn_k", ...}.
  std::map<std::string, std::string> given() const;

 private:
  const std::string& raw(const std::string& name) const;
  CLI::App* app_;
  std::map<std::string, CLI::Option*> options_;
};

// Help text wrapped to fit 100 columns beside the option names; format_help sets the root app's
// layout to match.
std::string wrap_help(const std::string& text);
void format_help(CLI::App& app);

// A subcommand: its CLI11 app, its options, and what runs it (returns the exit code).
struct Command {
  CLI::App* app = nullptr;
  std::shared_ptr<Options> options;
  std::function<int(const Options&)> run;
};

// Adds a subcommand named `name` to `root` whose options `declare` adds; `run` runs it.
Command make_command(CLI::App& root, const std::string& name, const std::string& description,
                     const std::function<void(Options&)>& declare,
                     std::function<int(const Options&)> run);

// The files one command reads and writes, all checked before any work starts: inputs are
// regular files that open for reading, outputs can be created in their directories, and no two
// outputs, and no output and input, are the same file. Names are the options ("--out").
class Files {
 public:
  void input(const std::string& option, const std::string& path);
  void output(const std::string& option, const std::string& path);
  // Adds an output for each of `options` that `o` has.
  void outputs_of(const Options& o, const std::vector<std::string>& options);
  // Throws FileError (a std::invalid_argument) naming the option, the path and the problem.
  void check() const;

 private:
  std::vector<NamedPath> inputs_, outputs_;
};

// Writes an output atomically (model/base/file_io.h): the whole file or nothing, the previous file
// left as it was on any failure.
void write_output(const std::string& path, std::string_view bytes);

// The memory a command will take, estimated before anything big is allocated, and the limit it
// must stay within: the memory available (MemAvailable, and the cgroup's limit where there is
// one) or --memory-limit.
struct MemoryEstimate {
  std::uint64_t bytes = 0;
  std::string what;  // how it was reckoned, for the message
};
struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string source;  // "available memory (MemAvailable)", "--memory-limit", ...
};
// A process's own memory before any GEMM: the program, one Verilated model, the energy tables.
constexpr std::uint64_t kBaseBytes = 8ull << 20;
// One Verilated model of the default array with its monitors, and a worker thread.
constexpr std::uint64_t kModelBytes = 2ull << 20;
// Blocks from this size up are mmap()ed by malloc and unmapped when freed; smaller ones come from
// malloc's heaps, which keep them once freed for reuse (main.cpp sets both thresholds).
constexpr std::uint64_t kMmapThreshold = 32ull << 20;
constexpr std::uint64_t kTrimThreshold = 512ull << 20;
// The memory one GEMM takes while it is simulated: its weights (a byte each) and activations,
// and the expected results (int64) held by the scoreboard.
std::uint64_t gemm_bytes(const GemmShape& shape);
// --max-cycles N: a layer that has not finished after N cycles fails its check (exit 1); 0, the
// default, is the harness's own watchdog (64 x the cycle model + 10000, over the backpressure).
void declare_max_cycles(Options& o);
std::uint64_t max_cycles(const Options& o);

// The --memory-limit option (declared by every command that simulates) or the memory available.
void declare_memory_limit(Options& o);
MemoryLimit memory_limit(const Options& o);
// The process's peak resident memory so far (VmHWM of /proc/self/status), 0 if unknown.
std::uint64_t peak_resident_bytes();
// Throws std::invalid_argument with the estimate and the limit when the estimate is larger.
void check_memory(const MemoryEstimate& estimate, const MemoryLimit& limit);
// "3.25 GiB", "512.0 MiB", "12.0 KiB", "100 B".
std::string bytes_text(std::uint64_t bytes);
// A size: decimal digits with an optional K, M, G or T (powers of 1024, an optional "iB" or
// "B" after it), e.g. 8G, 512MiB, 1073741824.
std::uint64_t parse_size(std::string_view text, std::string_view what);

// The version line of `ternac --version`: version, git commit (with "-modified" when the tree
// had uncommitted changes), as captured at build time.
std::string version_text();
const char* version();
const char* git_commit();
bool git_dirty();
const char* verilator_version();
std::string compiler_version();

}  // namespace ternac::cli
