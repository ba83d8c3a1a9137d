// Every RTL assertion can fire, and every datapath fault is caught. The model under test is the
// fault build (a 4 x 8 array Verilated from a copy of the design with every named fault of
// testbench/faults/faults.json applied): each case chooses one fault (+ternac_fault=<id>) or
// breaks the stream protocol from the testbench side, and expects the simulation to stop with
// the assertion the table names, or the scoreboard or the energy-counter check to fail. The same
// stimulus without the fault must run clean, so a check that fires is firing because of the
// fault. Each faulty run is a gtest death test: it runs in a child process, which gets its own
// model reading its own plusarg.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include TERNAC_VTOP_HEADER
#include "ternac/model/workload/workload.h"
#include "ternac/testbench/env/rtl_harness.h"
#include "ternac_faults.h"

namespace ternac {
namespace {

using Harness = RtlHarness<TERNAC_VTOP>;

enum class Stimulus {
  kGemm,     // run one GEMM command
  kIllegal,  // a GEMM whose weights hold illegal trit codes
  kBadCmd,   // a malformed command (M = 0)
};

// The fault of the table with this name (the test fails when it has none).
const FaultInfo& fault(const std::string& name) {
  for (const FaultInfo& f : kFaults) {
    if (name == f.name) return f;
  }
  throw std::invalid_argument("no fault named " + name + " in testbench/faults/faults.json");
}

struct FaultCase {
  const char* fault;  // a name of testbench/faults/faults.json
  Stimulus stimulus;
  GemmShape shape;
  Backpressure backpressure;
  // The assertion the table says catches this fault ("" when something else does).
  std::string assertion() const {
    const std::string by = ternac::fault(fault).caught_by;
    return by.rfind("assertion ", 0) == 0 ? by.substr(10) : "";
  }
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.fault << " -> " << c.assertion(); }

Backpressure res_ready(double p) { return {Backpressure::Pattern::kRandom, 1.0, 1.0, 1.0, p}; }
Backpressure act_valid(double p) { return {Backpressure::Pattern::kRandom, 1.0, 1.0, p, 1.0}; }
const Backpressure kNone = Backpressure::random_all(1.0);

// Shapes are for the 4 x 8 fault build: N = 12 is three N tiles, K = 40 five K tiles.
const FaultCase kCases[] = {
    {"result_withdrawn", Stimulus::kGemm, {3, 5, 9}, res_ready(0.3)},
    {"result_changed", Stimulus::kGemm, {3, 5, 9}, res_ready(0.3)},
    {"push_when_full", Stimulus::kGemm, {8, 9, 20}, res_ready(0.1)},
    {"walker_steps_after_done", Stimulus::kGemm, {2, 5, 9}, kNone},
    {"too_few_n_tiles", Stimulus::kGemm, {1, 12, 8}, kNone},
    {"compute_without_bank", Stimulus::kGemm, {2, 5, 9}, kNone},
    {"release_at_start", Stimulus::kGemm, {2, 5, 9}, kNone},
    {"load_ignores_ready", Stimulus::kGemm, {1, 16, 40}, act_valid(0.1)},
    {"idle_at_first_result", Stimulus::kGemm, {1, 16, 8}, kNone},
    {"illegal_without_status", Stimulus::kIllegal, {2, 5, 9}, kNone},
    {"bad_cmd_without_status", Stimulus::kBadCmd, {0, 1, 1}, kNone},
    {"phantom_saturation", Stimulus::kGemm, {2, 5, 9}, kNone},
};

GemmProblem problem_for(const FaultCase& c) {
  GemmProblem p = random_problem({c.shape, 11, 0.4, ActProfile::kUniform});
  if (c.stimulus == Stimulus::kIllegal) {
    p.weights[0] = p.weights.back() = static_cast<std::uint8_t>(TritCode::kIllegal);
  }
  return p;
}

// A fresh model with fault id `fault` chosen (0: none); its initial blocks read the plusarg.
std::unique_ptr<Harness> fresh_harness(int fault) {
  Harness::choose_fault(static_cast<std::uint64_t>(fault));
  return std::make_unique<Harness>();
}

// Runs the stimulus on a fresh model with `fault` chosen; returns what went wrong ("" if clean).
std::string run_case(const FaultCase& c, int fault) {
  const std::unique_ptr<Harness> model = fresh_harness(fault);
  Harness& h = *model;
  if (c.stimulus == Stimulus::kBadCmd) return h.run_rejected(c.shape);
  RunOptions opt;
  opt.backpressure = c.backpressure;
  opt.seed = 5;
  const RunReport r = h.run(problem_for(c), opt);
  return r.failure;
}

// Verilator prints a failed assertion on stdout and then aborts: in the death test's child,
// stdout goes to stderr, unbuffered, where the death test reads it.
void stdout_to_stderr() {
  std::fflush(stdout);
  dup2(STDERR_FILENO, STDOUT_FILENO);
  std::setvbuf(stdout, nullptr, _IONBF, 0);
}

// Death-test body: runs the case with `fault`, prints "clean run: passed" or what went wrong on
// stderr, and exits 0 when the run was clean, 1 otherwise.
[[noreturn]] void run_and_exit(const FaultCase& c, int fault) {
  stdout_to_stderr();
  const std::string failure = run_case(c, fault);
  std::fprintf(stderr, "%s\n", failure.empty() ? "clean run: passed" : failure.c_str());
  std::exit(failure.empty() ? 0 : 1);
}

class AssertionFires : public testing::TestWithParam<FaultCase> {};

TEST_P(AssertionFires, WithItsFaultOnly) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  const FaultCase& c = GetParam();
  // Without the fault: no assertion, and the results are right.
  ASSERT_NE(c.assertion(), "") << c.fault << " is not caught by an assertion in faults.json";
  EXPECT_EXIT(run_and_exit(c, 0), testing::ExitedWithCode(0), "clean run: passed");
  // With the fault: the simulation stops on this assertion.
  EXPECT_DEATH(
      {
        stdout_to_stderr();
        run_case(c, fault(c.fault).id);
      },
      fmt::format("assertion {} failed", c.assertion()));
}

INSTANTIATE_TEST_SUITE_P(Faults, AssertionFires, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<FaultCase>& i) {
                           return i.param.assertion();
                         });

