#!/usr/bin/python3
"""Checks that ternac's C++ layers depend in one direction only (docs/architecture.md "Layers").

  layering.py [ROOT]          check the tree at ROOT (default: this repository)
  layering.py --self-test     also show that each kind of violation is caught, on mutated copies

A layer is a folder; each has a rank, and a source may include a header, and a library may link a
library, only of a lower rank or of its own layer:

  0 base      model/base       strict text parsing, checked file I/O
  1 core      model/core       trits, configuration, golden GEMM, cycle and op-count models
  2 energy    model/energy     energy tables, estimates, claims        (energy and io are
  2 io        model/io         .npy and GGUF                            siblings: neither
  3 workload  model/workload   GEMM problems, layer shapes, stimulus    includes the other)
  4 dv        testbench/env    scoreboard, backpressure, harness, monitors
  5 tools     sim              CLI, bench, sweep points, gate runner, SystemC models and platform

Tests (files named *_test.cpp, wherever they are), the test programs elsewhere in testbench/ and
the co-simulation programs in sim/ sit on top of every layer and may include anything; nothing
else may include them. Every project header is
included by its path ("ternac/model/core/gemm.h"); a bare "gemm.h" that names a project header
is an error (generated headers, such as Verilator's, are not project headers). Exit status: 0
clean, 1 a violation (each printed as file:line: message), 2 bad usage.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

LAYERS = [  # (folder, name, rank); the longest matching folder wins
    ("model/base", "base", 0),
    ("model/core", "core", 1),
    ("model/energy", "energy", 2),
    ("model/io", "io", 2),
    ("model/workload", "workload", 3),
    ("testbench/env", "dv", 4),
    ("sim", "tools", 5),
]
TOP = ("top", 6)  # test programs and scripts: may include anything
LIBRARIES = {  # CMake library -> layer name
    "ternac_base": "base",
    "ternac_core": "core",
    "ternac_energy": "energy",
    "ternac_io": "io",
    "ternac_workload": "workload",
    "ternac_model": "workload",  # all of the model's layers: linked only from above them
    "ternac_dv": "dv",
    "ternac_cli_args": "tools",
    "ternac_tools": "tools",
    "ternac_cli_common": "tools",
    "ternac_sc_model": "tools",
    "ternac_vp_driver": "tools",
    "ternac_vp_device": "tools",
}
RANK = {name: rank for _, name, rank in LAYERS}
TOP_PROGRAMS = {"sim/cosim_test.cpp", "sim/assert_test.cpp", "sim/systemc/sc_cosim.cpp"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
LINK = re.compile(r"target_link_libraries\(\s*([\w:]+)([^)]*)\)", re.S)


def layer_of(path):
    """(name, rank) of a repository path's layer; TOP for the test programs and testbench/."""
    if path in TOP_PROGRAMS or path.endswith("_test.cpp"):
        return TOP
    best = None
    for folder, name, rank in LAYERS:
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best[0]):
                best = (folder, name, rank)
    if best is None:
        return TOP
    return best[1], best[2]


def allowed(src, dst):
    """Whether layer src may depend on layer dst (both (name, rank))."""
    if src == TOP or src[0] == dst[0]:
        return True
    return dst[1] < src[1]


def tracked_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-co", "--exclude-standard"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"layering: {root} is not a git work tree: {out.stderr.strip()}")
    return [p for p in out.stdout.split("\n") if p and os.path.isfile(os.path.join(root, p))]


