// Co-simulation of the Verilated array (C++ harness) against the golden model, for the array
// configuration this binary was built with (TERNAC_VTOP). Every result value, the cycle count of
// every no-stall command, the status bits and counters are checked.
//
// Random tests take their base seed from TERNAC_SEED (default 1) and their count from
// TERNAC_RANDOM_COUNT; a failure prints the one command that reproduces it, and re-runs the
// failing command with tracing into an FST waveform (TERNAC_WAVE_DIR, default waves/).
// TERNAC_TRACE=1 traces the whole program. Every variable is read strictly (settings() below).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include TERNAC_VTOP_HEADER
#include "ternac/model/base/text_io.h"
#include "ternac/testbench/env/rtl_harness.h"
#if TERNAC_HAS_FAULT_TABLE
#include "ternac_faults.h"
#endif
#if TERNAC_COVERAGE
#include <verilated_cov.h>
#endif
#include "ternac/model/workload/workload.h"

namespace ternac {
namespace {

using Harness = RtlHarness<TERNAC_VTOP>;

// Random weights in the format of the array under test (trit codes, or INT8 for the baseline).
GemmProblem problem(GemmShape shape, std::uint64_t seed, double zeros, ActProfile act) {
  RandomSpec spec{shape, seed, zeros, act};
  spec.format = built_config().int8() ? WeightFormat::kInt8 : WeightFormat::kTritCodes;
  return random_problem(spec);
}

// The TERNAC_* variables of this program, read strictly (model/base/text_io.h: decimal, the whole
// string, in range) and checked before any test runs: a bad value stops the program with exit
// status 2 and a message naming the variable, rather than running 0 commands (TERNAC_RANDOM_COUNT
// =abc), 3 (=3k) or forever (=-1), seed 0 (TERNAC_SEED=abc), or no trace (TERNAC_TRACE=yes).
struct Settings {
  std::uint64_t seed = 1;
  std::uint64_t random_count = TERNAC_RANDOM_DEFAULT;
  std::uint64_t fault = 0;
  bool trace = false;
};

// TERNAC_FAULT: a fault's id or name. The fault build knows its faults (testbench/faults); other
// builds have none to choose and ignore the variable, but it must still read as an id or a name.
std::uint64_t fault_from_env() {
  const char* v = std::getenv("TERNAC_FAULT");
  if (v == nullptr || *v == '\0') return 0;
  const std::string text = v;
#if TERNAC_HAS_FAULT_TABLE
  std::uint64_t last = 0;
  std::string names;
  for (const FaultInfo& f : kFaults) {
    if (text == f.name) return static_cast<std::uint64_t>(f.id);
    last = std::max<std::uint64_t>(last, static_cast<std::uint64_t>(f.id));
    names += names.empty() ? f.name : std::string(", ") + f.name;
  }
  if (text[0] >= '0' && text[0] <= '9') {
    return parse_decimal(text, "environment variable TERNAC_FAULT", 0, last);
  }
  throw std::invalid_argument(
      fmt::format("environment variable TERNAC_FAULT: no fault named '{}' (0..{} or one of: {})",
                  printable(text), last, names));
#else
  if (text[0] >= '0' && text[0] <= '9') {
    return parse_decimal(text, "environment variable TERNAC_FAULT", 0, 65535);
  }
  if (!(text[0] >= 'a' && text[0] <= 'z') ||
      text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("environment variable TERNAC_FAULT must be a fault's id or name, got '{}'",
                    printable(text)));
  }
  return 0;
#endif
}

const Settings& settings() {
  static const Settings s = [] {
    try {
      Settings r;
      r.seed = env_decimal("TERNAC_SEED", 1);
      r.random_count = env_decimal("TERNAC_RANDOM_COUNT", TERNAC_RANDOM_DEFAULT, 1, 1000000000);
      r.fault = fault_from_env();
      r.trace = env_flag("TERNAC_TRACE");
      return r;
    } catch (const std::invalid_argument& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "%s: %s\n", TERNAC_TEST_BINARY, e.what());
      std::exit(2);
    }
  }();
  return s;
}

