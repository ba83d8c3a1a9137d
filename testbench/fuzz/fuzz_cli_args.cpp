// Fuzz target: the command-line parser (sim/cli_args.cpp) on arbitrary arguments, one per line,
// with the options of `ternac run`. Bad input must give std::invalid_argument naming the option;
// anything else is a bug.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ternac/sim/cli_args.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line);) args.push_back(line);
  const std::set<std::string> options = {"m", "n", "k", "layer", "tokens", "zeros", "seed"};
  try {
    const ternac::CliArgs a(args, options, {"no-check", "json"});
    for (const std::string& o : options) {
      try {
        (void)a.u64(o, 1);
      } catch (const std::invalid_argument&) {
      }
      try {
        (void)a.real(o, 0.5);
      } catch (const std::invalid_argument&) {
      }
      (void)a.str(o, "");
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
