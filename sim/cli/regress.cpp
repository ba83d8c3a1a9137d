// ternac regress: scripts/regress.py of this build's source tree, on this build. Every argument
// after "regress" goes to the script, --help included.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "ternac/sim/cli/commands.h"

namespace ternac::cli {

Command add_regress(CLI::App& root) {
  Command c = make_command(
      root, "regress",
      "the regression runner (scripts/regress.py): levels smoke, default, nightly; --tags, "
      "--seeds, --shard I/N, JUnit and CSV/JSON summaries; 'regress --help' for its options",
      [](Options&) {},
      [](const Options& o) -> int {
        // The script runs through its own "#!" line, so that the interpreter it names (and
        // nothing hard-coded here) runs it.
        const std::string script = std::string(TERNAC_SOURCE_DIR) + "/scripts/regress.py";
        std::vector<std::string> argv_s = {script};
        for (const std::string& a : o.app()->remaining()) argv_s.push_back(a);
        std::vector<char*> argv;
        for (std::string& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        setenv("TERNAC_BUILD_DIR", TERNAC_BUILD_DIR, 0);  // unless the caller chose one
        std::fflush(stdout);
        execv(script.c_str(), argv.data());
        throw std::runtime_error(fmt::format("cannot run {}: {}", script, std::strerror(errno)));
      });
  // Everything after "regress" is the script's, --help and unknown options included.
  c.app->prefix_command();
  c.app->set_help_flag();
  return c;
}

}  // namespace ternac::cli