def check(root, files):
    """The violations of the tree at root, as 'file:line: message' strings."""
    sources = [p for p in files if p.endswith((".h", ".cpp"))]
    headers = {os.path.basename(p): p for p in sources if p.endswith(".h")}
    present = set(files)
    problems = []
    for path in sources:
        src = layer_of(path)
        with open(os.path.join(root, path), encoding="utf-8") as f:
            lines = f.readlines()
        for n, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            inc = m.group(1)
            if inc.startswith("ternac/"):
                target = inc[len("ternac/"):]
                if target not in present:
                    problems.append(f"{path}:{n}: includes {inc}, which is not in the tree")
                    continue
                dst = layer_of(target)
                if dst == TOP and src != TOP:
                    problems.append(f"{path}:{n}: layer {src[0]} includes {target}, a test "
                                    "program's file")
                elif not allowed(src, dst):
                    problems.append(f"{path}:{n}: layer {src[0]} (rank {src[1]}) includes "
                                    f"{target} of layer {dst[0]} (rank {dst[1]})")
            elif "/" not in inc and inc in headers:
                problems.append(f"{path}:{n}: includes \"{inc}\" by its bare name; include it "
                                f"by its path, \"ternac/{headers[inc]}\"")
    for path in files:
        if os.path.basename(path) != "CMakeLists.txt" and not path.endswith(".cmake"):
            continue
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = f.read()
        for m in LINK.finditer(text):
            lib = m.group(1)
            if lib not in LIBRARIES:
                continue
            src = (LIBRARIES[lib], RANK[LIBRARIES[lib]])
            line = text.count("\n", 0, m.start()) + 1
            for dep in m.group(2).split():
                dep = dep.replace("ternac::", "")
                if dep in LIBRARIES:
                    dst = (LIBRARIES[dep], RANK[LIBRARIES[dep]])
                    if (dep == "ternac_model" and src[1] <= dst[1]) or not allowed(src, dst):
                        problems.append(f"{path}:{line}: library {lib} (layer {src[0]}) links "
                                        f"{dep} (layer {dst[0]})")
    return problems


MUTATIONS = [  # (file, text appended or replaced, what must be reported)
    ("model/core/gemm.h", '#include "ternac/model/energy/claims.h"\n', "layer core (rank 1) includes"),
    ("model/energy/claims.h", '#include "ternac/model/io/npy.h"\n', "layer energy (rank 2) includes"),
    ("model/base/text_io.h", '#include "ternac/testbench/env/scoreboard.h"\n', "layer base"),
    ("testbench/env/scoreboard.h", '#include "ternac/sim/cli/common.h"\n', "layer dv (rank 4)"),
    ("model/io/npy.h", '#include "trit.h"\n', 'includes "trit.h" by its bare name'),
    ("model/core/config.h", '#include "ternac/testbench/units/units_test.cpp"\n',
     "a test program's file"),
    ("model/CMakeLists.txt", "target_link_libraries(ternac_core PUBLIC ternac_energy)\n",
     "library ternac_core (layer core) links ternac_energy"),
    ("model/CMakeLists.txt", "target_link_libraries(ternac_io PUBLIC ternac_model)\n",
     "library ternac_io (layer io) links ternac_model"),
]


def self_test(root, files):
    """Each mutation of a copy of the tree must be reported; returns the number missed."""
    missed = 0
    with tempfile.TemporaryDirectory(prefix="layering.") as tmp:
        for name, text, expect in MUTATIONS:
            copy = os.path.join(tmp, "tree")
            shutil.rmtree(copy, ignore_errors=True)
            for p in files:
                if p.endswith((".h", ".cpp", ".txt", ".cmake")):
                    os.makedirs(os.path.dirname(os.path.join(copy, p)), exist_ok=True)
                    shutil.copyfile(os.path.join(root, p), os.path.join(copy, p))
            with open(os.path.join(copy, name), "a", encoding="utf-8") as f:
                f.write(text)
            found = [p for p in check(copy, files) if expect in p]
            status = "caught" if found else "MISSED"
            print(f"layering self-test: {name} + {text.strip()}: {status}")
            if not found:
                missed += 1
    return missed


def main(argv):
    args = [a for a in argv if a != "--self-test"]
    if any(a.startswith("-") for a in args) or len(args) > 1:
        print("usage: layering.py [--self-test] [ROOT]", file=sys.stderr)
        return 2
    root = args[0] if args else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.isdir(root):
        print(f"layering: {root} is not a directory", file=sys.stderr)
        return 2
    files = tracked_files(root)
    problems = check(root, files)
    for p in problems:
        print(p)
    sources = sum(1 for p in files if p.endswith((".h", ".cpp")))
    print(f"layering: {sources} sources, {len(problems)} violation(s)")
    status = 1 if problems else 0
    if "--self-test" in argv and self_test(root, files):
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
