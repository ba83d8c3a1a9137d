// ternac report: scripts/report.py of this build's source tree, on this build: one static HTML
// page of the last regression, coverage, claims and a sweep. Every argument after "report" goes
// to the script, --help included.
#include "ternac/sim/cli/commands.h"

namespace ternac::cli {

Command add_report(CLI::App& root) {
  // As regress, but always through the script's own "#!" line: it needs Debian's matplotlib.
  return add_script_command(
      root, "report",
      "one static HTML page (scripts/report.py): the last regression, coverage, claims and a "
      "sweep, with plots and provenance; 'report --help' for its options",
      "report.py", false);
}

}  // namespace ternac::cli