// Reads the settings before the first test (not while tests are only listed).
class SettingsCheck : public ::testing::Environment {
 public:
  void SetUp() override { (void)settings(); }
};
::testing::Environment* const kSettingsCheck =
    ::testing::AddGlobalTestEnvironment(new SettingsCheck);

std::string repro(const std::string& test, std::uint64_t seed, std::uint64_t count) {
  return fmt::format("TERNAC_SEED={} TERNAC_RANDOM_COUNT={} {} --gtest_filter={}", seed, count,
                     TERNAC_TEST_BINARY, test);
}

// One harness per test program: the Verilated model is built once and runs command after
// command, so every test also checks that a command leaves the array ready for the next.
// In the fault-injection build (cosim_test_fault), TERNAC_FAULT=<n> chooses a test-only RTL fault
// (docs/assertions.md) so that a regression can show it catches a real RTL bug; other builds have
// no fault to choose and ignore it.
// Where waveforms go: $TERNAC_WAVE_DIR, or waves/ in the working directory (CTest runs in the
// build tree's sim/).
std::string wave_dir() {
  const char* d = std::getenv("TERNAC_WAVE_DIR");
  const std::string dir = d && *d ? d : "waves";
  std::filesystem::create_directories(dir);
  return dir;
}

#if TERNAC_COVERAGE
// Coverage builds (scripts/coverage.sh) write the model's line, toggle and functional coverage
// to $TERNAC_COVERAGE_FILE when the program ends.
void write_coverage() {
  const char* path = std::getenv("TERNAC_COVERAGE_FILE");
  Harness::context().coveragep()->write(path && *path ? path : "coverage.dat");
}
#endif

// TERNAC_TRACE=1 writes the whole program's run as a waveform, <wave dir>/<config>.fst.
Harness& harness() {
  static const bool chosen = (Harness::choose_fault(settings().fault), true);
  static const bool tracing = settings().trace;
  static const bool traced = (tracing ? Harness::enable_tracing() : void(), true);
  static Harness h;
#if TERNAC_COVERAGE
  // Registered after the model and its context exist, so it runs before they are destroyed.
  static const bool coverage_at_exit = (std::atexit(write_coverage), true);
  (void)coverage_at_exit;
#endif
  static const bool opened =
      tracing && h.trace_to(fmt::format("{}/{}.fst", wave_dir(), TERNAC_CONFIG_NAME));
  (void)chosen, (void)traced, (void)opened;
  return h;
}

// After a failure: runs the same command again on a fresh model with tracing on and says where
// the waveform is (or why there is none).
std::string waveform_of(const GemmProblem& p, const RunOptions& opt, const std::string& tag) {
  if (!Harness::kCanTrace) {
    return "no waveform: this configuration's model is built without tracing\n";
  }
  std::string name = tag;
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  const std::string path = fmt::format("{}/{}_{}.fst", wave_dir(), TERNAC_CONFIG_NAME, name);
  Harness::enable_tracing();
  Harness fresh;
  fresh.trace_to(path);
  const RunReport again = fresh.run(p, opt);
  return fmt::format("waveform: {} (the failing command re-run on a fresh model: {})\n",
                     std::filesystem::absolute(path).string(),
                     again.passed ? "it passed there, so the failure depends on earlier commands"
                                  : "it fails the same way");
}

// A run's failure text, followed by its waveform when it failed (empty when it passed).
std::string failure_of(const RunReport& r, const GemmProblem& p, const RunOptions& opt,
                       const std::string& tag) {
  return r.passed ? "" : r.failure + waveform_of(p, opt, tag);
}

TEST(Cosim, ConfigAgreement) {
  // The RTL's capability register (ternac_pkg::hw_config_t) against the C++ configuration.
  EXPECT_EQ(harness().config(), built_config()) << harness().config().name();
  EXPECT_NO_THROW(harness().config().validate());
}

TEST(Cosim, TimeoutReportsNoCycleCountRatherThanAWrappedOne) {
  // A run that its watchdog stops before the first result has no cycle count: 0, not the
  // difference of an unset end and the start (which wrapped to 2^64 - 5500 or so).
  Harness fresh;  // left in the middle of a command: not the shared one
  const GemmProblem p = problem({1, 1, 1}, 1, 0.4, ActProfile::kGaussian);
  RunOptions opt;
  opt.watchdog_cycles = 2;
  opt.backpressure = Backpressure::random_all(0.01);
  const RunReport r = fresh.run(p, opt);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.failure.find("timeout: no completion after 3 cycles"), std::string::npos)
      << r.failure;
  EXPECT_EQ(r.cycles, 0u);
  EXPECT_EQ(r.checked_results, 0u);
}