// Stream rules on the inputs: the testbench breaks them itself on a fresh model, no fault needed.
void expect_stream_rule_fires(const char* assertion,
                              const std::function<void(Harness&)>& break_rule) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  EXPECT_DEATH(
      {
        stdout_to_stderr();
        const std::unique_ptr<Harness> model = fresh_harness(0);
        break_rule(*model);
        model->tick();  // the rule is checked a cycle after the break
        model->tick();
      },
      fmt::format("assertion {} failed", assertion));
}

void drive_cmd(Harness& h, GemmShape s) {
  h.top().cmd_valid_i = 1;
  assign_port(h.top().cmd_i, Beat{s.m, s.n, s.k});
}

TEST(StreamRule, CmdHeldUntilTaken) {
  expect_stream_rule_fires("CmdHeldUntilTaken", [](Harness& h) {
    drive_cmd(h, {2, 2, 2});  // taken: the array is idle
    h.tick();
    drive_cmd(h, {3, 3, 3});  // not taken: the array is busy with the first
    h.tick();
    h.top().cmd_valid_i = 0;  // withdrawn before it was taken
  });
}

TEST(StreamRule, CmdStableUntilTaken) {
  expect_stream_rule_fires("CmdStableUntilTaken", [](Harness& h) {
    drive_cmd(h, {2, 2, 2});  // taken: the array is idle
    h.tick();
    drive_cmd(h, {3, 3, 3});  // not taken: the array is busy with the first
    h.tick();
    drive_cmd(h, {4, 3, 3});  // changed while it waits
  });
}

TEST(StreamRule, WgtHeldUntilTaken) {
  expect_stream_rule_fires("WgtHeldUntilTaken", [](Harness& h) {
    h.top().wgt_valid_i = 1;  // offered while idle: not taken
    h.tick();
    h.top().wgt_valid_i = 0;  // withdrawn
  });
}

TEST(StreamRule, WgtStableUntilTaken) {
  expect_stream_rule_fires("WgtStableUntilTaken", [](Harness& h) {
    h.top().wgt_valid_i = 1;  // offered while idle: not taken
    assign_port(h.top().wgt_data_i, Beat(2, 0x11111111u));
    h.tick();
    assign_port(h.top().wgt_data_i, Beat(2, 0x33333333u));  // changed while waiting
  });
}

TEST(StreamRule, ActHeldUntilTaken) {
  expect_stream_rule_fires("ActHeldUntilTaken", [](Harness& h) {
    h.top().act_valid_i = 1;  // offered while idle: not taken
    h.tick();
    h.top().act_valid_i = 0;  // withdrawn
  });
}

TEST(StreamRule, ActStableUntilTaken) {
  expect_stream_rule_fires("ActStableUntilTaken", [](Harness& h) {
    h.top().act_valid_i = 1;  // offered while idle: not taken
    assign_port(h.top().act_data_i, Beat(2, 0x01010101u));
    h.tick();
    assign_port(h.top().act_data_i, Beat(2, 0x02020202u));  // changed while waiting
  });
}

