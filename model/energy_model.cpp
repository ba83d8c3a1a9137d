#include "energy_model.h"

namespace ternac {
namespace {

EnergyLine charge(const EnergyTable& t, const std::string& group, const std::string& item,
                  std::uint64_t count, const std::string& operation, int width) {
  const EnergyRow r = t.row(operation, width);
  return {group, item, count, operation, width, r.pj, r.kind, r.source};
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
  return arithmetic_pj() + group_pj("registers") + group_pj("buffers");
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
