#include "ternac/model/energy/energy_model.h"

#include <gtest/gtest.h>

#include "ternac/model/energy/claims.h"
#include "ternac/model/energy/storage.h"

namespace ternac {
namespace {

const EnergyTables& tables() {
  static const EnergyTables t = EnergyTables::load(default_energy_dir());
  return t;
}

// A 1 x 2 array, W = [+1, -1], X = [3, 5]: every count and every pJ by hand.
TEST(EnergyModel, HandComputedTinyCase) {
  ArrayConfig c;
  c.lanes = 1;
  c.tree_inputs = 2;
  c.acc_width = 16;
  c.weight_rows_per_beat = 1;
  c.token_tile = 1;
  GemmProblem p;
  p.shape = {1, 1, 2};
  p.weights = {encode_trit(1), encode_trit(-1)};
  p.activations = {3, 5};
  const OpCounts n = predict_op_counts(c, p);
  EXPECT_EQ(n.fires, 1u);
  EXPECT_EQ(n.sel_pos, 1u);
  EXPECT_EQ(n.sel_neg, 1u);
  EXPECT_EQ(n.sel_zero, 0u);
  ASSERT_EQ(n.tree_adds.size(), 1u);
  EXPECT_EQ(n.tree_adds[0], 1u);
  EXPECT_EQ(n.acc_adds, 1u);  // 3 + ~5 + 1 = -2: nonzero inputs
  // The root register (9-bit sum, carry, overflow flag); the 2 x 8-bit input register.
  EXPECT_EQ(n.reg_pipe_bits, 11u + 16);
  EXPECT_EQ(n.psum_read_bits, 0u);
  EXPECT_EQ(n.psum_write_bits, 0u);
  EXPECT_EQ(n.wgt_stream_bits, 4u);
  EXPECT_EQ(n.wgt_bank_write_bits, 4u);
  EXPECT_EQ(n.act_stream_bits, 16u);
  EXPECT_EQ(n.res_stream_bits, 16u);

  // 45 nm: select = 0.4219 x 0.03 pJ (proxies.csv), 8-bit add 0.03, 16-bit add 0.05,
  // register bit 0.0625 x 0.03, SRAM bit 10 / 64.
  const EnergyBreakdown e = array_energy(c, n, 2, tables().node(45));
  const double select = 2 * 0.4219 * 0.03;
  const double tree = 0.03;
  const double acc = 0.05;
  const double regs = (11 + 16 + 4) * 0.0625 * 0.03;  // pipeline registers, weight bank
  const double bufs = (4 + 16 + 16) * 10.0 / 64;
  EXPECT_NEAR(e.group_pj("select"), select, 1e-12);
  EXPECT_NEAR(e.group_pj("tree"), tree, 1e-12);
  EXPECT_NEAR(e.group_pj("accumulate"), acc, 1e-12);
  EXPECT_NEAR(e.group_pj("registers"), regs, 1e-12);
  EXPECT_NEAR(e.group_pj("buffers"), bufs, 1e-12);
  EXPECT_NEAR(e.arithmetic_pj(), select + tree + acc, 1e-12);
  EXPECT_NEAR(e.total_pj(), select + tree + acc + regs + bufs, 1e-12);
  EXPECT_NEAR(e.arithmetic_per_mac(), (select + tree + acc) / 2, 1e-12);
}

// Every estimate of the claims report recomputes from its raw inputs (counts, toggles, gate
// figures), the table rows and the calibration, without the report's code.
TEST(EnergyModel, ReportRecomputedFromCountersAndTables) {
  ArrayConfig c;
  GemmProblem p;
  p.shape = {3, 40, 200};
  for (std::size_t i = 0; i < 40 * 200; ++i) p.weights.push_back(encode_trit(int(i % 3) - 1));
  for (std::size_t i = 0; i < 3 * 200; ++i) p.activations.push_back(std::int8_t(i * 7));
  ArrayConfig c8 = c;
  c8.datapath = Datapath::kInt8;
  GemmProblem p8 = p;
  p8.format = WeightFormat::kInt8;
  for (std::size_t i = 0; i < p8.weights.size(); ++i) p8.weights[i] = std::uint8_t(i * 37);
  ClaimsReport r;
  r.config = c;
  ClaimsRun run;
  run.name = "decode";
  run.shape = p.shape;
  run.ternary.ops = predict_op_counts(c, p);
  run.int8.ops = predict_op_counts(c8, p8);
  // Toggles as a monitor would report them (any numbers do: the estimate is linear in them).
  ToggleCounts& t = run.ternary.toggles;
  t.sel_pos = 1000, t.sel_neg = 700, t.sel_zero = 300, t.acc = 400, t.reg_stage0 = 50;
  t.reg_tree = 60, t.bank = 70, t.adds = {500, 400, 300, 200, 100, 50};
  ToggleCounts& t8 = run.int8.toggles;
  t8.mul = 5000, t8.acc = 500, t8.adds = {900, 800, 700, 600, 500, 400};
  r.runs.push_back(run);
  GateLevelResult g, g8;
  g.macs = g8.macs = 1000;
  g.units = {{"select", 3000}, {"tree", 2000}, {"lane", 500}, {"input", 900}, {"register", 80}};
  g8.units = {{"multiply", 30000}, {"tree", 6000}, {"lane", 700}, {"input", 2000}};
  g.adder_units_per_add = g8.adder_units_per_add = 150.0;
  g.units_total = 6480;
  g8.units_total = 38700;
  r.gate_ternary = g;
  r.gate_int8 = g8;
  const ActivityCalibration cal = ActivityCalibration::load(default_activity_calibration());
  evaluate_claims(r, tables(), cal);
  ASSERT_EQ(r.nodes.size(), tables().keys().size());
  const double macs = double(p.shape.macs());
  for (const NodeClaims& n : r.nodes) {
    const EnergyTable& tb = tables().table(n.key);
    const auto pj = [&](const char* op, int w) { return tb.pj(op, w); };
    // Counted: selects at the proxy, tree adds at their operand width, accumulator adds.
    const OpCounts& k = run.ternary.ops;
    double arith = double(k.sel_pos + k.sel_neg) * pj("select", 8) +
                   double(k.acc_adds) * pj("int_add", c.acc_width);
    for (std::size_t l = 0; l < k.tree_adds.size(); ++l) {
      arith += double(k.tree_adds[l]) * pj("int_add", 8 + int(l));
    }
    const Estimate* counted = n.find("counted");
    ASSERT_NE(counted, nullptr);
    EXPECT_NEAR(counted->ternary_fj, 1e3 * arith / macs, 1e-9 * 1e3 * arith / macs) << n.key;
    const double fp16 = macs * (pj("fp16_mul", 16) + pj("fp16_add", 16));
    EXPECT_NEAR(counted->fp16_fj, 1e3 * fp16 / macs, 1e-9 * 1e3 * fp16 / macs);
    // INT8: a multiply for each (token, weight) pair with both operands nonzero; tree adds
    // 16 + l - 1 bits wide.
    const OpCounts& k8 = run.int8.ops;
    std::uint64_t nonzero_products = 0;
    for (std::uint32_t m = 0; m < p8.shape.m; ++m) {
      for (std::uint32_t n = 0; n < p8.shape.n; ++n) {
        for (std::uint32_t kk = 0; kk < p8.shape.k; ++kk) {
          nonzero_products += p8.weights[std::size_t(n) * p8.shape.k + kk] != 0 &&
                              p8.activations[std::size_t(m) * p8.shape.k + kk] != 0;
        }
      }
    }
    EXPECT_GT(nonzero_products, 0u);
    EXPECT_EQ(k8.muls, nonzero_products);
    double arith8 =
        double(k8.muls) * pj("int_mul", 8) + double(k8.acc_adds) * pj("int_add", c.acc_width);
    for (std::size_t l = 0; l < k8.tree_adds.size(); ++l) {
      arith8 += double(k8.tree_adds[l]) * pj("int_add", 16 + int(l));
    }
    EXPECT_NEAR(counted->int8_fj, 1e3 * arith8 / macs, 1e-9 * 1e3 * arith8 / macs);
    // Activity: each toggle at its unit's table energy over its toggles per op on random inputs.
    const auto per_toggle = [&](const char* op, int w, const char* unit) {
      return pj(op, w) / cal.toggles_per_op(unit, w);
    };
    double act = double(t.sel_pos + t.sel_neg + t.sel_zero) * per_toggle("select", 8, "select") +
                 double(t.acc) * per_toggle("int_add", 32, "int_add");
    for (std::size_t l = 0; l < t.adds.size(); ++l) {
      act += double(t.adds[l]) * per_toggle("int_add", 8 + int(l), "int_add");
    }
    double act8 = double(t8.mul) * per_toggle("int_mul", 8, "int_mul") +
                  double(t8.acc) * per_toggle("int_add", 32, "int_add");
    for (std::size_t l = 0; l < t8.adds.size(); ++l) {
      act8 += double(t8.adds[l]) * per_toggle("int_add", 16 + int(l), "int_add");
    }
    const Estimate* activity = n.find("activity");
    EXPECT_NEAR(activity->ternary_fj, 1e3 * act / macs, 1e-9 * 1e3 * act / macs) << n.key;
    EXPECT_NEAR(activity->int8_fj, 1e3 * act8 / macs, 1e-9 * 1e3 * act8 / macs) << n.key;
    // Gate: arithmetic units (selects or multipliers, tree, the lane's own logic) x the node's
    // 8-bit add over the adder netlist's units per add.
    const double unit = pj("int_add", 8) / 150.0;
    const Estimate* gate = n.find("gate");
    EXPECT_NEAR(gate->ternary_fj, 1e3 * unit * (3000 + 2000 + 500) / 1000, 1e-9) << n.key;
    EXPECT_NEAR(gate->int8_fj, 1e3 * unit * (30000 + 6000 + 700) / 1000, 1e-9) << n.key;
    EXPECT_NEAR(gate->select_vs_add8, unit * 3000 / 1000 / pj("int_add", 8), 1e-12);
    // The paper's and the critique's arithmetic.
    EXPECT_NEAR(n.paper_ratio, (pj("fp16_add", 16) + pj("fp16_mul", 16)) / pj("int_add", 8), 1e-12);
    EXPECT_NEAR(n.find("critique")->int8_over_ternary(),
                (pj("int_mul", 8) + pj("int_add", 8)) / (2 * pj("int_add", 8)), 1e-12);
  }
  // The paper's and the critique's numbers come out exactly with PokeBNN's 7 nm table.
  for (const NodeClaims& n : r.nodes) {
    if (n.key != "7nm-pokebnn7") continue;
    EXPECT_NEAR(n.paper_ratio, 71.428571, 1e-5);
    EXPECT_NEAR(n.critique_ratio, 11.0, 1e-12);
    EXPECT_NEAR(n.critique_halved, 5.5, 1e-12);
  }
}

TEST(EnergyModel, MissingRowFailsNamingIt) {
  // A table without the proxy rows cannot charge selects.
  std::vector<EnergyTable> t{EnergyTable::parse(
      "# node: 45\n# voltage: 0.9\noperation,width,pj,kind,source\nint_add,8,0.03,published,H\n",
      "45.csv")};
  const EnergyTables bare = EnergyTables::from_tables(t, {});
  OpCounts n;
  n.sel_pos = 1;
  try {
    array_energy(ArrayConfig{}, n, 1, bare.node(45));
    FAIL();
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("select width 8"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ternac
