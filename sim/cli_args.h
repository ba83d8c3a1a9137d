// Minimal "--name value" / "--flag" command-line parsing with errors that name the option, for the
// helper programs (the SystemC co-simulation); the ternac CLI itself parses with CLI11
// (sim/cli/). Numbers are read strictly (model/base/text_io.h): decimal, the whole string, finite.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ternac {

class CliArgs {
 public:
  // `flags` take no value; every other "--name" takes one. Throws std::invalid_argument for an
  // unknown option, a missing value or an option given twice.
  CliArgs(const std::vector<std::string>& args, const std::set<std::string>& options,
          const std::set<std::string>& flags);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string str(const std::string& name, const std::string& fallback) const;
  std::uint64_t u64(const std::string& name, std::uint64_t fallback) const;
  double real(const std::string& name, double fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace ternac
