// The gate-level energy estimate (docs/energy.md) on small lanes: the lane's RTL and its Yosys
// gate netlist run the same beats; the RTL monitor's toggles at the select outputs and at every
// adder entry's outputs must equal the netlist's toggles of the same signals (ternac_gate checks
// it, and run_gate_level throws when they differ), and the energy figures recompute from the raw
// toggles and the calibration. The simulator is built on first use into TERNAC_CACHE_DIR.
#include <gtest/gtest.h>

#include <cstdlib>
#include <numeric>

#include "ternac/model/base/text_io.h"
#include "ternac/model/energy/energy_table.h"
#include "ternac/model/workload/workload.h"
#include "ternac/sim/gate_runner.h"

namespace ternac {
namespace {

// TERNAC_SEED, strictly decimal (text_io.h: a malformed value stops the test with its name).
std::uint64_t seed() { return env_decimal("TERNAC_SEED", 7); }

ArrayConfig lane8(Datapath d) {
  ArrayConfig c;
  c.lanes = 4;
  c.tree_inputs = 8;
  c.acc_width = 32;
  c.weight_rows_per_beat = 4;
  c.token_tile = 8;
  c.datapath = d;
  return c;
}

GemmProblem problem_for(const ArrayConfig& c, std::uint64_t s) {
  RandomSpec spec{{3, 8, 40}, s, 0.4, ActProfile::kGaussian};
  if (c.int8()) spec.format = WeightFormat::kInt8;
  return random_problem(spec);
}

void expect_rtl_equals_netlist(Datapath d) {
  const std::uint64_t s = seed();
  std::printf("seed %llu (TERNAC_SEED=%llu reproduces)\n", static_cast<unsigned long long>(s),
              static_cast<unsigned long long>(s));
  const ArrayConfig c = lane8(d);
  GateRunOptions o;
  o.lanes = c.lanes;
  o.calibration = 20000;
  const GateLevelResult r = run_gate_level(c, problem_for(c, s), o);
  EXPECT_TRUE(r.rtl_matches);
  // 3 tokens x 2 N tiles x 5 K tiles per lane, four lanes.
  EXPECT_EQ(r.beats, 4u * 3 * 2 * 5);
  EXPECT_EQ(r.macs, 3u * 8 * 40);
  EXPECT_GT(r.rtl_select_toggles, 0u);
  ASSERT_EQ(r.rtl_entry_toggles.size(), 4u);  // three tree levels (and no final subtract)
  for (int l = 0; l < 3; ++l) EXPECT_GT(r.rtl_entry_toggles[std::size_t(l)], 0u) << l;
  EXPECT_EQ(r.rtl_entry_toggles[3], 0u);
  EXPECT_GT(r.units.at(d == Datapath::kInt8 ? "multiply" : "select"), 0u);
  EXPECT_GT(r.units.at("tree"), 0u);
}

TEST(GateLevel, TernaryLaneRtlTogglesEqualTheNetlists) {
  expect_rtl_equals_netlist(Datapath::kTernary);
}

TEST(GateLevel, Int8LaneRtlTogglesEqualTheNetlists) { expect_rtl_equals_netlist(Datapath::kInt8); }

// The energy of a result recomputes by hand from its raw figures: every net's toggles x
// (fan-out + 1) summed to units, one unit worth the node's 8-bit add over the adder netlist's
// units per add.
TEST(GateLevel, EnergyRecomputesFromTheRawFigures) {
  const ArrayConfig c = lane8(Datapath::kTernary);
  GateRunOptions o;
  o.calibration = 20000;
  const GateLevelResult r = run_gate_level(c, problem_for(c, seed()), o);
  const std::uint64_t sum =
      std::accumulate(r.units.begin(), r.units.end(), std::uint64_t{0},
                      [](std::uint64_t a, const auto& kv) { return a + kv.second; });
  EXPECT_EQ(sum, r.units_total);
  const EnergyTables tables = EnergyTables::load(default_energy_dir());
  for (const int node : {45, 7}) {
    const EnergyTable& t = tables.node(node);
    const double per_unit = t.pj("int_add", 8) / r.adder_units_per_add;
    EXPECT_DOUBLE_EQ(r.pj(t), per_unit * double(r.units_total)) << node;
    EXPECT_DOUBLE_EQ(r.pj_of(t, "select"), per_unit * double(r.units.at("select"))) << node;
    EXPECT_DOUBLE_EQ(r.fj_per_mac(t), 1e3 * r.pj(t) / double(r.macs)) << node;
  }
  // Uniformly random 8-bit operands and carry: about half of the 9 sum bits change per add.
  EXPECT_GT(r.adder_output_toggles_per_add, 3.5);
  EXPECT_LT(r.adder_output_toggles_per_add, 5.5);
  EXPECT_EQ(r.calibration_samples, 20000u);
}

// The event-driven simulation of the glitch bound reproduces, with zero delay, exactly what the
// Verilated netlist counts (per unit of the lane, toggles x fan-out); with unit delay it sees
// each net change at least as often (the settled values are the same every cycle), so the
// zero-delay figure is a lower bound.
TEST(GateLevel, EventSimulationMatchesVerilatorAndBoundsGlitches) {
  for (const Datapath d : {Datapath::kTernary, Datapath::kInt8}) {
    const ArrayConfig c = lane8(d);
    const GemmProblem p = problem_for(c, seed());
    GateRunOptions o;
    o.max_beats = 20;
    o.calibration = 1000;
    const GateLevelResult verilator = run_gate_level(c, p, o);
    const GlitchBound g = run_glitch_bound(c, p, 20);
    EXPECT_EQ(g.beats, 20u);
    EXPECT_EQ(g.zero_delay, verilator.units) << (d == Datapath::kInt8 ? "INT8" : "ternary");
    for (const auto& [unit, units] : g.zero_delay) {
      EXPECT_GE(g.unit_delay.count(unit) ? g.unit_delay.at(unit) : 0, units) << unit;
    }
    EXPECT_GE(g.factor(), 1.0);
    std::printf("%s lane, 8 inputs, 20 beats: unit delay / zero delay = %.3f\n",
                d == Datapath::kInt8 ? "INT8" : "ternary", g.factor());
  }
}

}  // namespace
}  // namespace ternac
