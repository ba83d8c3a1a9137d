// Unit tests of ternac_select, ternac_adder_tree and ternac_lane against the bit-level C++ models
// (model/core/select.h, model/core/adder_tree.h, model/core/lane.h), on one Verilated model
// (tb_units.sv) that holds each unit at fan-in 1, 2, 5 and 64. Random tests print their seed; set
// TERNAC_SEED to reproduce one: TERNAC_SEED=<seed> build/testbench/units/units_test
// --gtest_filter=<test>.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "Vternac_rtl_units.h"
#include "ternac/model/base/text_io.h"
#include "ternac/model/core/adder_tree.h"
#include "ternac/model/core/gemm.h"
#include "ternac/model/core/lane.h"
#include "ternac/model/core/select.h"
#include "ternac/testbench/env/port_bits.h"

namespace ternac {
namespace {

Vternac_rtl_units& dut() {
  static VerilatedContext ctx;
  static std::unique_ptr<Vternac_rtl_units> top = [] {
    auto t = std::make_unique<Vternac_rtl_units>(&ctx, "tb");
    t->clk_i = 0;
    t->rst_ni = 1;
    t->en_i = 0;
    t->s0_valid_i = 0;
    t->s1_valid_i = 0;
    t->eval();
    return t;
  }();
  return *top;
}

// TERNAC_SEED, read strictly (text_io.h) before the first test: a bad value stops the program
// with exit status 2, naming the variable.
std::uint64_t env_seed() {
  static const std::uint64_t seed = [] {
    try {
      return env_decimal("TERNAC_SEED", 1);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "units_test: %s\n", e.what());
      std::exit(2);
    }
  }();
  return seed;
}

class SeedCheck : public ::testing::Environment {
 public:
  void SetUp() override { (void)env_seed(); }
};
::testing::Environment* const kSeedCheck = ::testing::AddGlobalTestEnvironment(new SeedCheck);

std::uint64_t seed_for(const char* test) {
  const std::uint64_t seed = env_seed();
  std::printf(
      "%s: seed=%llu (reproduce: TERNAC_SEED=%llu build/testbench/units/units_test "
      "--gtest_filter=%s)\n",
      test, static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed), test);
  return seed;
}

TEST(SelectUnit, ExhaustiveAgainstModel) {
  auto& d = dut();
  for (int x = -128; x <= 127; ++x) {
    for (std::uint8_t code = 0; code < 4; ++code) {
      d.sel_act_i = static_cast<std::uint8_t>(x);
      d.sel_trit_i = code;
      d.eval();
      const SelectOut want = select(static_cast<std::int8_t>(x), code);
      ASSERT_EQ(d.sel_operand_o, want.operand) << "x=" << x << " code=" << int(code);
      ASSERT_EQ(bool(d.sel_carry_o), want.carry) << "x=" << x << " code=" << int(code);
      const int value = static_cast<std::int8_t>(d.sel_operand_o) + d.sel_carry_o;
      ASSERT_EQ(value, trit_value(code) * x);
    }
  }
}

// Drives one tree instance and reads it back, whatever the Verilated port types are.
struct TreePorts {
  int inputs;
  std::function<void(const Beat&, const Beat&)> drive;
  std::function<std::pair<std::int64_t, bool>()> read;
  std::function<bool()> overflow;
};

template <typename Op, typename Cin, typename Sum, typename Cout, typename Ovf>
TreePorts tree_ports(int inputs, Op& op, Cin& cin, Sum& sum, Cout& cout, Ovf& ovf) {
  const int width = 8 + tree_levels(inputs);
  return {inputs,
          [&op, &cin](const Beat& o, const Beat& c) {
            assign_port(op, o);
            assign_port(cin, c);
          },
          [&sum, &cout, width] {
            Beat b(2);
            read_port(sum, b);
            return std::make_pair(get_signed_bits(b, 0, width), bool(cout));
          },
          [&ovf] { return bool(ovf); }};
}

