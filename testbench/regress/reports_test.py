#!/usr/bin/python3
"""What CI systems and people read from the regression runner (docs/regression.md, "Outputs"):
one JUnit file per run, each failure with the test's own diagnosis, skip reasons, timestamps and
times; summary.json with consistent types and provenance; progress on a terminal and in a pipe;
and the example CI files (GitHub Actions, GitLab CI), parsed, whose shard commands must select
every test of the level exactly once.

    testbench/regress/reports_test.py <build dir>

It runs the smoke level of two small configurations with test-only RTL fault 13 (the lost +1 of
a negation) in the fault one, a seeded pass, and the unit tests once on a terminal (script).
Exit 0 when every check passed, 1 when one failed (each failure is printed), 2 bad usage."""

import csv
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import yaml  # Debian's python3-yaml (scripts/setup.sh)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGRESS = os.path.join(ROOT, "scripts", "regress.py")
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what +
          ("" if cond or not detail else f"\n     {detail}"))
    if not cond:
        failures.append(what)
    return cond


def junit_and_summary(build, tmp):
    out = os.path.join(tmp, "fault")
    r = subprocess.run([REGRESS, "--no-build", "--build", build, "--level", "smoke", "--tags",
                        "fault,odd", "--inject-fault", "13", "--seeds", "1", "--out", out],
                       capture_output=True, text=True, timeout=600)
    check(r.returncode == 1, "fault 13: the run fails (exit 1)", f"rc {r.returncode}: {r.stderr}")
    xml = sorted(os.path.relpath(p, out) for p in glob.glob(f"{out}/**/*.xml", recursive=True))
    check(xml == ["junit.xml"], "one XML file in the output, junit.xml", str(xml))
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    rows, meta = s["rows"], s["meta"]
    root = ET.parse(os.path.join(out, "junit.xml")).getroot()
    suites = {x.get("name"): x for x in root.iter("testsuite")}
    cases = [(n, c) for n, x in suites.items() for c in x.iter("testcase")]
    check(set(suites) == {"ternac.main", "ternac.seed1"}, "a test suite per pass",
          str(sorted(suites)))
    check(len(cases) == len(rows) and len(rows) > 20, "each result once in junit.xml",
          f"{len(cases)} cases, {len(rows)} rows")
    check(all(len({c.get("name") for c in x.iter("testcase")}) == len(x.findall("testcase"))
              for x in suites.values()), "test case names unique within a suite")
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
    check(all(stamp.match(x.get("timestamp", "")) and x.get("hostname") and
              float(x.get("time")) >= 0 for x in suites.values()),
          "every suite has a timestamp, a host name and a time",
          str([x.attrib for x in suites.values()]))
    check(all(re.fullmatch(r"\d+\.\d{3}", c.get("time", "")) for _, c in cases),
          "every test case has a time")

    def case(suite, name):
        return next((c for n, c in cases if n == suite and c.get("name") == name), None)

    c = case("ternac.main", "fault/Cosim.HandshakeTimingOfSmallestCommand")
    f = c.find("failure") if c is not None else None
    msg = f.get("message", "") if f is not None else ""
    check("expected 78, got 77" in msg and "the +1 of each negation" in msg and "was lost" in msg,
          "the failure message is the scoreboard's diagnosis, not 'failed'", msg)
    c = case("ternac.seed1", "fault/Cosim.RandomGemms")
    f = c.find("failure") if c is not None else None
    text = f.text if f is not None else ""
    check(f is not None and "got" in f.get("message", "") and "TERNAC_SEED=1" in text and
          "TERNAC_FAULT=13" in text and re.search(r"waveform: \S+\.fst", text),
          "a seeded failure: diagnosis, reproduction command with its seed, waveform", text[-600:])
    c = case("ternac.main", "odd/Cosim.HandshakeTimingOfSmallestCommand")
    sk = c.find("skipped") if c is not None else None
    check(sk is not None and
          sk.get("message") == "the waveform is of a one-beat port and a combinational tree",
          "a skipped test carries its reason", "" if sk is None else str(sk.attrib))
    props = {p.get("name"): p.get("value") for p in suites["ternac.seed1"].iter("property")}
    check(props.get("seed") == "1" and props.get("level") == "smoke" and
          re.fullmatch(r"[0-9a-f]{40}", props.get("commit", "")),
          "suite properties: level, seed, commit", str(props))

    # summary.json: types and provenance.
    check(s.get("schema") == 2 and s.get("kind") == "ternac-regress-summary",
          "summary.json schema 2")
    check(all((r["seed"] is None) == (r["pass"] == "main") for r in rows) and
          all(r["seed"] == 1 for r in rows if r["pass"] == "seed1"),
          "seed is an integer in a seeded pass, null in the main pass")
    check(all(r["cycles"] is None or (isinstance(r["cycles"], int) and
                                      not isinstance(r["cycles"], bool)) for r in rows) and
          any(r["cycles"] and r["result"] == "pass" for r in rows),
          "cycles are integers or null, never ''")
    check(all(isinstance(r["waveforms"], list) for r in rows) and
          all(r["message"] for r in rows if r["result"] != "pass"),
          "waveforms a list; every failure and skip has a message")
    git, tools = meta.get("git") or {}, meta.get("tools") or {}
    check(re.fullmatch(r"[0-9a-f]{40}", git.get("commit", "")) and
          isinstance(git.get("dirty"), bool), "provenance: git commit and dirty flag", str(git))
    check((tools.get("verilator") or "").startswith("Verilator") and
          re.fullmatch(r"\d+\.\d+\.\d+", tools.get("systemc") or "") and tools.get("compiler")
          and "cmake version" in (tools.get("cmake") or ""),
          "provenance: Verilator, SystemC, compiler and CMake versions", str(tools))
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
    check(meta["level"] == "smoke" and meta["tags"] == ["fault", "odd"] and meta["seeds"] == 1
          and meta["shard"] is None and meta["inject_fault"] == 13 and meta["host"] and
          iso.match(meta["start"]) and iso.match(meta["end"]) and
          [p["name"] for p in meta["passes"]] == ["main", "seed1"],
          "provenance: level, tags, seeds, shard, fault, host, start and end, passes",
          json.dumps({k: meta[k] for k in ("level", "tags", "seeds", "shard", "start", "end")}))
    with open(os.path.join(out, "summary.csv"), newline="") as f:
        table = list(csv.DictReader(f))
    check(len(table) == len(rows) and all(t["seed"] == "" for t in table if t["pass"] == "main"),
          "summary.csv: a row per result, an empty seed in the main pass")
    r = subprocess.run([REGRESS, "compare", out, out], capture_output=True, text=True)
    check(r.returncode == 0 and "equal" in r.stdout, "the summary reads back (regress compare)",
          r.stdout + r.stderr)