TEST(Cosim, WatchdogScalesWithTheSlowestStream) {
  // 64 x the cycle model + 10000 cycles at full rate; a stream offered with probability p takes
  // about 1 / p times longer, and so may the run.
  EXPECT_EQ(watchdog_limit(100, Backpressure{}), 16400u);
  EXPECT_EQ(watchdog_limit(100, Backpressure::random_all(0.5)), 32800u);
  Backpressure one_slow = Backpressure::random_all(0.9);
  one_slow.res_ready = 0.01;
  EXPECT_EQ(watchdog_limit(100, one_slow), 1640000u);
  EXPECT_EQ(watchdog_limit(100, Backpressure::with(Backpressure::Pattern::kBursts)), 16400u);
  EXPECT_EQ(watchdog_limit(std::uint64_t{1} << 62, Backpressure::random_all(1e-300)),
            std::uint64_t{1} << 63);  // saturates
}

// Prints the cycles each test simulated ("ternac-cycles: N"), for the regression summary.
class CycleReporter : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo&) override { start_ = harness().cycle(); }
  void OnTestEnd(const ::testing::TestInfo&) override {
    std::printf("ternac-cycles: %llu\n",
                static_cast<unsigned long long>(harness().cycle() - start_));
  }

 private:
  std::uint64_t start_ = 0;
};
const bool kCycleReporter =
    (::testing::UnitTest::GetInstance()->listeners().Append(new CycleReporter), true);

void run_case(const std::string& name, const GemmProblem& p, std::uint64_t seed) {
  Harness& h = harness();
  // First with no stall (cycle-exact), then with random backpressure and random padding.
  RunOptions quiet;
  quiet.seed = seed;
  const RunReport a = h.run(p, quiet);
  EXPECT_TRUE(a.passed) << name << " " << p.shape.str() << " no stall:\n"
                        << failure_of(a, p, quiet, name + "_nostall");
  EXPECT_EQ(a.cycles, predict_cycles(h.config(), p.shape).cycles) << name;
  RunOptions noisy;
  noisy.seed = seed;
  noisy.backpressure = Backpressure::random_all(0.55);
  noisy.padding = Padding::kRandom;
  const RunReport b = h.run(p, noisy);
  EXPECT_TRUE(b.passed) << name << " " << p.shape.str() << " backpressure:\n"
                        << failure_of(b, p, noisy, name + "_stall");
  EXPECT_GE(b.cycles, a.cycles) << name;
}

TEST(Cosim, HandshakeTimingOfSmallestCommand) {
  // The waveform of docs/architecture.md, cycle by cycle, for M = N = K = 1 with no stalls.
  if (harness().config().beats_per_tile() != 1 || harness().config().tree_stages() != 0) {
    GTEST_SKIP() << "the waveform is of a one-beat port and a combinational tree";
  }
  std::string trace;
  RunOptions opt;
  opt.on_cycle = [&](std::uint64_t cycle, const HandshakeSample& s) {
    if (cycle > 5) return;
    trace += fmt::format("{}:{}{}{}{}{}{}{}{} ", cycle, int(s.cmd_valid), int(s.cmd_ready),
                         int(s.wgt_valid), int(s.wgt_ready), int(s.act_valid), int(s.act_ready),
                         int(s.res_valid), int(s.res_ready));
  };
  const RunReport r = harness().run(problem({1, 1, 1}, 3, 0.0, ActProfile::kUniform), opt);
  EXPECT_TRUE(r.passed) << r.failure;
  EXPECT_EQ(r.cycles, 6u);
  // Per cycle: cmd valid/ready, wgt valid/ready, act valid/ready, res valid/ready. The beat taken
  // in cycle 2 is computed in 3 (stage 0) and accumulated in 4 (stage 1); the run ends with the
  // result handshake in cycle 5.
  EXPECT_EQ(trace, "0:11000001 1:00111001 2:00001101 3:00000001 4:00000001 5:01000011 ");
}

