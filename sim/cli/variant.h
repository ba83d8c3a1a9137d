// Any array configuration from the command line (docs/build_cache.md): run, model, claims and
// bitlinear take --config NAME or parameter options (--lanes, --tree-inputs, ...). The ternac
// binary holds one array, the CLI array it was built with; for another one it builds the ternac
// CLI of that configuration on first use into the build cache (sim/build_cache.h), and runs the
// same command line through it. Later uses start it at once.
#pragma once

#include <optional>
#include <string>

#include "ternac/model/core/config.h"
#include "ternac/sim/cli/common.h"

namespace ternac::cli {

// The options of an array configuration (config.cpp): --config NAME and one per parameter.
void declare_array_options(Options& o);
// The configuration the options ask for (checked by ArrayConfig::validate), or nothing when they
// name none. Throws std::invalid_argument naming a bad value or the rule a configuration breaks.
std::optional<ArrayConfig> requested_array(const Options& o);

// Keeps the command line, for a run through another configuration's binary.
void remember_command_line(int argc, char** argv);
// The array this binary simulates (its RTL's parameters, as built).
ArrayConfig builtin_array();
// When `o` asks for an array other than builtin_array(): builds that configuration's ternac
// (cached) and replaces this process by it, with the same command line; returns only when the
// options ask for this binary's own array (or none). Throws std::runtime_error when the build
// fails, naming its log.
// `command` is the subcommand: claims needs a build with its models, the others a smaller one.
void switch_to_requested_array(const Options& o, const std::string& command);

}  // namespace ternac::cli
