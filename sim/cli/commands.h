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

// A command that runs scripts/<script_name> of this build's source tree in ternac's place (exec),
// with every argument after the command's name (--help included) and TERNAC_BUILD_DIR set to this
// build unless the caller set one. With `honour_ternac_python` the interpreter is $TERNAC_PYTHON,
// else the one recorded at configure time, else the script's "#!" line; without, always the "#!"
// line (a script that needs Debian's python3-* modules). regress.cpp.
Command add_script_command(CLI::App& root, const std::string& name, const std::string& description,
                           const std::string& script_name, bool honour_ternac_python);

}  // namespace ternac::cli
