#!/usr/bin/python3
"""The FuseSoC core (ternac.core) and the Bender manifest (Bender.yml) list the files of the
Verilator file lists, in the same order (docs/packaging.md).

    testbench/packaging/manifests_test.py [--self-test] [--no-lint] [--root DIR]
                                          [--core FILE] [--bender FILE]

The file lists are read as scripts/file_list.sh reads them: comments (//), blank lines and
options (-I...) skipped, paths relative to the list's own directory (Verilator's -F); their
+incdir+ directories are kept for the include check. Checked:

  ternac.core  fileset rtl: the sources of rtl/ternac.f, in order, file_type systemVerilogSource;
               fileset dv: the sources of testbench/dv/ternac_dv.f, in order, and include files
               (is_include_file) whose directories are the list's +incdir+ directories;
               target default: rtl and never dv; every target's filesets exist, rtl before dv;
               target lint: verilator, lint-only, -Wall, toplevel ternac_top.
  Bender.yml   package ternac; the files outside any target: rtl/ternac.f's, in order; the files
               under target simulation: testbench/dv/ternac_dv.f's, in order, their include_dirs
               the list's +incdir+ directories; no file under another target.

Then (unless --no-lint) verilator --lint-only -Wall --top-module ternac_top on the design and on
design + dv as each manifest lists them, with its include directories: any warning fails.
--self-test first proves that the check fails: mutated copies of the manifests (a dropped,
a reordered, an extra file, dv in the default target, a lost include, a wrong file type,
unparsable and missing files) are each checked by this script, which must report them.

Manifest paths are relative to --root (default: the repository), where rtl/ternac.f and
testbench/dv/ternac_dv.f are read. Exit 0 pass, 1 a mismatch (one line per difference, naming
the manifest and the difference), 2 bad input (a missing or unparsable manifest or file list,
no verilator). Debian's python3-yaml and the standard library only."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.dont_write_bytecode = True
SELF = os.path.abspath(__file__)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(SELF)))
RTL_LIST = "rtl/ternac.f"
DV_LIST = "testbench/dv/ternac_dv.f"
TOP = "ternac_top"
FILE_TYPE = "systemVerilogSource"
SV_TARGET = "simulation"
PREFIX = "manifests_test:"


class BadInput(Exception):
    """A file that cannot be read or parsed: exit 2."""


class FileList:
    """The sources and +incdir+ directories of a Verilator file list read with -F."""

    def __init__(self, root, rel):
        self.name = rel
        path = os.path.join(root, rel)
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
        except OSError as e:
            raise BadInput(f"{rel}: cannot read the file list: {e.strerror}")
        base = os.path.dirname(os.path.abspath(path))
        self.sources = []
        self.incdirs = []
        for line in lines:
            line = line.split("//")[0].strip()
            if line.startswith("+incdir+"):
                for d in line[len("+incdir+"):].split("+"):
                    if d:
                        self.incdirs.append(norm(root, os.path.join(base, d)))
            elif line and not line.startswith(("+", "-")):
                self.sources.append(norm(root, os.path.join(base, line)))
        if not self.sources:
            raise BadInput(f"{rel}: no source file in the file list")


def norm(root, path):
    """A path relative to root (absolute if outside it), normalized."""
    full = os.path.normpath(os.path.join(root, path))
    rel = os.path.relpath(full, root)
    return full if rel.startswith("..") else rel


def display(root, path):
    rel = os.path.relpath(os.path.abspath(path), root)
    return os.path.abspath(path) if rel.startswith("..") else rel


def load_yaml(path, name, first_line=None):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise BadInput(f"{name}: cannot read the manifest: {e.strerror}")
    except UnicodeDecodeError:
        raise BadInput(f"{name}: not UTF-8 text")
    if first_line is not None and text.split("\n", 1)[0].rstrip() != first_line:
        raise BadInput(f"{name}: not a CAPI2 core file (the first line must be {first_line})")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).split("\n")[0]
        raise BadInput(f"{name}: unparsable YAML{where}: {problem}")
    if not isinstance(data, dict):
        raise BadInput(f"{name}: not a YAML mapping")
    return data


def compare(problems, where, flist, actual):
    """One line per kind of difference between a file list's sources and a manifest's."""
    expected = flist.sources
    seen = set()
    for f in actual:
        if f in seen:
            problems.append(f"{where}: {f} listed more than once")
        seen.add(f)
    missing = [f"{f} (entry {i + 1} of {flist.name})" for i, f in enumerate(expected)
               if f not in actual]
    extra = [f for f in actual if f not in expected]
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
    if extra:
        problems.append(f"{where}: extra {', '.join(extra)} (not in {flist.name})")
    exp_common = [f for f in expected if f in seen]
    act_common = []
    for f in actual:
        if f in expected and f not in act_common:
            act_common.append(f)
    for i, (e, a) in enumerate(zip(exp_common, act_common)):
        if e != a:
            problems.append(f"{where}: out of order: {a} where {flist.name} has {e} "
                            f"(the files both list, position {i + 1})")
            break


def compare_incdirs(problems, where, flist, incdirs):
    want, have = set(flist.incdirs), set(incdirs)
    for d in sorted(want - have):
        problems.append(f"{where}: no include directory {d} (+incdir+ of {flist.name})")
    for d in sorted(have - want):
        problems.append(f"{where}: include directory {d} is not a +incdir+ of {flist.name}")


# ---------------------------------------------------------------------------------------------
# FuseSoC CAPI2

def core_fileset(problems, root, name, data, fileset):
    """(sources, include files) of a fileset, in order; problems for what is malformed."""
    where = f"{name} fileset {fileset}"
    fs = data.get("filesets", {}).get(fileset) if isinstance(data.get("filesets"), dict) else None
    if not isinstance(fs, dict):
        problems.append(f"{where}: no such fileset")
        return None
    default_type = fs.get("file_type")
    files = fs.get("files")
    if not isinstance(files, list):
        problems.append(f"{where}: no files list")
        return None
    sources, includes = [], []
    wrong_type = {}  # file_type -> paths
    for i, entry in enumerate(files, 1):
        attrs = {}
        if isinstance(entry, dict) and len(entry) == 1:
            entry, attrs = next(iter(entry.items()))
            attrs = attrs if isinstance(attrs, dict) else None
        if not isinstance(entry, str) or attrs is None:
            problems.append(f"{where}: entry {i} is neither a path nor {{path: {{attributes}}}}")
            continue
        path = norm(root, entry)
        ftype = attrs.get("file_type", default_type)
        if ftype != FILE_TYPE:
            wrong_type.setdefault(str(ftype), []).append(path)
        if attrs.get("is_include_file") is True:
            includes.append(path)
            if not os.path.isfile(os.path.join(root, path)):
                problems.append(f"{where}: include file {path} does not exist")
        else:
            sources.append(path)
    for ftype, paths in wrong_type.items():
        problems.append(f"{where}: file_type {ftype}, not {FILE_TYPE}: {', '.join(paths)}")
    return sources, includes


def check_core(root, path, rtl, dv):
    name = display(root, path)
    data = load_yaml(path, name, first_line="CAPI=2:")
    problems = []
    if not isinstance(data.get("name"), str) or len(data["name"].split(":")) != 4:
        problems.append(f"{name}: name is not a VLNV (vendor:library:name:version)")
    lists = {}
    for fileset, flist in (("rtl", rtl), ("dv", dv)):
        got = core_fileset(problems, root, name, data, fileset)
        if got is None:
            continue
        sources, includes = got
        where = f"{name} fileset {fileset}"
        compare(problems, where, flist, sources)
        compare_incdirs(problems, where, flist, sorted({os.path.dirname(f) for f in includes}))
        lists[fileset] = (sources, sorted({os.path.dirname(f) for f in includes}))
    targets = data.get("targets")
    if not isinstance(targets, dict) or "default" not in targets:
        problems.append(f"{name}: no default target")
        targets = targets if isinstance(targets, dict) else {}
    filesets = data.get("filesets") if isinstance(data.get("filesets"), dict) else {}
    for tname, target in targets.items():
        where = f"{name} target {tname}"
        used = target.get("filesets") if isinstance(target, dict) else None
        if not isinstance(used, list) or not used:
            problems.append(f"{where}: no filesets list")
            continue
        for fs in used:
            if fs not in filesets:
                problems.append(f"{where}: fileset {fs} does not exist")
        if "dv" in used and ("rtl" not in used or used.index("rtl") > used.index("dv")):
            problems.append(f"{where}: dv without rtl before it (the design is read first)")
        if tname == "default" and "dv" in used:
            problems.append(f"{where}: holds dv (simulation only; the default target is what "
                            f"a depending core gets, the design alone)")
        if tname == "default" and "rtl" not in used:
            problems.append(f"{where}: does not hold rtl")
    lint = targets.get("lint")
    if not isinstance(lint, dict):
        problems.append(f"{name}: no lint target")
    else:
        tool = (lint.get("tools") or {}).get("verilator") or {}
        if lint.get("default_tool") != "verilator":
            problems.append(f"{name} target lint: default_tool is not verilator")
        if lint.get("toplevel") != TOP:
            problems.append(f"{name} target lint: toplevel is not {TOP}")
        if tool.get("mode") != "lint-only":
            problems.append(f"{name} target lint: verilator mode is not lint-only")
        if "-Wall" not in (tool.get("verilator_options") or []):
            problems.append(f"{name} target lint: verilator_options lack -Wall")
    return problems, lists


# ---------------------------------------------------------------------------------------------
# Bender

def bender_files(problems, name, entries, targets, incdirs, out):
    """Flattens sources into out: (path, targets on the way, include dirs on the way)."""
    if not isinstance(entries, list):
        problems.append(f"{name}: sources is not a list")
        return
    for entry in entries:
        if isinstance(entry, str):
            out.append((entry, targets, incdirs))
        elif isinstance(entry, dict) and "files" in entry:
            t = entry.get("target")
            dirs = entry.get("include_dirs") or []
            if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
                problems.append(f"{name}: include_dirs is not a list of paths")
                dirs = []
            bender_files(problems, name, entry["files"],
                         targets + ([str(t)] if t is not None else []), incdirs + dirs, out)
        else:
            problems.append(f"{name}: source entry {entry!r} is neither a path nor a group")


def check_bender(root, path, rtl, dv):
    name = display(root, path)
    data = load_yaml(path, name)
    problems = []
    package = data.get("package")
    if not isinstance(package, dict) or package.get("name") != "ternac":
        problems.append(f"{name}: package name is not ternac")
    flat = []
    bender_files(problems, name, data.get("sources", []), [], [], flat)
    exported = data.get("export_include_dirs") or []
    design, sim = [], []
    design_dirs, sim_dirs = set(), set()
    for entry, targets, incdirs in flat:
        p = norm(root, entry)
        dirs = {norm(root, d) for d in incdirs + exported}
        if not targets:
            design.append(p)
            design_dirs |= dirs
        elif targets == [SV_TARGET]:
            sim.append(p)
            sim_dirs |= dirs
        else:
            problems.append(f"{name}: {p} under target {' / '.join(targets)} (the design has "
                            f"no target, the dv files target {SV_TARGET})")
    compare(problems, f"{name} design (no target)", rtl, design)
    compare_incdirs(problems, f"{name} design (no target)", rtl, sorted(design_dirs))
    compare(problems, f"{name} target {SV_TARGET}", dv, sim)
    compare_incdirs(problems, f"{name} target {SV_TARGET}", dv, sorted(sim_dirs))
    return problems, {"rtl": (design, sorted(design_dirs)), "dv": (sim, sorted(sim_dirs))}


# ---------------------------------------------------------------------------------------------
# Verilator

def lint(root, jobs):
    """jobs: {(files, incdirs): [what, ...]}; returns problems."""
    verilator = shutil.which("verilator")
    if verilator is None:
        raise BadInput("verilator not found on PATH (scripts/setup.sh installs it; --no-lint "
                       "skips the lint)")
    problems = []
    with tempfile.TemporaryDirectory(prefix="ternac-manifests-") as work:
        for (files, incdirs), whats in jobs.items():
            cmd = [verilator, "--lint-only", "-Wall", "--top-module", TOP]
            cmd += [f"+incdir+{os.path.join(root, d)}" for d in incdirs]
            cmd += [os.path.join(root, f) for f in files]
            r = subprocess.run(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
            if r.returncode != 0 or r.stdout.strip():
                first = next((l for l in r.stdout.split("\n") if l.strip()), "no output")
                problems.append(f"{' and '.join(whats)}: verilator --lint-only -Wall is not "
                                f"clean (status {r.returncode}): {first.strip()}")
            else:
                print(f"{PREFIX} lint clean: {' and '.join(whats)} ({len(files)} files)")
    return problems


def check(args):
    """Returns the exit status; prints one line per problem."""
    root = os.path.abspath(args.root)
    try:
        rtl = FileList(root, RTL_LIST)
        dv = FileList(root, DV_LIST)
        core_problems, core_lists = check_core(root, args.core or os.path.join(root,
                                               "ternac.core"), rtl, dv)
        bender_problems, bender_lists = check_bender(root, args.bender or os.path.join(
            root, "Bender.yml"), rtl, dv)
    except BadInput as e:
        print(f"{PREFIX} {e}", file=sys.stderr)
        return 2
    problems = core_problems + bender_problems
    for p in problems:
        print(f"{PREFIX} {p}", file=sys.stderr)
    if problems:
        return 1
    print(f"{PREFIX} ternac.core and Bender.yml list {rtl.name} ({len(rtl.sources)} files) and "
          f"{dv.name} ({len(dv.sources)} files, include directories {', '.join(dv.incdirs)}) "
          f"in order")
    if args.no_lint:
        return 0
    jobs = {}
    for manifest, lists in (("ternac.core", core_lists), ("Bender.yml", bender_lists)):
        design = (tuple(lists["rtl"][0]), tuple(lists["rtl"][1]))
        both = (design[0] + tuple(lists["dv"][0]),
                tuple(dict.fromkeys(lists["rtl"][1] + lists["dv"][1])))
        jobs.setdefault(design, []).append(f"{manifest} design")
        jobs.setdefault(both, []).append(f"{manifest} design + dv")
    try:
        problems = lint(root, jobs)
    except BadInput as e:
        print(f"{PREFIX} {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(f"{PREFIX} {p}", file=sys.stderr)
    return 1 if problems else 0


# ---------------------------------------------------------------------------------------------
# Self-test: each mutation of a manifest copy must be reported with its status and words.

def drop(line):
    return lambda t: replace_once(t, line + "\n", "")


def swap(a, b):
    def mutate(t):
        t = replace_once(t, a + "\n", "\0A\n")
        t = replace_once(t, b + "\n", a + "\n")
        return t.replace("\0A\n", b + "\n")
    return mutate


def insert_after(line, new):
    return lambda t: replace_once(t, line + "\n", line + "\n" + new + "\n")


def sub(old, new):
    return lambda t: replace_once(t, old, new)


def replace_once(text, old, new):
    if text.count(old) != 1:
        raise AssertionError(f"self-test: the mutation expects {old!r} once in the manifest")
    return text.replace(old, new)


# (what, manifest, mutation, expected status, words the one-line report must hold); a mutation
# of one thing is reported in exactly one line, except those of ALSO_REPORTED (more follows).
MUTATIONS = [
    ("core: a design file dropped", "core", drop("      - rtl/ternac_fifo.sv"), 1,
     ["fileset rtl", "missing rtl/ternac_fifo.sv"]),
    ("core: two design files reordered", "core",
     swap("      - rtl/ternac_select.sv", "      - rtl/ternac_select_split.sv"), 1,
     ["fileset rtl", "out of order", "rtl/ternac_select_split.sv"]),
    ("core: an extra design file (a dv file)", "core",
     insert_after("      - rtl/ternac_top.sv", "      - testbench/dv/ternac_bind.sv"), 1,
     ["fileset rtl", "extra testbench/dv/ternac_bind.sv"]),
    ("core: a dv file dropped", "core", drop("      - testbench/dv/ternac_lane_cov.sv"), 1,
     ["fileset dv", "missing testbench/dv/ternac_lane_cov.sv"]),
    ("core: two dv files reordered", "core",
     swap("      - testbench/dv/ternac_dv_pkg.sv", "      - testbench/dv/ternac_bind.sv"), 1,
     ["fileset dv", "out of order"]),
    ("core: the include file dropped", "core",
     drop("      - testbench/dv/ternac_assert.svh: {is_include_file: true}"), 1,
     ["fileset dv", "no include directory testbench/dv"]),
    ("core: dv in the default target", "core",
     sub("  default:\n    filesets: [rtl]", "  default:\n    filesets: [rtl, dv]"), 1,
     ["target default", "holds dv"]),
    ("core: a wrong file type", "core",
     sub("      - rtl/ternac_top.sv\n    file_type: systemVerilogSource",
         "      - rtl/ternac_top.sv\n    file_type: verilogSource"), 1,
     ["fileset rtl", "file_type verilogSource"]),
    ("core: not CAPI2", "core", sub("CAPI=2:\n", ""), 2, ["not a CAPI2 core file"]),
    ("core: unparsable YAML", "core", lambda t: t + "  broken: [unclosed\n", 2,
     ["unparsable YAML"]),
    ("core: missing", "core", None, 2, ["cannot read the manifest"]),
    ("Bender: a design file dropped", "bender", drop("  - rtl/ternac_ctrl.sv"), 1,
     ["design (no target)", "missing rtl/ternac_ctrl.sv"]),
    ("Bender: two design files reordered", "bender",
     swap("  - rtl/ternac_adder.sv", "  - rtl/ternac_adder_tree.sv"), 1,
     ["design (no target)", "out of order", "rtl/ternac_adder_tree.sv"]),
    ("Bender: an extra design file (a dv file)", "bender",
     insert_after("  - rtl/ternac_top.sv", "  - testbench/dv/ternac_top_monitor.sv"), 1,
     ["design (no target)", "extra testbench/dv/ternac_top_monitor.sv"]),
    ("Bender: a dv file dropped", "bender",
     drop("      - testbench/dv/ternac_top_sva.sv"), 1,
     ["target simulation", "missing testbench/dv/ternac_top_sva.sv"]),
    ("Bender: an extra dv file", "bender",
     insert_after("      - testbench/dv/ternac_bind.sv", "      - testbench/dv/ternac_extra.sv"),
     1, ["target simulation", "extra testbench/dv/ternac_extra.sv"]),
    ("Bender: the dv group without its target", "bender",
     sub("  - target: simulation\n    include_dirs:", "  - include_dirs:"), 1,
     ["design (no target)", "extra testbench/dv/ternac_dv_pkg.sv"]),
    ("Bender: the include directory dropped", "bender",
     sub("    include_dirs:\n      - testbench/dv\n", ""), 1,
     ["target simulation", "no include directory testbench/dv"]),
    ("Bender: unparsable YAML", "bender", lambda t: t + "sources: [\n", 2, ["unparsable YAML"]),
    ("Bender: missing", "bender", None, 2, ["cannot read the manifest"]),
    ("the file lists missing (--root an empty directory)", "root", None, 2,
     ["rtl/ternac.f", "cannot read the file list"]),
]
# Its dv files are extra in the design, missing from target simulation, and its include
# directory is on the design.
ALSO_REPORTED = {"Bender: the dv group without its target"}


def self_test():
    """Returns the number of mutations that were not reported as expected."""
    failed = 0
    originals = {}
    for key, fname in (("core", "ternac.core"), ("bender", "Bender.yml")):
        try:
            with open(os.path.join(ROOT, fname), encoding="utf-8") as f:
                originals[key] = f.read()
        except OSError as e:
            print(f"{PREFIX} {fname}: cannot read the manifest: {e.strerror}", file=sys.stderr)
            return -1
    with tempfile.TemporaryDirectory(prefix="ternac-manifests-self-") as work:
        cases = [("unmutated copies", None, None, 0, [])] + MUTATIONS
        for n, (what, key, mutate, status, words) in enumerate(cases):
            paths = {}
            root = ROOT
            if key == "root":
                root = os.path.join(work, f"{n}-empty")
                os.mkdir(root)
            for k, fname in (("core", "ternac.core"), ("bender", "Bender.yml")):
                paths[k] = os.path.join(work, f"{n}-{fname}")
                text = originals[k]
                if k == key and mutate is None:
                    continue  # the manifest is missing
                if k == key:
                    text = mutate(text)
                with open(paths[k], "w", encoding="utf-8") as f:
                    f.write(text)
            r = subprocess.run([sys.executable, SELF, "--no-lint", "--root", root,
                                "--core", paths["core"], "--bender", paths["bender"]],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            report = [l for l in r.stderr.split("\n") if l]
            manifest = os.path.basename(paths[key]) if key in paths else ""
            ok = r.returncode == status
            if status != 0:
                line = next((l for l in report if all(w in l for w in words)), None)
                ok = ok and line is not None and manifest in line
                ok = ok and all(l.startswith(PREFIX) for l in report)
                ok = ok and (len(report) == 1 or what in ALSO_REPORTED)
                shown = line if line is not None else " | ".join(report) or "(no report)"
            else:
                ok = ok and not report
                shown = r.stdout.strip().split("\n")[0]
            verdict = "caught" if ok and status else "ok" if ok else "NOT CAUGHT"
            print(f"self-test {verdict}: {what}: exit {r.returncode}: {shown}")
            if not ok:
                print(f"  expected exit {status} and a line with {manifest} and {words}; "
                      f"got exit {r.returncode}:\n  " + "\n  ".join(report), file=sys.stderr)
                failed += 1
    print(f"{PREFIX} self-test: the unmutated copies and {len(MUTATIONS)} mutations, "
          f"{len(cases) - failed} of {len(cases)} as expected")
    return failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=ROOT, help="the directory manifest paths are relative to, "
                    "holding rtl/ternac.f and testbench/dv/ternac_dv.f (default: the repository)")
    ap.add_argument("--core", help="the FuseSoC core (default: ROOT/ternac.core)")
    ap.add_argument("--bender", help="the Bender manifest (default: ROOT/Bender.yml)")
    ap.add_argument("--no-lint", action="store_true", help="skip the Verilator lint")
    ap.add_argument("--self-test", action="store_true",
                    help="first check that mutated manifest copies are each reported")
    args = ap.parse_args()
    if args.self_test:
        failed = self_test()
        if failed < 0:
            return 2
        if failed:
            print(f"{PREFIX} self-test failed: {failed} mutations not reported as expected",
                  file=sys.stderr)
            return 1
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
