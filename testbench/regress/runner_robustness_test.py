#!/usr/bin/python3
"""The regression runner (scripts/regress.py) under bad input, signals, a busy or full output
directory and a build tree of its own: every case here once went wrong (docs/regression.md,
"Robustness"). It runs the runner on small CTest trees it makes (a few shell tests and a fake
build.ninja), so it needs no build of ternac and takes seconds.

    testbench/regress/runner_robustness_test.py

Exit 0 when every check passed, 1 when one failed (each failure is printed)."""

import json
import os
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


def run(args, cwd=None, env=None, timeout=120, prefix=()):
    r = subprocess.run(list(prefix) + REGRESS + args, capture_output=True, text=True, cwd=cwd,
                       env=env, timeout=timeout)
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
