#include "claims.h"

#include <fmt/format.h>

namespace ternac {

NodeClaims node_claims(const ArrayConfig& c, const OpCounts& n, const OpCounts& int8_counts,
                       std::uint64_t macs, const EnergyTable& t) {
  ArrayConfig c8 = c;
  c8.datapath = Datapath::kInt8;
  NodeClaims r;
  r.node_nm = t.node_nm();
  r.scaled = t.scaled();
  const double add8 = t.pj("int_add", 8);
  r.paper_ratio = (t.pj("fp16_add", 16) + t.pj("fp16_mul", 16)) / add8;
  r.critique_ratio = (t.pj("int_mul", 8) + add8) / add8;
  r.critique_halved = r.critique_ratio / 2;
  r.critique_acc32 = (t.pj("int_mul", 8) + t.pj("int_add", 32)) / t.pj("int_add", 32);
  r.select_vs_add8 = t.pj("select", 8) / add8;
  r.ternary = array_energy(c, n, macs, t);
  r.int8 = array_energy(c8, int8_counts, macs, t);
  r.fp16 = fp16_energy(c, n, macs, t);
  return r;
}

void evaluate_claims(ClaimsReport& report, const EnergyTables& tables) {
  report.tables = &tables;
  report.nodes.clear();
  for (int node : tables.nodes()) {
    report.nodes.push_back(node_claims(report.config, report.counts, report.int8_counts,
                                       report.shape.macs(), tables.node(node)));
  }
}

namespace {

std::string node_label(const NodeClaims& n) {
  return fmt::format("{} nm{}", n.node_nm, n.scaled ? " (scaled)" : "");
}

const NodeClaims* find_node(const ClaimsReport& r, int node) {
  for (const auto& n : r.nodes) {
    if (n.node_nm == node) return &n;
  }
  return nullptr;
}

}  // namespace

std::string claims_text(const ClaimsReport& r) {
  std::string s;
  s += fmt::format(
      "claims report: array {} ({} MACs/cycle), workload {} ({}), {:.0f}% zero weights, seed {}\n",
      r.config.name(), r.config.peak_macs_per_cycle(), r.workload, r.shape.str(),
      r.zero_fraction * 100, r.seed);
  s += fmt::format(
      "counted on the RTL: {} selects (+x {}, -x {}, gated {}), {} tree adds, {} "
      "accumulator adds over {} MACs\n\n",
      r.counts.sel_pos + r.counts.sel_neg + r.counts.sel_zero, r.counts.sel_pos, r.counts.sel_neg,
      r.counts.sel_zero,
      [&] {
        std::uint64_t t = 0;
        for (auto v : r.counts.tree_adds) t += v;
        return t;
      }(),
      r.counts.acc_adds, r.shape.macs());
  s += "claims from their own assumptions (energy table rows only):\n";
  s += fmt::format("{:<16} {:>10} {:>10} {:>10} {:>12} {:>12}\n", "node", "paper", "critique",
                   "crit. / 2", "crit. acc32", "select/add8");
  for (const auto& n : r.nodes) {
    s += fmt::format("{:<16} {:>9.2f}x {:>9.2f}x {:>9.2f}x {:>11.2f}x {:>12.3f}\n", node_label(n),
                     n.paper_ratio, n.critique_ratio, n.critique_halved, n.critique_acc32,
                     n.select_vs_add8);
  }
  s += "\ncounted energy per MAC (fJ) and ratios against the ternary array:\n";
  s += fmt::format("{:<16} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} | {:>8} {:>8} {:>8} {:>8}\n", "node",
                   "tern ar", "tern all", "int8 ar", "int8 all", "fp16 ar", "fp16 all", "fp16/t ar",
                   "all", "int8/t ar", "all");
  for (const auto& n : r.nodes) {
    s += fmt::format(
        "{:<16} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f} | {:>8.2f}x {:>7.2f}x "
        "{:>8.2f}x {:>7.2f}x\n",
        node_label(n), n.ternary.arithmetic_per_mac() * 1e3, n.ternary.total_per_mac() * 1e3,
        n.int8.arithmetic_per_mac() * 1e3, n.int8.total_per_mac() * 1e3,
        n.fp16.arithmetic_per_mac() * 1e3, n.fp16.total_per_mac() * 1e3,
        n.fp16_over_ternary_arith(), n.fp16_over_ternary_total(), n.int8_over_ternary_arith(),
        n.int8_over_ternary_total());
  }
  for (int node : {45, 7}) {
    const NodeClaims* n = find_node(r, node);
    if (!n) continue;
    s += fmt::format("\nternary array breakdown at {} (fJ per MAC):", node_label(*n));
    for (const char* g : {"select", "tree", "accumulate", "registers", "buffers"}) {
      s += fmt::format(" {} {:.3f}", g, n->ternary.group_pj(g) / double(r.shape.macs()) * 1e3);
    }
    s += "\n";
  }
  if (const NodeClaims* n = find_node(r, 7)) {
    s += fmt::format(
        "\nverdict, 71.4x (BitNet b1.58): reproduced as {:.2f}x at 7 nm only under the paper's own "
        "assumptions (one FP16 add + one FP16 multiply against one 8-bit add per MAC, nothing "
        "for selecting or negating, accumulation charged at 8 bits, no memory). Counted on the "
        "RTL at 7 nm, FP16 against the ternary array is {:.2f}x for arithmetic and {:.2f}x with "
        "registers and buffers.\n",
        n->paper_ratio, n->fp16_over_ternary_arith(), n->fp16_over_ternary_total());
    s += fmt::format(
        "verdict, 5.5x (critique): 11x = INT8 multiply + add against one 8-bit add reproduced as "
        "{:.2f}x, halved to {:.2f}x on the assumption that the select logic costs an 8-bit add; "
        "the synthesized select costs {:.3f} of one. Counted on the RTL at 7 nm, the INT8 array "
        "against the ternary array is {:.2f}x for arithmetic and {:.2f}x with registers and "
        "buffers.\n",
        n->critique_ratio, n->critique_halved, n->select_vs_add8, n->int8_over_ternary_arith(),
        n->int8_over_ternary_total());
  }
  if (!r.sweep.empty() && r.tables) {
    s += "\nzero-weight fraction against the counted arithmetic ratios:\n";
    s += fmt::format("{:>6}  {:>14} {:>14} {:>14} {:>14}\n", "zeros", "fp16/t 45nm", "int8/t 45nm",
                     "fp16/t 7nm", "int8/t 7nm");
    for (const auto& p : r.sweep) {
      const NodeClaims a =
          node_claims(r.config, p.counts, r.int8_counts, p.macs, r.tables->node(45));
      const NodeClaims b =
          node_claims(r.config, p.counts, r.int8_counts, p.macs, r.tables->node(7));
      s += fmt::format("{:>5.0f}%  {:>13.2f}x {:>13.2f}x {:>13.2f}x {:>13.2f}x\n",
                       p.zero_fraction * 100, a.fp16_over_ternary_arith(),
                       a.int8_over_ternary_arith(), b.fp16_over_ternary_arith(),
                       b.int8_over_ternary_arith());
    }
  }
  s += "\nnot counted: wires, clock tree, leakage, control logic; scaled nodes are estimates.\n";
  return s;
}

std::string claims_json(const ClaimsReport& r) {
  std::string s = "{\n";
  s += fmt::format(
      "  \"array\": {{\"lanes\": {}, \"tree_inputs\": {}, \"acc_width\": {}, "
      "\"weight_rows_per_beat\": {}, \"token_tile\": {}}},\n",
      r.config.lanes, r.config.tree_inputs, r.config.acc_width, r.config.weight_rows_per_beat,
      r.config.token_tile);
  s += fmt::format(
      "  \"workload\": {{\"name\": \"{}\", \"m\": {}, \"n\": {}, \"k\": {}, \"zero_fraction\": {}, "
      "\"seed\": {}}},\n",
      r.workload, r.shape.m, r.shape.n, r.shape.k, r.zero_fraction, r.seed);
  s += "  \"counters\": {";
  const auto names = OpCounts::names(r.config);
  const auto flat = r.counts.flat();
  for (std::size_t i = 0; i < flat.size(); ++i) {
    s += fmt::format("{}\"{}\": {}", i ? ", " : "", names[i], flat[i]);
  }
  s += "},\n  \"nodes\": [\n";
  for (std::size_t i = 0; i < r.nodes.size(); ++i) {
    const NodeClaims& n = r.nodes[i];
    s += fmt::format(
        "    {{\"node_nm\": {}, \"scaled\": {}, \"paper_ratio\": {:.6g}, \"critique_ratio\": "
        "{:.6g}, \"critique_halved\": {:.6g}, \"critique_acc32\": {:.6g}, \"select_vs_add8\": "
        "{:.6g},\n",
        n.node_nm, n.scaled ? "true" : "false", n.paper_ratio, n.critique_ratio, n.critique_halved,
        n.critique_acc32, n.select_vs_add8);
    s += "     \"designs\": [";
    const EnergyBreakdown* designs[] = {&n.ternary, &n.int8, &n.fp16};
    for (std::size_t d = 0; d < 3; ++d) {
      const EnergyBreakdown& b = *designs[d];
      s += fmt::format(
          "{}\n       {{\"design\": \"{}\", \"arithmetic_pj\": {:.9g}, \"total_pj\": "
          "{:.9g}, \"lines\": [",
          d ? "," : "", b.design, b.arithmetic_pj(), b.total_pj());
      for (std::size_t l = 0; l < b.lines.size(); ++l) {
        const EnergyLine& e = b.lines[l];
        s += fmt::format(
            "{}{{\"group\": \"{}\", \"item\": \"{}\", \"count\": {}, \"operation\": "
            "\"{}\", \"width\": {}, \"pj_each\": {:.9g}, \"kind\": \"{}\"}}",
            l ? ", " : "", e.group, e.item, e.count, e.operation, e.width, e.pj_each, e.kind);
      }
      s += "]}";
    }
    s += fmt::format(
        "],\n     \"fp16_over_ternary_arith\": {:.6g}, \"fp16_over_ternary_total\": {:.6g}, "
        "\"int8_over_ternary_arith\": {:.6g}, \"int8_over_ternary_total\": {:.6g}}}{}\n",
        n.fp16_over_ternary_arith(), n.fp16_over_ternary_total(), n.int8_over_ternary_arith(),
        n.int8_over_ternary_total(), i + 1 < r.nodes.size() ? "," : "");
  }
  s += "  ],\n  \"zero_sweep\": [";
  for (std::size_t i = 0; r.tables && i < r.sweep.size(); ++i) {
    const auto& p = r.sweep[i];
    s +=
        fmt::format("{}\n    {{\"zero_fraction\": {}, \"nodes\": [", i ? "," : "", p.zero_fraction);
    bool first = true;
    for (int node : r.tables->nodes()) {
      const NodeClaims n =
          node_claims(r.config, p.counts, r.int8_counts, p.macs, r.tables->node(node));
      s += fmt::format(
          "{}{{\"node_nm\": {}, \"fp16_over_ternary_arith\": {:.6g}, "
          "\"int8_over_ternary_arith\": {:.6g}, \"fp16_over_ternary_total\": {:.6g}, "
          "\"int8_over_ternary_total\": {:.6g}}}",
          first ? "" : ", ", node, n.fp16_over_ternary_arith(), n.int8_over_ternary_arith(),
          n.fp16_over_ternary_total(), n.int8_over_ternary_total());
      first = false;
    }
    s += "]}";
  }
  s += "\n  ]\n}\n";
  return s;
}

std::string claims_csv(const ClaimsReport& r) {
  std::string s =
      "node_nm,scaled,paper_ratio,critique_ratio,critique_halved,critique_acc32,select_vs_add8,"
      "ternary_arith_fj_per_mac,ternary_total_fj_per_mac,int8_arith_fj_per_mac,"
      "int8_total_fj_per_mac,fp16_arith_fj_per_mac,fp16_total_fj_per_mac,"
      "fp16_over_ternary_arith,fp16_over_ternary_total,int8_over_ternary_arith,"
      "int8_over_ternary_total\n";
  for (const auto& n : r.nodes) {
    s += fmt::format(
        "{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},"
        "{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}\n",
        n.node_nm, n.scaled ? 1 : 0, n.paper_ratio, n.critique_ratio, n.critique_halved,
        n.critique_acc32, n.select_vs_add8, n.ternary.arithmetic_per_mac() * 1e3,
        n.ternary.total_per_mac() * 1e3, n.int8.arithmetic_per_mac() * 1e3,
        n.int8.total_per_mac() * 1e3, n.fp16.arithmetic_per_mac() * 1e3,
        n.fp16.total_per_mac() * 1e3, n.fp16_over_ternary_arith(), n.fp16_over_ternary_total(),
        n.int8_over_ternary_arith(), n.int8_over_ternary_total());
  }
  return s;
}

}  // namespace ternac
