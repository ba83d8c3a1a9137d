// On-demand builds (docs/build_cache.md): a CMake project of the repository (the gate-level
// simulator, an array configuration's Verilated model) is configured and built the first time it
// is needed, into a cache directory keyed by everything that determines the result: the project's
// sources and the RTL they read, the build options, and the versions of the tools. Later uses
// with the same key reuse the build and start at once. A lock serializes two processes that ask
// for the same build; a failed build leaves no entry behind and shows the end of its log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ternac {

struct CachedBuild {
  std::string name;                     // readable part of the entry's name, e.g. "gate-64-d0"
  std::string source_dir;               // the CMake project
  std::vector<std::string> cmake_args;  // -D... options for its configure step
  std::vector<std::string> key_paths;   // files and directories whose contents the key hashes
  std::string target;                   // the target to build
  std::string product;                  // the built file, relative to the build directory
};

// The cache: $TERNAC_CACHE_DIR, else $XDG_CACHE_HOME/ternac, else $HOME/.cache/ternac.
std::string cache_root();

// The key of a build: a hash of its name, options, the contents of every file under key_paths,
// and the versions of cmake, the C++ compiler, Verilator and Yosys.
std::string cache_key(const CachedBuild& build);

// Builds `build` unless the cache holds it already, and returns the absolute path of its product.
// Progress: on a terminal one line updated in place (the build's step counts), otherwise one line
// when the build starts and one when it ends. Throws std::runtime_error (with the end of the
// build's log) when the build fails.
std::string build_cached(const CachedBuild& build);

// Runs a program (argv[0] found on PATH if it has no '/'), its output (stdout and stderr)
// collected into *output when given; returns its exit status (128 + signal when killed).
int run_process(const std::vector<std::string>& argv, std::string* output = nullptr);

}  // namespace ternac
