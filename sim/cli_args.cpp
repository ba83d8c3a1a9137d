#include "ternac/sim/cli_args.h"

#include <fmt/format.h>

#include <stdexcept>

#include "ternac/model/base/text_io.h"

namespace ternac {

CliArgs::CliArgs(const std::vector<std::string>& args, const std::set<std::string>& options,
                 const std::set<std::string>& flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      throw std::invalid_argument(fmt::format("unexpected argument '{}'", a));
    }
    std::string name = a.substr(2);
    std::string value;
    const auto eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (values_.count(name)) {
      throw std::invalid_argument(
          fmt::format("--{} is given more than once: each option may be given once", name));
    }
    if (flags.count(name)) {
      if (inline_value) throw std::invalid_argument(fmt::format("--{} takes no value", name));
      values_[name] = "1";
    } else if (options.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) {
          throw std::invalid_argument(fmt::format("--{} needs a value", name));
        }
        value = args[++i];
      }
      values_[name] = value;
    } else {
      throw std::invalid_argument(fmt::format("unknown option --{}", name));
    }
  }
}

std::string CliArgs::str(const std::string& name, const std::string& fallback) const {
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::uint64_t CliArgs::u64(const std::string& name, std::uint64_t fallback) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  return parse_decimal(it->second, "--" + name);
}

double CliArgs::real(const std::string& name, double fallback) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  return parse_real(it->second, "--" + name);
}

}  // namespace ternac