std::vector<TreePorts> trees() {
  auto& d = dut();
  return {tree_ports(1, d.tree1_operand_i, d.tree1_carry_i, d.tree1_sum_o, d.tree1_carry_o,
                     d.tree1_overflow_o),
          tree_ports(2, d.tree2_operand_i, d.tree2_carry_i, d.tree2_sum_o, d.tree2_carry_o,
                     d.tree2_overflow_o),
          tree_ports(5, d.tree5_operand_i, d.tree5_carry_i, d.tree5_sum_o, d.tree5_carry_o,
                     d.tree5_overflow_o),
          tree_ports(64, d.tree64_operand_i, d.tree64_carry_i, d.tree64_sum_o, d.tree64_carry_o,
                     d.tree64_overflow_o)};
}

void check_tree(const TreePorts& t, const std::vector<std::int64_t>& ops,
                const std::vector<bool>& carries, const std::string& what) {
  Beat o((t.inputs * 8 + 31) / 32, 0), c((t.inputs + 31) / 32, 0);
  std::int64_t total = 0;
  for (int i = 0; i < t.inputs; ++i) {
    put_bits(o, i * 8ull, 8, static_cast<std::uint64_t>(ops[i]));
    put_bits(c, i, 1, carries[i]);
    total += ops[i] + carries[i];
  }
  t.drive(o, c);
  dut().eval();
  const auto [sum, carry] = t.read();
  const TreeOut want = adder_tree(ops, carries);
  ASSERT_EQ(sum, want.sum) << what << ", fan-in " << t.inputs;
  ASSERT_EQ(carry, want.carry) << what << ", fan-in " << t.inputs;
  ASSERT_EQ(sum + carry, total) << what << ", fan-in " << t.inputs;
  ASSERT_FALSE(t.overflow()) << "a full-precision tree never saturates";
}

TEST(AdderTreeUnit, Extremes) {
  for (const TreePorts& t : trees()) {
    const auto n = static_cast<std::size_t>(t.inputs);
    check_tree(t, std::vector<std::int64_t>(n, -128), std::vector<bool>(n, false), "all -128");
    check_tree(t, std::vector<std::int64_t>(n, 127), std::vector<bool>(n, true), "all 127 + 1");
    check_tree(t, std::vector<std::int64_t>(n, 127), std::vector<bool>(n, false), "all 127");
    check_tree(t, std::vector<std::int64_t>(n, 0), std::vector<bool>(n, true), "carries only");
    std::vector<std::int64_t> alt(n);
    for (std::size_t i = 0; i < n; ++i) alt[i] = i % 2 ? 127 : -128;
    check_tree(t, alt, std::vector<bool>(n, true), "alternating");
  }
}

TEST(AdderTreeUnit, RandomAgainstModel) {
  std::mt19937_64 rng(seed_for("AdderTreeUnit.RandomAgainstModel"));
  for (const TreePorts& t : trees()) {
    for (int rep = 0; rep < 3000; ++rep) {
      std::vector<std::int64_t> ops(t.inputs);
      std::vector<bool> carries(t.inputs);
      for (int i = 0; i < t.inputs; ++i) {
        ops[i] = static_cast<std::int8_t>(rng());
        carries[i] = rng() & 1;
      }
      check_tree(t, ops, carries, "random");
      if (HasFatalFailure()) return;
    }
  }
}

// One lane instance with its model.
struct LanePorts {
  int inputs;
  std::function<void(const Beat&, const Beat&)> drive;
  std::function<std::int64_t()> acc;
};

template <typename A, typename T, typename O>
LanePorts lane_ports(int inputs, A& act, T& trit, O& acc) {
  return {inputs,
          [&act, &trit](const Beat& a, const Beat& t) {
            assign_port(act, a);
            assign_port(trit, t);
          },
          [&acc] { return static_cast<std::int64_t>(static_cast<std::int32_t>(acc)); }};
}

