// Fuzz target: the energy-table reader (model/energy_table.cpp) on arbitrary file contents. A
// malformed table must be rejected with std::invalid_argument naming the file and line; a table
// that parses must answer row lookups or throw std::out_of_range. Anything else (a crash, a
// sanitizer report, another exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "energy_table.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const ternac::EnergyTable t = ternac::EnergyTable::parse(text, "fuzz.csv");
    for (const ternac::EnergyRow& r : t.listed_rows()) {
      for (int width : {1, r.width, r.width < (1 << 20) ? 2 * r.width + 1 : 2, 64}) {
        try {
          (void)t.pj(r.operation, width);
        } catch (const std::out_of_range&) {
        }
      }
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
