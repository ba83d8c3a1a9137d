// ternac_gate: the simulator of the gate-level energy estimate (docs/energy.md).
//
// One lane of the array twice, driven cycle for cycle with the same beats: as RTL (ternac_lane,
// its bound energy monitor counting toggles) and as the Yosys gate netlist of the same lane
// (netlist.sh), every net's toggles counted by Verilator's toggle coverage. The RTL's toggles at
// the select outputs and at every adder entry's outputs must equal the netlist's toggles of the
// same signals (they are the same bits: a difference is a bug, exit 1). Then the 8-bit adder
// netlist on uniformly random operands, which calibrates the estimate. Writes the raw figures
// as JSON; ternac turns them into energy per node (model/energy/gate_energy.cpp).
//
//   ternac_gate --stimulus FILE --lane-nets FILE --adder-nets FILE --out FILE.json
//               [--calibration SAMPLES] [--seed S]
//
// Zero-delay simulation: a net changes at most once per clock edge, so glitches are not counted
// (docs/energy.md bounds their effect).
#include <verilated.h>
#include <verilated_cov.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "Vgate_adder8.h"
#include "Vgate_lane.h"
#include "Vrtl_lane.h"
#include "ternac/model/core/op_counts.h"
#include "ternac/sim/gate/gate_common.h"
#include "ternac/testbench/env/monitor_counters.h"

