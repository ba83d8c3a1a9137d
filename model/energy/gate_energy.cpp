#include "ternac/model/energy/gate_energy.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ternac {

GateLevelResult GateLevelResult::from_json(const std::string& text, std::uint64_t macs,
                                           int tree_inputs, bool int8) {
  GateLevelResult r;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (j.at("schema_version").get<int>() != 1) {
      throw std::runtime_error("gate-level result: unknown schema_version");
    }
    r.beats = j.at("beats").get<std::uint64_t>();
    r.toggles = j.at("lane").at("toggles_by_unit").get<std::map<std::string, std::uint64_t>>();
    r.units = j.at("lane").at("units_by_unit").get<std::map<std::string, std::uint64_t>>();
    r.units_total = j.at("lane").at("units_total").get<std::uint64_t>();
    const auto& a = j.at("adder8");
    r.calibration_samples = a.at("samples").get<std::uint64_t>();
    r.calibration_seed = a.at("seed").get<std::uint64_t>();
    r.adder_units_per_add = a.at("units_per_add").get<double>();
    r.adder_output_toggles_per_add = a.at("output_toggles_per_add").get<double>();
    const auto& m = j.at("rtl_vs_gate");
    r.rtl_matches = m.at("match").get<bool>();
    r.rtl_select_toggles = m.at("rtl_select_toggles").get<std::uint64_t>();
    r.rtl_entry_toggles = m.at("rtl_entry_toggles").get<std::vector<std::uint64_t>>();
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("gate-level result: ") + e.what());
  }
  if (r.adder_units_per_add <= 0) throw std::runtime_error("gate-level result: no calibration");
  r.macs = macs;
  r.tree_inputs = tree_inputs;
  r.int8 = int8;
  return r;
}

double GateLevelResult::pj_per_unit(const EnergyTable& table) const {
  return table.pj("int_add", 8) / adder_units_per_add;
}

double GateLevelResult::pj_of(const EnergyTable& table, const std::string& unit) const {
  const auto it = units.find(unit);
  return it == units.end() ? 0.0 : pj_per_unit(table) * double(it->second);
}

}  // namespace ternac
