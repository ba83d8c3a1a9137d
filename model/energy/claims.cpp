#include "ternac/model/energy/claims.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace ternac {

using Json = nlohmann::ordered_json;

const Estimate* NodeClaims::find(const std::string& name) const {
  for (const Estimate& e : estimates) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

namespace {

constexpr double kFj = 1e3;  // pJ -> fJ

// The family of a set of table rows and, when they mix families, each row's.
void set_family(Estimate& e, const std::vector<EnergyRow>& rows) {
  e.family = combined_family(rows);
  e.mixed = mixes_families(rows);
  if (e.mixed) {
    for (const EnergyRow& r : rows)
      e.mixed_rows.push_back(fmt::format("{} {}: {}", r.operation, r.width, r.family));
  }
}

void set_family(Estimate& e, const std::vector<const EnergyBreakdown*>& parts,
                const std::vector<std::string>& groups) {
  std::vector<EnergyRow> rows;
  for (const EnergyBreakdown* b : parts) {
    for (const auto& l : b->lines) {
      if (l.count == 0) continue;
      if (!groups.empty() && std::find(groups.begin(), groups.end(), l.group) == groups.end()) {
        continue;
      }
      EnergyRow r;
      r.operation = l.operation;
      r.width = l.width;
      r.family = l.family;
      rows.push_back(r);
    }
  }
  if (rows.empty()) return;
  e.family = combined_family(rows);
  e.mixed = mixes_families(rows);
  if (e.mixed) {
    for (const EnergyRow& r : rows) {
      const std::string s = fmt::format("{} {}: {}", r.operation, r.width, r.family);
      if (std::find(e.mixed_rows.begin(), e.mixed_rows.end(), s) == e.mixed_rows.end()) {
        e.mixed_rows.push_back(s);
      }
    }
  }
}

const std::vector<std::string> kArithmetic = {"select", "multiply", "tree", "accumulate"};

ArrayConfig int8_of(const ArrayConfig& c) {
  ArrayConfig c8 = c;
  c8.datapath = Datapath::kInt8;
  c8.reduction = Reduction::kSigned;
  return c8;
}

double per_mac(double pj, std::uint64_t macs) {
  return macs == 0 ? 0.0 : kFj * pj / static_cast<double>(macs);
}

StorageTotals totals(const EnergyBreakdown& b, std::uint64_t macs) {
  return {per_mac(b.arithmetic_pj(), macs), per_mac(b.onchip_pj(), macs),
          per_mac(b.offchip_pj(), macs)};
}

void paper_and_critique(NodeClaims& n, const EnergyTable& t) {
  const EnergyRow add8 = t.row("int_add", 8), add32 = t.row("int_add", 32);
  const EnergyRow mul8 = t.row("int_mul", 8);
  const EnergyRow fadd = t.row("fp16_add", 16), fmul = t.row("fp16_mul", 16);
  n.paper_ratio = (fadd.pj + fmul.pj) / add8.pj;
  n.critique_ratio = (mul8.pj + add8.pj) / add8.pj;
  n.critique_halved = n.critique_ratio / 2;
  n.critique_acc32 = (mul8.pj + add32.pj) / add32.pj;
  Estimate paper{"paper", "FP16 add + multiply against one INT8 add; selects free"};
  paper.ternary_fj = kFj * add8.pj;
  paper.fp16_fj = kFj * (fadd.pj + fmul.pj);
  set_family(paper, {add8, fadd, fmul});
  Estimate critique{"critique",
                    "INT8 multiply + add against two INT8 adds (the select costs one add)"};
  critique.ternary_fj = kFj * 2 * add8.pj;
  critique.int8_fj = kFj * (mul8.pj + add8.pj);
  critique.fp16_fj = kFj * (fadd.pj + fmul.pj);
  critique.select_vs_add8 = 1.0;
  set_family(critique, {add8, mul8, fadd, fmul});
  n.estimates.push_back(paper);
  n.estimates.push_back(critique);
}

NodeClaims node_claims(const ClaimsReport& r, const EnergyTable& t,
                       const ActivityCalibration& cal) {
  NodeClaims n;
  n.key = t.key();
  n.node_nm = t.node_nm();
  n.family = t.family();
  n.scaled = t.scaled();
  n.voltage = t.voltage();
  n.voltage_assumed = t.voltage_assumed();
  paper_and_critique(n, t);
  const ArrayConfig& c = r.config;
  const ArrayConfig c8 = int8_of(c);
  const ClaimsRun& d = r.decode();
  const std::uint64_t macs = d.shape.macs();
  const double add8 = t.pj("int_add", 8);

  // Counted: operations x table energy.
  n.ternary = counted_energy(c, d.ternary.ops, d.shape, t, r.storage);
  n.int8 = counted_energy(c8, d.int8.ops, d.shape, t, r.storage);
  n.fp16 = fp16_counted_energy(c, d.ternary.ops, d.shape, t, r.storage);
  Estimate counted{"counted", "operations counted on the RTL x table energy"};
  counted.ternary_fj = per_mac(n.ternary.arithmetic_pj(), macs);
  counted.int8_fj = per_mac(n.int8.arithmetic_pj(), macs);
  counted.fp16_fj = per_mac(n.fp16.arithmetic_pj(), macs);
  counted.select_vs_add8 = per_mac(n.ternary.group_pj("select"), macs) / (kFj * add8);
  set_family(counted, {&n.ternary, &n.int8, &n.fp16}, kArithmetic);
  n.estimates.push_back(counted);

  // Activity: output toggles counted on the RTL x energy per toggle.
  Estimate activity{"activity",
                    "output toggles counted on the RTL x (table energy / toggles "
                    "per operation on random inputs)"};
  if (d.ternary.toggles.sel_pos + d.ternary.toggles.sel_neg + d.ternary.toggles.sel_zero > 0) {
    const EnergyBreakdown a = activity_storage_energy(c, d.ternary, d.shape, t, cal, r.storage);
    const EnergyBreakdown a8 = activity_storage_energy(c8, d.int8, d.shape, t, cal, r.storage);
    activity.ternary_fj = per_mac(a.arithmetic_pj(), macs);
    activity.int8_fj = per_mac(a8.arithmetic_pj(), macs);
    activity.fp16_fj = counted.fp16_fj;  // no FP16 RTL: its operation count
    activity.select_vs_add8 = per_mac(a.group_pj("select"), macs) / (kFj * add8);
    set_family(activity, {&a, &a8, &n.fp16}, kArithmetic);
  }
  n.estimates.push_back(activity);

  // Gate level: one lane's netlist on its real beats, calibrated by the 8-bit adder netlist.
  Estimate gate{"gate",
                "one lane's gate netlist on its beats: toggles x fan-out, calibrated by "
                "the 8-bit adder netlist on random operands (zero delay: no glitches)"};
  const auto arithmetic = [&](const GateLevelResult& g) {
    return g.pj_of(t, "select") + g.pj_of(t, "multiply") + g.pj_of(t, "tree") + g.pj_of(t, "lane");
  };
  if (r.gate_ternary && r.gate_int8) {
    gate.ternary_fj = per_mac(arithmetic(*r.gate_ternary), r.gate_ternary->macs);
    gate.int8_fj = per_mac(arithmetic(*r.gate_int8), r.gate_int8->macs);
    gate.fp16_fj = counted.fp16_fj;
    gate.select_vs_add8 =
        per_mac(r.gate_ternary->pj_of(t, "select"), r.gate_ternary->macs) / (kFj * add8);
    std::vector<EnergyRow> rows{t.row("int_add", 8)};
    for (const auto& l : n.fp16.lines) {
      if (l.group == "multiply" || l.group == "accumulate") {
        EnergyRow row;
        row.operation = l.operation;
        row.width = l.width;
        row.family = l.family;
        rows.push_back(row);
      }
    }
    set_family(gate, rows);
  }
  n.estimates.push_back(gate);

  // The zero-weight sweep of the counted estimate.
  for (const ZeroSweepPoint& z : r.sweep) {
    const double tern = per_mac(array_energy(c, z.counts, z.macs, t).arithmetic_pj(), z.macs);
    n.sweep.push_back({z.zero_fraction, tern, counted.int8_fj / tern, counted.fp16_fj / tern});
  }

  // Storage on top of the counted arithmetic, per run.
  for (const ClaimsRun& run : r.runs) {
    StorageClaims s;
    s.run = run.name;
    s.shape = run.shape;
    const std::uint64_t m = run.shape.macs();
    const EnergyBreakdown tb = counted_energy(c, run.ternary.ops, run.shape, t, r.storage);
    const EnergyBreakdown ib = counted_energy(c8, run.int8.ops, run.shape, t, r.storage);
    const EnergyBreakdown fb = fp16_counted_energy(c, run.ternary.ops, run.shape, t, r.storage);
    s.ternary = totals(tb, m);
    s.int8 = totals(ib, m);
    s.fp16 = totals(fb, m);
    storage_lines(c, run.ternary.ops, run.shape, {c.weight_bits(), kActBits, c.acc_width},
                  r.storage, t, &s.places);
    storage_lines(c8, run.int8.ops, run.shape, {c8.weight_bits(), kActBits, c8.acc_width},
                  r.storage, t, &s.places_int8);
    storage_lines(c, run.ternary.ops, run.shape, {16, 16, c.acc_width}, r.storage, t,
                  &s.places_fp16);
    Estimate fam;
    set_family(fam, {&tb, &ib, &fb}, {});
    s.family = fam.family;
    s.mixed = fam.mixed;
    s.mixed_rows = fam.mixed_rows;
    n.storage.push_back(s);
  }
  return n;
}

std::string ratio(double v) { return v > 0 ? fmt::format("{:.2f}x", v) : "-"; }
std::string fj(double v) { return v > 0 ? fmt::format("{:.2f}", v) : "-"; }

// One verdict line: which estimates reach the claim, and by how much each falls short.
std::string verdict(const NodeClaims& n, const char* claim, double target, bool fp16) {
  std::string s =
      fmt::format("  {} claim ({}): ", claim, fp16 ? "FP16 / ternary" : "INT8 / ternary");
  std::vector<std::string> parts;
  bool any = false, own = false;
  for (const Estimate& e : n.estimates) {
    const double v = fp16 ? e.fp16_over_ternary() : e.int8_over_ternary();
    if (v <= 0) continue;
    const bool holds = v >= target * 0.995;
    const bool its_own = e.name == (fp16 ? "paper" : "critique");
    any = any || (holds && !its_own);
    own = own || (holds && its_own);
    parts.push_back(
        fmt::format("{} {:.2f}x ({})", e.name, v,
                    holds ? "supports it" : fmt::format("{:.0f} % of it", 100 * v / target)));
  }
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
  s += any   ? "\n"
       : own ? fmt::format(": only its own arithmetic reaches {:.1f}x\n", target)
             : fmt::format(": no estimate reaches {:.1f}x at this node\n", target);
  return s;
}

}  // namespace

void evaluate_claims(ClaimsReport& report, const EnergyTables& tables,
                     const ActivityCalibration& calibration, const std::vector<std::string>& keys) {
  report.nodes.clear();
  std::vector<std::string> use = keys.empty() ? tables.keys() : keys;
  std::vector<const EnergyTable*> ts;
  for (const std::string& k : use) ts.push_back(&tables.table(k));
  std::stable_sort(ts.begin(), ts.end(), [](const EnergyTable* a, const EnergyTable* b) {
    return a->node_nm() > b->node_nm();
  });
  for (const EnergyTable* t : ts) report.nodes.push_back(node_claims(report, *t, calibration));
}

NodeClaims counted_claims(const ArrayConfig& c, const OpCounts& ternary, const OpCounts& int8,
                          std::uint64_t macs, const EnergyTable& t) {
  NodeClaims n;
  n.key = t.key();
  n.node_nm = t.node_nm();
  n.family = t.family();
  n.scaled = t.scaled();
  paper_and_critique(n, t);
  n.ternary = array_energy(c, ternary, macs, t);
  n.int8 = array_energy(int8_of(c), int8, macs, t);
  n.fp16 = fp16_energy(c, ternary, macs, t);
  Estimate counted{"counted", "operations counted on the RTL x table energy"};
  counted.ternary_fj = per_mac(n.ternary.arithmetic_pj(), macs);
  counted.int8_fj = per_mac(n.int8.arithmetic_pj(), macs);
  counted.fp16_fj = per_mac(n.fp16.arithmetic_pj(), macs);
  set_family(counted, {&n.ternary, &n.int8, &n.fp16}, kArithmetic);
  n.estimates.push_back(counted);
  return n;
}

std::string claims_text(const ClaimsReport& r) {
  const ClaimsRun& d = r.decode();
  std::string s = fmt::format(
      "claims report: array {} ({} MACs/cycle), workload {}, {:.0f} % zero weights ({}), "
      "activations {}, seed {}\n",
      r.config.name(), r.config.peak_macs_per_cycle(), r.workload, r.zero_fraction * 100,
      r.zero_fraction_source, r.act_profile, r.seed);
  for (const ClaimsRun& run : r.runs) {
    s += fmt::format("  {} {}: {} MACs, counts from the {}\n", run.name, run.shape.str(),
                     run.shape.macs(), run.source);
  }
  const OpCounts& o = d.ternary.ops;
  s += fmt::format(
      "counted on the RTL (decode): {} selects (+x {}, -x {}, gated or zero {}), {} accumulator "
      "adds\n",
      o.sel_pos + o.sel_neg + o.sel_zero, o.sel_pos, o.sel_neg, o.sel_zero, o.acc_adds);
  // Average activity per class against random inputs (the activity estimate's inputs).
  const ToggleCounts& g = d.ternary.toggles;
  if (g.sel_pos + g.sel_neg + g.sel_zero > 0) {
    const double beats = static_cast<double>(o.fires) * r.config.lanes;
    s += fmt::format(
        "switching activity (decode, toggles per unit per computed beat; random inputs in "
        "brackets): selects {:.2f} [select 4.0], of which at +x selects {:.2f}, -x {:.2f}, "
        "gated or zero {:.2f}\n",
        double(g.sel_pos + g.sel_neg + g.sel_zero) / (beats * r.config.tree_inputs),
        o.sel_pos ? double(g.sel_pos) / double(o.sel_pos) : 0.0,
        o.sel_neg ? double(g.sel_neg) / double(o.sel_neg) : 0.0,
        o.sel_zero ? double(g.sel_zero) / double(o.sel_zero) : 0.0);
    std::string levels;
    for (int e = 0; e < r.config.add_entries() && std::size_t(e) < g.adds.size(); ++e) {
      levels += fmt::format("{}{} {:.2f} [{}]", e ? ", " : "", r.config.add_name(e),
                            double(g.adds[std::size_t(e)]) / (beats * r.config.entry_adders(e)),
                            r.config.add_width(e) + 1);
    }
    s += fmt::format("  adders per adder (output bits in brackets): {}; accumulator {:.2f} [{}]\n",
                     levels, double(g.acc) / beats, r.config.acc_width);
  }
  if (r.gate_ternary) {
    const GateLevelResult& gt = *r.gate_ternary;
    s += fmt::format(
        "gate level: lane 0's {} beats ({} MACs), Yosys netlist of NAND2/NOR2/NOT; RTL toggles "
        "{} the netlist's at the selects and every adder level; calibration: the 8-bit adder "
        "netlist, {} random operand pairs: {:.2f} units and {:.2f} output toggles per add; zero "
        "delay (no glitches)\n",
        gt.beats, gt.macs, gt.rtl_matches ? "equal" : "DIFFER FROM", gt.calibration_samples,
        gt.adder_units_per_add, gt.adder_output_toggles_per_add);
  }
  if (r.glitch) {
    s += fmt::format(
        "glitch bound: lane 0's first {} beats with a unit delay on every gate switch {:.2f}x "
        "(ternary) and {:.2f}x (INT8) the units of zero delay: the gate estimate's upper bound "
        "from glitches\n",
        r.glitch->beats, r.glitch->ternary, r.glitch->int8);
  }
  if (!r.nodes.empty() && !r.nodes.front().storage.empty()) {
    // Where each design's buffers live does not depend on the table: the first node's.
    s += fmt::format(
        "where the buffers live (on-chip SRAM for {} bytes, activations first, then results, then "
        "weights; the rest off-chip DRAM; each design's own element widths):\n",
        r.storage.onchip_bytes);
    const auto list = [](const std::vector<BufferPlace>& places) {
      std::string out;
      for (const BufferPlace& p : places) {
        out += fmt::format("{}{} {} B {}", out.empty() ? "" : ", ", p.buffer, p.bytes, p.level);
      }
      return out;
    };
    for (const StorageClaims& st : r.nodes.front().storage) {
      s += fmt::format("  {:<8} ternary: {}\n  {:<8} INT8: {}\n  {:<8} FP16: {}\n", st.run,
                       list(st.places), "", list(st.places_int8), "", list(st.places_fp16));
    }
    s += "  (compare designs at + off-chip: at + on-chip a design whose weights went off chip "
         "leaves their cost out)\n";
  }
  for (const NodeClaims& n : r.nodes) {
    s += fmt::format("\n== {} nm, family {}{}, {:.2f} V{} ({}) ==\n", n.node_nm, n.family,
                     n.scaled ? ", scaled rows (estimates)" : "", n.voltage,
                     n.voltage_assumed ? " assumed" : "", n.key);
    s += fmt::format("  {:<9} {:>13} {:>11} {:>11} {:>9} {:>9} {:>10}  {}\n", "estimate",
                     "ternary fJ/MAC", "INT8 fJ/MAC", "FP16 fJ/MAC", "INT8/tern", "FP16/tern",
                     "sel/add8", "family");
    for (const Estimate& e : n.estimates) {
      if (e.ternary_fj <= 0) {
        s += fmt::format("  {:<9} (not computed)\n", e.name);
        continue;
      }
      s += fmt::format(
          "  {:<9} {:>13} {:>11} {:>11} {:>9} {:>9} {:>10}  {}\n", e.name, fj(e.ternary_fj),
          fj(e.int8_fj), fj(e.fp16_fj), ratio(e.int8_over_ternary()), ratio(e.fp16_over_ternary()),
          e.name == "paper" ? "0 (free)" : fmt::format("{:.3f}", e.select_vs_add8), e.family);
      if (e.mixed) {
        s += fmt::format("    WARNING: mixes families: {}\n", rows_by_family(e.mixed_rows));
      }
    }
    s += "  storage on top of the counted arithmetic (fJ/MAC: arithmetic / + on-chip / + "
         "off-chip):\n";
    for (const StorageClaims& st : n.storage) {
      s += fmt::format(
          "    {:<8} ternary {:.2f} / {:.2f} / {:.2f}; INT8 {:.2f} / {:.2f} / {:.2f}; FP16 {:.2f} "
          "/ {:.2f} / {:.2f}\n",
          st.run, st.ternary.arithmetic_fj, st.ternary.with_onchip(), st.ternary.with_offchip(),
          st.int8.arithmetic_fj, st.int8.with_onchip(), st.int8.with_offchip(),
          st.fp16.arithmetic_fj, st.fp16.with_onchip(), st.fp16.with_offchip());
      s += fmt::format("    {:<8} INT8 / ternary {} / {} / {}; FP16 / ternary {} / {} / {}\n", "",
                       ratio(st.int8.arithmetic_fj / st.ternary.arithmetic_fj),
                       ratio(st.int8.with_onchip() / st.ternary.with_onchip()),
                       ratio(st.int8.with_offchip() / st.ternary.with_offchip()),
                       ratio(st.fp16.arithmetic_fj / st.ternary.arithmetic_fj),
                       ratio(st.fp16.with_onchip() / st.ternary.with_onchip()),
                       ratio(st.fp16.with_offchip() / st.ternary.with_offchip()));
      if (st.mixed) {
        s += fmt::format("    WARNING: {} storage mixes families: {}\n", st.run,
                         rows_by_family(st.mixed_rows));
      }
    }
    s += verdict(n, "71.4x", 71.4, true);
    s += verdict(n, "5.5x", 5.5, false);
  }
  if (!r.sweep.empty()) {
    s += "\nzero-weight sweep (decode, counted arithmetic: ternary fJ/MAC, INT8 / ternary, FP16 / "
         "ternary; the INT8 and FP16 sides do not depend on it):\n";
    for (const NodeClaims& n : r.nodes) {
      s += fmt::format("  {:>4} nm {:<14}", n.node_nm, n.family);
      for (const auto& z : n.sweep) {
        s += fmt::format(" {:.0f}%: {:.2f} {:.2f}x {:.2f}x |", z.zero_fraction * 100, z.ternary_fj,
                         z.int8_over_ternary, z.fp16_over_ternary);
      }
      s += "\n";
    }
  }
  s += "\nnot counted: wires and the activation broadcast, the clock tree, leakage, control "
       "logic; scaled rows are estimates; energy per MAC in fJ.\n";
  return s;
}

namespace {

// A figure that an estimate does not have (0) is null.
Json figure(double v) { return v > 0 && std::isfinite(v) ? Json(v) : Json(nullptr); }

Json estimate_json(const Estimate& e) {
  return {{"name", e.name},
          {"basis", e.basis},
          {"ternary_fj_per_mac", figure(e.ternary_fj)},
          {"int8_fj_per_mac", figure(e.int8_fj)},
          {"fp16_fj_per_mac", figure(e.fp16_fj)},
          {"int8_over_ternary", figure(e.int8_over_ternary())},
          {"fp16_over_ternary", figure(e.fp16_over_ternary())},
          {"select_vs_add8", e.name == "paper" ? Json(0.0) : figure(e.select_vs_add8)},
          {"family", e.family},
          {"mixed_families", e.mixed},
          {"mixed_rows", e.mixed_rows}};
}

Json totals_json(const StorageTotals& t) {
  return {{"arithmetic_fj_per_mac", t.arithmetic_fj},
          {"with_onchip_fj_per_mac", t.with_onchip()},
          {"with_offchip_fj_per_mac", t.with_offchip()}};
}

Json lines_json(const EnergyBreakdown& b) {
  Json lines = Json::array();
  for (const auto& l : b.lines) {
    lines.push_back({{"group", l.group},
                     {"item", l.item},
                     {"count", l.count},
                     {"operation", l.operation},
                     {"width", l.width},
                     {"pj_each", l.pj_each},
                     {"kind", l.kind},
                     {"family", l.family},
                     {"source", l.source}});
  }
  return lines;
}

Json counts_json(const MonitorCounts& m, const ArrayConfig& c) {
  Json j;
  const auto names = OpCounts::names(c);
  const auto flat = m.ops.flat();
  for (std::size_t i = 0; i < names.size(); ++i) j["operations"][names[i]] = flat[i];
  const ToggleCounts& t = m.toggles;
  j["toggles"] = {{"sel_pos", t.sel_pos},   {"sel_neg", t.sel_neg}, {"sel_zero", t.sel_zero},
                  {"mul", t.mul},           {"acc", t.acc},         {"reg_stage0", t.reg_stage0},
                  {"reg_tree", t.reg_tree}, {"bank", t.bank},       {"psum", t.psum},
                  {"adds", t.adds}};
  return j;
}

Json gate_json(const GateLevelResult& g) {
  return {{"beats", g.beats},
          {"macs", g.macs},
          {"tree_inputs", g.tree_inputs},
          {"int8", g.int8},
          {"toggles_by_unit", g.toggles},
          {"units_by_unit", g.units},
          {"units_total", g.units_total},
          {"calibration_samples", g.calibration_samples},
          {"calibration_seed", g.calibration_seed},
          {"adder8_units_per_add", g.adder_units_per_add},
          {"adder8_output_toggles_per_add", g.adder_output_toggles_per_add},
          {"rtl_matches_netlist", g.rtl_matches},
          {"zero_delay", true}};
}

}  // namespace

nlohmann::ordered_json claims_json(const ClaimsReport& r) {
  Json j;
  j["schema_version"] = 2;
  j["kind"] = "ternac-claims";
  j["configuration"] = r.config.name();
  j["workload"] = r.workload;
  j["zero_fraction"] = r.zero_fraction;
  j["zero_fraction_source"] = r.zero_fraction_source;
  j["activation_profile"] = r.act_profile;
  j["seed"] = r.seed;
  j["onchip_bytes"] = r.storage.onchip_bytes;
  j["energy_unit"] = "fJ per MAC";
  j["runs"] = Json::array();
  for (const ClaimsRun& run : r.runs) {
    j["runs"].push_back({{"name", run.name},
                         {"m", run.shape.m},
                         {"n", run.shape.n},
                         {"k", run.shape.k},
                         {"macs", run.shape.macs()},
                         {"counts_from", run.source},
                         {"ternary", counts_json(run.ternary, r.config)},
                         {"int8", counts_json(run.int8, int8_of(r.config))}});
  }
  j["gate"] = {{"ternary", r.gate_ternary ? gate_json(*r.gate_ternary) : Json(nullptr)},
               {"int8", r.gate_int8 ? gate_json(*r.gate_int8) : Json(nullptr)}};
  j["glitch"] = r.glitch ? Json{{"beats", r.glitch->beats},
                                {"ternary_factor", r.glitch->ternary},
                                {"int8_factor", r.glitch->int8}}
                         : Json(nullptr);
  j["nodes"] = Json::array();
  for (const NodeClaims& n : r.nodes) {
    Json node = {{"table", n.key},
                 {"node_nm", n.node_nm},
                 {"family", n.family},
                 {"scaled", n.scaled},
                 {"voltage", n.voltage},
                 {"voltage_assumed", n.voltage_assumed},
                 {"paper_ratio", n.paper_ratio},
                 {"critique_ratio", n.critique_ratio},
                 {"critique_halved", n.critique_halved},
                 {"critique_acc32", n.critique_acc32}};
    node["estimates"] = Json::array();
    for (const Estimate& e : n.estimates) node["estimates"].push_back(estimate_json(e));
    node["storage"] = Json::array();
    for (const StorageClaims& st : n.storage) {
      Json places;
      const auto places_json = [](const std::vector<BufferPlace>& ps) {
        Json a = Json::array();
        for (const BufferPlace& p : ps) {
          a.push_back({{"buffer", p.buffer}, {"bytes", p.bytes}, {"level", p.level}});
        }
        return a;
      };
      places = {{"ternary", places_json(st.places)},
                {"int8", places_json(st.places_int8)},
                {"fp16", places_json(st.places_fp16)}};
      node["storage"].push_back({{"run", st.run},
                                 {"ternary", totals_json(st.ternary)},
                                 {"int8", totals_json(st.int8)},
                                 {"fp16", totals_json(st.fp16)},
                                 {"buffers", places},
                                 {"family", st.family},
                                 {"mixed_families", st.mixed},
                                 {"mixed_rows", st.mixed_rows}});
    }
    node["zero_sweep"] = Json::array();
    for (const auto& z : n.sweep) {
      node["zero_sweep"].push_back({{"zero_fraction", z.zero_fraction},
                                    {"ternary_fj_per_mac", z.ternary_fj},
                                    {"int8_over_ternary", z.int8_over_ternary},
                                    {"fp16_over_ternary", z.fp16_over_ternary}});
    }
    node["counted_lines"] = {{"ternary", lines_json(n.ternary)},
                             {"int8", lines_json(n.int8)},
                             {"fp16", lines_json(n.fp16)}};
    j["nodes"].push_back(node);
  }
  return j;
}

std::vector<std::string> claims_csv_header() {
  return {"table",
          "node_nm",
          "family",
          "scaled",
          "section",
          "name",
          "ternary_fj_per_mac",
          "int8_fj_per_mac",
          "fp16_fj_per_mac",
          "int8_over_ternary",
          "fp16_over_ternary",
          "select_vs_add8",
          "mixed_families"};
}

std::vector<std::vector<std::string>> claims_csv_rows(const ClaimsReport& r) {
  // One row per (table, estimate) and per (table, run, storage level).
  // A figure an estimate does not have (0) is an empty field.
  const auto real = [](double v) {
    return std::isfinite(v) && v > 0 ? fmt::format("{:.6g}", v) : "";
  };
  std::vector<std::vector<std::string>> rows;
  for (const NodeClaims& n : r.nodes) {
    const std::string nm = std::to_string(n.node_nm), scaled = n.scaled ? "1" : "0";
    for (const Estimate& e : n.estimates) {
      rows.push_back({n.key, nm, e.family, scaled, "estimate", e.name, real(e.ternary_fj),
                      real(e.int8_fj), real(e.fp16_fj), real(e.int8_over_ternary()),
                      real(e.fp16_over_ternary()), e.name == "paper" ? "0" : real(e.select_vs_add8),
                      e.mixed ? "1" : "0"});
    }
    for (const StorageClaims& st : n.storage) {
      const struct {
        const char* level;
        double t, i, f;
      } levels[] = {
          {"arithmetic", st.ternary.arithmetic_fj, st.int8.arithmetic_fj, st.fp16.arithmetic_fj},
          {"with_onchip", st.ternary.with_onchip(), st.int8.with_onchip(), st.fp16.with_onchip()},
          {"with_offchip", st.ternary.with_offchip(), st.int8.with_offchip(),
           st.fp16.with_offchip()}};
      for (const auto& l : levels) {
        rows.push_back({n.key, nm, st.family, scaled, "storage", st.run + " " + l.level, real(l.t),
                        real(l.i), real(l.f), real(l.i / l.t), real(l.f / l.t), "",
                        st.mixed ? "1" : "0"});
      }
    }
  }
  return rows;
}

}  // namespace ternac
