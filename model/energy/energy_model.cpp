#include "ternac/model/energy/energy_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ternac {
namespace {

EnergyLine charge(const EnergyTable& t, const std::string& group, const std::string& item,
                  std::uint64_t count, const std::string& operation, int width) {
  const EnergyRow r = t.row(operation, width);
  return {group, item, count, operation, width, r.pj, r.kind, r.source, r.family, r.scaled};
}

EnergyBreakdown start(const std::string& design, const EnergyTable& t, std::uint64_t macs) {
  EnergyBreakdown b;
  b.design = design;
  b.node_nm = t.node_nm();
  b.scaled = t.scaled();
  b.macs = macs;
  return b;
}

}  // namespace

double EnergyBreakdown::group_pj(const std::string& group) const {
  double s = 0.0;
  for (const auto& l : lines) {
    if (l.group == group) s += l.pj();
  }
  return s;
}

double EnergyBreakdown::arithmetic_pj() const {
  return group_pj("select") + group_pj("multiply") + group_pj("tree") + group_pj("accumulate");
}

double EnergyBreakdown::total_pj() const {
  double s = 0.0;
  for (const auto& l : lines) s += l.pj();
  return s;
}

double EnergyBreakdown::onchip_pj() const { return group_pj("registers") + group_pj("onchip"); }

double EnergyBreakdown::offchip_pj() const { return group_pj("offchip"); }

namespace {

bool in_groups(const EnergyLine& l, const std::vector<std::string>& groups) {
  return groups.empty() || std::find(groups.begin(), groups.end(), l.group) != groups.end();
}

}  // namespace

std::string EnergyBreakdown::family(const std::vector<std::string>& groups) const {
  std::vector<EnergyRow> rows;
  for (const auto& l : lines) {
    if (!in_groups(l, groups) || l.count == 0) continue;
    EnergyRow r;
    r.operation = l.operation;
    r.width = l.width;
    r.family = l.family;
    rows.push_back(r);
  }
  return rows.empty() ? "" : combined_family(rows);
}

std::vector<std::string> EnergyBreakdown::mixed_rows(const std::vector<std::string>& groups) const {
  std::vector<std::string> out;
  const std::string f = family(groups);
  if (f.rfind("mixed(", 0) != 0) return out;
  for (const auto& l : lines) {
    if (!in_groups(l, groups) || l.count == 0) continue;
    const std::string row = fmt::format("{} {}: {}", l.operation, l.width, l.family);
    if (std::find(out.begin(), out.end(), row) == out.end()) out.push_back(row);
  }
  return out;
}

std::string rows_by_family(const std::vector<std::string>& mixed_rows) {
  std::vector<std::pair<std::string, std::string>> groups;  // family, rows; in order of first use
  for (const std::string& r : mixed_rows) {
    const std::size_t colon = r.rfind(": ");
    const std::string family = colon == std::string::npos ? "" : r.substr(colon + 2);
    const std::string row = r.substr(0, colon);
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& g) { return g.first == family; });
    if (it == groups.end()) {
      groups.emplace_back(family, row);
    } else {
      it->second += ", " + row;
    }
  }
  std::string s;
  for (const auto& [family, rows] : groups) s += (s.empty() ? "" : "; ") + family + ": " + rows;
  return s;
}

EnergyBreakdown array_energy(const ArrayConfig& c, const OpCounts& n, std::uint64_t macs,
                             const EnergyTable& t) {
  EnergyBreakdown b = start(c.int8() ? "INT8 RTL" : "ternary RTL", t, macs);
  if (c.int8()) {
    b.lines.push_back(charge(t, "multiply", "int8_muls", n.muls, "int_mul", 8));
  } else {
    // The split trees' selects are two AND rows (no inversion): their own proxy row.
    const char* sel = c.reduction == Reduction::kSplit ? "select_split" : "select";
    b.lines.push_back(charge(t, "select", "sel_pos", n.sel_pos, sel, 8));
    b.lines.push_back(charge(t, "select", "sel_neg", n.sel_neg, sel, 8));
  }
  for (std::size_t l = 0; l < n.tree_adds.size(); ++l) {
    const int e = static_cast<int>(l);
    b.lines.push_back(charge(t, "tree", c.add_name(e), n.tree_adds[l], "int_add", c.add_width(e)));
  }
  b.lines.push_back(charge(t, "accumulate", "acc_adds", n.acc_adds, "int_add", c.acc_width));
  b.lines.push_back(charge(t, "registers", "reg_pipe_bits", n.reg_pipe_bits, "reg_bit", 1));
  b.lines.push_back(
      charge(t, "registers", "wgt_bank_write_bits", n.wgt_bank_write_bits, "reg_bit", 1));
  b.lines.push_back(charge(t, "buffers", "wgt_stream_bits", n.wgt_stream_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "act_stream_bits", n.act_stream_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "psum_read_bits", n.psum_read_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "psum_write_bits", n.psum_write_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "res_stream_bits", n.res_stream_bits, "sram_bit", 1));
  return b;
}

