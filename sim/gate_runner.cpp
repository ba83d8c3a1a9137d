#include "gate_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "build_cache.h"
#include "lane_stimulus.h"

namespace fs = std::filesystem;

namespace ternac {

GateLevelResult run_gate_level(const ArrayConfig& c, const GemmProblem& p,
                               const GateRunOptions& o) {
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
                 root + "/sim/monitor_counters.h",
                 root + "/sim/port_bits.h",
                 root + "/model/op_counts.h",
                 root + "/model/streams.h",
                 root + "/model/config.h",
                 root + "/model/gemm.h",
                 root + "/model/trit.h"};
  b.target = "ternac_gate";
  b.product = "ternac_gate";
  const std::string exe = build_cached(b);

  // The lanes' beats, one lane after the other.
  LaneStimulus all;
  for (int lane = 0; lane < o.lanes; ++lane) {
    const LaneStimulus s = lane_stimulus(c, p, lane, o.max_beats);
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
  const fs::path dir = fs::temp_directory_path() / fmt::format("ternac-gate-{}", getpid());
  fs::create_directories(dir);
  struct Cleanup {
    fs::path d;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup{dir};
  const std::string stimulus = (dir / "stimulus.bin").string();
  const std::string out = (dir / "result.json").string();
  write_lane_stimulus(all, stimulus);
  const fs::path netlists = fs::path(exe).parent_path() / "netlists";
  std::string log;
  const int status = run_process(
      {exe, "--stimulus", stimulus, "--lane-nets", (netlists / "gate_lane.nets").string(),
       "--adder-nets", (netlists / "gate_adder8.nets").string(), "--out", out, "--calibration",
       std::to_string(o.calibration), "--seed", std::to_string(o.seed)},
      &log);
  if (status != 0) {
    throw std::runtime_error(
        fmt::format("the gate-level simulation failed (exit {}):\n{}", status, log));
  }
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  return GateLevelResult::from_json(text.str(), all.macs, c.tree_inputs, c.int8());
}

}  // namespace ternac
