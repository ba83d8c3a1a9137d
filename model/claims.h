// The claims report: the 71.4x and 5.5x claims rebuilt from their own assumptions, against what the
// RTL's counted operations give, per process node.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "energy_model.h"
#include "energy_table.h"
#include "gemm.h"
#include "op_counts.h"

namespace ternac {

struct NodeClaims {
  int node_nm = 0;
  bool scaled = false;
  // The claims from their own assumptions, on this node's table.
  double paper_ratio = 0;     // (fp16_add + fp16_mul) / int_add 8
  double critique_ratio = 0;  // (int_mul 8 + int_add 8) / int_add 8
  double critique_halved = 0;
  double critique_acc32 = 0;            // (int_mul 8 + int_add 32) / int_add 32
  double select_vs_add8 = 0;            // the select proxy against an 8-bit add
  EnergyBreakdown ternary, int8, fp16;  // the ternary RTL, the INT8 RTL, the FP16 op count
  double fp16_over_ternary_arith() const { return fp16.arithmetic_pj() / ternary.arithmetic_pj(); }
  double fp16_over_ternary_total() const { return fp16.total_pj() / ternary.total_pj(); }
  double int8_over_ternary_arith() const { return int8.arithmetic_pj() / ternary.arithmetic_pj(); }
  double int8_over_ternary_total() const { return int8.total_pj() / ternary.total_pj(); }
};

struct ZeroSweepPoint {
  double zero_fraction = 0;
  OpCounts counts;
  std::uint64_t macs = 0;
};

struct ClaimsReport {
  ArrayConfig config;
  std::string workload;  // e.g. "2B4T ffn_down"
  GemmShape shape;
  double zero_fraction = 0;
  std::uint64_t seed = 0;
  OpCounts counts;       // the ternary RTL's counters (equal to the model's prediction, checked)
  OpCounts int8_counts;  // the INT8 RTL's counters on the same shape (INT8 weights)
  std::vector<NodeClaims> nodes;
  std::vector<ZeroSweepPoint> sweep;
  const EnergyTables* tables = nullptr;
};

// `counts` from the ternary array, `int8_counts` from the INT8 array of the same geometry, both
// on the same GEMM.
NodeClaims node_claims(const ArrayConfig& config, const OpCounts& counts,
                       const OpCounts& int8_counts, std::uint64_t macs, const EnergyTable& table);
// Fills report.nodes for every table in `tables`, largest node first.
void evaluate_claims(ClaimsReport& report, const EnergyTables& tables);

std::string claims_text(const ClaimsReport& report);
std::string claims_json(const ClaimsReport& report);
std::string claims_csv(const ClaimsReport& report);

}  // namespace ternac