def progress(build, tmp):
    base = [REGRESS, "--no-build", "--build", build, "--tags", "unit"]
    r = subprocess.run(base + ["--out", f"{tmp}/piped"], capture_output=True, text=True,
                       timeout=600)
    lines = [l for l in r.stdout.splitlines() if re.match(r"regress: main: \[\d+/\d+\]", l)]
    check(r.returncode == 0 and 5 <= len(lines) <= 11 and "\r" not in r.stdout,
          "piped: a progress line per ~10 %, nothing redrawn", f"{len(lines)} lines: {lines[:3]}")
    cmd = " ".join(shlex.quote(x) for x in base + ["--out", f"{tmp}/tty"])
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, timeout=600,
                       stdin=subprocess.DEVNULL)  # bytes: text mode would turn \r into \n
    redraws = r.stdout.count(b"\r\x1b[K")
    check(r.returncode == 0 and redraws >= 10 and b"results:" in r.stdout,
          "on a terminal: one progress line redrawn in place", f"{redraws} redraws")


def ci_files(build):
    gh = yaml.safe_load(open(os.path.join(ROOT, ".github", "workflows", "regression.yml")))
    gl = yaml.safe_load(open(os.path.join(ROOT, ".gitlab-ci.yml")))
    jobs = gh["jobs"]
    shards = jobs["shard"]["strategy"]["matrix"]["shard"]
    runs = [s["run"] for s in jobs["shard"]["steps"] if "run" in s]
    check(shards == list(range(1, len(shards) + 1)), "GitHub: a matrix of shards 1..N",
          str(shards))
    check(runs[:2] == ["scripts/setup.sh", "scripts/build.sh"],
          "GitHub: installs and builds with .ci/run's commands", str(runs))
    check("shard" in (jobs["merge"].get("needs") or []) and
          any("regress.py merge" in s.get("run", "") for s in jobs["merge"]["steps"]),
          "GitHub: a merge job after the shards")
    gh_cmds = [runs[-1].replace("${{ matrix.shard }}", str(i)) for i in shards]
    n = gl["regression"]["parallel"]
    check(gl["regression"]["script"][:2] == ["scripts/setup.sh", "scripts/build.sh"],
          "GitLab: installs and builds with .ci/run's commands")
    check(gl["merge"]["artifacts"]["reports"]["junit"] == "out/all/junit.xml" and
          any("regress.py merge" in c for c in gl["merge"]["script"]),
          "GitLab: a merge job reporting the merged junit.xml")
    gl_cmds = [gl["regression"]["script"][-1].replace("$CI_NODE_INDEX/$CI_NODE_TOTAL", f"{i}/{n}")
               .replace("$CI_NODE_INDEX", str(i)) for i in range(1, n + 1)]
    # Each shard's command, with --list on this build: together every test of the level once.
    full = subprocess.run([REGRESS, "--no-build", "--build", build, "--level", "default",
                           "--list"], capture_output=True, text=True).stdout.splitlines()[1:]
    for name, cmds in (("GitHub", gh_cmds), ("GitLab", gl_cmds)):
        listed, ok = [], True
        for c in cmds:
            argv = shlex.split(c)
            ok &= argv[0] == "scripts/regress.py"
            r = subprocess.run([REGRESS] + argv[1:] + ["--build", build, "--list"],
                               capture_output=True, text=True)
            ok &= r.returncode == 0
            listed += r.stdout.splitlines()[1:]
        check(ok and sorted(listed) == sorted(full) and len(full) > 100,
              f"{name}: the shard commands run every test of the default level once",
              f"{len(listed)} listed, {len(full)} in the level")


def main(argv):
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    build = os.path.abspath(argv[0])
    tmp = tempfile.mkdtemp(prefix="ternac-regress-reports.")
    junit_and_summary(build, tmp)
    progress(build, tmp)
    ci_files(build)
    if not failures:
        subprocess.run(["rm", "-rf", tmp])
    else:
        print(f"reports_test: outputs kept in {tmp}")
    print(f"reports_test: {len(failures)} failed" if failures else "reports_test: PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
