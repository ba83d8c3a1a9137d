// Every RTL assertion can fire. The model under test is Verilated with TERNAC_FAULT_INJECT (the
// "fault" build, a 4 x 8 array): each case injects one test-only fault (+ternac_fault=<n>, listed
// in docs/assertions.md) or breaks the stream protocol from the testbench side, and expects the
// simulation to stop with that assertion's message. The same stimulus without the fault must run
// clean, so an assertion that fires is firing because of the fault. Each faulty run is a gtest
// death test: it runs in a child process, which gets its own model reading its own plusarg.
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
#include TERNAC_VROOT_HEADER
#include "rtl_harness.h"
#include "workload.h"

namespace ternac {
namespace {

using Harness = RtlHarness<TERNAC_VTOP>;

enum class Stimulus {
  kGemm,     // run one GEMM command
  kIllegal,  // a GEMM whose weights hold illegal trit codes
  kBadCmd,   // a malformed command (M = 0)
};

struct FaultCase {
  int fault;
  const char* assertion;
  Stimulus stimulus;
  GemmShape shape;
  Backpressure backpressure;
};

void PrintTo(const FaultCase& c, std::ostream* os) {
  *os << "fault " << c.fault << " -> " << c.assertion;
}

Backpressure res_ready(double p) { return {Backpressure::Pattern::kRandom, 1.0, 1.0, 1.0, p}; }
Backpressure act_valid(double p) { return {Backpressure::Pattern::kRandom, 1.0, 1.0, p, 1.0}; }
const Backpressure kNone = Backpressure::random_all(1.0);

// Shapes are for the 4 x 8 fault build: N = 12 is three N tiles, K = 40 five K tiles.
const FaultCase kCases[] = {
    {1, "ResultHeldUntilTaken", Stimulus::kGemm, {3, 5, 9}, res_ready(0.3)},
    {2, "ResultStableUntilTaken", Stimulus::kGemm, {3, 5, 9}, res_ready(0.3)},
    {3, "NoPushWhenFull", Stimulus::kGemm, {8, 9, 20}, res_ready(0.1)},
    {4, "NoStepWhenDone", Stimulus::kGemm, {2, 5, 9}, kNone},
    {5, "LoadDoneBeforeCompute", Stimulus::kGemm, {1, 12, 8}, kNone},
    {6, "ComputeNeedsFullBank", Stimulus::kGemm, {2, 5, 9}, kNone},
    {7, "ReleaseOnlyFull", Stimulus::kGemm, {2, 5, 9}, kNone},
    {8, "WriteOnlyWhenReady", Stimulus::kGemm, {1, 16, 40}, act_valid(0.1)},
    {9, "NoResultWhenIdle", Stimulus::kGemm, {1, 16, 8}, kNone},
    {10, "IllegalCountMatchesStatus", Stimulus::kIllegal, {2, 5, 9}, kNone},
    {11, "BadCmdCountMatchesStatus", Stimulus::kBadCmd, {0, 1, 1}, kNone},
    {12, "NoTreeOverflowAtFullPrecision", Stimulus::kGemm, {2, 5, 9}, kNone},
};

GemmProblem problem_for(const FaultCase& c) {
  GemmProblem p = random_problem({c.shape, 11, 0.4, ActProfile::kUniform});
  if (c.stimulus == Stimulus::kIllegal) {
    p.weights[0] = p.weights.back() = static_cast<std::uint8_t>(TritCode::kIllegal);
  }
  return p;
}

// A fresh model with `fault` chosen (0: none); its initial blocks read the plusarg.
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
  EXPECT_EXIT(run_and_exit(c, 0), testing::ExitedWithCode(0), "clean run: passed");
  // With the fault: the simulation stops on this assertion.
  EXPECT_DEATH(
      {
        stdout_to_stderr();
        run_case(c, c.fault);
      },
      fmt::format("assertion {} failed", c.assertion));
}

INSTANTIATE_TEST_SUITE_P(Faults, AssertionFires, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<FaultCase>& i) {
                           return std::string(i.param.assertion);
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

TEST(StreamRule, WgtHeldUntilTaken) {
  expect_stream_rule_fires("WgtHeldUntilTaken", [](Harness& h) {
    h.top().wgt_valid_i = 1;  // offered while idle: not taken
    h.tick();
    h.top().wgt_valid_i = 0;  // withdrawn
  });
}

TEST(StreamRule, ActHeldUntilTaken) {
  expect_stream_rule_fires("ActHeldUntilTaken", [](Harness& h) {
    h.top().act_valid_i = 1;  // offered while idle: not taken
    assign_port(h.top().act_data_i, Beat(2, 0x01010101u));
    h.tick();
    assign_port(h.top().act_data_i, Beat(2, 0x02020202u));  // changed while waiting
  });
}

// A data fault has no assertion: the scoreboard must catch it. Fault 13 drops the +1 of every
// negation, so each -1 weight contributes -x - 1.
TEST(FaultInjection, LostNegationCarryIsCaughtByTheScoreboard) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  const FaultCase c{13, "", Stimulus::kGemm, {3, 5, 9}, kNone};
  EXPECT_EXIT(run_and_exit(c, c.fault), testing::ExitedWithCode(1),
              "the \\+1 of each negation \\(-x = ~x \\+ 1\\) was lost");
}

// Fault 14 lets the load side write the bank that a stalled beat in stage 0 still reads (the
// tile's last beat, whose bank was released when it was taken): that beat then meets the next
// tile's weights. Decode (one token per tile) under heavy result backpressure stalls there.
TEST(FaultInjection, WriteUnderAStalledBeatIsCaughtByTheScoreboard) {
  testing::FLAGS_gtest_death_test_style = "threadsafe";
  const FaultCase c{14, "", Stimulus::kGemm, {1, 16, 40}, res_ready(0.1)};
  EXPECT_EXIT(run_and_exit(c, 0), testing::ExitedWithCode(0), "clean run: passed");
  EXPECT_EXIT(run_and_exit(c, c.fault), testing::ExitedWithCode(1), "mismatch");
}

// Every assertion in the RTL has a case above: a new assertion without one fails here.
TEST(AssertionFires, EveryRtlAssertionHasACase) {
  std::set<std::string> covered = {"CmdHeldUntilTaken", "WgtHeldUntilTaken", "ActHeldUntilTaken"};
  for (const FaultCase& c : kCases) covered.insert(c.assertion);
  const std::regex use(R"(`TERNAC_ASSERT(_IF)?\(\s*(\w+)\s*,)");
  std::set<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(TERNAC_RTL_DIR)) {
    if (entry.path().extension() != ".sv") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string src = text.str();
    for (std::sregex_iterator it(src.begin(), src.end(), use), end; it != end; ++it) {
      found.insert((*it)[2]);
      EXPECT_TRUE(covered.count((*it)[2]))
          << (*it)[2] << " in " << entry.path().filename() << " has no test that makes it fire";
    }
  }
  EXPECT_EQ(found.size(), covered.size()) << "a case names an assertion the RTL does not have";
}

}  // namespace
}  // namespace ternac
