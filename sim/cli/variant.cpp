#include "ternac/sim/cli/variant.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "ternac/sim/build_cache.h"
#include "ternac/sim/cli/harness.h"

namespace ternac::cli {
namespace {

std::vector<char*> g_argv;

// name:Lanes:TreeInputs:AccWidth:WeightRowsPerBeat:TokenTile:Datapath:PipeEvery:Cap:Reduction
// (cmake/TernacRtl.cmake's config strings).
std::string config_string(const ArrayConfig& c) {
  return fmt::format("cli:{}:{}:{}:{}:{}:{}:{}:{}:{}", c.lanes, c.tree_inputs, c.acc_width,
                     c.weight_rows_per_beat, c.token_tile, static_cast<int>(c.datapath),
                     c.pipe_every, c.level_width_cap, static_cast<int>(c.reduction));
}

}  // namespace

void remember_command_line(int argc, char** argv) { g_argv.assign(argv, argv + argc); }

ArrayConfig builtin_array() {
  Harness harness;  // the configuration its RTL reports (hw_config_o), as built
  return harness.config();
}

void switch_to_requested_array(const Options& o, const std::string& command) {
  const std::optional<ArrayConfig> want = requested_array(o);
  const ArrayConfig have = builtin_array();
  if (!want || want->name() == have.name()) return;
  if (const char* inside = std::getenv("TERNAC_CLI_VARIANT"); inside && *inside) {
    throw std::logic_error(fmt::format("the ternac built for {} runs the array {}, not {}", inside,
                                       have.name(), want->name()));
  }
  const std::string root = TERNAC_SOURCE_DIR;
  CachedBuild b;
  // claims simulates the array with toggle counting and its INT8 baseline too: two more models,
  // built only for it.
  const bool claims = command == "claims";
  b.name = (claims ? "cli-claims-" : "cli-") + want->name();
  b.source_dir = root;
  b.cmake_args = {"-DTERNAC_CLI_CONFIG=" + config_string(*want), "-DTERNAC_SYSTEMC=OFF",
                  "-DTERNAC_CLI_ONLY=ON",
                  std::string("-DTERNAC_CLI_CLAIMS=") + (claims ? "ON" : "OFF")};
  b.key_paths = {root + "/CMakeLists.txt",
                 root + "/cmake",
                 root + "/rtl",
                 root + "/model",
                 root + "/sim",
                 root + "/testbench",
                 root + "/scripts/file_list.sh"};
  b.target = "ternac";
  b.product = "sim/ternac";
  const std::string exe = build_cached(b);
  std::fflush(stdout);
  std::fflush(stderr);
  setenv("TERNAC_CLI_VARIANT", want->name().c_str(), 1);
  std::vector<char*> argv = g_argv;
  argv.push_back(nullptr);
  execv(exe.c_str(), argv.data());
  throw std::runtime_error(fmt::format("cannot run {}: {}", exe, std::strerror(errno)));
}

}  // namespace ternac::cli