namespace {

using namespace gate;

struct Args {
  std::string stimulus, lane_nets, adder_nets, out;
  std::uint64_t calibration = 100000, seed = 1;
};

std::uint64_t parse_u64(const std::string& s, const char* what) {
  std::size_t used = 0;
  if (s.empty() || s[0] < '0' || s[0] > '9') throw std::invalid_argument(std::string(what));
  const std::uint64_t v = std::stoull(s, &used, 10);
  if (used != s.size()) throw std::invalid_argument(std::string(what));
  return v;
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument("option " + k + " needs a value");
    const std::string v = argv[++i];
    if (k == "--stimulus")
      a.stimulus = v;
    else if (k == "--lane-nets")
      a.lane_nets = v;
    else if (k == "--adder-nets")
      a.adder_nets = v;
    else if (k == "--out")
      a.out = v;
    else if (k == "--calibration")
      a.calibration = parse_u64(v, "--calibration wants a count");
    else if (k == "--seed")
      a.seed = parse_u64(v, "--seed wants a decimal number");
    else
      throw std::invalid_argument("unknown option " + k);
  }
  if (a.stimulus.empty() || a.lane_nets.empty() || a.adder_nets.empty() || a.out.empty() ||
      a.calibration == 0) {
    throw std::invalid_argument(
        "usage: ternac_gate --stimulus F --lane-nets F --adder-nets F --out F.json "
        "[--calibration N] [--seed S]");
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  try {
    args = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "ternac_gate: " << e.what() << "\n";
    return 2;
  }
  try {
    const Stimulus s = read_stimulus(args.stimulus);
    const NetTable lane_nets = read_nets(args.lane_nets);
    const NetTable adder_nets = read_nets(args.adder_nets);

    // Each model in its own context, destroyed while that context is the thread's current one
    // (a Verilated model unregisters its scopes from the thread's context).
    // The RTL lane and its monitor's toggles.
    std::vector<std::uint64_t> counters;
    {
      VerilatedContext ctx;
      Vrtl_lane rtl(&ctx, "rtl");
      rtl.eval();
      const ternac::MonitorCounters monitor(ctx, "rtl");
      if (!monitor.counts_toggles()) throw std::runtime_error("the RTL lane counts no toggles");
      drive(rtl, s);
      counters = monitor.by_id();
      rtl.final();
      Verilated::threadContextp(&ctx);
    }

    // The netlist lane, the same beats.
    std::unordered_map<std::string, std::uint64_t> lane_toggles;
    {
      VerilatedContext ctx;
      Vgate_lane gate(&ctx, "gate");
      drive(gate, s);
      gate.final();
      lane_toggles = context_toggles(ctx, args.out + ".lane.cov");
      Verilated::threadContextp(&ctx);
    }

    // The RTL's and the netlist's toggles of the same signals.
    int levels = 0;
    while ((1u << levels) < s.tree_inputs) ++levels;
    const NetToggles lane_nets_toggles = net_toggles(lane_nets, lane_toggles);
    const ProbedToggles g = probed(lane_nets, lane_nets_toggles, levels);
    const auto id = [&](std::size_t i) { return i < counters.size() ? counters[i] : 0; };
    const std::uint64_t rtl_sel = id(ternac::kCntTogSelPos) + id(ternac::kCntTogSelNeg) +
                                  id(ternac::kCntTogSelZero) + id(ternac::kCntTogMul);
    std::vector<std::uint64_t> rtl_entries;
    for (std::size_t e = 0; e < g.entries.size(); ++e) {
      rtl_entries.push_back(id(ternac::kNumFixedCounters + 2 * e + 1));
    }
    // The netlist has no entry for a level the lane does not have (the split trees' final
    // subtract is entry `levels`; otherwise that entry is empty on both sides).
    const bool match = rtl_sel == g.sel && rtl_entries == g.entries;

    // Calibration: the 8-bit adder netlist on uniformly random operands and carries. Each sample
    // is one transition from the operands before (the first from the netlist's initial zeros, as
    // likely as any other under uniformly random operands).
    std::unordered_map<std::string, std::uint64_t> add_toggles;
    std::uint64_t out_toggles = 0;
    {
      VerilatedContext ctx;
      Vgate_adder8 adder(&ctx, "adder");
      std::mt19937_64 rng(args.seed);
      std::uint32_t last = 0;
      for (std::uint64_t i = 0; i < args.calibration; ++i) {
        adder.a_i = static_cast<std::uint8_t>(rng());
        adder.b_i = static_cast<std::uint8_t>(rng());
        adder.carry_i = rng() & 1;
        adder.eval();
        out_toggles += static_cast<std::uint64_t>(__builtin_popcount(adder.sum_o ^ last));
        last = adder.sum_o;
      }
      adder.final();
      add_toggles = context_toggles(ctx, args.out + ".adder.cov");
      Verilated::threadContextp(&ctx);
    }
    const NetlistActivity lane = activity(lane_nets, lane_nets_toggles);
    const NetlistActivity add = activity(adder_nets, net_toggles(adder_nets, add_toggles));

    nlohmann::json j;
    j["schema_version"] = 1;
    j["beats"] = s.beats;
    j["zero_delay"] = true;
    j["lane"] = {{"toggles_by_unit", lane.toggles},
                 {"units_by_unit", lane.units},
                 {"units_total", lane.total_units},
                 {"nets", lane.nets},
                 {"nets_without_coverage", lane.nets_without_coverage},
                 {"signals_without_net", lane_nets_toggles.signals_without_net}};
    j["rtl_vs_gate"] = {{"match", match},
                        {"rtl_select_toggles", rtl_sel},
                        {"gate_select_toggles", g.sel},
                        {"rtl_entry_toggles", rtl_entries},
                        {"gate_entry_toggles", g.entries}};
    j["rtl_counters"] = counters;
    j["adder8"] = {{"samples", args.calibration},
                   {"seed", args.seed},
                   {"units_total", add.total_units},
                   {"nets", add.nets},
                   {"nets_without_coverage", add.nets_without_coverage},
                   {"units_per_add",
                    static_cast<double>(add.total_units) / static_cast<double>(args.calibration)},
                   {"output_toggles_per_add",
                    static_cast<double>(out_toggles) / static_cast<double>(args.calibration)}};
    const std::string tmp = args.out + ".tmp";
    {
      std::ofstream f(tmp);
      f << j.dump(2) << "\n";
      f.close();
      if (!f) throw std::runtime_error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), args.out.c_str()) != 0) {
      throw std::runtime_error("cannot write " + args.out);
    }
    if (!match) {
      std::cerr << "ternac_gate: the RTL's toggles differ from the netlist's at the same signals: "
                << "selects RTL " << rtl_sel << " netlist " << g.sel << "\n";
      for (std::size_t e = 0; e < g.entries.size(); ++e) {
        std::cerr << "  adder entry " << e << ": RTL " << rtl_entries[e] << " netlist "
                  << g.entries[e] << "\n";
      }
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "ternac_gate: " << e.what() << "\n";
    return 2;
  }
}
