// ternac: the command-line front end.
//
//   ternac run        run a GEMM workload through the RTL, checking every result (the main job)
//   ternac model      every linear layer of a whole model (synthetic or a GGUF file) through the
//   RTL ternac bitlinear  a BitLinear layer from .npy or GGUF inputs through the RTL, output to
//   .npy ternac claims     the 71.4x and 5.5x energy claims on counted RTL operations, per node
//   ternac shapes     list the built-in layer shapes
//   ternac config     print the configuration of the built-in array
//   ternac regress    the regression runner (scripts/regress.py)
//   ternac report     one HTML page of regression, coverage, claims, sweep (scripts/report.py)
//   ternac help       this list, or one command's options
//
// CLI11 parses the command line; each subcommand lives in its own file (commands.h) on a shared
// layer (common.h): strict option values, files checked before any work, atomic outputs, memory
// estimates, and one set of exit codes (common.h, ExitCode).
#include <fmt/format.h>
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "ternac/model/base/text_io.h"
#include "ternac/sim/cli/commands.h"
#include "ternac/sim/cli/common.h"
#include "ternac/sim/cli/description.h"
#include "ternac/sim/cli/variant.h"

namespace ternac::cli {
namespace {

constexpr const char* kFooter = R"(
'ternac <command> --help' shows a command's options; docs/outputs.md describes the JSON and
CSV files the commands write.

Exit status (every command):
  0  success: everything ran and every check passed
  1  a check failed: the RTL disagreed with the golden, cycle or operation-count model, or
     raised a status bit (run and model still write their reports)
  2  the command could not do its job: bad usage (an unknown, repeated or missing option, a
     value that is not a strict decimal or out of range), bad input (a missing, unreadable or
     malformed file, an unknown layer), an output that cannot be written (checked before any
     simulation starts, or failing while written, standard output included), more memory
     estimated than the limit, or an internal error)";

// The subcommand CLI11 was parsing, for messages: "ternac run", or "ternac".
std::string where(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) return "ternac " + sub->get_name();
  return "ternac";
}

// Prints the error on stderr (with stdio, which reports a failed write by its return value,
// where fmt::print would throw) and returns `code`.
int error(const std::string& where, const std::string& message, int code) {
  std::fflush(stdout);
  const std::string text = fmt::format("{}: error: {}\n", where, printable_message(message));
  std::fputs(text.c_str(), stderr);
  return code;
}

int run_main(int argc, char** argv) {
  CLI::App app(
      "ternac: a cycle-accurate ternary MAC array (SystemVerilog, simulated with Verilator)\n"
      "checked against a bit-exact C++ golden model, with energy estimates per process node.",
      "ternac");
  app.set_version_flag("--version", version_text(), "print the version and git commit, and exit");
  app.footer(kFooter);
  app.require_subcommand(0, 1);
  format_help(app);
  std::vector<Command> commands = {add_run(app),     add_model(app),  add_bitlinear(app),
                                   add_claims(app),  add_shapes(app), add_config(app),
                                   add_regress(app), add_report(app)};
  CLI::App* help =
      app.add_subcommand("help", wrap_help("show this text, or one command's options"));
  std::string topic;
  help->add_option("command", topic, "the command whose options to show");

  // A run description (--description FILE) becomes the options it holds, before parsing.
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() > 2) {
    for (const Command& c : commands) {
      if (c.app->get_name() != args[1]) continue;
      try {
        expand_description(args, *c.app);
      } catch (const std::exception& e) {
        return error("ternac " + args[1], e.what(), kExitError);
      }
    }
  }
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);  // CLI11 takes them so
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      app.exit(e);  // --help, --version: printed on standard output
      return kExitOk;
    }
    if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
      return error(
          "ternac",
          fmt::format("unknown command '{}' (see 'ternac --help' for the commands)", argv[1]),
          kExitError);
    }
    return error(where(app), fmt::format("{}\n(see '{} --help')", e.what(), where(app)),
                 kExitError);
  }
  if (app.get_subcommands().empty() || help->parsed()) {
    if (!topic.empty()) {
      for (const Command& c : commands) {
        if (c.app->get_name() == topic) {
          std::cout << c.app->help("ternac");
          return kExitOk;
        }
      }
      return error("ternac help", fmt::format("unknown command '{}'", topic), kExitError);
    }
    std::cout << app.help();
    return kExitOk;
  }
  for (const Command& c : commands) {
    if (!c.app->parsed()) continue;
    const std::string name = "ternac " + c.app->get_name();
    try {
      c.options->check_once();
      const std::string& cmd = c.app->get_name();
      if (cmd == "run" || cmd == "model" || cmd == "claims" || cmd == "bitlinear") {
        switch_to_requested_array(*c.options, cmd);  // another array: its ternac runs it
      }
      return c.run(*c.options);
    } catch (const CheckFailed& e) {
      return error(name, e.what(), kExitCheckFailed);
    } catch (const std::bad_alloc&) {
      return error(name,
                   "out of memory (the estimate made before simulating was too low; please "
                   "report the command)",
                   kExitError);
    } catch (const std::exception& e) {
      return error(name, e.what(), kExitError);
    }
  }
  return error("ternac", "no command ran", kExitError);  // cannot happen
}

}  // namespace
}  // namespace ternac::cli

int main(int argc, char** argv) {
  // Whole-model runs make and free a layer's buffers (up to tens of MB) hundreds of times. By
  // default glibc serves such blocks with fresh mmap()s and unmaps them on free, so every layer
  // pays page faults and zeroing of new pages (a fifth of `ternac model`'s CPU time, perf): keep
  // blocks up to the largest threshold glibc allows in its heaps, and freed memory mapped.
  // The memory estimates (common.h, layer_runner.cpp) know these thresholds.
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(ternac::cli::kMmapThreshold));
  ternac::cli::remember_command_line(argc, argv);
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(ternac::cli::kTrimThreshold));
  int code = ternac::cli::run_main(argc, argv);
  // A report cut short on standard output (a full disk, a closed pipe, /dev/full) is a failure:
  // everything is flushed and closed here, and checked.
  std::cout.flush();
  const bool cout_failed = !std::cout;
  errno = 0;
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout) != 0 || cout_failed;
  const int flush_errno = errno;
  const bool close_failed = std::fclose(stdout) != 0;
  if (failed || close_failed) {
    const int err = flush_errno != 0 ? flush_errno : errno;
    std::fprintf(stderr, "ternac: error: cannot write standard output: %s\n",
                 err != 0 ? std::strerror(err) : "a write failed (the output is incomplete)");
    code = ternac::cli::kExitError;
  }
  return code;
}
