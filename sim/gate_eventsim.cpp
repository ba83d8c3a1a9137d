#include "ternac/sim/gate_eventsim.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace ternac {
namespace {

enum class Kind { kNot, kNand, kNor, kDffe, kDff };

struct Cell {
  Kind kind;
  std::int64_t out;
  std::int64_t in[2];  // net ids; -1 constant 0, -2 constant 1
};

struct Net {
  std::uint64_t fanout = 0;
  std::string unit;
};

class Netlist {
 public:
  Netlist(const std::string& cells_path, const std::string& nets_path) {
    read_nets(nets_path);
    read_cells(cells_path);
    levelize();
  }

  // The net id of bit `bit` of port `name` (-1: the port is not in the netlist, e.g. unused).
  std::int64_t port(const std::string& name, int bit) const {
    const auto it = ports_.find(name + "[" + std::to_string(bit) + "]");
    if (it != ports_.end()) return it->second;
    const auto scalar = ports_.find(name);
    return (bit == 0 && scalar != ports_.end()) ? scalar->second : -1;
  }

  std::vector<Cell> cells;
  std::vector<std::size_t> order;                 // combinational cells, inputs before outputs
  std::vector<std::vector<std::size_t>> readers;  // per net: the combinational cells it feeds
  std::vector<Net> nets;

 private:
  void read_nets(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the net table " + path);
    std::string line, name, unit;
    int bit = 0;
    std::int64_t id = 0;
    std::uint64_t fanout = 0;
    std::map<std::string, int> width;
    std::vector<std::pair<std::string, std::pair<int, std::int64_t>>> rows;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      if (!(f >> name >> bit >> id >> fanout >> unit) || id < 0) {
        throw std::runtime_error(path + ": malformed line: " + line);
      }
      if (static_cast<std::size_t>(id) >= nets.size())
        nets.resize(static_cast<std::size_t>(id) + 1);
      nets[static_cast<std::size_t>(id)] = {fanout, unit};
      width[name] = std::max(width[name], bit + 1);
      rows.push_back({name, {bit, id}});
    }
    for (const auto& [n, b] : rows) {
      ports_[width[n] == 1 ? n : n + "[" + std::to_string(b.first) + "]"] = b.second;
    }
  }

  std::int64_t net_id(const std::string& t, const std::string& path) {
    if (t == "c0") return -1;
    if (t == "c1") return -2;
    std::size_t used = 0;
    const long long v = std::stoll(t, &used);
    if (used != t.size() || v < 0) throw std::runtime_error(path + ": bad net " + t);
    if (static_cast<std::size_t>(v) >= nets.size()) nets.resize(static_cast<std::size_t>(v) + 1);
    return v;
  }

