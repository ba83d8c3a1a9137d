#include "ternac/sim/gate_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "ternac/model/workload/lane_stimulus.h"
#include "ternac/sim/build_cache.h"
#include "ternac/sim/gate_eventsim.h"

namespace fs = std::filesystem;

namespace ternac {

namespace {

CachedBuild gate_build(const ArrayConfig& c) {
  const std::string root = TERNAC_SOURCE_DIR;
  CachedBuild b;
  b.name = fmt::format("gate-lane{}-acc{}-d{}-r{}-p{}-c{}", c.tree_inputs, c.acc_width,
                       static_cast<int>(c.datapath), static_cast<int>(c.reduction), c.pipe_every,
                       c.level_width_cap);
  b.source_dir = root + "/sim/gate";
  b.cmake_args = {"-DTERNAC_ROOT=" + root,
                  fmt::format("-DGATE_TREE_INPUTS={}", c.tree_inputs),
                  fmt::format("-DGATE_ACC_WIDTH={}", c.acc_width),
                  fmt::format("-DGATE_DATAPATH={}", static_cast<int>(c.datapath)),
                  fmt::format("-DGATE_REDUCTION={}", static_cast<int>(c.reduction)),
                  fmt::format("-DGATE_PIPE_EVERY={}", c.pipe_every),
                  fmt::format("-DGATE_LEVEL_WIDTH_CAP={}", c.level_width_cap)};
  b.key_paths = {root + "/rtl",
                 root + "/testbench/dv",
                 root + "/sim/gate",
                 root + "/cmake",
                 root + "/scripts/file_list.sh",
                 root + "/testbench/env/monitor_counters.h",
                 root + "/testbench/env/port_bits.h",
                 root + "/model/core/op_counts.h",
                 root + "/model/core/streams.h",
                 root + "/model/core/config.h",
                 root + "/model/core/gemm.h",
                 root + "/model/core/trit.h"};
  b.target = "ternac_gate";
  b.product = "ternac_gate";
  return b;
}

// A temporary directory removed with the object.
struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / fmt::format("ternac-gate-{}-{}", getpid(), n++);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lanes' beats, one lane after the other.
LaneStimulus stimulus_of(const ArrayConfig& c, const GemmProblem& p, int lanes,
                         std::uint64_t max_beats) {
  LaneStimulus all;
  for (int lane = 0; lane < lanes; ++lane) {
    const LaneStimulus s = lane_stimulus(c, p, lane, max_beats);
    if (lane == 0) {
      all = s;
      continue;
    }
    all.acts.insert(all.acts.end(), s.acts.begin(), s.acts.end());
    all.weights.insert(all.weights.end(), s.weights.begin(), s.weights.end());
    all.first_k.insert(all.first_k.end(), s.first_k.begin(), s.first_k.end());
    all.last_k.insert(all.last_k.end(), s.last_k.begin(), s.last_k.end());
    all.macs += s.macs;
  }
  return all;
}

GateLevelResult run_gate(const ArrayConfig& c, const LaneStimulus& stim, std::uint64_t calibration,
                         std::uint64_t seed) {
  const std::string exe = build_cached(gate_build(c));
  const TempDir dir;
  const std::string stimulus = (dir.path / "stimulus.bin").string();
  const std::string out = (dir.path / "result.json").string();
  write_lane_stimulus(stim, stimulus);
  const fs::path netlists = fs::path(exe).parent_path() / "netlists";
  std::string log;
  const int status = run_process(
      {exe, "--stimulus", stimulus, "--lane-nets", (netlists / "gate_lane.nets").string(),
       "--adder-nets", (netlists / "gate_adder8.nets").string(), "--out", out, "--calibration",
       std::to_string(calibration), "--seed", std::to_string(seed)},
      &log);
  if (status != 0) {
    throw std::runtime_error(
        fmt::format("the gate-level simulation failed (exit {}):\n{}", status, log));
  }
  return GateLevelResult::from_json(read_all(out), stim.macs, c.tree_inputs, c.int8());
}

}  // namespace

GateLevelResult run_gate_level(const ArrayConfig& c, const GemmProblem& p,
                               const GateRunOptions& o) {
  return run_gate(c, stimulus_of(c, p, o.lanes, o.max_beats), o.calibration, o.seed);
}

GlitchBound run_glitch_bound(const ArrayConfig& c, const GemmProblem& p, std::uint64_t beats) {
  const LaneStimulus stim = stimulus_of(c, p, 1, beats);
  const std::string exe = build_cached(gate_build(c));
  const fs::path netlists = fs::path(exe).parent_path() / "netlists";
  const std::string cells = (netlists / "gate_lane.cells").string();
  const std::string nets = (netlists / "gate_lane.nets").string();
  const EventSimResult zero = simulate_lane_netlist(cells, nets, stim, false);
  const EventSimResult unit = simulate_lane_netlist(cells, nets, stim, true);
  GlitchBound g;
  g.beats = stim.beats();
  g.zero_delay = zero.units;
  g.zero_delay_total = zero.units_total;
  g.unit_delay = unit.units;
  g.unit_delay_total = unit.units_total;
  return g;
}

}  // namespace ternac
