// The subcommands of ternac, one file each (sim/cli/<name>.cpp). Each adds itself to the root
// app and says how it runs.
#pragma once

#include <CLI/CLI.hpp>

#include "ternac/sim/cli/common.h"

namespace ternac::cli {

Command add_run(CLI::App& root);        // run.cpp
Command add_model(CLI::App& root);      // model.cpp
Command add_bitlinear(CLI::App& root);  // bitlinear.cpp
Command add_claims(CLI::App& root);     // claims.cpp
Command add_shapes(CLI::App& root);     // shapes.cpp
Command add_config(CLI::App& root);     // config.cpp
Command add_regress(CLI::App& root);    // regress.cpp
Command add_report(CLI::App& root);     // report_html.cpp (report.h is the JSON layer)

}  // namespace ternac::cli
