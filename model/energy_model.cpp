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

EnergyBreakdown ternary_energy(const ArrayConfig& c, const OpCounts& n, std::uint64_t macs,
                               const EnergyTable& t) {
  EnergyBreakdown b = start("ternary RTL", t, macs);
  b.lines.push_back(charge(t, "select", "sel_pos", n.sel_pos, "select", 8));
  b.lines.push_back(charge(t, "select", "sel_neg", n.sel_neg, "select", 8));
  for (std::size_t l = 0; l < n.tree_adds.size(); ++l) {
    b.lines.push_back(charge(t, "tree", "tree_adds_l" + std::to_string(l + 1), n.tree_adds[l],
                             "int_add", 8 + static_cast<int>(l)));
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

Int8Counts int8_counts(const ArrayConfig& c, const OpCounts& n) {
  // Same fires, same geometry: every weight slot multiplies, every adder of every tree adds.
  Int8Counts i;
  const auto L = static_cast<std::uint64_t>(c.lanes);
  const auto T = static_cast<std::uint64_t>(c.tree_inputs);
  i.muls = n.fires * L * T;
  std::uint64_t nodes = T;
  for (int l = 0; l < c.tree_levels(); ++l) {
    i.tree_adds.push_back(n.fires * L * (nodes / 2));
    nodes = (nodes + 1) / 2;
  }
  i.acc_adds = n.acc_adds;
  const auto tree_width = static_cast<std::uint64_t>(16 + c.tree_levels());
  // Weights take 8 bits instead of 2; the tree register is 8 bits wider (16-bit products).
  i.reg_bits = n.fires * L * tree_width + n.wgt_bank_write_bits * 4;
  i.buffer_bits = n.wgt_stream_bits * 4 + n.act_stream_bits + n.psum_read_bits + n.psum_write_bits +
                  n.res_stream_bits;
  return i;
}

EnergyBreakdown int8_energy(const ArrayConfig& c, const OpCounts& n, std::uint64_t macs,
                            const EnergyTable& t) {
  const Int8Counts i = int8_counts(c, n);
  EnergyBreakdown b = start("INT8 array (op-count)", t, macs);
  b.lines.push_back(charge(t, "multiply", "int8_muls", i.muls, "int_mul", 8));
  for (std::size_t l = 0; l < i.tree_adds.size(); ++l) {
    b.lines.push_back(charge(t, "tree", "tree_adds_l" + std::to_string(l + 1), i.tree_adds[l],
                             "int_add", 16 + static_cast<int>(l)));
  }
  b.lines.push_back(charge(t, "accumulate", "acc_adds", i.acc_adds, "int_add", c.acc_width));
  b.lines.push_back(charge(t, "registers", "reg_bits", i.reg_bits, "reg_bit", 1));
  b.lines.push_back(charge(t, "buffers", "buffer_bits", i.buffer_bits, "sram_bit", 1));
  return b;
}

EnergyBreakdown fp16_energy(const ArrayConfig& c, const OpCounts& n, std::uint64_t macs,
                            const EnergyTable& t) {
  const Int8Counts i = int8_counts(c, n);
  EnergyBreakdown b = start("FP16 MAC (op-count)", t, macs);
  b.lines.push_back(charge(t, "multiply", "fp16_muls", macs, "fp16_mul", 16));
  b.lines.push_back(charge(t, "accumulate", "fp16_adds", macs, "fp16_add", 16));
  // 16-bit weights and activations: twice the INT8 array's weight and activation traffic.
  b.lines.push_back(charge(t, "buffers", "buffer_bits",
                           i.buffer_bits + n.wgt_stream_bits * 4 + n.act_stream_bits, "sram_bit",
                           1));
  return b;
}

}  // namespace ternac