TEST(Cosim, Directed) {
  for (const DirectedCase& c : directed_cases(harness().config())) {
    SCOPED_TRACE(c.name);
    run_case(c.name, c.problem, 1);
  }
  EXPECT_FALSE(harness().status().illegal_trit);
  EXPECT_FALSE(harness().status().bad_cmd);
}

TEST(Cosim, RandomGemms) {
  const ArrayConfig& cfg = harness().config();
  const std::uint64_t base = settings().seed;
  const std::uint64_t count = settings().random_count;
  std::printf("seed=%llu count=%llu\n", static_cast<unsigned long long>(base),
              static_cast<unsigned long long>(count));
  RecordProperty("seed", std::to_string(base));
  std::uint64_t values = 0, overflows = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t seed = base + i;
    std::mt19937_64 rng(seed);
    const GemmProblem p = random_problem(random_command(cfg, seed, rng));
    RunOptions opt;
    opt.seed = seed;
    const bool stall = rng() & 1;
    if (stall) {
      std::uniform_real_distribution<double> prob(0.2, 1.0);
      opt.backpressure.cmd_valid = prob(rng);
      opt.backpressure.wgt_valid = prob(rng);
      opt.backpressure.act_valid = prob(rng);
      opt.backpressure.res_ready = prob(rng);
      opt.padding = Padding::kRandom;
    }
    const RunReport r = harness().run(p, opt);
    values += r.checked_values;
    overflows += r.tree_overflows;
    if (!r.passed) {
      FAIL() << "seed " << seed << ", " << p.shape.str()
             << (stall ? ", backpressure" : ", no stall") << ":\n"
             << r.failure << "reproduce: " << repro("Cosim.RandomGemms", seed, 1) << "\n"
             << waveform_of(p, opt, fmt::format("RandomGemms_seed{}", seed));
    }
  }
  std::printf("%llu random GEMMs, %llu result values checked, %llu saturated tree evaluations\n",
              static_cast<unsigned long long>(count), static_cast<unsigned long long>(values),
              static_cast<unsigned long long>(overflows));
}

#if TERNAC_LEVEL_WIDTH_CAP != 0
// A width-capped tree must really saturate in the test data, match the golden model's saturated
// results (not the exact ones), and count and flag every saturated tree evaluation.
TEST(Cosim, SaturationHappensAndIsChecked) {
  Harness& h = harness();
  h.clear_status();
  std::uint64_t total = 0;
  for (const DirectedCase& c : directed_cases(h.config())) {
    const RunReport r = h.run(c.problem);
    EXPECT_TRUE(r.passed) << c.name << ":\n" << r.failure;
    total += r.tree_overflows;
    if (c.name == "all_pos_x127") {
      EXPECT_GT(r.tree_overflows, 0u) << "all +1 against 127 must saturate a capped tree";
      const auto exact = golden_gemm(c.problem, h.config().acc_width);
      EXPECT_NE(golden_gemm(c.problem, h.config()), exact) << "saturation changed no result";
    }
  }
  std::printf("%llu saturated tree evaluations in the directed cases\n",
              static_cast<unsigned long long>(total));
  EXPECT_TRUE(h.status().tree_overflow);
  EXPECT_EQ(h.status().tree_overflow_count, total);
  h.clear_status();
  EXPECT_FALSE(h.status().tree_overflow);
}
#endif

TEST(Cosim, AdversarialBackpressurePatterns) {
  const ArrayConfig& cfg = harness().config();
  using P = Backpressure::Pattern;
  const GemmShape shapes[] = {
      {1, 1, 1},
      {3, std::uint32_t(2 * cfg.lanes + 1), std::uint32_t(cfg.tree_inputs + 3)},
      {std::uint32_t(cfg.token_tile + 2), 5, std::uint32_t(2 * cfg.tree_inputs)}};
  int seed = 40;
  for (P pattern : {P::kAlternate, P::kBursts, P::kStallThenRelease, P::kStallLastResult}) {
    for (const GemmShape& s : shapes) {
      const GemmProblem p = problem(s, ++seed, 0.4, ActProfile::kUniform);
      RunOptions opt;
      opt.seed = seed;
      opt.backpressure = Backpressure::with(pattern);
      opt.padding = Padding::kRandom;
      const RunReport r = harness().run(p, opt);
      EXPECT_TRUE(r.passed) << "pattern " << int(pattern) << " " << s.str() << ":\n"
                            << failure_of(r, p, opt,
                                          fmt::format("pattern{}_seed{}", int(pattern), seed));
      EXPECT_GE(r.cycles, predict_cycles(cfg, s).cycles);
    }
  }
}

