#!/usr/bin/python3
"""ternac regression runner, built on CTest.

    scripts/regress.py [--level smoke|default|nightly] [--tags T,...] [--seeds N] [--base-seed S]
                       [--shard I/N] [--jobs J] [--build DIR] [--out DIR] [--no-build]
    scripts/regress.py merge --out DIR SHARD_DIR... [--compare SUMMARY.json]

Levels:
  smoke    everything but the formal proofs, synthesis, lint and sweep tests, with 100 random
           GEMMs per configuration instead of 1000: well under two minutes.
  default  the whole suite, as CI runs it (scripts/test.sh): every configuration, 1000 random
           GEMMs per configuration (300 in the 16 x 64 array), formal proofs, synthesis checks.
  nightly  the default level plus the tests labelled nightly (every 2B4T layer with a prefill of
           8 tokens, a whole decoded 2B4T token, a 2B4T block with a prefill of 128, a short fuzz
           run of every reader, the default level again under ASan + UBSan), then the seeded
           tests again for --seeds seeds (default 4) with 3000 random GEMMs each.

--tags selects tests by CTest label (any of them: unit, cosim, systemc, energy, formal, assert,
fuzz, a configuration name such as small or csa, ...). --shard I/N runs every N-th test starting
at the I-th of each pass (a test that needs a fixture goes with the fixture's setup test), so
that N machines (a CI matrix, a Slurm job array) share one run; `merge` combines their output
directories into one summary. Output in --out (default <build>/regress/<level>): junit.xml (for
CI systems), summary.json and summary.csv (test, configuration, seed, result, wall time,
reproduction command) and a one-line reproduction command per failure on the terminal. Exit status 0 when every selected test passed.
"""

import argparse
import csv
import json
import os
import re
import shlex
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERIC_LABELS = {"unit", "model", "rtl", "cosim", "cpp", "systemc", "synth", "energy", "formal",
                  "assert", "fuzz", "robustness", "lint", "sweep", "cli", "nightly", "regress"}
SEEDED = r"RandomGemms|Unit\.Random|LaneUnit\.RandomSequences"

# Per level: CTest label selection, exclusion, environment, and whether seeded passes follow.
LEVELS = {
    "smoke": {"include": None, "exclude": "formal|synth|sweep|lint|nightly|regress",
              "env": {"TERNAC_RANDOM_COUNT": "100"}},
    "default": {"include": None, "exclude": "nightly|regress", "env": {}},
    "nightly": {"include": None, "exclude": "regress", "env": {}},
}


def parse_shard(text):
    try:
        i, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard wants I/N, got '{text}'")
    if not (n >= 1 and 1 <= i <= n):
        raise argparse.ArgumentTypeError(f"--shard {text}: need 1 <= I <= N")
    return (i, n)


def ctest_listing(build, args, fixtures=None):
    """Test name -> labels, in CTest's order. With a dict `fixtures`, also fills it with test
    name -> the fixtures it sets up or requires (FIXTURES_SETUP / _REQUIRED / _CLEANUP)."""
    out = subprocess.run(["ctest", "--show-only=json-v1"] + args, cwd=build, check=True,
                         capture_output=True, text=True).stdout
    tests = {}
    for t in json.loads(out)["tests"]:
        labels, fix = [], []
        for p in t.get("properties", []):
            if p["name"] == "LABELS":
                labels = p["value"]
            elif p["name"].startswith("FIXTURES_"):
                fix += p["value"] if isinstance(p["value"], list) else [p["value"]]
        tests[t["name"]] = labels
        if fixtures is not None:
            fixtures[t["name"]] = fix
    return tests


def shard_groups(names, fixtures):
    """The tests in groups that must run on the same shard: CTest runs a fixture's setup test
    with any test that requires the fixture, so a test and the setup of its fixtures go together
    (else the setup would run, and be reported, in two shards). Groups keep CTest's order."""
    owner = {}  # fixture -> group index
    groups = []
    for t in names:
        joined = sorted({owner[f] for f in fixtures.get(t, []) if f in owner})
        if joined:
            g = joined[0]
            for other in joined[1:]:  # a test that links two groups merges them
                groups[g] += groups[other]
                groups[other] = []
                for f, o in owner.items():
                    if o == other:
                        owner[f] = g
            groups[g].append(t)
        else:
            g = len(groups)
            groups.append([t])
        for f in fixtures.get(t, []):
            owner[f] = g
    return [g for g in groups if g]


def configuration(labels):
    names = [l for l in labels if l not in GENERIC_LABELS]
    return names[0] if len(names) == 1 else ""


