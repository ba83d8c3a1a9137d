// Run description files (docs/outputs.md, "Run descriptions"): a JSON file that holds a command's
// options, in the spirit of Timeloop's and SCALE-Sim's configuration files, so that a run is one
// file that can be kept, diffed and re-run:
//
//   ternac run --description my_run.json      (also model, bitlinear, claims)
//
// The file is an object whose keys are the command's options without their dashes ("lanes",
// "layer", "nodes", "json", ...), either at the top level or grouped in the sections "array",
// "workload", "energy", "checks" and "outputs" (the grouping is for the reader: a key means the
// same in any section). Values are strings, non-negative integers, numbers, or true for a flag
// (false leaves it out). Paths (the options whose value the help shows as FILE, DIR or a file
// name) are relative to the file's directory.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace ternac::cli {

// Replaces "--description FILE" (or "--description=FILE") in `args` (args[0] the program, args[1]
// the command) by the options the file holds. Throws std::invalid_argument naming the file and
// the key for an unreadable or malformed file, a key that is not an option of `command`, a value
// of the wrong type, a key given twice, or an option given both in the file and on the command
// line. Arguments without --description are left as they are.
void expand_description(std::vector<std::string>& args, const CLI::App& command);

}  // namespace ternac::cli
