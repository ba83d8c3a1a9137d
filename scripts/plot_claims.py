#!/usr/bin/python3
"""Draws the claims report (ternac claims --json FILE) as three PNG figures.

  plot_claims.py claims.json OUTDIR

OUTDIR/claims_estimates.png  FP16 / ternary and INT8 / ternary arithmetic energy per node and
                             family, for each estimate (paper, critique, counted, activity, gate),
                             against the 71.4x and 5.5x claims
OUTDIR/claims_storage.png    energy per MAC (fJ) of the ternary, INT8 and FP16 designs per node:
                             arithmetic, + on-chip storage, + off-chip traffic, decode and prefill
OUTDIR/claims_zero_sweep.png the counted ratios against the fraction of zero weights

Every node is labelled with its energy-table family (marker shape: circle horowitz45, square
pokebnn7, triangle any other); a node with scaled rows is hatched in the bar chart. Energy per MAC
is in fJ. Uses only Debian's python3-matplotlib (scripts/setup.sh installs it).
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MARKERS = {"horowitz45": "o", "pokebnn7": "s"}
ESTIMATES = ["paper", "critique", "counted", "activity", "gate"]
COLORS = {"paper": "#999", "critique": "#c84", "counted": "#27a", "activity": "#2a7",
          "gate": "#a27"}


def fail(msg):
    print(f"plot_claims: {msg}", file=sys.stderr)
    sys.exit(2)


def save(fig, out, name):
    """Writes the figure atomically: a temporary file beside it, then renamed over it."""
    path = os.path.join(out, name)
    tmp = os.path.join(out, f".{name}.tmp-{os.getpid()}")
    try:
        fig.savefig(tmp, dpi=120, format="png")
        os.replace(tmp, path)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        fail(f"cannot write {path}: {e}")
    finally:
        plt.close(fig)


def label(node):
    return f"{node['node_nm']} nm\n{node['family']}" + ("\n(scaled)" if node["scaled"] else "")


def estimates_figure(report, out):
    nodes = report["nodes"]
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    for ax, field, claim, title in ((axes[0], "fp16_over_ternary", 71.4, "FP16 / ternary"),
                                    (axes[1], "int8_over_ternary", 5.5, "INT8 / ternary")):
        for e_i, name in enumerate(ESTIMATES):
            xs, ys, ms = [], [], []
            for n_i, n in enumerate(nodes):
                e = next((e for e in n["estimates"] if e["name"] == name), None)
                if e and e[field]:
                    xs.append(n_i + (e_i - 2) * 0.12)
                    ys.append(e[field])
                    ms.append(MARKERS.get(n["family"], "^"))
            for x, y, m in zip(xs, ys, ms):
                ax.scatter([x], [y], marker=m, color=COLORS[name], s=40,
                           label=name if (x, y) == (xs[0], ys[0]) else None)
        ax.axhline(claim, color="k", lw=0.8, ls=":", label=f"the claim, {claim}x")
        ax.set_yscale("log")
        ax.set_xticks(range(len(nodes)))
        ax.set_xticklabels([label(n) for n in nodes], fontsize=7)
        ax.set_ylabel(f"{title}, arithmetic energy per MAC")
        ax.set_title(title)
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=7, title="estimate (marker: circle horowitz45, square pokebnn7)",
                  title_fontsize=7)
    fig.suptitle(f"{report['workload']}: the claims against five estimates "
                 f"({report['zero_fraction'] * 100:.0f} % zero weights)")
    fig.tight_layout()
    save(fig, out, "claims_estimates.png")


def storage_figure(report, out):
    nodes = report["nodes"]
    runs = [s["run"] for s in nodes[0]["storage"]] if nodes and nodes[0].get("storage") else []
    if not runs:
        return False
    fig, axes = plt.subplots(1, len(runs), figsize=(7 * len(runs), 5), squeeze=False)
    designs = (("ternary", "#2a7"), ("int8", "#27a"), ("fp16", "#a52"))
    levels = (("arithmetic_fj_per_mac", 1.0, "arithmetic"),
              ("with_onchip_fj_per_mac", 0.6, "+ on-chip storage"),
              ("with_offchip_fj_per_mac", 0.3, "+ off-chip traffic"))
    for ax, run in zip(axes[0], runs):
        width = 0.09
        for d_i, (design, color) in enumerate(designs):
            for l_i, (field, alpha, level) in enumerate(levels):
                xs = [k + (3 * d_i + l_i - 4) * width for k in range(len(nodes))]
                ys = [next(s for s in n["storage"] if s["run"] == run)[design][field]
                      for n in nodes]
                bars = ax.bar(xs, ys, width, color=color, alpha=alpha,
                              label=f"{design.upper() if design != 'ternary' else design}, {level}")
                for b, n in zip(bars, nodes):
                    if n["scaled"]:
                        b.set_hatch("//")
        ax.set_yscale("log")
        ax.set_xticks(range(len(nodes)))
        ax.set_xticklabels([label(n) for n in nodes], fontsize=7)
        ax.set_ylabel("energy per MAC (fJ)")
        ax.set_title(f"{run}: arithmetic (counted), + on-chip, + off-chip")
        handles, names = ax.get_legend_handles_labels()
        hatch = matplotlib.patches.Patch(facecolor="white", edgecolor="k", hatch="//",
                                         label="hatched: the node has scaled rows (an estimate)")
        ax.legend(handles + [hatch], names + [hatch.get_label()], fontsize=6, ncol=2)
    fig.tight_layout()
    save(fig, out, "claims_storage.png")
    return True


def sweep_figure(report, out):
    nodes = [n for n in report["nodes"] if n.get("zero_sweep")]
    if not nodes:
        return False
    fig, ax = plt.subplots(figsize=(8, 5))
    for n in nodes:
        if n["node_nm"] not in (45, 7):
            continue
        zs = [p["zero_fraction"] * 100 for p in n["zero_sweep"]]
        m = MARKERS.get(n["family"], "^")
        style = "-" if n["node_nm"] == 7 else "--"
        ax.plot(zs, [p["fp16_over_ternary"] for p in n["zero_sweep"]], style, marker=m,
                color="#a52", label=f"FP16 / ternary, {n['node_nm']} nm {n['family']}")
        ax.plot(zs, [p["int8_over_ternary"] for p in n["zero_sweep"]], style, marker=m,
                color="#27a", label=f"INT8 / ternary, {n['node_nm']} nm {n['family']}")
    ax.axhline(71.4, color="#a52", lw=0.8, ls=":", label="the paper's claim, 71.4x")
    ax.axhline(5.5, color="#27a", lw=0.8, ls=":", label="the critique's, 5.5x")
    ax.set_yscale("log")
    ticks = [2, 3, 5, 7, 10, 20, 30, 50, 70, 100]
    ax.set_yticks(ticks)
    ax.set_yticklabels([f"{t}x" for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("zero weights (%)")
    ax.set_ylabel("counted arithmetic energy ratio")
    ax.set_title(f"{report['workload']}: the zero-weight fraction "
                 f"(the report's default: {report['zero_fraction'] * 100:.0f} %, "
                 f"{report.get('zero_fraction_source', '')})", fontsize=8)
    ax.grid(which="major", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    save(fig, out, "claims_zero_sweep.png")
    return True


def main(argv):
    if len(argv) != 3:
        fail("usage: plot_claims.py claims.json OUTDIR")
    try:
        with open(argv[1], encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        fail(f"cannot read {argv[1]}: {e}")
    if report.get("kind") != "ternac-claims" or report.get("schema_version") != 2:
        fail(f"{argv[1]} is not a ternac claims report of schema version 2")
    for key in ("nodes", "workload", "zero_fraction"):
        if key not in report:
            fail(f"{argv[1]} has no '{key}'")
    os.makedirs(argv[2], exist_ok=True)
    estimates_figure(report, argv[2])
    wrote = ["claims_estimates.png"]
    if storage_figure(report, argv[2]):
        wrote.append("claims_storage.png")
    if sweep_figure(report, argv[2]):
        wrote.append("claims_zero_sweep.png")
    print(f"plot_claims: wrote {', '.join(os.path.join(argv[2], w) for w in wrote)}")


if __name__ == "__main__":
    main(sys.argv)
