#include "energy_table.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ternac {
namespace {

const EnergyTables& shipped() {
  static const EnergyTables t = EnergyTables::load(default_energy_dir());
  return t;
}

TEST(EnergyTable, PublishedRowsAsInTheirSources) {
  const EnergyTable& t45 = shipped().node(45);
  EXPECT_DOUBLE_EQ(t45.pj("int_add", 8), 0.03);
  EXPECT_DOUBLE_EQ(t45.pj("int_mul", 32), 3.1);
  EXPECT_EQ(t45.row("int_add", 8).kind, "published");
  EXPECT_NE(t45.row("int_add", 8).source.find("Horowitz"), std::string::npos);
  const EnergyTable& t7 = shipped().node(7);
  EXPECT_DOUBLE_EQ(t7.pj("fp16_add", 16), 0.16);
  EXPECT_DOUBLE_EQ(t7.pj("fp16_mul", 16), 0.34);
  EXPECT_DOUBLE_EQ(t7.pj("int_add", 8), 0.007);
  EXPECT_NE(t7.row("int_add", 8).source.find("PokeBNN"), std::string::npos);
}

TEST(EnergyTable, ClaimsFromTheTablesOwnRows) {
  const EnergyTable& t7 = shipped().node(7);
  const EnergyTable& t45 = shipped().node(45);
  // BitNet b1.58: (FP16 add + FP16 mul) / INT8 add at 7 nm = (0.16 + 0.34) / 0.007.
  EXPECT_NEAR((t7.pj("fp16_add", 16) + t7.pj("fp16_mul", 16)) / t7.pj("int_add", 8), 71.4286, 1e-4);
  // The critique: (INT8 mul + INT8 add) / INT8 add = 11 at 7 nm, halved for select logic.
  EXPECT_NEAR((t7.pj("int_mul", 8) + t7.pj("int_add", 8)) / t7.pj("int_add", 8), 11.0, 1e-12);
  // ... 7.67 at 45 nm, and 3.33 with 32-bit accumulation charged on both sides at 7 nm.
  EXPECT_NEAR((t45.pj("int_mul", 8) + t45.pj("int_add", 8)) / t45.pj("int_add", 8), 7.6667, 1e-4);
  EXPECT_NEAR((t7.pj("int_mul", 8) + t7.pj("int_add", 32)) / t7.pj("int_add", 32), 3.3333, 1e-4);
}

TEST(EnergyTable, WidthRules) {
  const EnergyTable& t45 = shipped().node(45);
  // Linear between published points: 12 bits is halfway between 8 (0.03) and 16 (0.05).
  EXPECT_NEAR(t45.pj("int_add", 12), 0.04, 1e-12);
  EXPECT_EQ(t45.row("int_add", 12).kind, "derived");
  // Below the first point, proportional: 4 bits = 0.03 * 4 / 8.
  EXPECT_NEAR(t45.pj("int_add", 4), 0.015, 1e-12);
  // Above the last, proportional: 64 bits = 0.1 * 2.
  EXPECT_NEAR(t45.pj("int_add", 64), 0.2, 1e-12);
  // Quadratic multipliers from the nearest point: 16 bits = 0.2 * 4.
  EXPECT_NEAR(t45.pj("int_mul", 16), 0.8, 1e-12);
  // 7 nm has no 16-bit add: linear between 8 and 32.
  EXPECT_NEAR(shipped().node(7).pj("int_add", 16), 0.007 + (0.03 - 0.007) / 3, 1e-12);
}

TEST(EnergyTable, StillmakerScalingMatchesCorrigendum) {
  // The corrigendum's checks: factor(32 nm, 0.9 V) = 0.4571, factor(65 nm, 1.3 V) = 2.604.
  const EnergyTables& t = shipped();
  const double f45 = 1.018 * 0.81 - 0.3107 * 0.9 + 0.1539;
  EXPECT_NEAR(t.scale_factor(45, 0.9, 32, 0.9) * f45, 0.4571, 1e-4);
  EXPECT_NEAR(t.scale_factor(45, 0.9, 65, 1.3) * f45, 2.604, 1e-3);
  const EnergyTable& t32 = t.node(32);
  EXPECT_TRUE(t32.scaled());
  EXPECT_EQ(t32.row("int_add", 8).kind, "scaled");
  EXPECT_NEAR(t32.pj("int_add", 8), 0.03 * 0.4571 / f45, 1e-5);
  EXPECT_NE(t32.row("int_add", 8).source.find("Stillmaker"), std::string::npos);
}

TEST(EnergyTable, SevenNmFillsUnpublishedRowsByScaling) {
  const EnergyRow r = shipped().node(7).row("sram_read_8kb", 64);
  EXPECT_EQ(r.kind, "scaled");
  EXPECT_LT(r.pj, 10.0);
}

TEST(EnergyTable, MissingRowNamesIt) {
  try {
    shipped().node(45).pj("fp8_mul", 8);
    FAIL() << "a missing row was answered";
  } catch (const std::out_of_range& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("45 nm"), std::string::npos) << m;
    EXPECT_NE(m.find("fp8_mul width 8"), std::string::npos) << m;
  }
  EXPECT_THROW(shipped().node(28), std::out_of_range);
}

TEST(EnergyTable, MalformedFilesAreRejectedWithTheirLine) {
  const auto expect_error = [](const std::string& text, const std::string& needle) {
    try {
      EnergyTable::parse(text, "bad.csv");
      FAIL() << "accepted: " << text;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  const std::string head = "# node: 45\n# voltage: 0.9\noperation,width,pj,kind,source\n";
  expect_error("# voltage: 0.9\noperation,width,pj,kind,source\n", "node");
  expect_error(head + "int_add,8,abc,published,x\n", "bad.csv:4");
  expect_error(head + "int_add,8,0.1,published\n", "expected 5 fields");
  expect_error(head + "int_add,8,0.1,published,\n", "no source");
  expect_error(head + "int_add,8,0.1,published,x\nint_add,8,0.2,published,y\n", "duplicate");
  expect_error(head + "int_add,0,0.1,published,x\n", "width");
  expect_error(head + "int_add,8,-1,published,x\n", "negative");
  expect_error("# node: 45\n# voltage: 0.9\n# rule: int_add cubic\n", "rule");
  expect_error("# node: 45\n# voltage: 0.9\nop,w\n", "header");
}

TEST(EnergyTable, UserTablesAddNodes) {
  const std::string t28 =
      "# node: 28\n# voltage: 0.9\n# scale-from: 45\noperation,width,pj,kind,source\n";
  std::vector<EnergyTable> tables{
      EnergyTable::parse("# node: 45\n# voltage: 0.9\noperation,width,pj,kind,source\n"
                         "int_add,8,0.03,published,Horowitz\n",
                         "45.csv"),
      EnergyTable::parse(t28, "28.csv")};
  // 28 nm has no Stillmaker coefficients in this set: the error names it.
  try {
    EnergyTables::from_tables(tables, {{45, 1.018, -0.3107, 0.1539}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("28 nm"), std::string::npos) << e.what();
  }
  const EnergyTables t =
      EnergyTables::from_tables(tables, {{45, 1.018, -0.3107, 0.1539}, {28, 0.5, -0.2, 0.08}});
  const double f = (0.5 * 0.81 - 0.2 * 0.9 + 0.08) / (1.018 * 0.81 - 0.3107 * 0.9 + 0.1539);
  EXPECT_NEAR(t.node(28).pj("int_add", 8), 0.03 * f, 1e-12);
}

}  // namespace
}  // namespace ternac
