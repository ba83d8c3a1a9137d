// Fuzz target: the energy-table reader (model/energy/energy_table.cpp), one file or a whole
// directory.
//
// An input is either one table file's text, or, when it starts with "--- ", a directory: each
// file is introduced by a line "--- <name>" (stillmaker.csv holds coefficients, proxies*.csv
// proxies, any other name a table), so that cross-file references (scale-from,
// scale-missing-from, families, proxies) are exercised. A malformed directory must be rejected
// with std::invalid_argument; one that loads must answer every query with a finite, positive
// energy that names its kind, source and family, or throw std::out_of_range (std::invalid_argument
// only where documented: coefficients outside the listed nodes). Anything else (a crash, a
// sanitizer report, another exception, a row breaking those rules) is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ternac/model/energy/energy_table.h"

namespace {

void check_row(const ternac::EnergyRow& r) {
  if (!(std::isfinite(r.pj) && r.pj > 0.0) || r.kind.empty() || r.source.empty() ||
      r.family.empty()) {
    std::fprintf(stderr, "bad row: %s width %d = %g pJ, kind '%s', family '%s', source '%s'\n",
                 r.operation.c_str(), r.width, r.pj, r.kind.c_str(), r.family.c_str(),
                 r.source.c_str());
    std::abort();
  }
}

template <typename F>
void answer_or_out_of_range(F&& f) {
  try {
    check_row(f());
  } catch (const std::out_of_range&) {
  }
}

// Splits "--- name\n<text>--- name\n<text>..." into files.
std::vector<ternac::EnergyTables::File> split_files(const std::string& in) {
  std::vector<ternac::EnergyTables::File> files;
  std::size_t pos = 0;
  while (pos < in.size()) {
    std::size_t eol = in.find('\n', pos);
    if (eol == std::string::npos) eol = in.size();
    const std::string line = in.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.rfind("--- ", 0) == 0) {
      files.push_back({line.substr(4), ""});
    } else if (!files.empty()) {
      files.back().text += line + "\n";
    }
  }
  return files;
}

void query(const ternac::EnergyTable& t, const std::vector<std::pair<std::string, int>>& keys) {
  (void)t.describe();
  (void)t.families();
  (void)t.key();
  for (const auto& key : keys) {
    const std::string& op = key.first;
    const int w = key.second;
    for (int width : {1, w, w < 50000 ? 2 * w + 1 : 2, 64, 100000}) {
      answer_or_out_of_range([&] { return t.row(op, width); });
    }
  }
  for (const std::string& op : ternac::known_operations()) {
    answer_or_out_of_range([&] { return t.row(op, 8); });
  }
  for (std::uint64_t cap : {std::uint64_t{8}, std::uint64_t{4096}, std::uint64_t{8192},
                            std::uint64_t{1} << 16, std::uint64_t{1} << 20, std::uint64_t{1} << 40,
                            std::numeric_limits<std::uint64_t>::max()}) {
    answer_or_out_of_range([&] { return t.sram_read_bit(cap); });
  }
  answer_or_out_of_range([&] { return t.sram_write_bit(32768); });
  answer_or_out_of_range([&] { return t.dram_bit(); });
  answer_or_out_of_range([&] { return t.register_bit(); });
}

void fuzz_directory(const std::string& text) {
  std::vector<ternac::EnergyTables::File> files = split_files(text);
  if (files.empty()) return;
  try {
    const ternac::EnergyTables tables = ternac::EnergyTables::from_files(files);
    std::vector<std::pair<std::string, int>> keys;
    std::set<std::pair<std::string, int>> seen;
    for (const std::string& k : tables.keys()) {
      for (const ternac::EnergyRow& r : tables.table(k).listed_rows()) {
        if (keys.size() < 64 && seen.insert({r.operation, r.width}).second) {
          keys.emplace_back(r.operation, r.width);
        }
      }
    }
    for (int node : tables.nodes()) (void)tables.node(node);
    for (const std::string& k : tables.keys()) query(tables.table(k), keys);
    std::vector<ternac::RowKey> required;
    for (const auto& [op, w] : keys) required.push_back({op, w});
    required.push_back({"select", 8});
    required.push_back({"no_such_op", 8});
    (void)tables.missing(required);
    try {
      tables.require(required);
    } catch (const std::out_of_range&) {
    }
    for (int n : {5, 7, 8, 28, 45, 100, 130, 200}) {
      try {
        (void)tables.coefficients(n);
      } catch (const std::invalid_argument&) {
      }
    }
  } catch (const std::invalid_argument&) {
  }
}

void fuzz_one_table(const std::string& text) {
  try {
    const ternac::EnergyTable t = ternac::EnergyTable::parse(text, "fuzz.csv");
    std::vector<std::pair<std::string, int>> keys;
    for (const ternac::EnergyRow& r : t.listed_rows()) {
      if (keys.size() < 64) keys.emplace_back(r.operation, r.width);
    }
    query(t, keys);
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.rfind("--- ", 0) == 0) {
    fuzz_directory(text);
  } else {
    fuzz_one_table(text);
  }
  return 0;
}
