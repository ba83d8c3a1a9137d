// The claims report (docs/energy.md): the 71.4x and 5.5x claims rebuilt from their own
// assumptions, beside what ternac measures, per process node and per energy-table family.
//
// Five estimates of arithmetic energy per MAC, side by side:
//   paper     the BitNet paper's arithmetic: FP16 add + multiply against one INT8 add
//   critique  the critique's: INT8 multiply + add against two INT8 adds (the select ~ one add)
//   counted   operations counted on the RTL x table energy (ternary and INT8 arrays; FP16 by
//             exact operation count)
//   activity  output toggles counted on the RTL x energy per toggle (the table's energy of the
//             unit over its toggles per operation on random inputs, measured)
//   gate      one lane's gate netlist simulated on the lane's real beats, toggles x fan-out,
//             calibrated per node by the 8-bit adder netlist on random operands
// and storage on top of the counted arithmetic: on-chip (registers, SRAM by capacity) and
// off-chip (DRAM), for decode (M = 1) and prefill (M = 128). Every figure names the families of
// the table rows it rests on; a figure that mixes families says so.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/op_counts.h"
#include "ternac/model/energy/energy_model.h"
#include "ternac/model/energy/energy_table.h"
#include "ternac/model/energy/gate_energy.h"
#include "ternac/model/energy/storage.h"

namespace ternac {

// What the RTL gave for one GEMM on the ternary array and on the INT8 array of the same
// geometry (their energy monitors: operations and, in models counting them, toggles).
struct ClaimsRun {
  std::string name;  // "decode", "prefill"
  GemmShape shape;
  MonitorCounts ternary, int8;
  std::string source = "RTL";  // where the counts come from: "RTL" or "operation-count model"
};

// The glitch bound (docs/energy.md): lane 0's first beats through its netlist with a unit delay
// on every gate and with zero delay; switching units with glitches over those without.
struct GlitchFactor {
  std::uint64_t beats = 0;
  double ternary = 0, int8 = 0;
};

struct ZeroSweepPoint {
  double zero_fraction = 0;
  OpCounts counts;
  std::uint64_t macs = 0;
};

// One estimate of arithmetic energy per MAC at one node.
struct Estimate {
  std::string name;                                 // paper, critique, counted, activity, gate
  std::string basis;                                // what it charges, in a few words
  double ternary_fj = 0, int8_fj = 0, fp16_fj = 0;  // 0: the estimate has no figure
  double select_vs_add8 = 0;  // a select's energy over an 8-bit add's, per MAC
  std::string family;         // combined family of the rows it uses ("mixed(...)" if mixed)
  bool mixed = false;
  std::vector<std::string> mixed_rows;  // "<operation> <width>: <family>" when mixed
  double int8_over_ternary() const {
    return ternary_fj > 0 && int8_fj > 0 ? int8_fj / ternary_fj : 0;
  }
  double fp16_over_ternary() const {
    return ternary_fj > 0 && fp16_fj > 0 ? fp16_fj / ternary_fj : 0;
  }
};

// Energy per MAC of one design with storage: arithmetic, + on-chip storage, + off-chip traffic.
struct StorageTotals {
  double arithmetic_fj = 0, onchip_fj = 0, offchip_fj = 0;
  double with_onchip() const { return arithmetic_fj + onchip_fj; }
  double with_offchip() const { return arithmetic_fj + onchip_fj + offchip_fj; }
};

struct StorageClaims {
  std::string run;  // decode, prefill
  GemmShape shape;
  StorageTotals ternary, int8, fp16;
  std::vector<BufferPlace> places, places_int8, places_fp16;  // each design's buffers
  std::string family;
  bool mixed = false;
  std::vector<std::string> mixed_rows;
};

struct NodeClaims {
  std::string key;  // the table: "<node>nm-<family>"
  int node_nm = 0;
  std::string family;
  bool scaled = false;  // some row is scaled (Stillmaker-Baas): an estimate
  double voltage = 0;
  bool voltage_assumed = false;
  double paper_ratio = 0;     // (fp16_add + fp16_mul) / int_add 8
  double critique_ratio = 0;  // (int_mul 8 + int_add 8) / int_add 8
  double critique_halved = 0;
  double critique_acc32 = 0;  // (int_mul 8 + int_add 32) / int_add 32
  std::vector<Estimate> estimates;
  std::vector<StorageClaims> storage;  // per run
  struct SweepPoint {
    double zero_fraction = 0, ternary_fj = 0, int8_over_ternary = 0, fp16_over_ternary = 0;
  };
  std::vector<SweepPoint> sweep;        // the counted estimate per zero fraction (decode)
  EnergyBreakdown ternary, int8, fp16;  // counted, decode (lines for the JSON)
  const Estimate* find(const std::string& name) const;
};

struct ClaimsReport {
  ArrayConfig config;
  std::string workload;  // e.g. "2B4T ffn_down"
  double zero_fraction = 0;
  std::string zero_fraction_source;  // where the figure comes from
  std::string act_profile;           // the activation profile's name
  std::uint64_t seed = 0;
  std::vector<ClaimsRun> runs;  // decode first (the estimates use it), then prefill
  std::optional<GateLevelResult> gate_ternary, gate_int8;  // decode, one lane's beats
  std::optional<GlitchFactor> glitch;
  StorageConfig storage;
  std::vector<ZeroSweepPoint> sweep;  // decode, ternary, per zero fraction
  std::vector<NodeClaims> nodes;

  const ClaimsRun& decode() const { return runs.at(0); }
};

// The activity calibration is needed for the activity estimate (its rows, per unit and width).
// Fills report.nodes for the tables `keys` (every table when empty), largest node first.
void evaluate_claims(ClaimsReport& report, const EnergyTables& tables,
                     const ActivityCalibration& calibration,
                     const std::vector<std::string>& keys = {});

// One node's claims from a decode run alone (counted estimate only): ternac run's summary.
NodeClaims counted_claims(const ArrayConfig& config, const OpCounts& ternary, const OpCounts& int8,
                          std::uint64_t macs, const EnergyTable& table);

// The report for the terminal; as JSON (schema 2, docs/outputs.md; the caller adds its
// provenance); as CSV rows under claims_csv_header() (the caller appends its provenance columns).
std::string claims_text(const ClaimsReport& report);
nlohmann::ordered_json claims_json(const ClaimsReport& report);
std::vector<std::string> claims_csv_header();
std::vector<std::vector<std::string>> claims_csv_rows(const ClaimsReport& report);

}  // namespace ternac