TEST(Cosim, ResetInTheMiddleOfACommand) {
  Harness& h = harness();
  const ArrayConfig& cfg = h.config();
  const GemmProblem p = problem({std::uint32_t(cfg.token_tile + 1), std::uint32_t(cfg.lanes + 2),
                                 std::uint32_t(2 * cfg.tree_inputs + 1)},
                                60, 0.3, ActProfile::kUniform);
  const std::uint64_t total = predict_cycles(cfg, p.shape).cycles;
  for (std::uint64_t at :
       {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, total / 2, total - 2}) {
    RunOptions abort;
    abort.abort_after = at;
    h.run(p, abort);
    h.reset();  // reset asserted in the middle of the command
    EXPECT_EQ(h.check_idle(), "") << "after a reset at cycle " << at << " of " << total;
    // The next command runs as if nothing had happened, cycle for cycle.
    const GemmProblem next =
        problem({3, std::uint32_t(cfg.lanes + 1), 9}, 61 + at, 0.4, ActProfile::kUniform);
    const RunReport r = h.run(next);
    EXPECT_TRUE(r.passed) << "after a reset at cycle " << at << ":\n" << r.failure;
  }
}

// Commands offered while the array is still busy, each taken in the first cycle it can be: the
// command stream waits (a cmd stall), and no idle cycle separates two commands.
TEST(Cosim, CommandsOfferedWhileBusy) {
  const ArrayConfig& cfg = harness().config();
  std::mt19937_64 rng(77);
  std::vector<GemmProblem> problems;
  for (std::uint64_t seed = 77; seed < 77 + 6; ++seed) {
    problems.push_back(random_problem(random_command(cfg, seed, rng)));
  }
  const std::vector<RunReport> reports = harness().run_back_to_back(problems);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    EXPECT_TRUE(reports[i].passed) << "command " << i << " " << problems[i].shape.str() << ":\n"
                                   << reports[i].failure;
    // No stall anywhere: the command's own cycles are the cycle model's.
    EXPECT_EQ(reports[i].cycles, predict_cycles(cfg, problems[i].shape).cycles) << "command " << i;
  }
  EXPECT_EQ(harness().check_idle(), "");
}

TEST(Cosim, IllegalTritRaisesStatus) {
  Harness& h = harness();
  if (h.config().int8()) GTEST_SKIP() << "INT8 weights have no illegal value";
  h.clear_status();
  const ArrayConfig& cfg = h.config();
  GemmProblem p = random_problem(
      {{static_cast<std::uint32_t>(cfg.token_tile + 1), static_cast<std::uint32_t>(cfg.lanes + 1),
        static_cast<std::uint32_t>(cfg.tree_inputs + 2)},
       7,
       0.3,
       ActProfile::kUniform});
  // Three illegal codes, one at the far corner of W.
  const std::size_t at[3] = {0, p.weights.size() / 2, p.weights.size() - 1};
  for (const std::size_t i : at) p.weights[i] = static_cast<std::uint8_t>(TritCode::kIllegal);
  // ... each against zero and both extremes in some token (functional coverage: illegal x class).
  const std::int8_t extremes[3] = {0, -128, 127};
  for (std::uint32_t t = 0; t < 3 && t < p.shape.m; ++t) {
    for (std::size_t j = 0; j < 3; ++j) {
      const std::size_t k = at[j] % p.shape.k;
      p.activations[std::size_t{t} * p.shape.k + k] = extremes[(t + j) % 3];
    }
  }
  const RunReport r = h.run(p);
  EXPECT_TRUE(r.passed) << r.failure;  // the illegal code acts as zero, as in the golden model
  EXPECT_TRUE(r.status.illegal_trit);
  // Weights are streamed once per token block.
  const std::uint64_t blocks = (p.shape.m + cfg.token_tile - 1) / cfg.token_tile;
  EXPECT_EQ(r.status.illegal_trit_count, p.illegal_codes() * blocks);
  EXPECT_FALSE(r.status.bad_cmd);
  // Sticky until cleared.
  const RunReport clean = h.run(problem({2, 2, 2}, 8, 0.3, ActProfile::kUniform));
  EXPECT_TRUE(clean.passed);
  EXPECT_TRUE(clean.status.illegal_trit);
  h.clear_status();
  EXPECT_FALSE(h.status().illegal_trit);
  EXPECT_EQ(h.status().illegal_trit_count, 0u);
}

