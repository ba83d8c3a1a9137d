// ternac_gate: the simulator of the gate-level energy estimate (docs/energy.md).
//
// One lane of the array twice, driven cycle for cycle with the same beats: as RTL (ternac_lane,
// its bound energy monitor counting toggles) and as the Yosys gate netlist of the same lane
// (netlist.sh), every net's toggles counted by Verilator's toggle coverage. The RTL's toggles at
// the select outputs and at every adder entry's outputs must equal the netlist's toggles of the
// same signals (they are the same bits: a difference is a bug, exit 1). Then the 8-bit adder
// netlist on uniformly random operands, which calibrates the estimate. Writes the raw figures
// as JSON; ternac turns them into energy per node (model/gate_energy.cpp).
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
#include "monitor_counters.h"
#include "op_counts.h"
#include "port_bits.h"

namespace {

using ternac::Beat;

struct Stimulus {
  std::uint32_t tree_inputs = 0;
  std::uint32_t weight_bits = 0;  // bits of one weight on the lane's port: 2 (codes) or 8
  std::uint32_t pipe_stages = 0;  // register stages inside the tree (stage-1 controls wait)
  std::uint64_t beats = 0;
  std::vector<std::int8_t> acts;      // beats x tree_inputs
  std::vector<std::uint8_t> weights;  // beats x tree_inputs: codes or int8 bytes
  std::vector<std::uint8_t> flags;    // per beat: bit 0 first K tile, bit 1 last K tile
};

// The stimulus file (model/lane_stimulus.cpp writes it): "TNGS", version 1, then u32 tree
// inputs, u32 weight bits, u32 tree register stages, u64 beats, then per beat the activations,
// the weights (a byte each) and a flags byte. Little-endian.
Stimulus read_stimulus(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the stimulus " + path);
  char magic[4];
  std::uint32_t version = 0;
  Stimulus s;
  in.read(magic, 4);
  in.read(reinterpret_cast<char*>(&version), 4);
  in.read(reinterpret_cast<char*>(&s.tree_inputs), 4);
  in.read(reinterpret_cast<char*>(&s.weight_bits), 4);
  in.read(reinterpret_cast<char*>(&s.pipe_stages), 4);
  in.read(reinterpret_cast<char*>(&s.beats), 8);
  if (!in || std::memcmp(magic, "TNGS", 4) != 0 || version != 1) {
    throw std::runtime_error(path + ": not a ternac lane stimulus (version 1)");
  }
  if (s.tree_inputs == 0 || s.tree_inputs > 4096 || (s.weight_bits != 2 && s.weight_bits != 8) ||
      s.beats > (std::uint64_t{1} << 32)) {
    throw std::runtime_error(path + ": stimulus header out of range");
  }
  const std::size_t t = s.tree_inputs;
  s.acts.resize(s.beats * t);
  s.weights.resize(s.beats * t);
  s.flags.resize(s.beats);
  for (std::uint64_t b = 0; b < s.beats; ++b) {
    in.read(reinterpret_cast<char*>(&s.acts[b * t]), static_cast<std::streamsize>(t));
    in.read(reinterpret_cast<char*>(&s.weights[b * t]), static_cast<std::streamsize>(t));
    in.read(reinterpret_cast<char*>(&s.flags[b]), 1);
  }
  if (!in) throw std::runtime_error(path + ": stimulus cut short");
  return s;
}

// Packs `n` fields of `bits` bits each into a beat (field 0 in the low bits).
Beat pack(const std::uint8_t* fields, std::size_t n, unsigned bits) {
  Beat beat((n * bits + 31) / 32, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t v = fields[i] & ((1u << bits) - 1u);
    const std::size_t bit = i * bits;
    beat[bit / 32] |= v << (bit % 32);
    if (bit % 32 + bits > 32) beat[bit / 32 + 1] |= v >> (32 - bit % 32);
  }
  return beat;
}

// Drives a lane (RTL or netlist: the same ports) through the stimulus, one beat per cycle, with
// the stage-1 controls of each beat a tree's register stages plus one cycle later.
template <typename Lane>
void drive(Lane& lane, const Stimulus& s) {
  const std::size_t t = s.tree_inputs;
  auto tick = [&] {
    lane.clk_i = 0;
    lane.eval();
    lane.clk_i = 1;
    lane.eval();
  };
  lane.rst_ni = 0;
  lane.en_i = 0;
  lane.s0_valid_i = 0;
  lane.s1_valid_i = 0;
  tick();
  tick();
  lane.rst_ni = 1;
  std::vector<int> pending(s.pipe_stages + 1, -1);  // beats in the tree, oldest first
  for (std::uint64_t b = 0; b < s.beats + pending.size(); ++b) {
    const bool fire = b < s.beats;
    if (fire) {
      ternac::assign_port(lane.act_i,
                          pack(reinterpret_cast<const std::uint8_t*>(&s.acts[b * t]), t, 8));
      ternac::assign_port(lane.weight_i, pack(&s.weights[b * t], t, s.weight_bits));
    }
    const int at_stage1 = pending.front();
    lane.en_i = 1;
    lane.s0_valid_i = fire;
    lane.s1_valid_i = at_stage1 >= 0;
    lane.s1_token_i = 0;
    lane.s1_first_i = at_stage1 >= 0 && (s.flags[static_cast<std::size_t>(at_stage1)] & 1);
    lane.s1_last_i = at_stage1 >= 0 && (s.flags[static_cast<std::size_t>(at_stage1)] & 2);
    tick();
    pending.erase(pending.begin());
    pending.push_back(fire ? static_cast<int>(b) : -1);
  }
  lane.en_i = 0;
  lane.s0_valid_i = 0;
  lane.s1_valid_i = 0;
  tick();
}

// One net bit of a netlist (nets.py): its net id, fan-out and driving unit.
struct NetBit {
  std::int64_t id;
  std::uint64_t fanout;
  std::string unit;
};

struct NetTable {
  std::unordered_map<std::string, NetBit> bits;  // "<name>[<bit>]", or "<name>" for one bit
};

NetTable read_nets(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the net table " + path);
  struct Row {
    std::string name;
    int bit;
    NetBit net;
  };
  std::vector<Row> rows;
  std::map<std::string, int> width;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    Row r;
    if (!(f >> r.name >> r.bit >> r.net.id >> r.net.fanout >> r.net.unit)) {
      throw std::runtime_error(path + ": malformed line: " + line);
    }
    width[r.name] = std::max(width[r.name], r.bit + 1);
    rows.push_back(std::move(r));
  }
  NetTable t;
  for (const Row& r : rows) {
    const bool scalar = width[r.name] == 1;
    t.bits[scalar ? r.name : r.name + "[" + std::to_string(r.bit) + "]"] = r.net;
  }
  return t;
}

