#include "energy_model.h"

#include <gtest/gtest.h>

#include "claims.h"

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

TEST(EnergyModel, ReportRecomputedFromCountersAndTables) {
  ArrayConfig c;
  GemmProblem p;
  p.shape = {3, 40, 200};
  for (std::size_t i = 0; i < 40 * 200; ++i) p.weights.push_back(encode_trit(int(i % 3) - 1));
  for (std::size_t i = 0; i < 3 * 200; ++i) p.activations.push_back(std::int8_t(i * 7));
  ClaimsReport r;
  r.config = c;
  r.shape = p.shape;
  r.counts = predict_op_counts(c, p);
  ArrayConfig c8 = c;
  c8.datapath = Datapath::kInt8;
  GemmProblem p8 = p;
  p8.format = WeightFormat::kInt8;
  for (std::size_t i = 0; i < p8.weights.size(); ++i) p8.weights[i] = std::uint8_t(i * 37);
  r.int8_counts = predict_op_counts(c8, p8);
  evaluate_claims(r, tables());
  ASSERT_EQ(r.nodes.size(), tables().nodes().size());
  for (const NodeClaims& n : r.nodes) {
    const EnergyTable& t = tables().node(n.node_nm);
    // Straight from the counters and the table, without energy_model's lines.
    const OpCounts& k = r.counts;
    double arith = double(k.sel_pos + k.sel_neg) * t.pj("select", 8) +
                   double(k.acc_adds) * t.pj("int_add", c.acc_width);
    for (std::size_t l = 0; l < k.tree_adds.size(); ++l) {
      arith += double(k.tree_adds[l]) * t.pj("int_add", 8 + int(l));
    }
    const double regs = double(k.reg_pipe_bits + k.wgt_bank_write_bits) * t.pj("reg_bit", 1);
    const double bufs = double(k.wgt_stream_bits + k.act_stream_bits + k.psum_read_bits +
                               k.psum_write_bits + k.res_stream_bits) *
                        t.pj("sram_read_8kb", 64) / 64;
    EXPECT_NEAR(n.ternary.arithmetic_pj(), arith, 1e-9 * arith) << n.node_nm;
    EXPECT_NEAR(n.ternary.total_pj(), arith + regs + bufs, 1e-9 * (arith + regs + bufs));
    // FP16 arithmetic is one multiply and one add per MAC.
    const double fp16 = double(p.shape.macs()) * (t.pj("fp16_mul", 16) + t.pj("fp16_add", 16));
    EXPECT_NEAR(n.fp16.arithmetic_pj(), fp16, 1e-9 * fp16);
    EXPECT_NEAR(n.fp16_over_ternary_arith(), fp16 / arith, 1e-9 * fp16 / arith);
    // INT8: each nonzero weight multiplies once per token (padding weights are zero); tree adds
    // are 16 + l - 1 bits wide.
    const OpCounts& k8 = r.int8_counts;
    EXPECT_EQ(k8.fires, k.fires);
    std::uint64_t nonzero_weights = 0;
    for (const std::uint8_t w : p8.weights) nonzero_weights += w != 0;
    EXPECT_EQ(k8.muls, nonzero_weights * p.shape.m);
    const double muls = double(k8.muls) * t.pj("int_mul", 8);
    EXPECT_NEAR(n.int8.group_pj("multiply"), muls, 1e-9 * muls);
    double tree8 = 0;
    for (std::size_t l = 0; l < k8.tree_adds.size(); ++l) {
      tree8 += double(k8.tree_adds[l]) * t.pj("int_add", 16 + int(l));
    }
    EXPECT_NEAR(n.int8.group_pj("tree"), tree8, 1e-9 * tree8);
  }
  // The paper's and the critique's numbers come out exactly at 7 nm.
  for (const NodeClaims& n : r.nodes) {
    if (n.node_nm != 7) continue;
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
