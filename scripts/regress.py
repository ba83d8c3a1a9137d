#!/usr/bin/python3
"""ternac regression runner, built on CTest.

    scripts/regress.py [--level smoke|default|nightly] [--tags T,...] [--seeds N] [--base-seed S]
                       [--shard I/N] [--jobs J] [--build DIR] [--out DIR] [--no-build] [--list]
                       [--progress auto|bar|lines|off] [--trace] [--inject-fault N]
                       [--slurm [--shards N] [--sbatch-args ARGS] [--throttle K]
                                [--requeue-failed R]]
    scripts/regress.py merge --out DIR SHARD_DIR... [--compare SUMMARY.json]
    scripts/regress.py compare SUMMARY.json OTHER.json

Levels:
  smoke    everything but the formal proofs, synthesis, lint and sweep tests, with 100 random
           GEMMs per configuration instead of 1000: well under two minutes.
  default  the whole suite, as CI runs it (scripts/test.sh): every configuration, 1000 random
           GEMMs per configuration (300 in the 16 x 64 array), formal proofs, synthesis checks.
  nightly  the default level plus the tests labelled nightly (every 2B4T layer with a prefill of
           8 tokens, a whole decoded 2B4T token, a 2B4T block with a prefill of 128, a short fuzz
           run of every reader, the default level again under ASan + UBSan), then the seeded
           tests again for --seeds seeds (default 4) with 3000 random GEMMs each.
No level runs the tests labelled regress (the runner's own tests, which run the runner).

--tags selects tests by CTest label (any of them: unit, cosim, systemc, energy, formal, assert,
fuzz, a configuration name such as small or csa, ...); a tag no test has is an error that lists
the labels. --shard I/N runs every N-th test starting at the I-th of each pass (a test that needs
a fixture goes with the fixture's setup test), so that N machines (a CI matrix, a Slurm job array)
share one run; `merge` combines their output directories into one summary. --slurm submits the
N shards as a Slurm job array itself, waits for it and merges (docs/regression.md).

Output in --out (default <build>/regress/<level>), written atomically, the directory locked for
the run: junit.xml (the only JUnit file: one suite per pass, failures with the test's own
diagnosis), summary.json and summary.csv (provenance, then test, configuration, seed, result,
message, cycles, wall time, reproduction command, waveforms, log), logs/ (the console output of
each ctest pass and the whole output of every failed or skipped test), and on the terminal a
one-line reproduction command per failure.

Integer options are strict: ASCII decimal digits only, no sign, no leading zero (but "0"
itself), no spaces, within a range each: --jobs 1..1024, --seeds 0..1000, --base-seed
0..4294967295 (and base seed + seeds - 1 too), --inject-fault 0..65535, --shard I/N with
1 <= I <= N <= 1000, --shards 1..1000, --throttle 0..1000, --requeue-failed 0..100. An option
that takes a value may be given once (as --opt VALUE or --opt=VALUE; options are never
abbreviated); flags (--no-build, --list, --trace, --slurm) may repeat.

merge and compare read a summary only from a regular file (a FIFO, a device or a directory
without summary.json is refused before it is opened, so nothing blocks) of at most 64 MiB,
strict JSON (no NaN or Infinity, no repeated key, integers within 64 bits, at most 32 levels
deep) through the schema of META_FIELDS and ROW_FIELDS: anything else is refused with one line
naming the file and the problem.

Exit status: 0 every selected test passed; 1 a test failed (or the build, or a Slurm task);
2 bad usage or input (an unknown tag, no test selected, an unreadable summary, an --out that
cannot be written or is in use), always one line on stderr, never a traceback; 2 also when
standard output cannot be written (a full disk, a closed descriptor, a pipe whose reader has
gone, as in `regress.py --list | head -0`): "cannot write standard output", and a run stops there
(ctest and its tests ended, no summary written); 128+N when signal N stopped the run (130
SIGINT, 143 SIGTERM), after ending ctest with every test it started and writing the summary so
far, marked "interrupted" (merge and compare stop at once, writing nothing).
"""

import argparse
import csv
import datetime
import fcntl
import io
import json
import math
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = 2  # of summary.json; 1 was the unversioned summary before provenance
RESULTS = ("pass", "fail", "skip")
GENERIC_LABELS = {"unit", "model", "rtl", "cosim", "cpp", "systemc", "synth", "energy", "formal",
                  "assert", "fuzz", "robustness", "lint", "sweep", "cli", "nightly", "regress",
                  "slurm", "install", "report", "vp", "gate"}
SEEDED = r"RandomGemms|Unit\.Random|LaneUnit\.RandomSequences"

# Per level: labels left out, environment. No level runs label regress: those tests run the
# runner itself (the self-tests, the Slurm test), a regression must not recurse into them.
LEVELS = {
    "smoke": {"exclude": ["formal", "synth", "sweep", "lint", "nightly", "regress", "report",
                        "install"],
              "env": {"TERNAC_RANDOM_COUNT": "100"}},
    "default": {"exclude": ["nightly", "regress"], "env": {}},
    "nightly": {"exclude": ["regress"], "env": {}},
}
NIGHTLY_SEEDS = 4
GRACE_S = 5  # after SIGTERM, the seconds a child's process group has before SIGKILL

# Integer options: decimal digits only (ASCII: \d would take other scripts' digits, int() a
# sign, spaces and underscores), no leading zero, each within its range.
DECIMAL = "0|[1-9][0-9]*"
SHARDS_MAX = 1000  # --shard N and --shards: Slurm's default MaxArraySize is 1001
SEED_MAX = 2 ** 32 - 1
INT_RANGES = {"--jobs": (1, 1024), "--seeds": (0, 1000), "--base-seed": (0, SEED_MAX),
              "--inject-fault": (0, 65535), "--shards": (1, SHARDS_MAX),
              "--throttle": (0, SHARDS_MAX), "--requeue-failed": (0, 100)}


class UsageError(Exception):
    """Bad usage or input: one line on stderr, exit status 2."""


class RunError(Exception):
    """The run could not complete (a failed build, ctest or Slurm): exit status 1."""


class Interrupted(Exception):
    """A signal stopped the run; `rows` holds the results of the pass it stopped."""

    def __init__(self, signum, rows=None):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.rows = rows or []


# --------------------------------------------------------------------------------------------
# Signals and children


class Signals:
    """SIGINT, SIGTERM and SIGHUP end the running child's whole process group (ctest with every
    test it started, or the build), then the run stops at its next check with Interrupted. Each
    child is started in its own session, so a signal meant for the runner reaches the child only
    through here. With `immediate` set (merge and compare, which start no child and write their
    outputs atomically) the handler raises Interrupted at once instead, so that a read that
    would block (PEP 475 retries a system call a handler returned to) cannot keep a signal
    waiting."""

    def __init__(self):
        self.signum = None
        self.child = None
        self.immediate = False

    def install(self):
        """Returns the handlers it replaced, for restore()."""
        return {s: signal.signal(s, self._handler)
                for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}

    @staticmethod
    def restore(handlers):
        for s, h in handlers.items():
            signal.signal(s, h)

    def _handler(self, signum, frame):
        if self.signum is None:
            self.signum = signum
        self.end_child()
        if self.immediate:
            raise Interrupted(signum)

    def end_child(self):
        p = self.child
        if p is None or p.poll() is not None:
            return
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        t = threading.Timer(GRACE_S, self._kill, (p,))
        t.daemon = True
        t.start()

    @staticmethod
    def _kill(p):
        try:
            os.killpg(p.pid, signal.SIGKILL)  # whatever of the group ignored SIGTERM
        except ProcessLookupError:
            pass

    def popen(self, cmd, **kw):
        self.check()
        p = subprocess.Popen(cmd, start_new_session=True, **kw)
        self.child = p
        if self.signum is not None:
            self.end_child()
        return p

    def check(self):
        if self.signum is not None:
            raise Interrupted(self.signum)

    def sleep(self, seconds):
        end = time.monotonic() + seconds
        while True:
            self.check()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(0.2, left))


SIGNALS = Signals()


def stream_child(cmd, log_path, on_line, **kw):
    """Runs cmd in its own process group, its output (stdout and stderr) line by line to
    on_line and to log_path (written beside it and renamed when the child ends). Returns the
    exit status; a signal ends the child's group and raises Interrupted."""
    tmp = temp_path(log_path)
    p = None
    try:
        with open(tmp, "w", encoding="utf-8", errors="replace") as log:
            try:
                p = SIGNALS.popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, errors="replace", **kw)
            except OSError as e:
                raise RunError(f"cannot run {cmd[0]}: {e.strerror}")
            for line in p.stdout:
                log.write(line)
                on_line(line.rstrip("\n"))
            rc = p.wait()
        os.replace(tmp, log_path)
    except BaseException as e:
        if p is not None and p.poll() is None:
            SIGNALS.child = p
            SIGNALS.end_child()
            p.wait()
        try:
            os.replace(tmp, log_path)  # what there is of the log
        except OSError:
            pass
        if isinstance(e, OSError):
            raise UsageError(f"cannot write {log_path}: {e.strerror or e}")
        raise
    finally:
        SIGNALS.child = None
    SIGNALS.check()
    return rc


# --------------------------------------------------------------------------------------------
# Files


UMASK = os.umask(0)
os.umask(UMASK)


def temp_path(path):
    d, base = os.path.split(path)
    return os.path.join(d, f".{base}.{os.getpid()}.tmp")


def write_atomic(path, text):
    """Writes a whole file through a temporary file in the same directory and a rename, so that
    a reader sees the old file or the new one, never a part; every write is checked."""
    d = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~UMASK)
        os.replace(tmp, path)
    except BaseException as e:  # a signal in merge raises here too: no temporary file left
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise UsageError(f"cannot write {path}: {e.strerror or e}")
        if isinstance(e, UnicodeError):
            raise UsageError(f"cannot write {path}: text that is not valid Unicode ({e.reason})")
        raise