// Verilator's coverage names encode characters outside identifiers as __0XX (hex).
std::string decode_name(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "__0") == 0 && i + 4 < s.size() + 1 && i + 5 <= s.size() &&
        std::isxdigit(static_cast<unsigned char>(s[i + 3])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 4]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 3, 2), nullptr, 16));
      i += 4;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Toggle counts per signal bit of a coverage file ("<name>[<bit>]" or "<name>").
std::unordered_map<std::string, std::uint64_t> read_toggles(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the coverage file " + path);
  std::unordered_map<std::string, std::uint64_t> toggles;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("C '", 0) != 0) continue;
    const std::size_t end = line.rfind("' ");
    if (end == std::string::npos) continue;
    const std::string body = line.substr(3, end - 3);
    const std::uint64_t count = std::stoull(line.substr(end + 2));
    std::string page, name;
    std::size_t pos = 0;
    while (pos < body.size()) {
      const std::size_t next = body.find('\x01', pos + 1);
      const std::string item =
          body.substr(pos + 1, next == std::string::npos ? next : next - pos - 1);
      const std::size_t sep = item.find('\x02');
      if (sep != std::string::npos) {
        const std::string key = item.substr(0, sep), value = item.substr(sep + 1);
        if (key == "page") page = value;
        if (key == "o") name = value;
      }
      if (next == std::string::npos) break;
      pos = next;
    }
    if (page.rfind("v_toggle", 0) == 0) toggles[decode_name(name)] += count;
  }
  return toggles;
}