TEST(Cosim, MalformedCommandsAreDropped) {
  Harness& h = harness();
  h.clear_status();
  const ArrayConfig& cfg = h.config();
  const GemmShape bad[] = {{0, 1, 1},           {1, 0, 1},
                           {1, 1, 0},           {1, 1, cfg.max_k() + 1},
                           {kMaxDim + 1, 1, 1}, {1, 0xFFFFFFFFu, 1}};
  for (const GemmShape& s : bad) {
    ASSERT_FALSE(shape_accepted(s, cfg)) << s.str();
    EXPECT_EQ(h.run_rejected(s), "") << s.str();
  }
  EXPECT_EQ(h.status().bad_cmd_count, std::size(bad));
  // The next good command runs normally.
  const RunReport r = h.run(problem({3, 5, 9}, 9, 0.4, ActProfile::kUniform));
  EXPECT_TRUE(r.passed) << r.failure;
  h.clear_status();
}

#if TERNAC_LANES == 4 && TERNAC_TREE_INPUTS == 8 && TERNAC_ROWS_PER_BEAT == 4 && \
    TERNAC_DATAPATH == 0 && TERNAC_PIPE_EVERY == 0 && TERNAC_LEVEL_WIDTH_CAP == 0
// W = [+1, -1], X = [3, 5] on the 4 x 8 array: one fire; of the 32 selects one drives +x, one -x,
// 30 are gated; only lane 0's accumulator has a nonzero input (its sum, -2); the streams move
// one tile, one beat, one result.
void expect_tiny_case_counts(const OpCounts& n) {
  EXPECT_EQ(n.fires, 1u);
  EXPECT_EQ(n.sel_pos, 1u);
  EXPECT_EQ(n.sel_neg, 1u);
  EXPECT_EQ(n.sel_zero, 30u);
  EXPECT_EQ(n.muls, 0u);
  EXPECT_EQ(n.acc_adds, 1u);
  EXPECT_EQ(n.psum_read_bits, 0u);
  EXPECT_EQ(n.psum_write_bits, 0u);
  EXPECT_EQ(n.wgt_stream_bits, 64u);
  EXPECT_EQ(n.wgt_bank_write_bits, 64u);
  EXPECT_EQ(n.act_stream_bits, 64u);
  EXPECT_EQ(n.res_stream_bits, 128u);
}

RunReport run_tiny_case() {
  GemmProblem p;
  p.shape = {1, 1, 2};
  p.weights = {encode_trit(1), encode_trit(-1)};
  p.activations = {3, 5};
  RunOptions opt;
  opt.check_counters = false;  // compare with the hand-derived numbers only
  return harness().run(p, opt);
}
#endif

#if TERNAC_LANES == 4 && TERNAC_TREE_INPUTS == 8 && TERNAC_ROWS_PER_BEAT == 4 &&     \
    TERNAC_DATAPATH == 0 && TERNAC_PIPE_EVERY == 0 && TERNAC_LEVEL_WIDTH_CAP == 0 && \
    TERNAC_REDUCTION == 0