def make_dirs(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create {path}: {e.strerror}")


LOCKS = []  # lock file descriptors, held until the process exits


def lock_out(out, option="--out"):
    """Creates and locks an output directory: one run at a time writes into it."""
    if os.path.lexists(out) and not os.path.isdir(out):
        raise UsageError(f"{option} {out}: exists and is not a directory")
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{option} {out}: cannot create it: {e.strerror}")
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {out}: not writable")
    path = os.path.join(out, ".regress.lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~UMASK)
    except OSError as e:
        raise UsageError(f"{option} {out}: not writable ({e.strerror})")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise UsageError(f"{option} {out} is in use by another run (pid {holder}): wait for it "
                         f"to end or choose another {option}")
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError as e:
        raise UsageError(f"{option} {out}: not writable ({e.strerror})")
    LOCKS.append(fd)


def clean_out(out, keep=()):
    """Removes what an earlier run wrote into `out` (only the runner's own names), so that no
    stale JUnit file or waveform is taken for this run's; never a directory holding one of the
    paths in `keep` (a merge's inputs)."""
    keep = [os.path.abspath(k) for k in keep]
    try:
        names = os.listdir(out)
        for n in names:
            p = os.path.join(out, n)
            if any(k == p or k.startswith(p + os.sep) for k in keep):
                continue
            if n in ("junit.xml", "summary.json", "summary.csv") or \
                    re.fullmatch(r"junit-.*\.xml", n):
                os.unlink(p)
            elif n in ("waves", "logs", "shards", "slurm") and os.path.isdir(p):
                shutil.rmtree(p)
    except OSError as e:
        raise UsageError(f"cannot clean {out} of an earlier run: {e.strerror}: {e.filename}")


# --------------------------------------------------------------------------------------------
# Progress


def duration(s):
    s = int(round(s))
    return f"{s // 3600} h {s // 60 % 60:02d} min" if s >= 3600 else \
        f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


class Progress:
    """One progress line: redrawn in place on a terminal ("bar"), a line at every 10 % when the
    output is a file or a pipe ("lines"), or nothing ("off"). It writes to `stream` (standard
    output unless given: scripts/build_progress.py uses standard error)."""

    def __init__(self, mode, label, stream=None):
        self.mode = mode
        self.label = label
        self.stream = stream
        self.t0 = time.monotonic()
        self.next_pct = 10
        self.text = ""
        self.total = None
        self.done = 0
        self.phase_t0 = self.t0

    def _out(self):
        return self.stream or sys.stdout  # looked up when written: main() replaces sys.stdout

    def update(self, done, total, extra=""):
        if self.mode == "off" or total <= 0:
            return
        pct = min(100, done * 100 // total)
        if self.total is not None and total != self.total:
            # ninja restarts when it has regenerated its manifest (CMake re-run, Verilator's
            # outputs): a new count from 1, so the lines and the estimate start again.
            self.next_pct = 10 * max(1, pct // 10)
            if done < self.done:
                self.phase_t0 = time.monotonic()
        self.total, self.done = total, done
        elapsed = time.monotonic() - self.phase_t0
        left = f", about {duration(elapsed / done * (total - done))} left" \
            if 0 < done < total and elapsed > 2 else ""
        self.text = f"{self.label}: [{done}/{total}] {pct}%{left}{extra}"
        out = self._out()
        if self.mode == "bar":
            cols = shutil.get_terminal_size((100, 24)).columns
            out.write("\r\x1b[K" + self.text[:max(cols - 1, 20)])
            out.flush()
        elif pct >= self.next_pct:
            print(self.text, file=out, flush=True)
            self.next_pct = (pct // 10 + 1) * 10

    def message(self, text):
        """A line of its own, above the progress line."""
        out = self._out()
        if self.mode == "bar" and self.text:
            out.write("\r\x1b[K" + text + "\n" + self.text)
            out.flush()
        else:
            print(text, file=out, flush=True)

    def close(self):
        if self.mode == "bar" and self.text:
            out = self._out()
            out.write("\r\x1b[K")
            out.flush()
        self.text = ""


def progress_mode(choice, stream=None):
    """auto: "bar" when `stream` (standard output unless given) is a terminal, else "lines"."""
    if choice != "auto":
        return choice
    stream = stream or sys.stdout
    return "bar" if stream.isatty() and os.environ.get("TERM", "") != "dumb" else "lines"


# --------------------------------------------------------------------------------------------
# Build


NINJA_STEP = re.compile(r"^\[(\d+)/(\d+)\] (.*)")
# ninja's status line as the progress reads it: finished and total steps (ninja's own default,
# "[%f/%t] ", made explicit so that a NINJA_STATUS of the caller's cannot change it).
NINJA_STATUS = "[%f/%t] "
# What scripts/build.sh says of itself (its configure step, which prints nothing else).
BUILD_SAYS = re.compile(r"^build: ")


def ninja_step(line):
    """(finished, total) of a ninja status line, else None."""
    m = NINJA_STEP.match(line)
    return (int(m.group(1)), int(m.group(2))) if m else None


def run_steps(cmd, log, prog, step=ninja_step, echo=None, **kw):
    """Runs a build command (scripts/build.sh, cmake, ninja) through stream_child, its whole
    output in `log`, each line that step() reads as (done, total) shown on `prog`, the lines
    echo() accepts shown above it. Returns (exit status, steps seen, the other lines)."""
    others = []
    seen = [0]

    def on_line(line):
        s = step(line)
        if s:
            seen[0] += 1
            prog.update(min(s[0], s[1]), s[1])
        elif line.strip():
            others.append(line)
            if echo and echo(line):
                prog.message(line)

    try:
        rc = stream_child(cmd, log, on_line, **kw)
    finally:
        prog.close()
    return rc, seen[0], others


def build(a):
    """scripts/build.sh on the tree this run tests (--build), with ninja's step counts shown as
    progress and the whole output in <out>/build.log."""
    log = os.path.join(a.out, "build.log")
    env = dict(os.environ, TERNAC_BUILD_DIR=a.build, NINJA_STATUS=NINJA_STATUS)
    prog = Progress(a.progress, f"regress: building {a.build}")
    if a.progress != "off":
        print(f"regress: building {a.build} (scripts/build.sh)", flush=True)
    rc, steps, others = run_steps(
        [os.path.join(ROOT, "scripts", "build.sh")], log, prog,
        echo=(lambda line: BUILD_SAYS.match(line)) if a.progress != "off" else None, env=env)
    if rc != 0:
        tail = [l for l in others if l.strip()][-30:]
        sys.stderr.write("\n".join(tail) + "\n")
        raise RunError(f"the build of {a.build} failed (scripts/build.sh exit status {rc}); "
                       f"whole output: {log}")
    if a.progress != "off":
        print(f"regress: build done in {duration(time.monotonic() - prog.t0)}" +
              ("" if steps else " (up to date)"), flush=True)


# --------------------------------------------------------------------------------------------
# Selection


def parse_shard(text):
    m = re.fullmatch(f"({DECIMAL})/({DECIMAL})", text)
    if not m:
        raise argparse.ArgumentTypeError(f"wants I/N (two decimal integers without sign or "
                                         f"leading zero), got {show_arg(text)}")
    i, n = int(m.group(1)), int(m.group(2))
    if not (1 <= n <= SHARDS_MAX and 1 <= i <= n):
        raise argparse.ArgumentTypeError(f"{show_arg(text)}: need 1 <= I <= N <= {SHARDS_MAX}")
    return (i, n)


def ctest_listing(build):
    """The tests of a build tree in CTest's order: number (CTest's, for -I), name, labels and
    the fixtures each sets up or requires."""
    if not os.path.isdir(build):
        raise UsageError(f"build directory {build} does not exist (build it with scripts/build.sh "
                         f"or leave out --no-build)")
    if not os.path.isfile(os.path.join(build, "CTestTestfile.cmake")):
        raise UsageError(f"{build} is not a configured build directory (no CTestTestfile.cmake)")
    r = subprocess.run(["ctest", "--show-only=json-v1"], cwd=build, capture_output=True, text=True)
    if r.returncode != 0:
        first = (r.stderr.strip().splitlines() or ["(no message)"])[0]
        raise UsageError(f"ctest cannot list the tests of {build}: {first}")
    try:
        listed = json.loads(r.stdout)["tests"]
    except (ValueError, KeyError, TypeError) as e:
        raise UsageError(f"ctest --show-only=json-v1 in {build} printed no test list ({e})")
    tests = []
    for number, t in enumerate(listed, 1):
        labels, fix = [], []
        for p in t.get("properties", []):
            value = p["value"] if isinstance(p["value"], list) else [p["value"]]
            if p["name"] == "LABELS":
                labels = value
            elif p["name"].startswith("FIXTURES_"):
                fix += value
        tests.append({"number": number, "name": t["name"], "labels": labels, "fixtures": fix})
    if not tests:
        raise UsageError(f"{build} has no CTest test")
    return tests


def parse_tags(text):
    tags = [t.strip() for t in text.split(",")]
    if any(not t for t in tags):
        raise UsageError(f"--tags '{text}': an empty tag (write labels separated by commas)")
    return tags


def select_tests(tests, tags, level):
    exclude = LEVELS[level]["exclude"]
    known = sorted({l for t in tests for l in t["labels"]})
    for tag in tags:
        if tag not in known:
            raise UsageError(f"--tags: no test has the label '{tag}'; the labels are: "
                             f"{', '.join(known)}")
    chosen = [t for t in tests if (not tags or set(t["labels"]) & set(tags))
              and not set(t["labels"]) & set(exclude)]
    if not chosen:
        what = f"every test labelled {','.join(tags)} is" if tags else "every test is"
        raise UsageError(f"no test selected: {what} left out by level {level} (labels "
                         f"{', '.join(exclude)})")
    return chosen


def shard_groups(tests):
    """The tests in groups that must run on the same shard: CTest runs a fixture's setup test
    with any test that requires the fixture, so a test and the setup of its fixtures go together
    (else the setup would run, and be reported, in two shards). Groups keep CTest's order."""
    owner = {}  # fixture -> group index
    groups = []
    for t in tests:
        joined = sorted({owner[f] for f in t["fixtures"] if f in owner})
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
        for f in t["fixtures"]:
            owner[f] = g
    return [g for g in groups if g]


def plan_passes(a, chosen):
    """The passes of the run: main, then one per seed; each pass's selection sharded."""
    level = LEVELS[a.level]
    fault = {"TERNAC_FAULT": str(a.inject_fault)} if a.inject_fault else {}
    passes = [{"name": "main", "tests": chosen, "env": dict(level["env"], **fault), "seed": None}]
    seeded = [t for t in chosen if re.search(SEEDED, t["name"])]
    for s in range(a.base_seed, a.base_seed + a.seeds):
        env = {"TERNAC_RANDOM_COUNT": "3000"} if a.level == "nightly" else level["env"]
        passes.append({"name": f"seed{s}", "tests": seeded, "env": dict(env, **fault), "seed": s})
    if a.shard:
        # Every N-th group of each pass's selection (a test with the setups of its fixtures),
        # starting at the I-th, by name: CTest's own -I stride numbers the whole suite.
        i, n = a.shard
        groups = len(shard_groups(chosen))
        for p in passes:
            p["tests"] = [t for g in shard_groups(p["tests"])[i - 1::n] for t in g]
        if not any(p["tests"] for p in passes):
            raise UsageError(f"shard {i}/{n} has no test: the selection has {groups} groups of "
                             f"tests (a test with its fixtures' setups), use at most {groups} "
                             f"shards")
    return passes


# --------------------------------------------------------------------------------------------
# Running a pass and reading its results


# "  12/280 Test  #17: small/Cosim.RandomGemms ......   Passed    0.52 sec" (also ***Failed,
# ***Skipped, ***Not Run, ***Timeout, ***Exception: SegFault, with a reason on failures).
CTEST_LINE = re.compile(r"^\s*(\d+)/(\d+) Test\s+#(\d+): (\S+) \.*\s*(?:\*\*\*)?(\S.*?)$")
CTEST_TIME = re.compile(r"\s+([\d.]+) sec$")
# Simulated cycles as the tests print them: "ternac-cycles: N" (cosim_test.cpp, per test) and
# "N cycles simulated" (ternac run / model).
CYCLES = re.compile(r"ternac-cycles: (\d+)|(?<![\w-])(\d+) cycles simulated")
WAVE = re.compile(r"waveform: (\S+\.fst)")
GTEST_FAILURE = re.compile(r"^(\S+?):(\d+): Failure$")
GTEST_SKIPPED = re.compile(r"^(\S+?):(\d+): Skipped$")
FAIL_WORDS = re.compile(r"\b(error|fail(s|ed|ure)?|mismatch(es)?|differs?|expected|not found|"
                        r"abort(ed)?|assert(ion)?|refused|timeout)\b", re.I)
NOT_A_FAILURE = re.compile(r"\b0 (failed|errors?|failures?)\b|\bno (errors?|failures?)\b", re.I)
EXPECTED_GOT = re.compile(r"expected\b.*\bgot\b", re.I)
MESSAGE_CHARS = 400
DETAIL_LINES = 40


def regex_escape(name):
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in name)


def configuration(labels):
    names = [l for l in labels if l not in GENERIC_LABELS]
    return names[0] if len(names) == 1 else ""


def failure_excerpt(out):
    """The lines of a test's output that say why it failed: the first GoogleTest failure block
    (up to its [  FAILED  ] line), else the lines that speak of errors, else the last lines."""
    lines = [l.rstrip() for l in out.splitlines()]
    for i, l in enumerate(lines):
        m = GTEST_FAILURE.match(l.strip())
        if m:
            block = [f"{os.path.basename(m.group(1))}:{m.group(2)}: Failure"]
            for nxt in lines[i + 1:]:
                if nxt.startswith(("[  FAILED  ]", "[ RUN      ]", "[       OK ]",
                                   "Google Test trace:")) or GTEST_FAILURE.match(nxt.strip()):
                    break
                block.append(nxt)
            return [l for l in block if l.strip() and l.strip() != "Failed" and
                    not l.startswith("ternac-cycles:")][:DETAIL_LINES]
    hits = [l for l in lines if FAIL_WORDS.search(l) and not NOT_A_FAILURE.search(l)]
    if hits:
        return hits[:DETAIL_LINES]
    return [l for l in lines if l.strip()][-8:]


def failure_message(excerpt):
    """One line for a CI viewer: the excerpt's first mismatch (a line with 'expected ... got')
    and the scoreboard's triage of it (the last indented line of its report, where it states a
    cause), else the excerpt's last line; then how many energy counters disagreed."""
    keep = [l.rstrip() for l in excerpt if l.strip() and l.strip() != "Failed" and
            not GTEST_FAILURE.match(l.strip()) and
            not l.strip().startswith(("reproduce:", "waveform:", "ternac-cycles:"))]
    body = [l.strip() for l in keep]
    if not body:
        return ""
    whole = "; ".join(body)
    if len(whole) <= 200:
        return whole
    first_i = next((i for i, l in enumerate(body) if EXPECTED_GOT.search(l)), 0)
    first = body[first_i]
    counters = [l for l in body if l.startswith("energy counter ")]
    indented = [i for i, l in enumerate(keep) if i > first_i and l[:1].isspace()]
    last = body[indented[-1]] if indented else next(
        (l for l in reversed(body) if not l.startswith("energy counter ")), body[-1])
    msg = first if last == first else f"{first} ... {last}"
    if counters:
        msg += f" (and {len(counters)} energy counter{'s' if len(counters) > 1 else ''} " \
               "disagreed)"
    return msg if len(msg) <= MESSAGE_CHARS else msg[:MESSAGE_CHARS - 3] + "..."


def skip_reason(out):
    lines = [l.rstrip() for l in out.splitlines()]
    for i, l in enumerate(lines):
        if GTEST_SKIPPED.match(l.strip()):
            why = []
            for nxt in lines[i + 1:]:
                if nxt.startswith("[  SKIPPED ]") or nxt.startswith("ternac-cycles:"):
                    break
                if nxt.strip():
                    why.append(nxt.strip())
            return "; ".join(why) or "skipped (GTEST_SKIP without a message)"
    said = [l.strip() for l in lines if re.search(r"\bskip", l, re.I)]
    return said[0] if said else ""


def classify(case, status, out):
    """(result, message, details) of one CTest JUnit test case and its line on the console."""
    st = case.get("status", "run")
    skipped = case.find("skipped")
    failed = case.find("failure")
    if st == "disabled" or status.startswith("Not Run (Disabled)"):
        return "skip", "disabled in CTest (DISABLED property)", ""
    if skipped is not None:
        why = skipped.get("message", "")
        if why.startswith("Unable to find executable") or status.startswith("Not Run"):
            text = out.strip() or why or "not run"
            return "fail", f"not run: {text.splitlines()[0]}", text  # a missing binary fails
        return "skip", skip_reason(out) or why or "skipped", ""
    if failed is not None or st == "fail":
        excerpt = failure_excerpt(out)
        msg = failure_message(excerpt)
        ctest_why = (failed.get("message", "") if failed is not None else "").strip()
        if status and not status.startswith("Failed"):  # Timeout, Exception: SegFault, ...
            msg = f"{status}: {msg}" if msg else status
        elif not msg:
            msg = ctest_why.splitlines()[0] if ctest_why else "failed (no output)"
        details = "\n".join(excerpt)
        if ctest_why and ctest_why not in details:
            details = f"ctest: {ctest_why}\n{details}"
        return "fail", msg, details
    return "pass", "", ""


def safe_name(name):
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def iso(t):
    return t.isoformat().replace("+00:00", "Z")


def run_pass(a, p, numbers):
    """One ctest invocation; returns its summary rows and its record for meta["passes"]."""
    name, seed, env = p["name"], p["seed"], p["env"]
    logs = os.path.join(a.out, "logs", name)
    make_dirs(logs)
    # CTest's own JUnit file, read and removed: junit.xml in --out is the only one of the run.
    scratch = tempfile.TemporaryDirectory(prefix="ternac-regress-")
    junit = os.path.join(scratch.name, f"ctest-{name}.xml")
    full_env = dict(os.environ, **env)
    if seed is not None:
        full_env["TERNAC_SEED"] = str(seed)
    # A failing co-simulation re-runs its command into an FST waveform here, next to the report.
    full_env["TERNAC_WAVE_DIR"] = os.path.join(a.out, "waves", name)
    if a.trace:
        full_env["TERNAC_TRACE"] = "1"
    cmd = ["ctest", "-j", str(a.jobs), "--output-junit", junit,
           # whole outputs: cycle counts and diagnoses come from them (CTest keeps 1 KB of a
           # passing test's output by default)
           "--test-output-size-passed", "1048576", "--test-output-size-failed", "4194304",
           "-I", "0,0,0," + ",".join(str(n) for n in sorted(numbers))]
    start, t0 = now_utc(), time.monotonic()
    msg = f"regress: pass {name}: {len(p['tests'])} tests" + (f", seed {seed}" if seed else "")
    print(msg, flush=True)
    prog = Progress(a.progress, f"regress: {name}")
    status = {}  # test -> CTest's word for it on the console
    seconds = {}
    fails = []

    def on_line(line):
        m = CTEST_LINE.match(line)
        if not m:
            return
        test, rest = m.group(4), m.group(5)
        t = CTEST_TIME.search(rest)
        if t:
            seconds[test] = float(t.group(1))
            rest = rest[:t.start()]
        status[test] = rest.strip()
        if not rest.startswith(("Passed", "Skipped", "Not Run (Disabled)")):
            fails.append(test)
            if a.progress == "bar":
                prog.message(f"  failed: {test} ({rest.strip()})")
        prog.update(int(m.group(1)), int(m.group(2)),
                    f", {len(fails)} failed" if fails else "")

    try:
        rc = stream_child(cmd, os.path.join(logs, "ctest.log"), on_line, cwd=a.build,
                          env=full_env)
    except Interrupted as e:
        # The results of the tests that finished, as the console told them.
        e.rows = [partial_row(a, p, t, s, seconds.get(t, 0.0)) for t, s in status.items()]
        scratch.cleanup()
        raise
    except BaseException:
        scratch.cleanup()
        raise
    finally:
        prog.close()
    end = now_utc()
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError) as e:
        raise RunError(f"ctest ended with status {rc} without a readable JUnit file ({e}); its "
                       f"output: {os.path.join(logs, 'ctest.log')}")
    finally:
        scratch.cleanup()
    rows = []
    configs = {t["name"]: configuration(t["labels"]) for t in a.all_tests}
    for case in root.iter("testcase"):
        test = case.get("name")
        out = case.findtext("system-out") or ""
        result, message, details = classify(case, status.get(test, ""), out)
        found = CYCLES.findall(out)
        log = ""
        if result != "pass":
            log = os.path.join(logs, safe_name(test) + ".log")
            write_atomic(log, out)
        rows.append({
            "test": test, "configuration": configs.get(test, ""), "seed": seed, "pass": name,
            "result": result, "message": message, "details": details,
            "cycles": sum(int(x or y) for x, y in found) if found else None,
            "wall_s": round(float(case.get("time", 0) or 0), 3),
            "reproduce": reproduce(a, test, env, seed),
            # A failing co-simulation names the waveform of its re-run in its output.
            "waveforms": list(dict.fromkeys(WAVE.findall(out))) if result == "fail" else [],
            "log": log})
    record = {"name": name, "seed": seed, "tests": len(rows), "start": iso(start), "end": iso(end),
              "wall_s": round(time.monotonic() - t0, 1)}
    return rows, record


def reproduce(a, test, env, seed):
    assigns = ([f"TERNAC_SEED={seed}"] if seed is not None else []) + \
        [f"{k}={v}" for k, v in sorted(env.items())]
    return " ".join([f"cd {shlex.quote(a.build)} &&"] + assigns +
                    ["ctest --output-on-failure -R", shlex.quote("^" + regex_escape(test) + "$")])


def partial_row(a, p, test, status, seconds):
    result = "pass" if status.startswith("Passed") else \
        "skip" if status.startswith(("Skipped", "Not Run (Disabled)")) else "fail"
    return {"test": test, "configuration": "", "seed": p["seed"], "pass": p["name"],
            "result": result, "message": "" if result == "pass" else status, "details": "",
            "cycles": None, "wall_s": round(seconds, 3),
            "reproduce": reproduce(a, test, p["env"], p["seed"]), "waveforms": [], "log": ""}


# --------------------------------------------------------------------------------------------
# Provenance


def first_line(cmd, cwd=None):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=20, cwd=cwd)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (r.stdout or r.stderr).strip().splitlines()
    return lines[0].strip() if r.returncode == 0 and lines else None


def cmake_cache(build):
    values = {}
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.match(r"^([A-Za-z_][\w.-]*):[A-Z]+=(.*)$", line.rstrip("\n"))
                if m:
                    values[m.group(1)] = m.group(2)
    except OSError:
        pass
    return values


def systemc_version(include_dir):
    try:
        with open(os.path.join(include_dir, "sysc", "kernel", "sc_ver.h")) as f:
            text = f.read()
    except (OSError, TypeError):
        return None
    parts = [re.search(rf"#define SC_VERSION_{k}\s+(\d+)", text)
             for k in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(m.group(1) for m in parts) if all(parts) else None


def git_state():
    commit = first_line(["git", "-C", ROOT, "rev-parse", "HEAD"])
    if not commit:
        return None
    try:
        r = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, timeout=20)
        dirty = bool(r.stdout.strip()) if r.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        dirty = None
    return {"commit": commit, "dirty": dirty}


def tools(build):
    cache = cmake_cache(build)
    cxx = cache.get("CMAKE_CXX_COMPILER")
    return {"verilator": first_line(["verilator", "--version"]),
            "systemc": systemc_version(cache.get("SYSTEMC_INCLUDE_DIR")),
            "compiler": first_line([cxx, "--version"]) if cxx else None,
            "cmake": first_line(["cmake", "--version"]),
            "ctest": first_line(["ctest", "--version"]),
            "python": sys.version.split()[0]}


# --------------------------------------------------------------------------------------------
# Outputs


CSV_COLUMNS = ["test", "configuration", "seed", "pass", "result", "message", "cycles", "wall_s",
               "reproduce", "waveforms", "log"]


def totals(rows):
    n = {k: sum(r["result"] == k for r in rows) for k in RESULTS}
    return {"results": len(rows), "passed": n["pass"], "failed": n["fail"], "skipped": n["skip"]}


def junit_time(iso_text):
    """JUnit's timestamp is xs:dateTime without a zone: written in UTC."""
    return iso_text[:-1] if iso_text.endswith("Z") else iso_text


def junit_xml(rows, meta):
    t = totals(rows)
    suites = ET.Element("testsuites", name=f"ternac regress {meta['level']}",
                        tests=str(t["results"]), failures=str(t["failed"]), errors="0",
                        skipped=str(t["skipped"]),
                        time=f"{sum(p.get('wall_s', 0) for p in meta['passes']):.3f}",
                        timestamp=junit_time(meta["start"]))
    by_pass = {}
    for r in rows:
        by_pass.setdefault(r["pass"], []).append(r)
    records = {p["name"]: p for p in meta["passes"]}
    git = meta.get("git") or {}
    for name, rs in by_pass.items():
        rec = records.get(name, {})
        s = ET.SubElement(suites, "testsuite", name=f"ternac.{name}", tests=str(len(rs)),
                          failures=str(sum(r["result"] == "fail" for r in rs)), errors="0",
                          skipped=str(sum(r["result"] == "skip" for r in rs)),
                          time=f"{rec.get('wall_s', sum(r['wall_s'] for r in rs)):.3f}",
                          timestamp=junit_time(rec.get("start", meta["start"])),
                          hostname=meta.get("host") or "")
        props = ET.SubElement(s, "properties")
        shard = meta.get("shard")
        for k, v in (("level", meta["level"]), ("tags", ",".join(meta["tags"])),
                     ("seed", "" if rec.get("seed") is None else rec["seed"]),
                     ("shard", f"{shard['index']}/{shard['count']}" if shard else ""),
                     ("inject_fault", meta["inject_fault"]), ("commit", git.get("commit") or ""),
                     ("dirty", json.dumps(git.get("dirty"))),
                     ("interrupted", meta.get("interrupted") or "")):
            ET.SubElement(props, "property", name=k, value=str(v))
        for r in rs:
            c = ET.SubElement(s, "testcase", name=r["test"],
                              classname=f"ternac.{r['configuration'] or name}",
                              time=f"{r['wall_s']:.3f}")
            if r["result"] == "fail":
                text = [r["details"]] if r["details"] else []
                text.append(f"reproduce: {r['reproduce']}")
                text += [f"waveform: {w}" for w in r["waveforms"]]
                if r["log"]:
                    text.append(f"whole output: {r['log']}")
                f = ET.SubElement(c, "failure", message=r["message"], type="failure")
                f.text = "\n".join(text)
            elif r["result"] == "skip":
                ET.SubElement(c, "skipped", message=r["message"])
    ET.indent(suites)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
            + "\n")


def write_outputs(out, rows, meta):
    rows = sorted(rows, key=lambda r: (r["pass"], r["test"],
                                       -1 if r["seed"] is None else r["seed"]))
    summary = {"schema": SCHEMA, "kind": "ternac-regress-summary", "meta": meta,
               "totals": totals(rows), "rows": rows}
    write_atomic(os.path.join(out, "summary.json"), json.dumps(summary, indent=1) + "\n")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(dict(r, seed="" if r["seed"] is None else r["seed"],
                        cycles="" if r["cycles"] is None else r["cycles"],
                        waveforms=" ".join(r["waveforms"])))
    write_atomic(os.path.join(out, "summary.csv"), buf.getvalue())
    write_atomic(os.path.join(out, "junit.xml"), junit_xml(rows, meta))
    return rows


def report(rows, out, meta):
    t = totals(rows)
    print(f"regress: {t['results']} results: {t['passed']} passed, {t['failed']} failed, "
          f"{t['skipped']} skipped; {out}/junit.xml, summary.json, summary.csv")
    fails = [r for r in rows if r["result"] == "fail"]
    for r in fails:
        print(f"FAILED {r['test']}" + (f" (seed {r['seed']})" if r["seed"] is not None else "") +
              (f"\n  {r['message']}" if r["message"] else "") +
              f"\n  reproduce: {r['reproduce']}" +
              "".join(f"\n  waveform: {w}" for w in r["waveforms"]) +
              (f"\n  whole output: {r['log']}" if r["log"] else ""))
    return 1 if fails else 0


# --------------------------------------------------------------------------------------------
# Summaries: reading, checking, merging, comparing


# Limits of what a summary may be, beyond its schema: a summary of the nightly level is about
# 300 KB; 64 MiB holds some 100,000 results.
SUMMARY_MAX_BYTES = 64 << 20
JSON_MAX_DEPTH = 32  # the runner writes 4 levels; json.load itself stops near 1000 (RecursionError)
INT_MAX = 2 ** 63 - 1
TIME_MAX = 1e12  # seconds: more than any two timestamps apart; merge and junit.xml add times up
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
# What a text of a summary may hold: the characters of XML 1.0, as junit.xml holds these texts.
# That leaves out the C0 controls but tab, newline and carriage return (a terminal's escape
# sequences start with ESC) and unpaired surrogates (which have no UTF-8 form).
NOT_TEXT = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SIGNAL_NAME = re.compile(r"SIG[A-Z0-9]{1,12}")


def _is_int(v, minimum=None, maximum=INT_MAX):
    return isinstance(v, int) and not isinstance(v, bool) and \
        (minimum is None or v >= minimum) and v <= maximum


def _is_number(v):
    """A time in seconds: a number in 0..TIME_MAX (sums of them stay finite)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= TIME_MAX


def _is_text(v):
    return isinstance(v, str) and not NOT_TEXT.search(v)


def _is_name(v, empty=False):
    """A name printed on one line: a test, a pass, a configuration, a label, a commit."""
    return isinstance(v, str) and (empty or v != "") and len(v) <= 1000 and v.isprintable()


def _is_time(v):
    if not isinstance(v, str) or not TIMESTAMP.fullmatch(v):
        return False
    try:
        datetime.datetime.fromisoformat(v[:-1])
    except ValueError:  # 2026-13-45T...
        return False
    return True


def _is_record(v, fields):
    """An object with exactly these keys, each value passing its check."""
    return isinstance(v, dict) and set(v) == set(fields) and \
        all(ok(v[k]) for k, ok in fields.items())


def _in_range(option):
    lo, hi = INT_RANGES[option]
    return (lambda v: _is_int(v, lo, hi)), f"an integer in {lo}..{hi}"


ROW_FIELDS = {
    "test": (_is_name, "a non-empty string of printable characters"),
    "configuration": (lambda v: _is_name(v, empty=True), "a string of printable characters"),
    "seed": (lambda v: v is None or _is_int(v, 0), "an integer >= 0 or null"),
    "pass": (_is_name, "a non-empty string of printable characters"),
    "result": (lambda v: isinstance(v, str) and v in RESULTS, "one of " + ", ".join(RESULTS)),
    "message": (_is_text, "a string (of XML's characters)"),
    "details": (_is_text, "a string (of XML's characters)"),
    "cycles": (lambda v: v is None or _is_int(v, 0), "an integer >= 0 or null"),
    "wall_s": (_is_number, f"a number in 0..{TIME_MAX:.0e} (seconds)"),
    "reproduce": (_is_text, "a string (of XML's characters)"),
    "waveforms": (lambda v: isinstance(v, list) and all(_is_text(x) for x in v),
                  "a list of strings"),
    "log": (_is_text, "a string (of XML's characters)"),
}

PASS_FIELDS = {"name": _is_name, "seed": lambda v: v is None or _is_int(v, 0),
               "tests": lambda v: _is_int(v, 0), "start": _is_time, "end": _is_time,
               "wall_s": _is_number}


def _pass_problem(p):
    """What is wrong with a record of meta.passes, or None."""
    if not isinstance(p, dict):
        return f"is {_show(p)}, expected {{{', '.join(PASS_FIELDS)}}}"
    missing = [f for f in PASS_FIELDS if f not in p]
    if missing:
        return f"has no '{missing[0]}'"
    extra = sorted(set(p) - set(PASS_FIELDS))
    if extra:
        return f"has unknown fields: {', '.join(_show(x, 40) for x in extra[:5])}"
    bad = next((f for f in PASS_FIELDS if not PASS_FIELDS[f](p[f])), None)
    if bad:
        return f"has a bad '{bad}': {_show(p[bad])}"
    if p["end"] < p["start"]:
        return f"ends ({p['end']}) before it starts ({p['start']})"
    return None


def _shard_ok(v):
    return v is None or (_is_record(v, {"index": lambda x: _is_int(x, 1),
                                        "count": lambda x: _is_int(x, 1, SHARDS_MAX)})
                         and v["index"] <= v["count"])


META_FIELDS = {
    "level": (lambda v: isinstance(v, str) and v in LEVELS, "one of " + ", ".join(LEVELS)),
    "tags": (lambda v: isinstance(v, list) and all(_is_name(x) for x in v),
             "a list of labels"),
    "seeds": _in_range("--seeds"),
    "base_seed": _in_range("--base-seed"),
    "inject_fault": _in_range("--inject-fault"),
    "trace": (lambda v: isinstance(v, bool), "true or false"),
    "shard": (_shard_ok, f"null or {{index, count}} with 1 <= index <= count <= {SHARDS_MAX}"),
    "interrupted": (lambda v: v is None or (isinstance(v, str) and SIGNAL_NAME.fullmatch(v)),
                    "null or a signal name"),
    "git": (lambda v: v is None or _is_record(v, {
        "commit": _is_name, "dirty": lambda x: x is None or isinstance(x, bool)}),
        "null or {commit, dirty}"),
    "start": (_is_time, "a UTC timestamp (2026-12-06T12:12:45Z)"),
    "end": (_is_time, "a UTC timestamp (2026-12-06T12:12:45Z)"),
    "passes": (lambda v: isinstance(v, list) and not any(_pass_problem(p) for p in v),
               "a list of {" + ", ".join(PASS_FIELDS) + "}"),
}

# Checked when present (merge copies them, nothing else reads them).
META_OPTIONAL = {
    "jobs": (lambda v: v is None or _is_int(v, 1), "an integer >= 1"),
    "build": (lambda v: v is None or isinstance(v, str), "a string"),
    "out": (lambda v: v is None or isinstance(v, str), "a string"),
    "host": (lambda v: v is None or isinstance(v, str), "a string"),
    "command": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
                "a list of strings"),
    "tools": (lambda v: v is None or (isinstance(v, dict) and all(
        x is None or isinstance(x, str) for x in v.values())), "null or {tool: version}"),
    "incomplete": (lambda v: isinstance(v, bool), "true or false"),
    "wall_s": (_is_number, f"a number in 0..{TIME_MAX:.0e} (seconds)"),
    "merged_from": (lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
                    "a list of objects"),
    "slurm": (lambda v: v is None or isinstance(v, dict), "null or an object"),
}


def _show(v, width=60):
    """A value of a summary for an error message: JSON, ASCII, one line, cut at `width`."""
    try:
        text = json.dumps(v, ensure_ascii=True)
    except (ValueError, TypeError, RecursionError):
        text = f"<{type(v).__name__}>"
    return text if len(text) <= width else text[:width - 3] + "..."


def summary_problem(data):
    if not isinstance(data, dict) or data.get("kind") != "ternac-regress-summary":
        return "not a summary.json of scripts/regress.py"
    schema = data.get("schema", 1)
    if not _is_int(schema) or schema != SCHEMA:
        return (f"summary schema {_show(schema)}, this runner reads schema {SCHEMA} "
                f"(run it again with this runner)")
    meta, rows = data.get("meta"), data.get("rows")
    if not isinstance(meta, dict):
        return "'meta' is not an object"
    for k, (ok, want) in META_FIELDS.items():
        if k not in meta:
            return f"meta has no '{k}'"
        if not ok(meta[k]):
            if k == "passes" and isinstance(meta[k], list):
                return next(f"meta 'passes' item {i} {_pass_problem(p)}"
                            for i, p in enumerate(meta[k], 1) if _pass_problem(p))
            return f"meta '{k}' is {_show(meta[k])}, expected {want}"
    if meta["end"] < meta["start"]:  # same form (TIMESTAMP): compared as text
        return f"meta 'end' ({meta['end']}) is before 'start' ({meta['start']})"
    for k, (ok, want) in META_OPTIONAL.items():
        if k in meta and not ok(meta[k]):
            return f"meta '{k}' is {_show(meta[k])}, expected {want}"
    if not isinstance(rows, list):
        return "'rows' is not a list"
    seen = {}
    for i, r in enumerate(rows, 1):
        if not isinstance(r, dict):
            return f"row {i} is not an object"
        what = f"row {i} ({r['test']})" if _is_name(r.get("test")) and len(r["test"]) <= 200 \
            else f"row {i}"
        for k, (ok, want) in ROW_FIELDS.items():
            if k not in r:
                return f"{what} has no '{k}'"
            if not ok(r[k]):
                return f"{what}: '{k}' is {_show(r[k])}, expected {want}"
        extra = sorted(set(r) - set(ROW_FIELDS))
        if extra:
            return f"{what} has unknown fields: {', '.join(_show(x, 40) for x in extra[:5])}"
        key = (r["pass"], r["test"], r["seed"])
        if key in seen:
            return f"{what} repeats row {seen[key]} (the same test, pass and seed)"
        seen[key] = i
    # Each pass once, and no more tests than results (merge adds the counts up: bounded so).
    names = [p["name"] for p in meta["passes"]]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        return f"meta 'passes' has pass {_show(twice, 40)} twice"
    tests = sum(p["tests"] for p in meta["passes"])
    if tests > len(rows):
        return f"meta 'passes' count {tests} tests, but the summary has {len(rows)} results"
    return None


class _Refused(ValueError):
    """Valid JSON that a summary may not hold: raised by the hooks of json.loads."""


def _json_int(text):
    if len(text.lstrip("-")) > 19 or abs(int(text)) > INT_MAX:
        raise _Refused(f"the integer {text[:24]}{'...' if len(text) > 24 else ''} is out of range "
                       f"(a summary's integers are within 64 bits)")
    return int(text)


def _json_float(text):
    v = float(text)
    if not math.isfinite(v):
        raise _Refused(f"the number {text[:24]}{'...' if len(text) > 24 else ''} is out of "
                       f"range (not finite as a double)")
    return v


def _json_constant(name):
    raise _Refused(f"{name} is not a JSON number (Python's json module reads it, JSON has no "
                   f"such value)")


def _json_object(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise _Refused(f"the key {_show(k, 40)} appears twice in one object")
        d[k] = v
    return d


def _json_depth(data):
    """The nesting depth of parsed JSON, found iteratively (no recursion limit), up to
    JSON_MAX_DEPTH + 1."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, depth)
            if depth > JSON_MAX_DEPTH:
                break
            stack.extend((x, depth + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
              (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
              (stat.S_ISSOCK, "a socket"))


def read_regular_file(path, limit):
    """The bytes of a regular file of at most `limit` bytes. Anything else is refused before it
    is opened (opening a FIFO for reading waits for a writer), and the descriptor is checked
    again, opened with O_NONBLOCK, in case the path changed in between."""
    def not_regular(mode):
        kind = next((k for f, k in FILE_KINDS if f(mode)), "not a regular file")
        return UsageError(f"{path}: {kind}, not a regular file: a summary is read from a file")
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise not_regular(mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file")
    except OSError as e:
        raise UsageError(f"{path}: cannot read it: {e.strerror or e}")
    except ValueError:  # a NUL byte
        raise UsageError(f"{_show(path)}: not a valid path")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise not_regular(st.st_mode)
        chunks, size = [], 0
        while True:
            SIGNALS.check()
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise UsageError(f"{path}: larger than {limit >> 20} MiB: not a summary of this "
                                 f"runner")
            chunks.append(chunk)
    except OSError as e:
        raise UsageError(f"{path}: cannot read it: {e.strerror or e}")
    finally:
        os.close(fd)
    SIGNALS.check()
    return b"".join(chunks)


def load_summary(path):
    """A summary.json (or a directory holding one), read and checked: UsageError with one line
    naming the file and the problem for anything but a summary of this runner's schema."""
    try:
        if os.path.isdir(path):
            path = os.path.join(path, "summary.json")
    except ValueError:
        raise UsageError(f"{_show(path)}: not a valid path")
    raw = read_regular_file(path, SUMMARY_MAX_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise UsageError(f"{path}: not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})")
    try:
        data = json.loads(text, parse_int=_json_int, parse_float=_json_float,
                          parse_constant=_json_constant, object_pairs_hook=_json_object)
    except _Refused as e:
        raise UsageError(f"{path}: {e}")
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to be a summary (at most {JSON_MAX_DEPTH} "
                         f"levels)")
    except ValueError as e:
        raise UsageError(f"{path}: not valid JSON ({e})")
    if _json_depth(data) > JSON_MAX_DEPTH:
        raise UsageError(f"{path}: nested deeper than a summary is (at most {JSON_MAX_DEPTH} "
                         f"levels)")
    problem = summary_problem(data)
    if problem:
        raise UsageError(f"{path}: {problem}")
    return data


RUN_KEYS = ("level", "tags", "seeds", "base_seed", "inject_fault", "trace")


def combine(loaded):
    """Rows and meta of one run from the summaries of its shards [(dir, summary)]; refuses
    summaries of different runs, interrupted ones and overlapping shards. Returns (rows, meta,
    missing shard indices)."""
    d0, s0 = loaded[0]
    m0 = s0["meta"]
    for d, s in loaded[1:]:
        for k in RUN_KEYS:
            if s["meta"][k] != m0[k]:
                raise UsageError(f"the summaries are of different runs: {k} is "
                                 f"{json.dumps(m0[k])} in {d0} but {json.dumps(s['meta'][k])} "
                                 f"in {d}")
        c0, c = (m0["git"] or {}).get("commit"), (s["meta"]["git"] or {}).get("commit")
        if c0 != c:
            raise UsageError(f"the summaries are of different commits: {c0} in {d0}, {c} in {d}")
    for d, s in loaded:
        if s["meta"]["interrupted"]:
            raise UsageError(f"{d} was interrupted ({s['meta']['interrupted']}): its results are "
                             f"incomplete; run it again")
    shards = [(d, s["meta"]["shard"]) for d, s in loaded]
    missing = []
    if len(loaded) > 1 or shards[0][1] is not None:
        whole = [d for d, sh in shards if sh is None]
        if whole:
            raise UsageError(f"{whole[0]} is an unsharded run: merge takes the shards of one run")
        counts = {sh["count"] for _, sh in shards}
        if len(counts) > 1:
            raise UsageError("the shards are of different splits: " + ", ".join(
                f"{d} is {sh['index']}/{sh['count']}" for d, sh in shards))
        n = counts.pop()
        seen = {}
        for d, sh in shards:
            if sh["index"] in seen:
                raise UsageError(f"shard {sh['index']}/{n} twice: {seen[sh['index']]} and {d}")
            seen[sh["index"]] = d
        missing = [i for i in range(1, n + 1) if i not in seen]  # the caller says so
    rows, where = [], {}
    for d, s in loaded:
        for r in s["rows"]:
            key = (r["pass"], r["test"], r["seed"])
            if key in where:
                raise UsageError(f"the shards overlap: {r['test']} (pass {r['pass']}) is in both "
                                 f"{where[key]} and {d}")
            where[key] = d
            rows.append(r)
    passes = {}
    for _, s in loaded:
        for p in s["meta"]["passes"]:
            q = passes.setdefault(p["name"], dict(p, tests=0))
            q["start"], q["end"] = min(q["start"], p["start"]), max(q["end"], p["end"])
            q["tests"] += p.get("tests", 0)
    for q in passes.values():
        q["wall_s"] = round((parse_iso(q["end"]) - parse_iso(q["start"])).total_seconds(), 1)
    start = min(s["meta"]["start"] for _, s in loaded)
    end = max(s["meta"]["end"] for _, s in loaded)
    meta = {k: m0[k] for k in RUN_KEYS}
    meta.update({
        "shard": None, "jobs": m0.get("jobs"), "build": m0.get("build"), "git": m0["git"],
        "tools": m0.get("tools"), "start": start, "end": end,
        "wall_s": round((parse_iso(end) - parse_iso(start)).total_seconds(), 1),
        "passes": sorted(passes.values(), key=lambda p: (p["name"] != "main", p["name"])),
        "interrupted": None, "incomplete": bool(missing) or any(
            s["meta"].get("incomplete") for _, s in loaded),
        "merged_from": [{"dir": os.path.abspath(d), "shard": s["meta"]["shard"],
                         "host": s["meta"].get("host"), "start": s["meta"]["start"],
                         "end": s["meta"]["end"]} for d, s in loaded]})
    differing = {json.dumps(s["meta"].get("tools"), sort_keys=True) for _, s in loaded}
    if len(differing) > 1:
        print("regress merge: note: the shards ran with different tool versions "
              "(meta.merged_from names their hosts)", file=sys.stderr)
    return rows, meta, missing


def parse_iso(text):
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"'{text}' is not an ISO 8601 timestamp")


def compare_rows(rows, other_rows, label):
    def key(r):  # what must agree between runs: not wall time, paths, messages or waveforms
        return (r["pass"], r["test"], r["configuration"], str(r["seed"]), r["result"],
                str(r["cycles"]))
    mine = sorted(key(r) for r in rows)
    theirs = sorted(key(r) for r in other_rows)
    if mine == theirs:
        print(f"regress: equal to {label} ({len(mine)} results)")
        return 0
    only_m, only_t = set(mine) - set(theirs), set(theirs) - set(mine)
    print(f"regress: DIFFERS from {label}: {len(only_m)} results only here, {len(only_t)} only "
          f"there")
    for r in sorted(only_m)[:10]:
        print("  here only:", r)
    for r in sorted(only_t)[:10]:
        print("  there only:", r)
    return 1


# --------------------------------------------------------------------------------------------
# Slurm


class SlurmArray:
    """A Slurm job array of one script: submits it, waits for it (polling squeue, with progress),
    finds the tasks that failed through `task_problem(index)` (the caller's check of the task's
    own output) and submits those again, up to `requeue` times."""

    def __init__(self, script, name, log_dir, sbatch_args=(), throttle=0, progress="lines",
                 label="slurm", poll_max=5.0):
        self.script, self.name, self.log_dir = script, name, log_dir
        self.sbatch_args, self.throttle = list(sbatch_args), throttle
        self.progress, self.label, self.poll_max = progress, label, poll_max
        self.jobs = []

    @staticmethod
    def spec(indices):
        out, run = [], []
        for i in sorted(indices):
            if run and i == run[-1] + 1:
                run.append(i)
            else:
                if run:
                    out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
                run = [i]
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        return ",".join(out)

    def submit(self, indices):
        array = self.spec(indices) + (f"%{self.throttle}" if self.throttle else "")
        cmd = ["sbatch", "--parsable", f"--array={array}", f"--job-name={self.name}",
               f"--output={os.path.join(self.log_dir, 'task-%A_%a.log')}"] + \
            self.sbatch_args + [self.script]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.SubprocessError) as e:
            raise RunError(f"sbatch could not run: {e}")
        jid = r.stdout.strip().split(";")[0]
        if r.returncode != 0 or not jid.isdigit():
            why = (r.stderr.strip() or r.stdout.strip() or f"exit status {r.returncode}")
            raise RunError(f"sbatch refused the job array ({' '.join(map(shlex.quote, cmd))}): "
                           f"{why.splitlines()[0]}")
        self.jobs.append(jid)
        print(f"{self.label}: submitted job array {jid} ({len(indices)} tasks, --array={array})",
              flush=True)
        return jid

    def wait(self, jid, total):
        prog = Progress(self.progress, f"{self.label}: job {jid}, tasks done")
        interval, failures = 1.0, 0
        try:
            while True:
                SIGNALS.check()
                r = subprocess.run(["squeue", "-h", "-r", "-j", jid, "-o", "%i %T"],
                                   capture_output=True, text=True, timeout=60)
                if r.returncode != 0:
                    if "Invalid job id" in r.stderr:
                        break  # ended and already purged
                    failures += 1
                    if failures >= 12:
                        raise RunError(f"squeue keeps failing: {r.stderr.strip()}")
                else:
                    failures = 0
                    states = [l.split()[-1] for l in r.stdout.splitlines() if l.strip()]
                    if not states:
                        break
                    running = states.count("RUNNING")
                    prog.update(max(0, total - len(states)), total,
                                f" ({running} running, {len(states) - running} waiting)")
                SIGNALS.sleep(interval)
                interval = min(self.poll_max, interval * 1.5)
        finally:
            prog.close()

    def task_states(self, jid):
        """Task index -> 'STATE exit N' from scontrol while slurmctld still remembers the job."""
        states = {}
        try:
            r = subprocess.run(["scontrol", "show", "job", "-o", jid], capture_output=True,
                               text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return states
        for line in r.stdout.splitlines():
            f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
            if f.get("ArrayTaskId", "").isdigit():
                states[int(f["ArrayTaskId"])] = \
                    f"{f.get('JobState', '?')}, exit {f.get('ExitCode', '?')}"
        return states

    def run(self, indices, task_problem, requeue=0):
        """Runs the tasks; returns {index: why} of those that still failed."""
        pending, attempt = list(indices), 0
        try:
            while True:
                jid = self.submit(pending)
                self.wait(jid, len(pending))
                failed = {i: task_problem(i) for i in pending}
                failed = {i: why for i, why in failed.items() if why}
                if failed:
                    states = self.task_states(jid)
                    for i, why in sorted(failed.items()):
                        log = os.path.join(self.log_dir, f"task-{jid}_{i}.log")
                        state = f" (Slurm: {states[i]})" if i in states else ""
                        print(f"{self.label}: task {i} of job {jid} failed{state}: {why}; its "
                              f"log: {log}", flush=True)
                        for line in tail_lines(log, 5):
                            print(f"    {line}")
                if not failed or attempt >= requeue:
                    return failed
                attempt += 1
                pending = sorted(failed)
                print(f"{self.label}: requeuing {len(pending)} failed tasks "
                      f"({self.spec(pending)}), attempt {attempt} of {requeue}", flush=True)
        except Interrupted:
            self.cancel()
            raise

    def cancel(self):
        if self.jobs:
            subprocess.run(["scancel"] + self.jobs, capture_output=True, timeout=60)
            print(f"{self.label}: cancelled job {' '.join(self.jobs)}", flush=True)


def tail_lines(path, n):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [l.rstrip() for l in f.readlines()[-n:]]
    except OSError:
        return []


def run_slurm(a, chosen):
    """The level as a Slurm job array, one shard per task; returns (rows, slurm record,
    interrupted signal or None)."""
    n = min(a.shards, len(shard_groups(chosen)))
    shard_root = os.path.join(a.out, "shards")
    slurm_dir = os.path.join(a.out, "slurm")
    make_dirs(shard_root)
    make_dirs(slurm_dir)
    task = ["/usr/bin/python3", os.path.join(ROOT, "scripts", "regress.py"), "--no-build",
            "--build", a.build, "--level", a.level, "--seeds", str(a.seeds),
            "--base-seed", str(a.base_seed), "--progress", "lines"]
    if a.tags:
        task += ["--tags", ",".join(a.tags)]
    if a.inject_fault:
        task += ["--inject-fault", str(a.inject_fault)]
    if a.trace:
        task.append("--trace")
    jobs = shlex.quote(str(a.jobs)) if a.jobs_given else '"${SLURM_CPUS_PER_TASK:-1}"'
    script = os.path.join(slurm_dir, "regress-task.sh")
    write_atomic(script, "\n".join([
        "#!/bin/bash",
        f"# One shard of ternac regress --level {a.level} per Slurm array task "
        f"(written by scripts/regress.py --slurm).",
        "set -euo pipefail",
        'i="${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}"',
        "exec " + " ".join(shlex.quote(x) for x in task) +
        f' --shard "$i/{n}" --out {shlex.quote(shard_root)}/"$i" --jobs {jobs}', ""]))
    os.chmod(script, 0o755)

    def problem(i):
        path = os.path.join(shard_root, str(i), "summary.json")
        if not os.path.exists(path):
            return "it wrote no summary.json (it died, or could not start the runner)"
        try:
            s = load_summary(path)
        except UsageError as e:
            return str(e)
        if s["meta"]["shard"] != {"index": i, "count": n}:
            return f"{path} is not of shard {i}/{n}"
        if s["meta"]["interrupted"]:
            return f"it was interrupted ({s['meta']['interrupted']})"
        return None

    array = SlurmArray(script, f"ternac-regress-{a.level}", slurm_dir,
                       sbatch_args=a.sbatch_args, throttle=a.throttle, progress=a.progress,
                       label="regress: slurm")
    signum = None
    try:
        failed = array.run(range(1, n + 1), problem, a.requeue_failed)
    except Interrupted as e:
        signum = e.signum
        failed = {i: "cancelled" for i in range(1, n + 1) if problem(i)}
    loaded = [(os.path.join(shard_root, str(i)), load_summary(os.path.join(shard_root, str(i))))
              for i in range(1, n + 1) if i not in failed]
    rows, merged = [], None
    if loaded:
        rows, merged, _ = combine(loaded)
    for d, _ in loaded:  # junit.xml in --out is the run's only JUnit file: a **/*.xml glob
        try:             # must not count the shards' tests twice
            os.unlink(os.path.join(d, "junit.xml"))
        except OSError:
            pass
    record = {"jobs": array.jobs, "shards": n,
              "failed_tasks": {str(i): w for i, w in failed.items()},
              "sbatch_args": a.sbatch_args, "throttle": a.throttle,
              "requeue_failed": a.requeue_failed, "script": script}
    return rows, record, signum, merged


# --------------------------------------------------------------------------------------------
# Commands


def show_arg(text):
    """A command-line value quoted for an error message, on one line whatever it holds."""
    text = text if len(text) <= 40 else text[:40] + "..."
    return "'" + text + "'" if text.isprintable() else json.dumps(text)


def strict_int(option):
    lo, hi = INT_RANGES[option]

    def parse(text):
        if not re.fullmatch(DECIMAL, text):
            raise argparse.ArgumentTypeError(
                f"{show_arg(text)} is not a strict decimal integer (ASCII digits only: no sign, "
                f"no leading zero, no spaces); {option} takes {lo}..{hi}")
        if len(text) > 20 or not lo <= int(text) <= hi:  # (int() of 5000 digits would fail)
            raise argparse.ArgumentTypeError(f"{show_arg(text)} is out of range: {option} takes "
                                             f"{lo}..{hi}")
        return int(text)
    parse.__name__ = option  # argparse names the type in some messages
    return parse


class Once(argparse.Action):
    """Stores an option's value, refusing the option a second time (as --opt V or --opt=V):
    "last wins" would let a command line built up by a script change meaning silently."""

    def __call__(self, parser, namespace, values, option_string=None):
        def text(v):
            return f"{v[0]}/{v[1]}" if isinstance(v, tuple) else str(v)
        given = namespace.__dict__.setdefault("_given", {})
        if self.dest in given:
            name = self.option_strings[0] if self.option_strings else self.dest
            parser.error(f"{name} is given more than once ({show_arg(text(given[self.dest]))}, "
                         f"then {show_arg(text(values))}): give it once")
        given[self.dest] = values
        setattr(namespace, self.dest, values)


class Parser(argparse.ArgumentParser):
    """argparse, strict: no abbreviated options, an error is one line (UsageError, exit 2),
    value options once each (Once)."""

    def __init__(self, **kw):
        super().__init__(allow_abbrev=False, **kw)
        # The default action (no action=) of this parser and its groups, which share the
        # registry: store once. Flags (store_true) may repeat: that changes nothing.
        self.register("action", None, Once)

    def error(self, message):
        raise UsageError(f"{message} ({self.prog} --help lists the options)")

    def parse_args(self, args=None, namespace=None):
        a = super().parse_args(args, namespace)
        a.__dict__.pop("_given", None)
        return a


def utf8_path(option, path):
    """A path from the command line that ends up in summary.json, summary.csv and junit.xml,
    which are UTF-8: a name that is not (a surrogate escape of a raw byte) is refused here,
    before it could fail a write at the end of the run."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{option} {json.dumps(path)}: the path is not valid UTF-8")
    return path


def build_dir_default():
    # An empty TERNAC_BUILD_DIR means unset, as in scripts/build.sh and scripts/test.sh.
    return os.environ.get("TERNAC_BUILD_DIR") or os.path.join(ROOT, "build")


def parse_run_args(argv):
    p = Parser(prog="regress", description=__doc__,
               formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--level", choices=sorted(LEVELS), default="default",
                   help="what runs (the levels above) (default: %(default)s)")
    p.add_argument("--tags", default="", metavar="T,...",
                   help="only the tests with any of these CTest labels, comma-separated "
                        "(default: every test of the level)")
    p.add_argument("--seeds", type=strict_int("--seeds"), default=None, metavar="N",
                   help=f"seeded passes after the main one, each rerunning the seeded tests "
                        f"(default: {NIGHTLY_SEEDS} at the nightly level, else 0)")
    p.add_argument("--base-seed", type=strict_int("--base-seed"), default=1, metavar="S",
                   help="the first seeded pass's seed; then S+1, ... (default: %(default)s)")
    p.add_argument("--shard", type=parse_shard, default=None, metavar="I/N",
                   help="run every N-th test of each pass, starting at the I-th "
                        "(default: the whole selection)")
    p.add_argument("--jobs", type=strict_int("--jobs"), default=None, metavar="J",
                   help="parallel tests (default: the cores, at most 1024)")
    p.add_argument("--build", default=None, metavar="DIR",
                   help="the build tree to build and test (default: $TERNAC_BUILD_DIR, else "
                        "build/)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output directory: junit.xml, summary.json, summary.csv, logs, "
                        "waveforms (default: <build>/regress/<level>)")
    p.add_argument("--no-build", action="store_true",
                   help="use the build as it is (default: build it first with scripts/build.sh)")
    p.add_argument("--list", action="store_true", help="print the selected tests and stop")
    p.add_argument("--progress", choices=["auto", "bar", "lines", "off"], default="auto",
                   help="auto: a line redrawn in place on a terminal, else a line per 10 %% "
                        "(default: %(default)s)")
    p.add_argument("--trace", action="store_true",
                   help="write every co-simulation as an FST waveform into <out>/waves/")
    p.add_argument("--inject-fault", type=strict_int("--inject-fault"), default=0, metavar="N",
                   help="choose test-only RTL fault N (docs/assertions.md) in the fault build "
                        "(cosim_test_fault): the regression must catch it (default: 0, none)")
    g = p.add_argument_group("Slurm (docs/regression.md)")
    g.add_argument("--slurm", action="store_true",
                   help="run the shards as a Slurm job array and merge them")
    g.add_argument("--shards", type=strict_int("--shards"), default=None, metavar="N",
                   help="array tasks (default: 4)")
    g.add_argument("--sbatch-args", default="", metavar="ARGS",
                   help="more sbatch options, e.g. '-p debug -t 60' (default: none)")
    g.add_argument("--throttle", type=strict_int("--throttle"), default=0, metavar="K",
                   help="at most K tasks at once (--array=...%%K) (default: 0, no limit)")
    g.add_argument("--requeue-failed", type=strict_int("--requeue-failed"), default=0,
                   metavar="R",
                   help="submit tasks that failed (no result: node failure, time limit, "
                        "cancelled) again, up to R times (default: %(default)s)")
    a = p.parse_args(argv)
    if a.build is None:
        a.build = build_dir_default()
    elif a.build == "":
        p.error("--build: empty path")
    a.build = os.path.abspath(utf8_path("--build", a.build))
    if a.out == "":
        p.error("--out: empty path")
    a.out = os.path.abspath(utf8_path("--out", a.out or os.path.join(a.build, "regress", a.level)))
    if a.seeds is None:
        a.seeds = NIGHTLY_SEEDS if a.level == "nightly" else 0
    if a.base_seed + max(a.seeds, 1) - 1 > SEED_MAX:
        p.error(f"--base-seed {a.base_seed} with {a.seeds} seeds: the last seed would be past "
                f"{SEED_MAX}")
    a.jobs_given = a.jobs is not None
    if a.jobs is None:
        a.jobs = min(os.cpu_count() or 1, INT_RANGES["--jobs"][1])
    a.tags = parse_tags(a.tags) if a.tags.strip() else []
    try:
        a.sbatch_args = shlex.split(a.sbatch_args)
    except ValueError as e:
        p.error(f"--sbatch-args: {e}")
    slurm_only = [o for o, v in (("--shards", a.shards is not None),
                                 ("--sbatch-args", a.sbatch_args), ("--throttle", a.throttle),
                                 ("--requeue-failed", a.requeue_failed)) if v]
    if not a.slurm and slurm_only:
        p.error(f"{', '.join(slurm_only)} only with --slurm")
    if a.shards is None:
        a.shards = 4
    if a.slurm:
        if a.shard:
            p.error("--slurm makes the shards itself: leave out --shard")
        if not shutil.which("sbatch") or not shutil.which("squeue"):
            raise UsageError("--slurm: sbatch or squeue is not on PATH (Slurm's client "
                             "commands, Debian's slurm-client)")
    a.progress = progress_mode(a.progress)
    return a


def base_meta(a, argv):
    return {"level": a.level, "tags": a.tags, "seeds": a.seeds, "base_seed": a.base_seed,
            "inject_fault": a.inject_fault, "trace": a.trace,
            "shard": {"index": a.shard[0], "count": a.shard[1]} if a.shard else None,
            "jobs": a.jobs, "build": a.build, "out": a.out,
            "command": ["scripts/regress.py"] + list(argv), "host": socket.gethostname(),
            "git": git_state(), "tools": tools(a.build), "passes": [], "interrupted": None,
            "incomplete": False, "merged_from": [], "slurm": None}


def main_run(argv):
    a = parse_run_args(argv)
    if a.list:
        tests = ctest_listing(a.build)
        a.all_tests = tests
        passes = plan_passes(a, select_tests(tests, a.tags, a.level))
        print(f"regress: build {a.build}, level {a.level}")
        for p in passes:
            for t in p["tests"]:
                print(f"{p['name']}\t{t['name']}")
        return 0
    lock_out(a.out)
    start, t0 = now_utc(), time.monotonic()
    if not a.no_build:
        build(a)
    a.all_tests = ctest_listing(a.build)
    chosen = select_tests(a.all_tests, a.tags, a.level)
    passes = plan_passes(a, chosen)
    clean_out(a.out)
    meta = base_meta(a, argv)
    meta["start"] = iso(start)
    rows, signum = [], None
    try:
        if a.slurm:
            rows, meta["slurm"], signum, merged = run_slurm(a, chosen)
            if merged:
                meta["passes"], meta["merged_from"] = merged["passes"], merged["merged_from"]
            meta["incomplete"] = bool(meta["slurm"]["failed_tasks"])
        else:
            for p in passes:
                if not p["tests"]:
                    print(f"regress: pass {p['name']}: no test in this selection")
                    continue
                numbers = [t["number"] for t in p["tests"]]
                r, record = run_pass(a, p, numbers)
                rows += r
                meta["passes"].append(record)
    except Interrupted as e:
        signum = e.signum
        rows += e.rows
    end = now_utc()
    meta["end"] = iso(end)
    meta["wall_s"] = round(time.monotonic() - t0, 1)
    if signum is not None:
        meta["interrupted"] = signal.Signals(signum).name
        meta["incomplete"] = True
    rows = write_outputs(a.out, rows, meta)
    if signum is not None:
        ended = "the job array cancelled" if a.slurm else "ctest and its tests ended"
        print(f"regress: interrupted by {meta['interrupted']} after {duration(meta['wall_s'])}: "
              f"{ended}; {len(rows)} results so far in {a.out}/summary.json (marked "
              f"interrupted)", file=sys.stderr)
        return 128 + signum
    print(f"regress: level {a.level} took {duration(meta['wall_s'])}")
    status = report(rows, a.out, meta)
    if a.slurm and meta["slurm"]["failed_tasks"]:
        failed = ", ".join(sorted(meta["slurm"]["failed_tasks"], key=int))
        print(f"regress: Slurm tasks {failed} failed: their shards are missing from the results "
              f"(--requeue-failed R submits failed tasks again)")
        status = 1
    if not rows:
        print("regress: no result", file=sys.stderr)
        status = 1
    return status


def main_merge(argv):
    p = Parser(prog="regress merge",
               description="combine the output directories of a run's shards")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="where the merged junit.xml, summary.json and summary.csv go (required; "
                        "not one of the shard directories)")
    p.add_argument("--compare", default=None, metavar="SUMMARY.json",
                   help="a summary.json to compare the merged results with, e.g. of an "
                        "unsharded run (default: no comparison)")
    p.add_argument("dirs", nargs="+", metavar="SHARD_DIR",
                   help="the --out directories of the shards (or their summary.json files)")
    a = p.parse_args(argv)
    for option, path in (("--out", a.out), ("--compare", a.compare)):
        if path == "":
            p.error(f"{option}: empty path")
    out = os.path.abspath(utf8_path("--out", a.out))
    for d in a.dirs:
        if os.path.abspath(d) == out:
            raise UsageError(f"--out {a.out} is one of the inputs: merge into another directory")
    if a.compare and os.path.abspath(a.compare) in (os.path.join(out, "summary.json"), out):
        raise UsageError(f"--compare {a.compare} would be overwritten by this merge's own summary")
    loaded = [(d, load_summary(d)) for d in a.dirs]
    other = load_summary(a.compare) if a.compare else None
    lock_out(out)
    rows, meta, missing = combine(loaded)
    meta.update({"out": out, "command": ["scripts/regress.py", "merge"] + list(argv),
                 "host": socket.gethostname(), "slurm": None})
    clean_out(out, keep=list(a.dirs) + ([a.compare] if a.compare else []))
    rows = write_outputs(out, rows, meta)
    status = report(rows, out, meta)
    if missing:
        n = loaded[0][1]["meta"]["shard"]["count"]
        print(f"regress merge: shards {', '.join(f'{i}/{n}' for i in missing)} are missing: the "
              f"merged results are incomplete (meta.incomplete)")
        status = 1
    if other is not None:
        status = max(status, compare_rows(rows, other["rows"], a.compare))
    return status


def main_compare(argv):
    p = Parser(prog="regress compare", description="compare two runs' results and cycles")
    p.add_argument("summary", metavar="SUMMARY.json",
                   help="a run's summary.json (or its --out directory)")
    p.add_argument("other", metavar="OTHER.json",
                   help="the summary to compare it with: the same tests, results and cycles?")
    a = p.parse_args(argv)
    mine, theirs = load_summary(a.summary), load_summary(a.other)
    return compare_rows(mine["rows"], theirs["rows"], a.other)


class StdoutError(UsageError):
    """Standard output could not be written: exit status 2."""


class GuardedStdout:
    """sys.stdout for main(): a write or flush that fails (a full disk, a closed pipe: Python
    ignores SIGPIPE, so a reader that has gone is EPIPE) raises StdoutError, which no handler
    of OSError takes for a failure of the file it writes (stream_child's log)."""

    def __init__(self, stream):
        self._stream = stream

    def _guarded(self, f, *args):
        try:
            return f(*args)
        except OSError as e:
            raise StdoutError(f"cannot write standard output: {e.strerror or e}") from None

    def write(self, text):
        return self._guarded(self._stream.write, text)

    def flush(self):
        return self._guarded(self._stream.flush)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def open_std_fds():
    """Opens /dev/null on any of descriptors 0, 1 and 2 that is closed, so that no file the
    runner opens takes its number (and ctest does not inherit a closed one); returns those that
    were closed."""
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    for fd in closed:
        null = os.open(os.devnull, os.O_RDWR)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
    if 2 in closed:
        sys.stderr = open(os.devnull, "w")
    return closed


def drop_stdout():
    """After a failed write: what is left in the buffer goes to /dev/null, so that the
    interpreter's own flush at exit does not fail again (with a traceback)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass


def main(argv):
    if 1 in open_std_fds():
        sys.stdout = sys.__stdout__ = open(os.devnull, "w")
        print("regress: standard output is closed: nothing could be reported", file=sys.stderr)
        return 2
    sys.stdout = GuardedStdout(sys.stdout)
    # Texts the runner prints come from test output and summaries: an encoding that cannot
    # show a character (LANG=C with an old Python, a Latin-1 locale) escapes it, never fails.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    SIGNALS.install()
    commands = {"merge": main_merge, "compare": main_compare}
    try:
        try:
            if argv and argv[0] in commands:
                # No child to end, outputs written atomically: a signal ends them at once.
                SIGNALS.immediate = True
                status = commands[argv[0]](argv[1:])
            else:
                status = main_run(argv)
            sys.stdout.flush()
            return status
        except SystemExit as e:  # --help (argparse exits after printing it)
            sys.stdout.flush()
            return e.code
        finally:
            SIGNALS.immediate = False
    except UsageError as e:
        if isinstance(e, StdoutError):
            drop_stdout()
        return complain(e, 2)
    except RunError as e:
        return complain(e, 1)
    except Interrupted as e:
        return complain(f"interrupted by {e}", 128 + e.signum)


def complain(text, status):
    try:
        print(f"regress: {text}", file=sys.stderr, flush=True)
    except OSError:  # stderr unwritable too: the status says it
        pass
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
