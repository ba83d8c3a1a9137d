#!/usr/bin/env python3
"""The design file list is the design: no checker, counter, coverage or fault code in it.

    design_purity.py [rtl/ternac.f]

Every source of the design list is read, and the check fails (exit 1, naming file and line) on:
assertions, cover points, assertion/coverage/fault macros, plusargs, display tasks, initial
blocks, Verilator public pragmas (except on a localparam: the package's constants are public so
that the C++ mirror is checked against them, sim/pkg_mirror.cpp), or the word 'fault'. The only simulation-only code the design
may hold is the activity its datapath exposes for the bound energy monitors (docs/energy.md):
inside `ifndef SYNTHESIS regions, declarations and continuous assignments of probe_* signals
(and unused_probes), the localparams that size them and the generate blocks that build them, and no
process (always, initial) at all; outside those regions, no probe_* signal. Standard library only.
"""

import os
import re
import sys

FORBIDDEN = [
    (r"\bassert\s+property\b|\bassume\s+property\b|\bcover\s+property\b", "an assertion or cover point"),
    (r"`TERNAC_(ASSERT|COVER|FAULT)", "an assertion, coverage or fault macro"),
    (r"\$(value|test)\$plusargs", "a plusarg"),
    (r"\$(display|write|monitor|strobe)\b", "a display task"),
    (r"^\s*initial\b", "an initial block"),
    (r"^(?!\s*localparam\b).*verilator\s+public", "a Verilator public pragma (other than on a constant)"),
    (r"(?i)\bfault", "fault code"),
    (r"`include\s+\"ternac_assert", "the assertion header"),
]
REGION_LINE = [
    r"^$",
    r"^//",
    r"^logic\b.*\b(probe_\w+|unused_probes)\b.*;$",
    r"^localparam\b",
    r"^assign\s+(probe_\w+|unused_probes)\b.*",
    r"^(for\s*\(genvar|if\s*\().*begin\s*:\s*g_\w+$",
    r"^end(\s*else.*)?$",
]


def design_files(flist):
    base = os.path.dirname(os.path.abspath(flist))
    out = []
    with open(flist, encoding="utf-8") as f:
        for line in f:
            line = line.split("//")[0].strip()
            if line.endswith(".sv"):
                out.append(os.path.join(base, line))
    return out


def check(path):
    problems = []
    region = 0  # nesting depth inside `ifndef SYNTHESIS
    continuing = False  # the previous statement has not ended: this line continues it
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, raw in enumerate(lines, 1):
        code = raw.split("//")[0].rstrip() if not raw.strip().startswith("//") else ""
        where = f"{os.path.relpath(path)}:{n}"
        for pattern, what in FORBIDDEN:
            if re.search(pattern, raw):
                problems.append(f"{where}: {what}: {raw.strip()}")
        stripped = code.strip()
        if stripped.startswith("`ifndef SYNTHESIS"):
            region += 1
            continue
        if region and stripped.startswith("`endif"):
            region -= 1
            continue
        if stripped.startswith("`"):
            problems.append(f"{where}: a preprocessor condition other than `ifndef SYNTHESIS")
            continue
        if region:
            if re.search(r"\balways(_ff|_comb|_latch)?\b|\binitial\b", stripped):
                problems.append(f"{where}: a process in simulation-only code: {stripped}")
            elif not continuing and not any(re.match(p, stripped) for p in REGION_LINE):
                problems.append(f"{where}: simulation-only code that is not probe wiring: {stripped}")
            if stripped:
                continuing = not re.search(r"(;|\bbegin\s*:\s*\w+|\bend)$", stripped)
        elif re.search(r"\bprobe_\w+", stripped):
            problems.append(f"{where}: a probe outside `ifndef SYNTHESIS: {stripped}")
    if region:
        problems.append(f"{os.path.relpath(path)}: unterminated `ifndef SYNTHESIS")
    return problems


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    flist = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "rtl", "ternac.f")
    files = design_files(flist)
    if not files:
        print(f"design_purity: no source in {flist}", file=sys.stderr)
        return 2
    problems = [p for f in files for p in check(f)]
    for p in problems:
        print(p)
    print(f"design_purity: {len(files)} design files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