// A data fault has no assertion: the scoreboard must catch it. lost_negation_carry drops the +1
// of every negation, so each -1 weight contributes -x - 1.
TEST(FaultInjection, LostNegationCarryIsCaughtByTheScoreboard) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  const FaultCase c{"lost_negation_carry", Stimulus::kGemm, {3, 5, 9}, kNone};
  EXPECT_EQ(std::string(fault(c.fault).caught_by), "scoreboard");
  EXPECT_EXIT(run_and_exit(c, fault(c.fault).id), testing::ExitedWithCode(1),
              "the \\+1 of each negation \\(-x = ~x \\+ 1\\) was lost");
}

// write_under_stalled_beat lets the load side write the bank that a stalled beat in stage 0
// still reads (the tile's last beat, whose bank was released when it was taken): that beat then
// meets the next tile's weights. Decode (one token per tile) under heavy result backpressure
// stalls there.
TEST(FaultInjection, WriteUnderAStalledBeatIsCaughtByTheScoreboard) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  const FaultCase c{"write_under_stalled_beat", Stimulus::kGemm, {1, 16, 40}, res_ready(0.1)};
  EXPECT_EQ(std::string(fault(c.fault).caught_by), "scoreboard");
  EXPECT_EXIT(run_and_exit(c, 0), testing::ExitedWithCode(0), "clean run: passed");
  EXPECT_EXIT(run_and_exit(c, fault(c.fault).id), testing::ExitedWithCode(1), "mismatch");
}

// Datapath faults that the energy counters catch on their own: the monitors add up what the
// selects and adders report from their own wires, so a select that passes its operand for a zero
// weight, or an adder that loses an input, changes what they count, and the counts no longer
// match the operation-count model's prediction. (The scoreboard sees the wrong sums too; the
// check here is the counters' own line.)
TEST(FaultInjection, SelectLeakingAZeroWeightIsCaughtByTheCounters) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  const FaultCase c{"select_leaks_zero", Stimulus::kGemm, {3, 5, 9}, kNone};
  EXPECT_EQ(std::string(fault(c.fault).caught_by), "energy counters");
  EXPECT_EXIT(run_and_exit(c, fault(c.fault).id), testing::ExitedWithCode(1),
              "energy counter sel_pos: RTL counted [0-9]+, model predicts");
}

TEST(FaultInjection, TreeAdderLosingAnInputIsCaughtByTheCounters) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  const FaultCase c{"tree_drops_input", Stimulus::kGemm, {3, 5, 9}, kNone};
  EXPECT_EQ(std::string(fault(c.fault).caught_by), "energy counters");
  EXPECT_EXIT(run_and_exit(c, fault(c.fault).id), testing::ExitedWithCode(1),
              "energy counter tree_adds_l1: RTL counted [0-9]+, model predicts");
}

// Every assertion of the verification modules has a case above, and every fault of the table
// has a test in this file: a new assertion or fault without one fails here.
TEST(AssertionFires, EveryAssertionAndFaultHasACase) {
  std::set<std::string> covered = {"CmdHeldUntilTaken", "CmdStableUntilTaken",
                                   "WgtHeldUntilTaken", "WgtStableUntilTaken",
                                   "ActHeldUntilTaken", "ActStableUntilTaken"};
  std::set<std::string> faults_tested = {"lost_negation_carry", "write_under_stalled_beat",
                                         "select_leaks_zero", "tree_drops_input"};
  for (const FaultCase& c : kCases) {
    covered.insert(c.assertion());
    faults_tested.insert(c.fault);
  }
  for (const FaultInfo& f : kFaults) {
    EXPECT_TRUE(faults_tested.count(f.name)) << "fault " << f.name << " has no test";
  }
  // Assertions: the TERNAC_ASSERT macros of testbench/dv, and the two rules of each bound
  // stream checker (Name("X") in the bind file: XHeldUntilTaken, XStableUntilTaken).
  const std::regex use(R"(`TERNAC_ASSERT(_IF)?\(\s*(\w+)\s*,)");
  const std::regex stream(R"(ternac_stream_checker\s*#\([^;]*\.Name\(\"(\w+)\"\))");
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(TERNAC_DV_DIR)) {
    if (entry.path().extension() != ".sv") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string src = text.str();
    for (std::sregex_iterator it(src.begin(), src.end(), use), end; it != end; ++it) {
      found.insert((*it)[2]);
    }
    for (std::sregex_iterator it(src.begin(), src.end(), stream), end; it != end; ++it) {
      found.insert(std::string((*it)[1]) + "HeldUntilTaken");
      found.insert(std::string((*it)[1]) + "StableUntilTaken");
    }
  }
  for (const std::string& a : found) {
    EXPECT_TRUE(covered.count(a)) << a << " has no test that makes it fire";
  }
  EXPECT_EQ(found.size(), covered.size()) << "a case names an assertion the RTL does not have";
}

}  // namespace
}  // namespace ternac
