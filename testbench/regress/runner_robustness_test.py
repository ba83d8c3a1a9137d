#!/usr/bin/python3
"""The regression runner (scripts/regress.py) under bad input, signals, a busy or full output
directory and a build tree of its own: every case here once went wrong (docs/regression.md,
"Robustness"). It runs the runner on small CTest trees it makes (a few shell tests and a fake
build.ninja), so it needs no build of ternac and takes seconds.

    testbench/regress/runner_robustness_test.py

Exit 0 when every check passed, 1 when one failed (each failure is printed)."""

import copy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGRESS = [os.path.join(ROOT, "scripts", "regress.py")]
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what +
          ("" if cond or not detail else f"\n     {detail}"))
    if not cond:
        failures.append(what)
    return cond


def run(args, cwd=None, env=None, timeout=120, prefix=(), **kw):
    """(exit status, stdout, stderr); a runner still running after `timeout` seconds is killed
    and reported as status None."""
    try:
        r = subprocess.run(list(prefix) + REGRESS + args, capture_output=True, text=True,
                           cwd=cwd, env=env, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        return None, "", f"(still running after {timeout} s: killed)"
    return r.returncode, r.stdout, r.stderr


def one_line_error(rc, err, *words):
    """Exit 2 and a single line on stderr naming what is wrong, no traceback."""
    lines = [l for l in err.splitlines() if l.strip()]
    return rc == 2 and len(lines) == 1 and "Traceback" not in err and \
        all(w in lines[0] for w in words)


def cmake_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_tree(path, tests, steps=0):
    """A CTest tree: tests are (name, labels, shell command[, extra properties]); with steps, a
    build.ninja of that many steps (each touches built/step-N) that scripts/build.sh runs."""
    os.makedirs(path)
    lines = []
    for t in tests:
        name, labels, cmd = t[:3]
        lines.append(f"add_test({name} /bin/sh -c {cmake_quote(cmd)})")
        props = f'LABELS "{labels}"' + (" " + t[3] if len(t) > 3 else "")
        lines.append(f"set_tests_properties({name} PROPERTIES {props})")
    with open(os.path.join(path, "CTestTestfile.cmake"), "w") as f:
        f.write("\n".join(lines) + "\n")
    if steps:
        rules = ["rule step", "  command = sleep 0.05 && mkdir -p built && touch $out",
                 "  description = step $out"]
        outs = [f"built/step-{i}" for i in range(1, steps + 1)]
        rules += [f"build {o}: step" for o in outs]
        rules += ["build all: phony " + " ".join(outs), "default all"]
        with open(os.path.join(path, "build.ninja"), "w") as f:
            f.write("\n".join(rules) + "\n")


GTEST_FAILURE = r"""printf '%s\n' '[ RUN      ] Lane.Sum' 'lane_test.cpp:12: Failure' \
  'sum at beat 3: expected 78, got 77' 'ternac-cycles: 9' '[  FAILED  ] Lane.Sum (1 ms)'; exit 1"""


def summary(path):
    with open(os.path.join(path, "summary.json")) as f:
        return json.load(f)


def wait_for(path, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is gone for this purpose
        return f.read().split(") ")[-1][0] != "Z"


def write_json(path, data, raw=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(raw if raw is not None else json.dumps(data).encode())


def strict_options(tmp, fake):
    """Integer options strict and in range, single-valued options given once (issue 18)."""
    listing = ["--list", "--no-build", "--build", fake]
    for args, words in (
            (["--jobs", "010"], ["--jobs", "'010'"]),  # not ten, not octal eight
            (["--jobs", "+3"], ["--jobs", "'+3'"]),
            (["--jobs", " 3"], ["--jobs", "' 3'"]),
            (["--jobs=-3"], ["--jobs", "'-3'"]),
            (["--jobs", "\u0663"], ["--jobs"]),  # ARABIC-INDIC DIGIT THREE: int() reads it
            (["--jobs", "1025"], ["--jobs", "1025", "1..1024"]),
            (["--jobs", "99999999999999999999"], ["--jobs", "99999999999999999999"]),
            (["--seeds", "0x10"], ["--seeds", "'0x10'"]),
            (["--seeds", "1_0"], ["--seeds", "'1_0'"]),
            (["--seeds", "1001"], ["--seeds", "1001", "0..1000"]),
            (["--base-seed", "-1"], ["--base-seed", "'-1'"]),
            (["--base-seed", "4294967295", "--seeds", "2"], ["--base-seed", "4294967295"]),
            (["--inject-fault", "65536"], ["--inject-fault", "65536"]),
            (["--shard", "01/2"], ["--shard", "'01/2'"]),
            (["--shard", "1/1001"], ["--shard", "1/1001"]),
            (["--shards", "3"], ["--shards", "--slurm"])):
        rc, out, err = run(listing + args)
        check(one_line_error(rc, err, *words), f"strict integer option: {' '.join(args)} is "
              f"refused naming the option and the value", f"rc {rc}: {err or out[:200]}")
    for args, option in ((["--jobs", "2", "--jobs", "3"], "--jobs"),
                         (["--jobs=2", "--jobs=2"], "--jobs"),
                         (["--out", f"{tmp}/oa", f"--out={tmp}/ob"], "--out"),
                         (["--level", "smoke", "--level", "smoke"], "--level"),
                         (["--tags", "unit", "--tags", "small"], "--tags"),
                         (["--shard", "1/2", "--shard=2/2"], "--shard")):
        rc, out, err = run(listing + args)
        check(one_line_error(rc, err, option, "more than once"),
              f"repeated option: {' '.join(args)} is refused naming {option}",
              f"rc {rc}: {err or out[:200]}")
    rc, out, err = run(listing + ["--job", "2"])
    check(one_line_error(rc, err, "--job"), "an abbreviated option (--job) is not taken for --jobs",
          f"rc {rc}: {err or out[:200]}")
    rc, out, err = run(listing + ["--jobs", "3", "--no-build", "--list", "--tags", "unit"])
    check(rc == 0 and "unit/Pass.One" in out, "--jobs 3 and repeated flags (--no-build, --list) "
          "are fine", f"rc {rc}: {err or out[:200]}")


def hostile_summaries(tmp, fake, s1, s2):
    """merge and compare on summaries with fields of wrong JSON types, malformed JSON, FIFOs;
    standard output that cannot be written; SIGTERM while reading (issue 18)."""
    base = summary(s2)
    fail = copy.deepcopy(base)
    fail["rows"][0].update(result="fail", test="unit/\ud800")

    def meta(k, v):
        d = copy.deepcopy(base)
        d["meta"][k] = v
        return d

    def row(k, v):
        d = copy.deepcopy(base)
        d["rows"][0][k] = v
        return d

    text = json.dumps(base)
    deep_tools = copy.deepcopy(base)
    deep_tools["meta"]["tools"] = {"verilator": None}
    deep_text = json.dumps(deep_tools).replace('"verilator": null', '"verilator": ' +
                                               "[" * 900 + "]" * 900)
    passes_back = copy.deepcopy(base)
    passes_back["meta"]["passes"][0]["end"] = "2000-01-01T00:00:00Z"
    repeated = copy.deepcopy(base)
    repeated["rows"].append(copy.deepcopy(repeated["rows"][0]))
    cases = [  # (name, data or raw bytes, words the error must have)
        ("level-list", meta("level", []), ["'level'"]),
        ("tags-object", meta("tags", {"0": "unit"}), ["'tags'"]),
        ("seeds-string", meta("seeds", "0"), ["'seeds'"]),
        ("shard-huge", meta("shard", {"index": 1, "count": 10 ** 15}), ["'shard'"]),
        ("shard-extra", meta("shard", {"index": 1, "count": 2, "x": [[[]]]}), ["'shard'"]),
        ("git-null-commit", meta("git", {"commit": None, "dirty": False}), ["'git'"]),
        ("start-naive", meta("start", "2026-12-06T18:04:27"), ["'start'"]),
        ("start-junk", meta("start", "yesterday"), ["'start'"]),
        ("interrupted-escape", meta("interrupted", "\x1b[2J"), ["'interrupted'"]),
        ("passes-tests-string", None, ["'passes'", "'tests'"]),
        ("passes-end-first", passes_back, ["'passes'", "before"]),
        ("meta-null", dict(base, meta=None), ["'meta'"]),
        ("rows-object", dict(base, rows={"0": base["rows"][0]}), ["'rows'"]),
        ("row-null", dict(base, rows=[None]), ["row 1"]),
        ("cycles-string", row("cycles", "7"), ["'cycles'"]),
        ("waveforms-object", row("waveforms", {"a": "b"}), ["'waveforms'"]),
        ("row-repeated", repeated, ["repeats row 1"]),
        ("test-surrogate", fail, ["'test'"]),
        ("wall-infinity", None, ["Infinity"]),
        ("wall-nan", None, ["NaN"]),
        ("wall-1e999", None, ["1e999"]),
        ("cycles-huge", None, ["integer", "out of range"]),
        ("seed-2-to-64", None, ["integer", "out of range"]),
        ("key-twice", None, ["twice"]),
        ("not-utf8", None, ["UTF-8"]),
        ("nested-100000", None, ["nested"]),
        ("nested-900-in-tools", None, ["nested"]),
        ("truncated", None, ["JSON"]),
    ]
    raw = {
        "passes-tests-string": text.replace('"tests": 1', '"tests": "1"', 1),
        "wall-infinity": re.sub(r'"wall_s": [0-9.]+', '"wall_s": Infinity', text, count=1),
        "wall-nan": re.sub(r'"wall_s": [0-9.]+', '"wall_s": NaN', text, count=1),
        "wall-1e999": re.sub(r'"wall_s": [0-9.]+', '"wall_s": 1e999', text, count=1),
        "cycles-huge": re.sub(r'"cycles": [0-9]+', '"cycles": ' + "9" * 5000, text, count=1),
        "seed-2-to-64": text.replace('"base_seed": 1', '"base_seed": 18446744073709551616'),
        "key-twice": text.replace('"meta": {', '"meta": {"level": "smoke", ', 1),
        "not-utf8": text.replace("unit/", "unit\xff/", 1),
        "nested-100000": text.replace('"level": ', '"deep": ' + "[" * 100000 + "]" * 100000 +
                                      ', "level": ', 1),
        "nested-900-in-tools": deep_text,
        "truncated": text[:len(text) // 2],
    }
    for name, t in raw.items():
        assert t != text, f"the case {name} changed nothing"
    for name, data, words in cases:
        path = os.path.join(tmp, "hostile", name, "summary.json")
        if name in raw:
            write_json(path, None, raw[name].encode("latin-1" if name == "not-utf8" else "utf-8",
                                                    "surrogatepass"))
        else:
            write_json(path, None, json.dumps(data).encode())
        for cmd in (["compare", path, s2], ["merge", "--out", f"{tmp}/hm-{name}", s1,
                                             os.path.dirname(path)]):
            rc, out, err = run(cmd, timeout=60)
            check(one_line_error(rc, err, path, *words),
                  f"{cmd[0]} of a summary with {name}: one line naming the file and the problem, "
                  f"exit 2", f"rc {rc}: {err[-300:] or out[-300:]}")

    # Standard output that cannot be written: exit 2, one line, no traceback.
    listing = ["--list", "--no-build", "--build", fake]
    with open("/dev/full", "w") as full:
        r = subprocess.run(REGRESS + listing, stdout=full, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        check(one_line_error(r.returncode, r.stderr, "cannot write standard output",
                             "No space left"), "--list > /dev/full: exit 2, one line",
              f"rc {r.returncode}: {r.stderr[-300:]}")
        r = subprocess.run(REGRESS + ["compare", s2, s2], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=60)
        check(one_line_error(r.returncode, r.stderr, "cannot write standard output"),
              "compare > /dev/full: exit 2, one line", f"rc {r.returncode}: {r.stderr[-300:]}")
    read_end, write_end = os.pipe()
    os.close(read_end)  # a reader that has gone, as with `| head -0`
    r = subprocess.run(REGRESS + listing, stdout=write_end, stderr=subprocess.PIPE, text=True,
                       timeout=60)
    os.close(write_end)
    check(one_line_error(r.returncode, r.stderr, "cannot write standard output", "Broken pipe"),
          "--list into a pipe nobody reads: exit 2, one line", f"rc {r.returncode}: {r.stderr}")
    r = subprocess.run(REGRESS + listing, stderr=subprocess.PIPE, text=True, timeout=60,
                       preexec_fn=lambda: os.close(1))
    check(one_line_error(r.returncode, r.stderr, "standard output is closed"),
          "--list with standard output closed: exit 2, one line",
          f"rc {r.returncode}: {r.stderr[-300:]}")

    # A FIFO as a summary: refused at once (opening it would wait for a writer), exit 2.
    fifo_dir = os.path.join(tmp, "fifo")
    os.makedirs(fifo_dir)
    fifo = os.path.join(fifo_dir, "summary.json")
    os.mkfifo(fifo)
    for cmd in (["compare", fifo, s2], ["merge", "--out", f"{tmp}/fm1", s1, fifo_dir],
                ["merge", "--out", f"{tmp}/fm2", s1, s2, "--compare", fifo]):
        t0 = time.monotonic()
        rc, out, err = run(cmd, timeout=20)
        check(one_line_error(rc, err, fifo, "FIFO") and time.monotonic() - t0 < 10,
              f"{cmd[0]}{' --compare' if '--compare' in cmd else ''} of a FIFO: refused at "
              f"once, exit 2", f"rc {rc}: {err or out}")
    rc, out, err = run(["compare", "/dev/null", s2])
    check(one_line_error(rc, err, "/dev/null", "character device"),
          "compare of /dev/null: refused as a device", f"rc {rc}: {err or out}")

    # SIGTERM while merge reads and checks a large summary: it ends at once with 143 and writes
    # nothing (before, merge ignored the signal it had caught and ran to the end).
    big = copy.deepcopy(base)
    big["rows"] = [dict(base["rows"][0], test=f"unit/Big.T{i}", details="x" * 200)
                   for i in range(60000)]
    write_json(os.path.join(tmp, "big", "summary.json"), big)
    out_dir = os.path.join(tmp, "big-merged")
    p = subprocess.Popen(REGRESS + ["merge", "--out", out_dir, os.path.join(tmp, "big")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    caught = False
    end = time.monotonic() + 30
    while time.monotonic() < end and p.poll() is None and not caught:
        try:
            with open(f"/proc/{p.pid}/status") as f:
                sigcgt = next(l for l in f if l.startswith("SigCgt:")).split()[1]
            caught = bool(int(sigcgt, 16) & (1 << (signal.SIGTERM - 1)))
        except (OSError, StopIteration):
            pass
        if not caught:
            time.sleep(0.005)
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    took = time.monotonic() - t0
    lines = [l for l in err.splitlines() if l.strip()]
    check(caught and p.returncode == 143 and len(lines) == 1 and "SIGTERM" in lines[0] and
          took < 5 and not os.path.exists(os.path.join(out_dir, "summary.json")),
          "SIGTERM while merge reads a 60000-row summary: exit 143 at once, nothing written",
          f"rc {p.returncode} after {took:.1f} s: {err[-300:]}")


def main():
    tmp = tempfile.mkdtemp(prefix="ternac-regress-robust.")
    os.chmod(tmp, 0o755)
    marks = os.path.join(tmp, "marks")
    os.makedirs(marks)
    slow = (f"echo $$ > {marks}/test.pid; echo $PPID > {marks}/ctest.pid; "
            f"touch {marks}/started; sleep 60; touch {marks}/finished")
    fake = os.path.join(tmp, "fake")
    make_tree(fake, [
        ("unit/Pass.One", "unit;small", "echo ternac-cycles: 7"),
        ("unit/Pass.Two", "unit", "echo 12 cycles simulated"),
        ("unit/Long.Output", "unit",
         "head -c 3000 /dev/zero | tr '\\0' x; echo; echo ternac-cycles: 5"),
        ("small/Fail.Lane", "small", GTEST_FAILURE),
        ("small/Skip.Reason", "small", "echo 'SKIP: no slurmd on this machine'; exit 77",
         "SKIP_RETURN_CODE 77"),
        ("night/Only", "nightly", "true"),
        ("slow/Sleep", "slow", slow),
    ])
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)

    # Zero selected tests is an error naming why, never "0 results" and success.
    rc, out, err = run(["--no-build", "--build", fake, "--tags", "unti", "--out", f"{tmp}/o1"])
    check(one_line_error(rc, err, "'unti'", "unit", "small", "slow"),
          "a misspelt tag: exit 2 naming it and listing the labels", f"rc {rc}: {err or out}")
    rc, out, err = run(["--no-build", "--build", empty, "--out", f"{tmp}/o2"])
    check(one_line_error(rc, err, empty), "--build at a directory with no tests: exit 2 naming it",
          f"rc {rc}: {err or out}")
    rc, out, err = run(["--no-build", "--build", fake, "--tags", "nightly", "--out", f"{tmp}/o3"])
    check(one_line_error(rc, err, "no test selected", "nightly"),
          "a tag whose tests the level leaves out: exit 2, 'no test selected'",
          f"rc {rc}: {err or out}")
    # An empty TERNAC_BUILD_DIR is unset (as in scripts/build.sh): the default tree, not the
    # working directory (here the fake tree, whose tests must not be listed).
    env = dict(os.environ, TERNAC_BUILD_DIR="")
    rc, out, err = run(["--no-build", "--list"], cwd=fake, env=env)
    default = os.path.join(ROOT, "build")
    check("unit/Pass.One" not in out and (f"build {default}," in out or
                                          (rc == 2 and default in err)),
          "TERNAC_BUILD_DIR='' means the default build tree, not the working directory",
          f"rc {rc}: {out[:300]} {err}")

    # --build X without --no-build builds X (its build.ninja) and tests X.
    own = os.path.join(tmp, "own")
    make_tree(own, [("unit/Pass.Own", "unit", "test -f built/step-20")], steps=20)
    rc, out, err = run(["--build", own, "--tags", "unit", "--out", f"{tmp}/o4"])
    check(rc == 0 and os.path.exists(os.path.join(own, "built", "step-20")),
          "--build X without --no-build builds X and tests it", f"rc {rc}: {out[-500:]} {err}")
    steps = [l for l in out.splitlines() if "regress: building" in l and "/20]" in l]
    check(5 <= len(steps) <= 11 and any("[20/20] 100%" in l for l in steps),
          "a piped build shows ninja's step counts, a line per ~10 %",
          f"{len(steps)} progress lines: {steps[:3]}")

    # merge checks what it reads.
    s = {}
    for name, extra in (("s1", ["--shard", "1/2"]), ("s2", ["--shard", "2/2"]),
                        ("smoke2", ["--shard", "2/2", "--level", "smoke"])):
        rc, out, err = run(["--no-build", "--build", fake, "--tags", "unit", "--out",
                            f"{tmp}/{name}"] + extra)
        s[name] = f"{tmp}/{name}"
        check(rc == 0, f"shard run {name} passes", f"rc {rc}: {err or out[-300:]}")
    rc, out, err = run(["merge", "--out", f"{tmp}/m0", s["s1"], s["s2"]])
    check(rc == 0 and "3 results: 3 passed" in out, "merge of the two shards of one run",
          f"rc {rc}: {out} {err}")
    cycles = {r["test"]: r["cycles"] for r in summary(f"{tmp}/m0")["rows"]} if rc == 0 else {}
    check(cycles.get("unit/Long.Output") == 5 and cycles.get("unit/Pass.Two") == 12,
          "cycles read from the whole output (CTest keeps only 1 KB of a passing test's)",
          str(cycles))
    rc, out, err = run(["merge", "--out", f"{tmp}/m1", s["s1"], s["smoke2"]])
    check(one_line_error(rc, err, "level", "smoke", "default"),
          "merge refuses shards of different levels, naming the field", f"rc {rc}: {err or out}")
    weird = os.path.join(tmp, "weird")
    os.makedirs(weird)
    data = summary(s["s2"])
    data["rows"][0]["result"] = "weird"
    with open(os.path.join(weird, "summary.json"), "w") as f:
        json.dump(data, f)
    rc, out, err = run(["merge", "--out", f"{tmp}/m2", s["s1"], weird])
    check(one_line_error(rc, err, weird, "result", "weird"),
          "merge refuses a row with result 'weird', naming the file and the field",
          f"rc {rc}: {err or out}")
    data = summary(s["s2"])
    data["rows"][0]["seed"] = ""
    with open(os.path.join(weird, "summary.json"), "w") as f:
        json.dump(data, f)
    rc, out, err = run(["merge", "--out", f"{tmp}/m3", s["s1"], weird])
    check(one_line_error(rc, err, "seed"), "merge refuses a seed that is not an integer or null",
          f"rc {rc}: {err or out}")
    with open(os.path.join(weird, "summary.json"), "w") as f:
        f.write('{"schema": 2, "rows": [')
    rc, out, err = run(["merge", "--out", f"{tmp}/m4", s["s1"], weird])
    check(one_line_error(rc, err, os.path.join(weird, "summary.json"), "JSON"),
          "merge of a corrupt summary.json: one line naming it, exit 2", f"rc {rc}: {err or out}")
    rc, out, err = run(["merge", "--out", s["s1"], s["s1"], s["s2"]])
    check(one_line_error(rc, err, "input"), "merge never writes over one of its inputs",
          f"rc {rc}: {err or out}")

    strict_options(tmp, fake)
    hostile_summaries(tmp, fake, s["s1"], s["s2"])

    # Malformed command lines and outputs: one line, exit 2.
    rc, out, err = run(["--no-build", "--build", fake, "--tags", "(", "--out", f"{tmp}/o5"])
    check(one_line_error(rc, err, "'('"), "--tags '(': exit 2, no traceback", f"rc {rc}: {err}")
    afile = os.path.join(tmp, "afile")
    open(afile, "w").close()
    rc, out, err = run(["--no-build", "--build", fake, "--tags", "unit", "--out", afile])
    check(one_line_error(rc, err, afile, "not a directory"), "--out that is a file: exit 2",
          f"rc {rc}: {err}")
    readonly = os.path.join(tmp, "readonly")
    os.makedirs(readonly)
    os.chmod(readonly, 0o555)
    # root writes into a mode-555 directory anyway: run the runner as nobody for this check.
    prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] \
        if os.geteuid() == 0 else []
    rc, out, err = run(["--no-build", "--build", fake, "--tags", "unit", "--out", readonly],
                       prefix=prefix)
    check(one_line_error(rc, err, readonly, "not writable"), "a read-only --out: exit 2",
          f"rc {rc}: {err}")
    rc, out, err = run(["--no-build", "--build", fake, "--jobs", "0", "--out", f"{tmp}/o6"])
    check(rc == 2 and "Traceback" not in err and "--jobs" in err, "--jobs 0: exit 2",
          f"rc {rc}: {err}")

    # SIGTERM and SIGINT end ctest and its tests, write a summary marked interrupted; a second
    # run on the same --out meanwhile is refused.
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130)):
        for m in os.listdir(marks):
            os.unlink(os.path.join(marks, m))
        out_dir = f"{tmp}/int-{sig.name}"
        # Output to files, not pipes: a test left running would hold a pipe open.
        out_f, err_f = (open(f"{tmp}/int-{sig.name}.{x}", "w+") for x in ("out", "err"))
        p = subprocess.Popen(REGRESS + ["--no-build", "--build", fake, "--tags", "slow,unit",
                                        "--jobs", "1", "--out", out_dir],
                             stdout=out_f, stderr=err_f, text=True)
        started = wait_for(f"{marks}/started", 60)
        check(started, f"{sig.name}: the slow test started")
        if sig == signal.SIGTERM:
            rc, out, err = run(["--no-build", "--build", fake, "--tags", "unit", "--out", out_dir])
            check(one_line_error(rc, err, out_dir, "in use", str(p.pid)),
                  "a second run on a locked --out: exit 2, 'in use' with the first run's pid",
                  f"rc {rc}: {err or out}")
        time.sleep(0.3)
        p.send_signal(sig)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        err_f.seek(0)
        err = err_f.read()
        pids = []
        for name in ("test.pid", "ctest.pid"):
            try:
                with open(f"{marks}/{name}") as f:
                    pids.append(int(f.read()))
            except (OSError, ValueError):
                pass
        time.sleep(0.5)
        check(p.returncode == code, f"{sig.name}: the runner exits {code}",
              f"rc {p.returncode}: {err}")
        check(len(pids) == 2 and not any(alive(x) for x in pids),
              f"{sig.name}: ctest and the running test are ended with the runner",
              f"pids {pids} alive: {[alive(x) for x in pids]}")
        check("Traceback" not in err and "KeyboardInterrupt" not in err,
              f"{sig.name}: no traceback", err)
        try:
            meta = summary(out_dir)["meta"]
        except (OSError, ValueError, KeyError) as e:
            meta = {"error": str(e)}
        check(meta.get("interrupted") == sig.name,
              f"{sig.name}: summary.json written and marked interrupted", json.dumps(meta)[:300])

    # A full file system: a write that fails is one line naming the file, exit 2, and no file
    # of the output is left half written (temporary file + rename).
    if os.geteuid() == 0 and subprocess.run(["unshare", "-m", "true"]).returncode == 0:
        full = os.path.join(tmp, "full")
        os.makedirs(full)
        # 16 pages of 4 KiB, 14 taken by a filler: the lock file and the ctest log fit, the
        # summary does not.
        script = (f"mount -t tmpfs -o size=64k tmpfs {full} && "
                  f"dd if=/dev/zero of={full}/filler bs=4096 count=14 2>/dev/null && "
                  f"{REGRESS[0]} --no-build --build {fake} --tags unit --out {full}/o; "
                  f"echo rc=$?; ls -A {full}/o; for f in {full}/o/summary.json; do "
                  f"[ -e $f ] && /usr/bin/python3 -c "
                  f"'import json,sys; json.load(open(sys.argv[1]))' $f && echo VALID; done; "
                  f"umount {full}")
        r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check("rc=2" in r.stdout and len(lines) == 1 and "Traceback" not in r.stderr and
              f"cannot write {full}/o/summary.json: No space left" in lines[0],
              "a full file system: exit 2, one line naming the file", r.stdout + r.stderr)
        listing = r.stdout.split("rc=", 1)[-1].splitlines()[1:]
        check(not any(n.endswith(".tmp") for n in listing) and
              ("summary.json" not in listing or "VALID" in r.stdout),
              "a full file system: no half-written summary, no temporary file left",
              " ".join(listing))
    else:
        print("note: not root or no mount namespace: the full-file-system check did not run")

    if not failures:
        subprocess.run(["rm", "-rf", tmp])
    else:
        print(f"runner_robustness_test: outputs kept in {tmp}")
    print(f"runner_robustness_test: {len(failures)} failed" if failures else
          "runner_robustness_test: PASS")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