void run_lane_sequence(std::uint64_t seed, bool extreme) {
  auto& d = dut();
  std::mt19937_64 rng(seed);
  std::vector<LanePorts> lanes = {lane_ports(1, d.lane1_act_i, d.lane1_trit_i, d.lane1_acc_o),
                                  lane_ports(2, d.lane2_act_i, d.lane2_trit_i, d.lane2_acc_o),
                                  lane_ports(5, d.lane5_act_i, d.lane5_trit_i, d.lane5_acc_o),
                                  lane_ports(64, d.lane64_act_i, d.lane64_trit_i, d.lane64_acc_o)};
  std::vector<Lane> models(lanes.size(), Lane(4, 32));
  std::vector<TreeOut> stage1(lanes.size());
  bool stage1_loaded = false;
  bool started[4] = {false, false, false, false};
  for (int cycle = 0; cycle < 4000; ++cycle) {
    const bool en = (rng() % 5) != 0;
    const bool s0 = rng() & 1;
    std::vector<std::vector<std::int8_t>> acts(lanes.size());
    std::vector<std::vector<std::uint8_t>> codes(lanes.size());
    const int sign = (rng() & 1) ? 1 : -1;
    for (std::size_t li = 0; li < lanes.size(); ++li) {
      const int n = lanes[li].inputs;
      Beat a((n * 8 + 31) / 32, 0), t((n * 2 + 31) / 32, 0);
      for (int i = 0; i < n; ++i) {
        std::int8_t x;
        std::uint8_t code;
        if (extreme) {
          x = sign > 0 ? 127 : -128;  // all +1 against 127, all -1 against -128
          code = encode_trit(sign);
        } else {
          x = static_cast<std::int8_t>(rng());
          code = static_cast<std::uint8_t>(rng() % 4);  // illegal codes included: they gate
        }
        acts[li].push_back(x);
        codes[li].push_back(code);
        put_bits(a, i * 8ull, 8, static_cast<std::uint8_t>(x));
        put_bits(t, i * 2ull, 2, code);
      }
      lanes[li].drive(a, t);
    }
    // Stage 1: a token that has not started must start with first = 1.
    const bool s1 = stage1_loaded && (rng() % 4 != 0);
    const int token = static_cast<int>(rng() % 4);
    const bool first = !started[token] || (rng() % 3 == 0);
    const bool last = rng() % 3 == 0;
    d.en_i = en;
    d.s0_valid_i = s0;
    d.s1_valid_i = s1;
    d.s1_token_i = static_cast<std::uint8_t>(token);
    d.s1_first_i = first;
    d.s1_last_i = last;
    d.clk_i = 0;
    d.eval();
    for (std::size_t li = 0; li < lanes.size() && s1; ++li) {
      Lane peek = models[li];
      const std::int64_t want = peek.accumulate(token, first, last, stage1[li]);
      ASSERT_EQ(lanes[li].acc(), want)
          << "lane fan-in " << lanes[li].inputs << " cycle " << cycle << " seed " << seed;
      if (en) models[li] = peek;  // the RTL writes its partial sum only when enabled
    }
    if (s1 && en && !last) started[token] = true;
    if (en && s0) {
      for (std::size_t li = 0; li < lanes.size(); ++li) {
        stage1[li] = lane_tree(acts[li], codes[li]);
      }
      stage1_loaded = true;
    }
    d.clk_i = 1;
    d.eval();
  }
}

TEST(LaneUnit, RandomSequencesAgainstModel) {
  run_lane_sequence(seed_for("LaneUnit.RandomSequencesAgainstModel"), false);
}

TEST(LaneUnit, ExtremeOperands) {
  // All +1 against 127 and all -1 against -128, accumulated over many K tiles.
  run_lane_sequence(seed_for("LaneUnit.ExtremeOperands"), true);
}

}  // namespace
}  // namespace ternac
