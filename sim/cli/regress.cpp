// ternac regress: scripts/regress.py of this build's source tree, on this build. Every argument
// after "regress" goes to the script, --help included.
//
// The interpreter: $TERNAC_PYTHON when set and not empty, else the one recorded when the build
// was configured (the CMake cache variable TERNAC_PYTHON, sim/CMakeLists.txt), else, when both
// are empty, the script's own "#!" line. Nothing here names an interpreter.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ternac/sim/cli/commands.h"

#ifndef TERNAC_PYTHON
#define TERNAC_PYTHON ""
#endif

namespace ternac::cli {
namespace {

// The interpreter the script's "#!" line names, for an error message ("" if none).
std::string hashbang_interpreter(const std::string& script) {
  std::ifstream in(script);
  std::string line;
  if (!std::getline(in, line) || line.rfind("#!", 0) != 0) return "";
  const std::size_t start = line.find_first_not_of(' ', 2);
  if (start == std::string::npos) return "";
  return line.substr(start, line.find(' ', start) - start);
}

}  // namespace

Command add_script_command(CLI::App& root, const std::string& name, const std::string& description,
                           const std::string& script_name, bool honour_ternac_python) {
  Command c = make_command(
      root, name, description, [](Options&) {},
      [script_name, honour_ternac_python](const Options& o) -> int {
        const std::string script = std::string(TERNAC_SOURCE_DIR) + "/scripts/" + script_name;
        const char* from_env = honour_ternac_python ? std::getenv("TERNAC_PYTHON") : nullptr;
        const std::string python = from_env && *from_env  ? std::string(from_env)
                                   : honour_ternac_python ? std::string(TERNAC_PYTHON)
                                                          : std::string();
        std::vector<std::string> argv_s;
        if (!python.empty()) argv_s.push_back(python);
        argv_s.push_back(script);
        for (const std::string& a : o.app()->remaining()) argv_s.push_back(a);
        std::vector<char*> argv;
        for (std::string& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        setenv("TERNAC_BUILD_DIR", TERNAC_BUILD_DIR, 0);  // unless the caller chose one
        std::fflush(stdout);
        if (!python.empty()) {
          execvp(python.c_str(), argv.data());  // a name without '/' is looked up in PATH
          throw std::runtime_error(
              fmt::format("cannot run {} (TERNAC_PYTHON{}): {}", python,
                          from_env && *from_env ? "" : ", recorded when the build was configured",
                          std::strerror(errno)));
        }
        execv(script.c_str(), argv.data());  // through its "#!" line
        const int error = errno;
        const std::string interpreter = hashbang_interpreter(script);
        if (error == ENOENT && !interpreter.empty() && access(script.c_str(), F_OK) == 0) {
          throw std::runtime_error(fmt::format(
              "cannot run {}: the interpreter its #! line names, {}, is missing{}", script,
              interpreter,
              honour_ternac_python ? "; set TERNAC_PYTHON to a Python 3 (docs/regression.md)"
                                   : ""));
        }
        throw std::runtime_error(fmt::format("cannot run {}: {}", script, std::strerror(error)));
      });
  // Everything after the command's name is the script's, --help and unknown options included.
  c.app->prefix_command();
  c.app->set_help_flag();
  return c;
}

Command add_regress(CLI::App& root) {
  return add_script_command(
      root, "regress",
      "the regression runner (scripts/regress.py): levels smoke, default, nightly; --tags, "
      "--seeds, --shard I/N, JUnit and CSV/JSON summaries; 'regress --help' for its options",
      "regress.py", true);
}

}  // namespace ternac::cli