ActivityCalibration ActivityCalibration::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument("cannot read the activity calibration " + path);
  ActivityCalibration c;
  c.file_ = path;
  std::string line;
  int n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      if (line != "unit,width,output_bits,toggles_per_op") {
        throw std::invalid_argument(
            fmt::format("{}:{}: expected the header "
                        "unit,width,output_bits,toggles_per_op",
                        path, n));
      }
      header = true;
      continue;
    }
    std::istringstream f(line);
    std::string unit, width, bits, toggles;
    if (!std::getline(f, unit, ',') || !std::getline(f, width, ',') ||
        !std::getline(f, bits, ',') || !std::getline(f, toggles)) {
      throw std::invalid_argument(fmt::format("{}:{}: malformed row '{}'", path, n, line));
    }
    try {
      std::size_t used = 0;
      const int w = std::stoi(width, &used);
      if (used != width.size()) throw std::invalid_argument(width);
      const double t = std::stod(toggles, &used);
      if (used != toggles.size() || !(t > 0)) throw std::invalid_argument(toggles);
      c.rows_[{unit, w}] = t;
    } catch (const std::exception&) {
      throw std::invalid_argument(fmt::format("{}:{}: malformed row '{}'", path, n, line));
    }
  }
  if (c.rows_.empty()) throw std::invalid_argument(path + ": no calibration row");
  return c;
}

double ActivityCalibration::toggles_per_op(const std::string& unit, int width) const {
  const auto it = rows_.find({unit, width});
  if (it == rows_.end()) {
    throw std::out_of_range(
        fmt::format("the activity calibration {} has no row for {} width {}", file_, unit, width));
  }
  return it->second;
}

std::string default_activity_calibration() {
  return default_energy_dir() + "/calibration/activity.csv";
}

EnergyBreakdown activity_energy(const ArrayConfig& c, const MonitorCounts& m, std::uint64_t macs,
                                const EnergyTable& t, const ActivityCalibration& cal) {
  EnergyBreakdown b = start(c.int8() ? "INT8 RTL (activity)" : "ternary RTL (activity)", t, macs);
  // A toggle of a unit costs its table energy over its toggles per operation on random inputs.
  const auto per_toggle = [&](const std::string& op, int width, const std::string& unit,
                              int cal_width) {
    return t.pj(op, width) / cal.toggles_per_op(unit, cal_width);
  };
  const auto line = [&](const std::string& group, const std::string& item, std::uint64_t count,
                        const std::string& op, int width, const std::string& unit, int cal_width) {
    const EnergyRow r = t.row(op, width);
    EnergyLine l{group,  item,     count,    op,      width, per_toggle(op, width, unit, cal_width),
                 r.kind, r.source, r.family, r.scaled};
    l.source += fmt::format("; per output toggle: / {:.4f} toggles per {} {} on random inputs ({})",
                            cal.toggles_per_op(unit, cal_width), unit, cal_width, cal.file());
    b.lines.push_back(l);
  };
  const ToggleCounts& g = m.toggles;
  if (c.int8()) {
    line("multiply", "tog_mul", g.mul, "int_mul", 8, "int_mul", 8);
  } else {
    const char* sel = c.reduction == Reduction::kSplit ? "select_split" : "select";
    line("select", "tog_sel_pos", g.sel_pos, sel, 8, sel, 8);
    line("select", "tog_sel_neg", g.sel_neg, sel, 8, sel, 8);
    line("select", "tog_sel_zero", g.sel_zero, sel, 8, sel, 8);
  }
  for (int e = 0; e < c.add_entries(); ++e) {
    const int w = c.add_width(e);
    const std::string unit = c.entry_is_compressor(e) ? "csa_3to2"
                             : c.entry_saturates(e)   ? "int_add_sat"
                                                      : "int_add";
    const std::uint64_t n =
        static_cast<std::size_t>(e) < g.adds.size() ? g.adds[std::size_t(e)] : 0;
    line("tree", "tog_" + c.add_name(e), n, "int_add", w, unit, w);
  }
  line("accumulate", "tog_acc", g.acc, "int_add", c.acc_width, "int_add", c.acc_width);
  line("registers", "tog_reg_stage0", g.reg_stage0, "reg_bit", 1, "reg_bit", 1);
  line("registers", "tog_reg_tree", g.reg_tree, "reg_bit", 1, "reg_bit", 1);
  line("registers", "tog_bank", g.bank, "reg_bit", 1, "reg_bit", 1);
  const OpCounts& n = m.ops;
  b.lines.push_back(charge(t, "buffers", "wgt_stream_bits", n.wgt_stream_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "act_stream_bits", n.act_stream_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "psum_read_bits", n.psum_read_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "psum_write_bits", n.psum_write_bits, "sram_bit", 1));
  b.lines.push_back(charge(t, "buffers", "res_stream_bits", n.res_stream_bits, "sram_bit", 1));
  return b;
}

EnergyBreakdown fp16_energy(const ArrayConfig& c, const OpCounts& n, std::uint64_t macs,
                            const EnergyTable& t) {
  EnergyBreakdown b = start("FP16 MAC (op-count)", t, macs);
  b.lines.push_back(charge(t, "multiply", "fp16_muls", macs, "fp16_mul", 16));
  b.lines.push_back(charge(t, "accumulate", "fp16_adds", macs, "fp16_add", 16));
  // The ternary array's traffic with 16-bit weights (8x the 2-bit codes) and activations (2x).
  const std::uint64_t wgt = n.wgt_stream_bits * static_cast<std::uint64_t>(16 / c.weight_bits());
  b.lines.push_back(
      charge(t, "buffers", "buffer_bits",
             wgt + 2 * n.act_stream_bits + n.psum_read_bits + n.psum_write_bits + n.res_stream_bits,
             "sram_bit", 1));
  return b;
}

}  // namespace ternac