  void read_cells(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the cell list " + path);
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string kind, out, a, b;
      f >> kind >> out >> a;
      Cell c{};
      if (kind == "NOT") {
        c.kind = Kind::kNot;
      } else if (kind == "NAND" || kind == "NOR" || kind == "DFFE_PP") {
        f >> b;
        c.kind = kind == "NAND" ? Kind::kNand : kind == "NOR" ? Kind::kNor : Kind::kDffe;
      } else if (kind == "DFF_P") {
        c.kind = Kind::kDff;
      } else {
        throw std::runtime_error(path + ": unknown cell " + line);
      }
      if (!f) throw std::runtime_error(path + ": malformed cell " + line);
      c.out = net_id(out, path);
      c.in[0] = net_id(a, path);
      c.in[1] = b.empty() ? -1 : net_id(b, path);
      cells.push_back(c);
    }
  }

  void levelize() {
    readers.assign(nets.size(), {});
    std::vector<std::int64_t> driver(nets.size(), -1);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].kind == Kind::kDffe || cells[i].kind == Kind::kDff) continue;
      driver[static_cast<std::size_t>(cells[i].out)] = static_cast<std::int64_t>(i);
      for (const std::int64_t n : cells[i].in) {
        if (n >= 0) readers[static_cast<std::size_t>(n)].push_back(i);
      }
    }
    // Depth-first topological order of the combinational cells.
    std::vector<int> state(cells.size(), 0);
    std::vector<std::pair<std::size_t, int>> stack;
    for (std::size_t root = 0; root < cells.size(); ++root) {
      if (state[root] || cells[root].kind == Kind::kDffe || cells[root].kind == Kind::kDff)
        continue;
      stack.push_back({root, 0});
      while (!stack.empty()) {
        auto& [i, k] = stack.back();
        state[i] = 1;
        if (k < 2) {
          const std::int64_t n = cells[i].in[k++];
          if (n >= 0 && driver[static_cast<std::size_t>(n)] >= 0) {
            const auto d = static_cast<std::size_t>(driver[static_cast<std::size_t>(n)]);
            if (state[d] == 1) throw std::runtime_error("combinational loop in the netlist");
            if (state[d] == 0) stack.push_back({d, 0});
          }
        } else {
          state[i] = 2;
          order.push_back(i);
          stack.pop_back();
        }
      }
    }
  }

  std::unordered_map<std::string, std::int64_t> ports_;
};

class Simulation {
 public:
  Simulation(const Netlist& n, bool unit_delay)
      : n_(n), unit_delay_(unit_delay), value_(n.nets.size(), 0), toggles_(n.nets.size(), 0) {}

  void set(std::int64_t net, bool v) {
    if (net < 0) return;
    const auto i = static_cast<std::size_t>(net);
    if (value_[i] != v) {
      value_[i] = v;
      ++toggles_[i];
      changed_.push_back(i);
    }
  }

  // The clock's rising edge: every flip-flop takes its D (when enabled) from the settled nets.
  void clock() {
    std::vector<std::pair<std::int64_t, bool>> next;
    for (const Cell& c : n_.cells) {
      if (c.kind != Kind::kDffe && c.kind != Kind::kDff) continue;
      if (c.kind == Kind::kDff || get(c.in[1])) next.push_back({c.out, get(c.in[0])});
    }
    for (const auto& [net, v] : next) set(net, v);
  }

  // Lets the nets settle after input or flip-flop changes.
  void settle() {
    if (!unit_delay_) {
      for (const std::size_t i : n_.order) set(n_.cells[i].out, eval(n_.cells[i]));
      changed_.clear();
      return;
    }
    std::vector<std::size_t> cells;
    for (const std::size_t net : changed_) {
      for (const std::size_t c : n_.readers[net]) cells.push_back(c);
    }
    changed_.clear();
    steps(cells);
  }

  // At the start: every combinational net computed from the all-zero state (with unit delay,
  // every cell evaluated at the first step: also the cells whose inputs are constants, which no
  // change ever reaches).
  void start() {
    changed_.clear();
    if (!unit_delay_) {
      settle();
      return;
    }
    steps(n_.order);
  }
  const std::vector<std::uint64_t>& toggles() const { return toggles_; }
  std::uint64_t steps() const { return steps_; }

 private:
  bool get(std::int64_t net) const {
    return net == -2 ? true : net < 0 ? false : value_[static_cast<std::size_t>(net)] != 0;
  }
  bool eval(const Cell& c) const {
    switch (c.kind) {
      case Kind::kNot:
        return !get(c.in[0]);
      case Kind::kNand:
        return !(get(c.in[0]) && get(c.in[1]));
      case Kind::kNor:
        return !(get(c.in[0]) || get(c.in[1]));
      default:
        return get(c.out);
    }
  }