// Toggles per net: a net appears under several names (a port and the wire it drives); Verilator
// covers some of them, and all of a net's covered names count the same changes.
struct NetToggles {
  std::unordered_map<std::int64_t, std::uint64_t> by_net;
  std::uint64_t signals_without_net = 0;  // coverage points the table does not know
};

NetToggles net_toggles(const NetTable& nets,
                       const std::unordered_map<std::string, std::uint64_t>& toggles) {
  NetToggles t;
  for (const auto& [name, count] : toggles) {
    const auto it = nets.bits.find(name);
    if (it == nets.bits.end()) {
      ++t.signals_without_net;
    } else {
      t.by_net[it->second.id] = count;
    }
  }
  return t;
}

struct NetlistActivity {
  std::map<std::string, std::uint64_t> toggles;  // per driving unit, every net once
  std::map<std::string, std::uint64_t> units;    // toggles x (fan-out + 1)
  std::uint64_t total_units = 0;
  std::uint64_t nets = 0, nets_without_coverage = 0;  // no covered name: counted as no toggle
};

// Toggles x (fan-out + 1) of every net, each net once; the clock is left out (the clock tree is
// not counted).
NetlistActivity activity(const NetTable& nets, const NetToggles& t) {
  NetlistActivity a;
  std::unordered_map<std::int64_t, bool> seen;
  std::int64_t clock = -1;
  if (const auto c = nets.bits.find("clk_i"); c != nets.bits.end()) clock = c->second.id;
  for (const auto& [name, bit] : nets.bits) {
    if (seen[bit.id] || bit.id == clock) continue;
    seen[bit.id] = true;
    ++a.nets;
    const auto it = t.by_net.find(bit.id);
    if (it == t.by_net.end()) {
      ++a.nets_without_coverage;
      continue;
    }
    a.toggles[bit.unit] += it->second;
    a.units[bit.unit] += it->second * (bit.fanout + 1);
    a.total_units += it->second * (bit.fanout + 1);
  }
  return a;
}

// The netlist's toggles of the signals the RTL monitor counts: the select (multiplier) outputs,
// and each adder entry's adder outputs (entry = tree level - 1; the split trees' final subtract
// is the last entry), each named bit once, its toggles those of its net.
struct ProbedToggles {
  std::uint64_t sel = 0;
  std::vector<std::uint64_t> entries;
};

ProbedToggles probed(const NetTable& nets, const NetToggles& t, int levels) {
  const std::regex sel(R"(u_(select\.(operand_o|carry_o|pos_o|neg_o)|mul\.product_o)(\[\d+\])?$)");
  const std::regex add(
      R"(\.g_level\[(\d+)\]\.g_nodes\.g_node\[\d+\]\.g_add\.u_adder\.sum_o(\[\d+\])?$)");
  const std::regex subtract(R"(u_subtract\.sum_o(\[\d+\])?$)");
  ProbedToggles p;
  p.entries.assign(static_cast<std::size_t>(levels + 1), 0);
  std::smatch m;
  for (const auto& [name, bit] : nets.bits) {
    const auto it = t.by_net.find(bit.id);
    const std::uint64_t count = it == t.by_net.end() ? 0 : it->second;
    if (std::regex_search(name, m, sel)) {
      p.sel += count;
    } else if (std::regex_search(name, m, add)) {
      p.entries.at(std::stoul(m[1]) - 1) += count;
    } else if (std::regex_search(name, m, subtract)) {
      p.entries.at(static_cast<std::size_t>(levels)) += count;
    }
  }
  return p;
}

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
      const std::string cov = args.out + ".lane.cov";
      ctx.coveragep()->write(cov.c_str());
      lane_toggles = read_toggles(cov);
      std::remove(cov.c_str());
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
      const std::string cov = args.out + ".adder.cov";
      ctx.coveragep()->write(cov.c_str());
      add_toggles = read_toggles(cov);
      std::remove(cov.c_str());
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
