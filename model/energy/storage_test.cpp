#include "ternac/model/energy/storage.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ternac/model/energy/claims.h"
#include "ternac/model/energy/energy_table.h"

namespace ternac {
namespace {

const EnergyTables& tables() {
  static const EnergyTables t = EnergyTables::load(default_energy_dir());
  return t;
}

// Decode of 2B4T's ffn_down on the default array with 1 MB on chip: the activations (6912 B)
// and the results (2560 x 4 B) fit, the 2-bit weights (4.4 MB) do not; each stream is charged at
// its buffer's level, the partial sums at a lane's 512 B memory, the registers per bit.
TEST(Storage, BuffersPlacedBySizeAndChargedPerLevel) {
  const ArrayConfig c = default_config();
  const GemmShape s{1, 2560, 6912};
  OpCounts n;
  n.act_stream_bits = 1000;
  n.res_stream_bits = 2000;
  n.wgt_stream_bits = 3000;
  n.psum_read_bits = 400;
  n.psum_write_bits = 500;
  n.reg_pipe_bits = 600;
  n.wgt_bank_write_bits = 700;
  const EnergyTable& t = tables().node(45);
  std::vector<BufferPlace> places;
  const auto lines = storage_lines(c, n, s, {2, 8, 32}, StorageConfig{}, t, &places);
  ASSERT_EQ(places.size(), 4u);
  EXPECT_EQ(places[0].buffer, "activations");
  EXPECT_EQ(places[0].bytes, 6912u);
  EXPECT_EQ(places[0].level, "on-chip");
  EXPECT_EQ(places[1].bytes, 2560u * 4);
  EXPECT_EQ(places[1].level, "on-chip");
  EXPECT_EQ(places[2].bytes, 2560u * 6912 * 2 / 8);
  EXPECT_EQ(places[2].level, "off-chip");
  double reg = 0, onchip = 0, offchip = 0;
  for (const EnergyLine& l : lines) {
    (l.group == "registers" ? reg : l.group == "onchip" ? onchip : offchip) += l.pj();
  }
  const double r = t.register_bit().pj;
  EXPECT_NEAR(reg, (600 + 700) * r, 1e-12);
  const double want_onchip = 400 * t.sram_read_bit(128 * 4).pj + 500 * t.sram_write_bit(512).pj +
                             1000 * t.sram_read_bit(6912).pj + 2000 * t.sram_write_bit(10240).pj;
  EXPECT_NEAR(onchip, want_onchip, 1e-9 * want_onchip);
  EXPECT_NEAR(offchip, 3000 * t.dram_bit().pj, 1e-9);
  // With no on-chip capacity, every stream goes to DRAM.
  const auto all_off = storage_lines(c, n, s, {2, 8, 32}, StorageConfig{0}, t);
  double off = 0;
  for (const EnergyLine& l : all_off) off += l.group == "offchip" ? l.pj() : 0.0;
  EXPECT_NEAR(off, (1000 + 2000 + 3000) * t.dram_bit().pj, 1e-9);
}

// A node added with one file (scale-from 45) gets a claims report of its own.
TEST(Storage, OneFileNodeGetsAReport) {
  std::vector<EnergyTables::File> files;
  for (const std::string& k : {"45nm.csv", "7nm.csv", "proxies.csv", "stillmaker.csv"}) {
    std::ifstream in(default_energy_dir() + "/" + k);
    std::stringstream text;
    text << in.rdbuf();
    files.push_back({k, text.str()});
  }
  files.push_back({"28nm.csv",
                   "# node: 28\n# voltage: 0.9 assumed\n# scale-from: 45\n"
                   "operation,width,pj,kind,source\n"});
  const EnergyTables t = EnergyTables::from_files(files);
  ClaimsReport r;
  r.config = default_config();
  ClaimsRun run;
  run.name = "decode";
  run.shape = {1, 64, 128};
  run.ternary.ops.sel_pos = 10;
  run.ternary.ops.acc_adds = 5;
  run.int8.ops.muls = 20;
  r.runs.push_back(run);
  evaluate_claims(r, t, ActivityCalibration::load(default_activity_calibration()));
  bool found = false;
  for (const NodeClaims& n : r.nodes) {
    if (n.node_nm != 28) continue;
    found = true;
    EXPECT_EQ(n.family, "horowitz45");
    EXPECT_GT(n.find("counted")->ternary_fj, 0.0);
  }
  EXPECT_TRUE(found);
  EXPECT_NE(claims_text(r).find("== 28 nm"), std::string::npos);
}

}  // namespace
}  // namespace ternac