  // Unit delay: the cells in `cells` compute their outputs from the values at step t; the outputs
  // that differ change (all together) at step t + 1, and the cells they feed compute next; until
  // nothing changes.
  void steps(std::vector<std::size_t> cells) {
    std::vector<char> queued(n_.cells.size(), 0);
    std::vector<std::pair<std::int64_t, bool>> next;
    while (!cells.empty()) {
      next.clear();
      for (const std::size_t c : cells) {
        if (queued[c]) continue;
        queued[c] = 1;
        const bool v = eval(n_.cells[c]);
        if (v != get(n_.cells[c].out)) next.push_back({n_.cells[c].out, v});
      }
      for (const std::size_t c : cells) queued[c] = 0;
      for (const auto& [net, v] : next) set(net, v);
      cells.clear();
      for (const std::size_t net : changed_) {
        for (const std::size_t c : n_.readers[net]) cells.push_back(c);
      }
      changed_.clear();
      ++steps_;
    }
  }

  const Netlist& n_;
  bool unit_delay_;
  std::vector<char> value_;
  std::vector<std::uint64_t> toggles_;
  std::vector<std::size_t> changed_;
  std::uint64_t steps_ = 0;
};

}  // namespace

EventSimResult simulate_lane_netlist(const std::string& cells_path, const std::string& nets_path,
                                     const LaneStimulus& s, bool unit_delay) {
  const Netlist n(cells_path, nets_path);
  Simulation sim(n, unit_delay);
  const auto bits = [&](const std::string& port, std::uint64_t value, int width) {
    for (int b = 0; b < width; ++b) sim.set(n.port(port, b), (value >> b) & 1);
  };
  const auto vector = [&](const std::string& port, const std::uint8_t* fields, int count,
                          int width) {
    for (int i = 0; i < count; ++i) {
      for (int b = 0; b < width; ++b) sim.set(n.port(port, i * width + b), (fields[i] >> b) & 1);
    }
  };
  // One cycle, as ternac_gate drives the Verilated models: inputs, then the clock's low phase
  // (nets settle), then its rising edge (flip-flops load, nets settle).
  const auto tick = [&] {
    sim.settle();
    sim.clock();
    sim.settle();
  };
  sim.start();
  bits("rst_ni", 0, 1);
  tick();
  tick();
  bits("rst_ni", 1, 1);
  const int t = s.tree_inputs;
  std::vector<int> pending(static_cast<std::size_t>(s.pipe_stages) + 1, -1);
  for (std::size_t b = 0; b < s.beats() + pending.size(); ++b) {
    const bool fire = b < s.beats();
    if (fire) {
      vector("act_i", reinterpret_cast<const std::uint8_t*>(&s.acts[b * t]), t, 8);
      vector("weight_i", &s.weights[b * t], t, s.weight_bits);
    }
    const int at1 = pending.front();
    bits("en_i", 1, 1);
    bits("s0_valid_i", fire, 1);
    bits("s1_valid_i", at1 >= 0, 1);
    bits("s1_token_i", 0, 1);
    bits("s1_first_i", at1 >= 0 && s.first_k[static_cast<std::size_t>(at1)], 1);
    bits("s1_last_i", at1 >= 0 && s.last_k[static_cast<std::size_t>(at1)], 1);
    tick();
    pending.erase(pending.begin());
    pending.push_back(fire ? static_cast<int>(b) : -1);
  }
  bits("en_i", 0, 1);
  bits("s0_valid_i", 0, 1);
  bits("s1_valid_i", 0, 1);
  tick();

  EventSimResult r;
  r.beats = s.beats();
  r.time_steps = sim.steps();
  const std::int64_t clock = n.port("clk_i", 0);
  for (std::size_t net = 0; net < n.nets.size(); ++net) {
    if (static_cast<std::int64_t>(net) == clock || n.nets[net].unit.empty()) continue;
    const std::uint64_t t8 = sim.toggles()[net];
    r.toggles[n.nets[net].unit] += t8;
    r.units[n.nets[net].unit] += t8 * (n.nets[net].fanout + 1);
    r.units_total += t8 * (n.nets[net].fanout + 1);
  }
  return r;
}

}  // namespace ternac