def run_pass(a, name, select, env, seed):
    """One ctest invocation; returns summary rows."""
    junit = os.path.join(a.out, f"junit-{name}.xml")
    args = list(select)
    fixtures = {}
    listing = ctest_listing(a.build, args, fixtures)
    if a.shard:
        # Every N-th group of this pass's selection (a test with the setups of its fixtures),
        # starting at the I-th, by name: CTest's own -I numbers tests over the whole suite and,
        # combined with -R, does not split a selection.
        i, n = a.shard
        names = [t for g in shard_groups(list(listing), fixtures)[i - 1::n] for t in g]
        listing = {t: listing[t] for t in names}
        args += ["-R", "^(" + "|".join(regex_escape(t) for t in names) + ")$"] if names else []
    if not listing:
        print(f"regress: pass {name}: no test selected")
        return []
    print(f"regress: pass {name}: {len(listing)} tests" + (f", seed {seed}" if seed else ""),
          flush=True)
    full_env = dict(os.environ, **env)
    if seed is not None:
        full_env["TERNAC_SEED"] = str(seed)
    # A failing co-simulation re-runs its command into an FST waveform here, next to the report.
    waves = os.path.join(a.out, "waves", name)
    full_env["TERNAC_WAVE_DIR"] = waves
    if a.trace:
        full_env["TERNAC_TRACE"] = "1"
    subprocess.run(["ctest", "-j", str(a.jobs), "--output-junit", junit] + args, cwd=a.build,
                   env=full_env, stdout=subprocess.DEVNULL)
    rows = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        test = case.get("name")
        status = case.get("status", "run")
        if case.find("failure") is not None or status == "fail":
            result = "fail"
        elif case.find("skipped") is not None or status in ("disabled", "notrun"):
            result = "skip"
        else:
            result = "pass"
        assigns = ([f"TERNAC_SEED={seed}"] if seed is not None else []) + \
            [f"{k}={v}" for k, v in sorted(env.items())]
        repro = " ".join([f"cd {shlex.quote(a.build)} &&"] + assigns +
                         ["ctest --output-on-failure -R",
                          shlex.quote("^" + regex_escape(test) + "$")])
        config = configuration(listing.get(test, []))
        out = case.findtext("system-out") or ""
        cycles = sum(int(a or b) for a, b in CYCLES.findall(out))
        # A failing co-simulation names the waveform of its re-run in its output.
        wave = " ".join(dict.fromkeys(WAVE.findall(out))) if result == "fail" else ""
        rows.append({"test": test, "configuration": config,
                     "seed": "" if seed is None else seed, "pass": name, "result": result,
                     "cycles": cycles if cycles else "",
                     "wall_s": round(float(case.get("time", 0) or 0), 3), "reproduce": repro,
                     "waveform": wave})
    return rows


# Simulated cycles as the tests print them: "ternac-cycles: N" (cosim_test.cpp, per test) and
# "N cycles simulated" (ternac run / model).
WAVE = re.compile(r"waveform: (\S+\.fst)")
CYCLES = re.compile(r"ternac-cycles: (\d+)|(?<![\w-])(\d+) cycles simulated")


def regex_escape(name):
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in name)


def write_outputs(out, rows, meta):
    os.makedirs(out, exist_ok=True)
    rows = sorted(rows, key=lambda r: (r["pass"], r["test"], str(r["seed"])))
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["test", "configuration", "seed", "pass", "result",
                                          "cycles", "wall_s", "reproduce", "waveform"])
        w.writeheader()
        w.writerows(rows)
    suites = ET.Element("testsuites")
    by_pass = {}
    for r in rows:
        by_pass.setdefault(r["pass"], []).append(r)
    for name, rs in by_pass.items():
        s = ET.SubElement(suites, "testsuite", name=f"ternac.{name}", tests=str(len(rs)),
                          failures=str(sum(r["result"] == "fail" for r in rs)),
                          skipped=str(sum(r["result"] == "skip" for r in rs)))
        for r in rs:
            c = ET.SubElement(s, "testcase", name=r["test"], classname=r["configuration"] or "ternac",
                              time=str(r["wall_s"]))
            if r["result"] == "fail":
                ET.SubElement(c, "failure", message="failed").text = (
                    r["reproduce"] + (f"\nwaveform: {r['waveform']}" if r.get("waveform") else ""))
            elif r["result"] == "skip":
                ET.SubElement(c, "skipped")
    ET.ElementTree(suites).write(os.path.join(out, "junit.xml"), encoding="utf-8",
                                 xml_declaration=True)
    return rows


def report(rows, out):
    fails = [r for r in rows if r["result"] == "fail"]
    n = {k: sum(r["result"] == k for r in rows) for k in ("pass", "fail", "skip")}
    print(f"regress: {len(rows)} results: {n['pass']} passed, {n['fail']} failed, "
          f"{n['skip']} skipped; {out}/junit.xml, summary.json, summary.csv")
    for r in fails:
        print(f"FAILED {r['test']}" + (f" (seed {r['seed']})" if r["seed"] != "" else "") +
              f"\n  reproduce: {r['reproduce']}" +
              (f"\n  waveform: {r['waveform']}" if r.get("waveform") else ""))
    return 1 if fails else 0


