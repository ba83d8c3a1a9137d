#!/usr/bin/python3
"""Summarizes Verilator coverage files (coverage.dat) of a ternac regression.

    coverage_report.py <out.md> <config>=<file.dat> ...

For each configuration and merged: line and toggle coverage (points hit / points, per instance, as
Verilator counts them), and the functional cover points of the RTL (TERNAC_COVER: every trit
code against every operand class, every handshake state of every stream, tile remainders, short
token blocks, error and overflow events), summed over instances by name. A functional point no
configuration hit is a hole; points a configuration cannot reach by construction (saturation in a
full-precision tree, an illegal code in a configuration that never sends one) are listed per
configuration, so a hole is read against what the configuration can do. Writes a Markdown report
and prints it.
"""

import argparse
import collections
import re
import sys


def read_dat(path):
    points = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            body, count = line.rstrip("\n").rsplit("' ", 1)
            fields = {}
            for item in body[3:].split("\x01"):
                if "\x02" in item:
                    k, v = item.split("\x02", 1)
                    fields[k] = v
            points.append((fields, int(count)))
    return points


def kind(fields):
    page = fields.get("page", "")
    for k in ("line", "toggle", "user", "branch", "expr"):
        if page.startswith("v_" + k):
            return k
    return "other"


def point_name(fields):
    """A cover point's name; the points of the bound stream checkers (u_<stream>_rules) are named
    after their stream (cov_fire of u_cmd_rules is cov_cmd_fire)."""
    name = fields.get("o", "?")
    stream = re.search(r"\bu_(\w+?)_rules\b", fields.get("h", ""))
    if stream and name.startswith("cov_"):
        name = f"cov_{stream.group(1)}_{name[4:]}"
    return name


def summarize(points):
    tot = collections.Counter()
    hit = collections.Counter()
    user = collections.Counter()
    for f, c in points:
        k = kind(f)
        if k == "branch":
            k = "line"  # Verilator files if/else arms under branch; both are line coverage
        tot[k] += 1
        hit[k] += c > 0
        if k == "user":
            user[point_name(f)] += c
    return tot, hit, user


def pct(h, t):
    return f"{100.0 * h / t:.1f} % ({h} / {t})" if t else "n/a"


def named_file(text):
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"expected <config>=<file.dat>, got '{text}'")
    return name, path


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Exit status: 0 no hole, 1 a functional point no "
                                       "configuration hit, 2 bad usage.")
    p.add_argument("out", metavar="out.md", help="the Markdown report to write (also printed)")
    p.add_argument("runs", nargs="+", type=named_file, metavar="<config>=<file.dat>",
                   help="a configuration's name and its Verilator coverage file; a run named "
                        "'merged' (the others merged) is reported but not added to the totals")
    a = p.parse_args()
    out = a.out
    runs = a.runs
    lines = ["| configuration | line | toggle | functional points hit |", "|---|---|---|---|"]
    per_config = {}
    merged_user = collections.Counter()
    for name, path in runs:
        tot, hit, user = summarize(read_dat(path))
        per_config[name] = user
        if name != "merged":  # the merged file repeats the others
            merged_user.update(user)
        names = [n for n in user]
        lines.append(f"| {name} | {pct(hit['line'], tot['line'])} | "
                     f"{pct(hit['toggle'], tot['toggle'])} | "
                     f"{sum(user[n] > 0 for n in names)} / {len(names)} |")
    all_names = sorted(merged_user)
    holes = [n for n in all_names if merged_user[n] == 0]
    lines += ["", f"Functional points: {len(all_names)}, hit in some configuration: "
              f"{len(all_names) - len(holes)}, holes: {len(holes)}"
              + (" (" + ", ".join(holes) + ")" if holes else ""), "",
              "| point | " + " | ".join(n for n, _ in runs) + " |",
              "|---|" + "---|" * len(runs)]
    for n in all_names:
        lines.append(f"| {n} | " + " | ".join(str(per_config[c].get(n, "-")) for c, _ in runs)
                     + " |")
    text = "\n".join(lines) + "\n"
    with open(out, "w") as f:
        f.write(text)
    print(text)
    return 1 if holes else 0


if __name__ == "__main__":
    sys.exit(main())
