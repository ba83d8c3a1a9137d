#!/usr/bin/python3
"""Draws the claims report (ternac claims --json FILE) as two PNG figures.

  plot_claims.py claims.json OUTDIR

OUTDIR/claims_nodes.png: energy per MAC of the ternary array, the INT8 array and FP16, per node,
arithmetic and with registers and buffers (log scale; scaled nodes hatched).
OUTDIR/claims_zero_sweep.png: counted FP16/ternary and INT8/ternary arithmetic ratios against the
fraction of zero weights, at 45 nm and 7 nm, with the paper's and the critique's numbers.
Uses only Debian's python3-matplotlib (scripts/setup.sh installs it).
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: plot_claims.py claims.json OUTDIR")
    try:
        with open(argv[1]) as f:
            report = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        sys.exit(f"plot_claims: cannot read {argv[1]}: {e}")
    for key in ("nodes", "workload", "array"):
        if key not in report:
            sys.exit(f"plot_claims: {argv[1]} has no '{key}': not a ternac claims report")
    os.makedirs(argv[2], exist_ok=True)
    nodes = report["nodes"]
    macs = report["workload"]["m"] * report["workload"]["n"] * report["workload"]["k"]
    labels = [f"{n['node_nm']} nm" for n in nodes]

    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.13
    series = [("ternary RTL", 0, "#2a7"), ("INT8 RTL", 1, "#27a"), ("FP16 (op-count)", 2, "#a52")]
    for i, (name, d, color) in enumerate(series):
        for j, (field, alpha) in enumerate((("arithmetic_pj", 1.0), ("total_pj", 0.45))):
            xs = [k + (2 * i + j - 2.5) * width for k in range(len(nodes))]
            ys = [n["designs"][d][field] / macs * 1e3 for n in nodes]
            bars = ax.bar(xs, ys, width, color=color, alpha=alpha,
                          label=f"{name}, {'arithmetic' if j == 0 else 'with registers+buffers'}")
            for b, n in zip(bars, nodes):
                if n["scaled"]:
                    b.set_hatch("//")
    ax.set_yscale("log")
    ax.set_xticks(range(len(nodes)))
    ax.set_xticklabels([l + (" (scaled)" if n["scaled"] else "") for l, n in zip(labels, nodes)],
                       rotation=30, ha="right")
    ax.set_ylabel("energy per MAC (fJ)")
    w = report["workload"]
    ax.set_title(f"{w['name']} (M={w['m']} N={w['n']} K={w['k']}), "
                 f"{w['zero_fraction'] * 100:.0f}% zero weights, counted RTL operations")
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(os.path.join(argv[2], "claims_nodes.png"), dpi=120)

    sweep = report.get("zero_sweep", [])
    if sweep:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        zs = [p["zero_fraction"] * 100 for p in sweep]
        for node, style in ((45, "--"), (7, "-")):
            fp = [q["fp16_over_ternary_arith"] for p in sweep for q in p["nodes"]
                  if q["node_nm"] == node]
            i8 = [q["int8_over_ternary_arith"] for p in sweep for q in p["nodes"]
                  if q["node_nm"] == node]
            if len(fp) == len(zs):
                ax.plot(zs, fp, style, marker="o", color="#a52", label=f"FP16 / ternary, {node} nm")
                ax.plot(zs, i8, style, marker="s", color="#27a", label=f"INT8 / ternary, {node} nm")
        seven = [n for n in nodes if n["node_nm"] == 7]
        if seven:
            ax.axhline(seven[0]["paper_ratio"], color="#a52", lw=0.8, ls=":",
                       label=f"paper's claim {seven[0]['paper_ratio']:.1f}x (7 nm)")
            ax.axhline(seven[0]["critique_halved"], color="#27a", lw=0.8, ls=":",
                       label=f"critique {seven[0]['critique_halved']:.1f}x (7 nm)")
        ax.set_yscale("log")
        ax.set_xlabel("zero weights (%)")
        ax.set_ylabel("counted arithmetic energy ratio")
        ax.set_title("Effect of the zero-weight fraction")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(argv[2], "claims_zero_sweep.png"), dpi=120)
    print(f"plot_claims: wrote {argv[2]}/claims_nodes.png"
          + (f" and {argv[2]}/claims_zero_sweep.png" if sweep else ""))


if __name__ == "__main__":
    main(sys.argv)