def main_run(argv):
    p = argparse.ArgumentParser(prog="regress", description=__doc__.split("\n\n")[0])
    p.add_argument("--level", choices=sorted(LEVELS), default="default")
    p.add_argument("--tags", default="", help="comma-separated CTest labels (any of them)")
    p.add_argument("--seeds", type=int, default=None, help="seeded passes (nightly: 4)")
    p.add_argument("--base-seed", type=int, default=1)
    p.add_argument("--shard", type=parse_shard, default=None)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--build", default=os.environ.get("TERNAC_BUILD_DIR", os.path.join(ROOT, "build")))
    p.add_argument("--out", default=None)
    p.add_argument("--no-build", action="store_true", help="use the build as it is")
    p.add_argument("--trace", action="store_true",
                   help="write every co-simulation as an FST waveform into <out>/waves/")
    p.add_argument("--inject-fault", type=int, default=0, metavar="N",
                   help="choose test-only RTL fault N (docs/assertions.md) in the fault build "
                        "(cosim_test_fault): the regression must catch it")
    a = p.parse_args(argv)
    a.build = os.path.abspath(a.build)
    a.out = os.path.abspath(a.out or os.path.join(a.build, "regress", a.level))
    if a.seeds is not None and a.seeds < 1:
        p.error("--seeds must be at least 1")
    if not a.no_build:
        subprocess.run([os.path.join(ROOT, "scripts", "build.sh")], check=True)
    os.makedirs(a.out, exist_ok=True)
    level = LEVELS[a.level]
    select = []
    if a.tags:
        tags = [t.strip() for t in a.tags.split(",") if t.strip()]
        select += ["-L", "^(" + "|".join(tags) + ")$"]
    elif level["include"]:
        select += ["-L", level["include"]]
    if level["exclude"]:
        select += ["-LE", level["exclude"]]
    t0 = time.time()
    fault = {"TERNAC_FAULT": str(a.inject_fault)} if a.inject_fault else {}
    rows = run_pass(a, "main", select, dict(level["env"], **fault), None)
    seeds = a.seeds if a.seeds is not None else (4 if a.level == "nightly" else 0)
    for s in range(a.base_seed, a.base_seed + seeds):
        env = {"TERNAC_RANDOM_COUNT": "3000"} if a.level == "nightly" else level["env"]
        rows += run_pass(a, f"seed{s}", select + ["-R", SEEDED], dict(env, **fault), s)
    meta = {"level": a.level, "tags": a.tags, "inject_fault": a.inject_fault, "seeds": seeds, "base_seed": a.base_seed,
            "shard": f"{a.shard[0]}/{a.shard[1]}" if a.shard else "", "build": a.build,
            "wall_s": round(time.time() - t0, 1)}
    rows = write_outputs(a.out, rows, meta)
    print(f"regress: level {a.level} took {meta['wall_s']} s")
    return report(rows, a.out)


def main_merge(argv):
    p = argparse.ArgumentParser(prog="regress merge")
    p.add_argument("--out", required=True)
    p.add_argument("--compare", default=None,
                   help="a summary.json to compare with (e.g. of an unsharded run)")
    p.add_argument("dirs", nargs="+")
    a = p.parse_args(argv)
    rows, metas = [], []
    for d in a.dirs:
        path = os.path.join(d, "summary.json")
        try:
            with open(path) as f:
                s = json.load(f)
        except (OSError, ValueError) as e:
            sys.exit(f"regress merge: cannot read {path}: {e}")
        rows += s["rows"]
        metas.append(s["meta"])
    keys = [(r["pass"], r["test"], str(r["seed"])) for r in rows]
    if len(keys) != len(set(keys)):
        sys.exit("regress merge: the shards overlap (a test appears twice)")
    meta = {"merged_from": metas}
    rows = write_outputs(os.path.abspath(a.out), rows, meta)
    status = report(rows, os.path.abspath(a.out))
    if a.compare:
        with open(a.compare) as f:
            other = json.load(f)["rows"]
        def key(r):  # what must agree between runs: not wall time, paths or waveforms
            return (r["pass"], r["test"], r["configuration"], str(r["seed"]), r["result"],
                    str(r.get("cycles", "")))
        mine = sorted(key(r) for r in rows)
        theirs = sorted(key(r) for r in other)
        if mine == theirs:
            print(f"regress merge: equal to {a.compare} ({len(mine)} results)")
        else:
            only_m = set(mine) - set(theirs)
            only_t = set(theirs) - set(mine)
            print(f"regress merge: DIFFERS from {a.compare}: {len(only_m)} results only here, "
                  f"{len(only_t)} only there")
            for r in sorted(only_m)[:10]:
                print("  here only:", r)
            for r in sorted(only_t)[:10]:
                print("  there only:", r)
            status = 1
    return status


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "merge":
        sys.exit(main_merge(sys.argv[2:]))
    sys.exit(main_run(sys.argv[1:]))
