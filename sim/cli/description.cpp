#include "ternac/sim/cli/description.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "ternac/model/base/file_io.h"
#include "ternac/model/base/text_io.h"

namespace ternac::cli {
namespace {

// Whether an option's value is a path (relative ones are read from the description's
// directory), from the type its declaration shows in the help: FILE, DIR, or a file name such
// as X.npy.
bool names_a_path(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  return type == "FILE" || type == "DIR" || type.find('.') != std::string::npos;
}
const std::set<std::string> kSections = {"array", "workload", "energy", "checks", "outputs"};

std::string value_text(const nlohmann::json& v, const std::string& where) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) {
    throw std::invalid_argument(fmt::format("{}: {} is negative", where, v.dump()));
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) throw std::invalid_argument(fmt::format("{}: not finite", where));
    return fmt::format("{}", d);  // the shortest text that reads back as the same double
  }
  throw std::invalid_argument(
      fmt::format("{}: {} is not a string, a number or true", where, v.type_name()));
}

}  // namespace

void expand_description(std::vector<std::string>& args, const CLI::App& command) {
  std::string path;
  std::size_t at = 0, count = 0;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--description" || args[i].rfind("--description=", 0) == 0) {
      ++count;
      at = i;
      if (args[i] == "--description") {
        if (i + 1 >= args.size()) throw std::invalid_argument("--description needs a FILE");
        path = args[i + 1];
      } else {
        path = args[i].substr(std::string("--description=").size());
      }
    }
  }
  if (count == 0) return;
  if (count > 1) throw std::invalid_argument("--description is given more than once");
  const std::string shown = printable(path);
  std::string text;
  try {
    const InputFile file = InputFile::open(path);  // a regular file only (no FIFO, no device)
    if (file.size() > (1u << 20)) {
      throw std::invalid_argument(
          fmt::format("{}: {} bytes, more than a description's 1 MiB", shown, file.size()));
    }
    text = file.read(0, static_cast<std::size_t>(file.size()));
  } catch (const std::exception& e) {
    throw std::invalid_argument(fmt::format("--description: {}", e.what()));
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(
        fmt::format("--description {}: not valid JSON ({})", shown, printable(e.what())));
  }
  if (!j.is_object()) {
    throw std::invalid_argument(fmt::format("--description {}: not a JSON object", shown));
  }
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::vector<std::string> given;  // the options on the command line (besides --description)
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (i == at || (i == at + 1 && args[at] == "--description")) continue;
    if (args[i].rfind("--", 0) == 0) given.push_back(args[i].substr(2, args[i].find('=') - 2));
  }
  std::vector<std::string> added;
  std::set<std::string> seen;
  const auto add = [&](const std::string& key, const nlohmann::json& v) {
    const std::string where = fmt::format("--description {}: '{}'", shown, printable(key));
    const CLI::Option* option = command.get_option_no_throw("--" + key);
    if (key == "description" || !option) {
      throw std::invalid_argument(
          fmt::format("{} is not an option of ternac {}", where, command.get_name()));
    }
    if (!seen.insert(key).second) throw std::invalid_argument(where + " is given twice");
    if (std::find(given.begin(), given.end(), key) != given.end()) {
      throw std::invalid_argument(where + " is also given on the command line: give it once");
    }
    if (v.is_boolean()) {
      if (v.get<bool>()) added.push_back("--" + key);
      return;
    }
    std::string value = value_text(v, where);
    if (names_a_path(*option) && !value.empty() && value[0] != '/' && !dir.empty()) {
      value = (dir / value).string();
    }
    added.push_back("--" + key);
    added.push_back(value);
  };
  for (const auto& [key, v] : j.items()) {
    if (kSections.count(key) && v.is_object()) {
      for (const auto& [k2, v2] : v.items()) add(k2, v2);
    } else {
      add(key, v);
    }
  }
  std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(at));
  out.insert(out.end(), added.begin(), added.end());
  const std::size_t after = args[at] == "--description" ? at + 2 : at + 1;
  out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(after), args.end());
  args = std::move(out);
}

}  // namespace ternac::cli
