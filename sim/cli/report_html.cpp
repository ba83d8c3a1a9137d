// ternac report: scripts/report.py of this build's source tree, on this build: one static HTML
// page of the last regression, coverage, claims and a sweep. Every argument after "report" goes
// to the script, --help included.
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

Command add_report(CLI::App& root) {
  Command c = make_command(
      root, "report",
      "one static HTML page (scripts/report.py): the last regression, coverage, claims and a "
      "sweep, with plots and provenance; 'report --help' for its options",
      [](Options&) {},
      [](const Options& o) -> int {
        // As regress: the script runs through its own "#!" line.
        const std::string script = std::string(TERNAC_SOURCE_DIR) + "/scripts/report.py";
        std::vector<std::string> argv_s = {script};
        for (const std::string& a : o.app()->remaining()) argv_s.push_back(a);
        std::vector<char*> argv;
        for (std::string& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        setenv("TERNAC_BUILD_DIR", TERNAC_BUILD_DIR, 0);  // where it looks for the last run
        std::fflush(stdout);
        execv(script.c_str(), argv.data());
        throw std::runtime_error(fmt::format("cannot run {}: {}", script, std::strerror(errno)));
      });
  c.app->prefix_command();
  c.app->set_help_flag();
  return c;
}

}  // namespace ternac::cli