// The RTL's counters for W = [+1, -1], X = [3, 5] on the 4 x 8 array, derived by hand. Lane 0's
// operands are 3 and ~5 (-6) with the -1's carry: level 1 adds 3 + -6 (nonzero inputs), level 2
// adds -3 + 0 + the carry, level 3 adds -2 + 0; every other adder sees zeros. So one add per
// level.
TEST(Cosim, EnergyCountersByHand) {
  const RunReport r = run_tiny_case();
  EXPECT_TRUE(r.passed) << r.failure;
  expect_tiny_case_counts(r.counted.ops);
  EXPECT_EQ(r.counted.ops.tree_adds, (std::vector<std::uint64_t>{1, 1, 1}));
  // Per lane the root register: the 11-bit sum, its carry and the overflow flag; and the 8 x
  // 8-bit stage-0 input register.
  EXPECT_EQ(r.counted.ops.reg_pipe_bits, 4u * 13 + 8 * 8);
}
#endif

#if TERNAC_LANES == 4 && TERNAC_TREE_INPUTS == 8 && TERNAC_ROWS_PER_BEAT == 4 &&     \
    TERNAC_DATAPATH == 0 && TERNAC_PIPE_EVERY == 0 && TERNAC_LEVEL_WIDTH_CAP == 0 && \
    TERNAC_REDUCTION == 1
// Split trees: 3 enters the +1 tree and 5 the -1 tree at lane 0, so one adder per level of each
// tree has a nonzero input (the pair at columns 0 and 1, then its parents): two per level. Every
// lane's final subtract (pos + ~neg + 1) has its constant +1, so all four count. The root
// register holds the 12-bit difference, a carry and the overflow flag.
TEST(Cosim, EnergyCountersByHandSplit) {
  const RunReport r = run_tiny_case();
  EXPECT_TRUE(r.passed) << r.failure;
  expect_tiny_case_counts(r.counted.ops);
  EXPECT_EQ(r.counted.ops.tree_adds, (std::vector<std::uint64_t>{2, 2, 2, 4}));
  EXPECT_EQ(r.counted.ops.reg_pipe_bits, 4u * 14 + 8 * 8);
}
#endif

#if TERNAC_LANES == 4 && TERNAC_TREE_INPUTS == 8 && TERNAC_ROWS_PER_BEAT == 4 &&     \
    TERNAC_DATAPATH == 0 && TERNAC_PIPE_EVERY == 0 && TERNAC_LEVEL_WIDTH_CAP == 0 && \
    TERNAC_REDUCTION == 2
// Carry-save over 8 values of 11 bits: 8 -> 6 -> 4 -> 3 -> 2. Level 1 compresses (3, ~5, 0)
// (nonzero) and (0, 0, 0) with the -1's carry injected (nonzero); level 2 compresses
// (0x7f9, 0x004, 0) and (0x001, 0, 0); level 3 (0x7fd, 0, 0x001); level 4 (0x7fc, 0x002, 0);
// the final adder adds 0x7fe + 0 = -2. Only lane 0 has nonzero values. The root register holds
// the 11-bit sum, the carry left for the accumulator and the overflow flag.
TEST(Cosim, EnergyCountersByHandCsa) {
  const RunReport r = run_tiny_case();
  EXPECT_TRUE(r.passed) << r.failure;
  expect_tiny_case_counts(r.counted.ops);
  EXPECT_EQ(r.counted.ops.tree_adds, (std::vector<std::uint64_t>{2, 2, 1, 1, 1}));
  EXPECT_EQ(r.counted.ops.reg_pipe_bits, 4u * 13 + 8 * 8);
}
#endif

#if TERNAC_LANES == 16 && TERNAC_TREE_INPUTS == 64 && TERNAC_DATAPATH == 0
// The 2B4T layer shapes on the default array: every result checked, cycles exactly the model's.
TEST(Cosim, Bitnet2B4TDecodeLayers) {
  for (const LayerShape& l : bitnet_2b4t_layers()) {
    if (l.name != "attn_k" && l.name != "ffn_down") continue;  // one of each K
    const GemmProblem p = problem({1, l.n, l.k}, 21, 0.4, ActProfile::kGaussian);
    const RunReport r = harness().run(p);
    EXPECT_TRUE(r.passed) << l.name << ":\n" << r.failure;
    EXPECT_EQ(r.cycles, predict_cycles(harness().config(), p.shape).cycles) << l.name;
  }
}
#endif

}  // namespace
}  // namespace ternac
