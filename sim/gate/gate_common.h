// Shared by the gate-level simulators (gate_sim.cpp, glitch_sim.cpp): the stimulus file, the
// net tables of nets.py, Verilator's toggle coverage, and the toggles x fan-out sums.
#pragma once

#include <verilated.h>
#include <verilated_cov.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "ternac/testbench/env/port_bits.h"

namespace gate {

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

// The stimulus file (model/workload/lane_stimulus.cpp writes it): "TNGS", version 1, then u32 tree
// inputs, u32 weight bits, u32 tree register stages, u64 beats, then per beat the activations,
// the weights (a byte each) and a flags byte. Little-endian.
inline Stimulus read_stimulus(const std::string& path) {
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
inline Beat pack(const std::uint8_t* fields, std::size_t n, unsigned bits) {
  Beat beat((n * bits + 31) / 32, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t v = fields[i] & ((1u << bits) - 1u);
    const std::size_t bit = i * bits;
    beat[bit / 32] |= v << (bit % 32);
    if (bit % 32 + bits > 32) beat[bit / 32 + 1] |= v >> (32 - bit % 32);
  }
  return beat;
}

inline std::unordered_map<std::string, std::uint64_t> read_toggles(const std::string& path);

// Drives a lane (RTL or netlist: the same ports) through the stimulus, one beat per cycle, with
// the stage-1 controls of each beat a tree's register stages plus one cycle later: the first
// `beats` beats (all when 0). `settle` runs after every evaluation (a unit-delay netlist's
// events; nothing for zero-delay models).
template <typename Lane, typename Settle>
void drive(Lane& lane, const Stimulus& s, std::uint64_t beats, Settle settle) {
  const std::size_t t = s.tree_inputs;
  const std::uint64_t n = beats == 0 ? s.beats : std::min<std::uint64_t>(beats, s.beats);
  auto tick = [&] {
    lane.clk_i = 0;
    lane.eval();
    settle();
    lane.clk_i = 1;
    lane.eval();
    settle();
  };
  lane.rst_ni = 0;
  lane.en_i = 0;
  lane.s0_valid_i = 0;
  lane.s1_valid_i = 0;
  tick();
  tick();
  lane.rst_ni = 1;
  std::vector<int> pending(s.pipe_stages + 1, -1);  // beats in the tree, oldest first
  for (std::uint64_t b = 0; b < n + pending.size(); ++b) {
    const bool fire = b < n;
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

template <typename Lane>
void drive(Lane& lane, const Stimulus& s) {
  drive(lane, s, 0, [] {});
}

// The toggles of every signal of a model's context (coverage written to `path`, then read).
inline std::unordered_map<std::string, std::uint64_t> context_toggles(VerilatedContext& ctx,
                                                                      const std::string& path) {
  ctx.coveragep()->write(path.c_str());
  auto t = read_toggles(path);
  std::remove(path.c_str());
  return t;
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

inline NetTable read_nets(const std::string& path) {
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
inline std::string decode_name(const std::string& s) {
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
inline std::unordered_map<std::string, std::uint64_t> read_toggles(const std::string& path) {
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

inline NetToggles net_toggles(const NetTable& nets,
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
inline NetlistActivity activity(const NetTable& nets, const NetToggles& t) {
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

inline ProbedToggles probed(const NetTable& nets, const NetToggles& t, int levels) {
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

}  // namespace gate
