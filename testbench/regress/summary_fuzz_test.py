#!/usr/bin/python3
"""Seeded fuzzing of the regression runner's summary reader (scripts/regress.py, imported as a
module): two shard summaries written by the runner itself (on a small CTest tree of its own,
as runner_robustness_test.py makes them) are mutated a few thousand times, in their parsed
form (values replaced by values of other types or out of range, fields deleted, inserted,
renamed, rows repeated) and as bytes (bits flipped, bytes inserted and deleted, cuts, NaN,
Infinity, huge numbers, repeated keys, deep nesting, invalid UTF-8). Each mutation is read
with load_summary and, when it loads, goes through merge's and compare's code paths in-process
(combine with the other shard, write_outputs, report, compare_rows). Each must either load or
be refused with the runner's UsageError (its one-line error, exit status 2), never raise
anything else; what merge writes must be valid UTF-8, its junit.xml must parse and its
summary.json must load again.

    testbench/regress/summary_fuzz_test.py [--count N] [--case I]

The seed is TERNAC_SEED (strict decimal; unset or empty: 1), printed; each mutation i draws
from its own generator (seed, i), so a failure prints the mutation and one command that runs
it alone. Exit 0 when every mutation held, 1 when one did not, 2 for a bad TERNAC_SEED."""

import argparse
import contextlib
import copy
import importlib.util
import io
import json
import math
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ beside scripts/regress.py or this file
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SELF = os.path.abspath(__file__)
sys.path.insert(0, HERE)
import runner_robustness_test as robust  # noqa: E402  (make_tree, GTEST_FAILURE)

FIXED_DIR = "/tmp/ternac-summary-fuzz"  # the generating directory, in the base summaries
MAX_FAILURES = 5


def load_regress():
    spec = importlib.util.spec_from_file_location(
        "regress", os.path.join(ROOT, "scripts", "regress.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_from_env():
    v = os.environ.get("TERNAC_SEED", "")
    if v == "":
        return 1
    if not re.fullmatch(r"0|[1-9][0-9]{0,19}", v) or int(v) >= 2 ** 64:
        print(f"summary_fuzz_test: environment variable TERNAC_SEED must be a decimal integer "
              f"in 0..2^64-1 (no sign, no leading zero), got {json.dumps(v)}", file=sys.stderr)
        sys.exit(2)
    return int(v)


# --------------------------------------------------------------------------------------------
# The summaries to mutate


def base_summaries(tmp):
    """Shards 1/2 and 2/2 of a run with a seeded pass, written by the runner: passing, failing
    (with a diagnosis and cycles) and skipped results. Their volatile fields (times, paths,
    host, commit, tool versions) are fixed, so that a seed gives the same mutations on every
    run on this machine."""
    tree = os.path.join(tmp, "tree")
    robust.make_tree(tree, [
        ("unit/Pass.One", "unit;small", "echo ternac-cycles: 7"),
        ("small/Cosim.RandomGemms", "cosim;small", "echo 12 cycles simulated"),
        ("small/Fail.Lane", "small", robust.GTEST_FAILURE),
        ("small/Skip.Reason", "small", "echo 'SKIP: no slurmd'; exit 77", "SKIP_RETURN_CODE 77"),
    ])
    docs = []
    for i in (1, 2):
        out = os.path.join(tmp, f"s{i}")
        r = subprocess.run([os.path.join(ROOT, "scripts", "regress.py"), "--no-build", "--build",
                            tree, "--seeds", "1", "--shard", f"{i}/2", "--progress", "off",
                            "--out", out], capture_output=True, text=True, timeout=120)
        if r.returncode not in (0, 1):
            sys.exit(f"summary_fuzz_test: the runner could not make shard {i}/2 (exit status "
                     f"{r.returncode}): {r.stderr or r.stdout}")
        with open(os.path.join(out, "summary.json")) as f:
            text = f.read().replace(tmp, FIXED_DIR)
        doc = json.loads(text)
        m = doc["meta"]
        m.update(start="2026-12-06T12:00:00Z", end="2026-12-06T12:00:09Z", wall_s=9.0,
                 host=f"fuzz{i}", jobs=2, git={"commit": "0123456789abcdef" * 2 + "01234567",
                                               "dirty": False},
                 tools={k: f"{k} 1.0" for k in sorted(m["tools"] or {})})
        for p in m["passes"]:
            p.update(start="2026-12-06T12:00:01Z", end="2026-12-06T12:00:08Z", wall_s=7.0)
        for row in doc["rows"]:
            row["wall_s"] = 0.25
        docs.append(doc)
    return docs


# --------------------------------------------------------------------------------------------
# Mutations


JUNK = [None, True, False, 0, -1, 1, 2, 7, 2 ** 31, 2 ** 63 - 1, 2 ** 63, -2 ** 63 - 1, 10 ** 30,
        0.5, -0.0, 1e308, -1e-300, float("nan"), float("inf"), float("-inf"),
        "", "x", "1", "main", "seed1", "pass", "fail", "skip", "smoke", "nightly", "SIGTERM",
        "2026-12-06T18:04:27Z", "2026-12-06T18:04:27", "2026-02-30T00:00:00Z", "9999-99-99",
        "\x1b[2J\x1b[31m", "\ud800", "\udcff", "a\nb", "tab\there", "\u2028", "é", "\x00", "\x9b",
        "\ufeff", "\uffff", "\U0001f600", "x" * 5000, [], {}, [1, "a", None], [[[]]],
        {"index": 1, "count": 2}, {"index": 2, "count": 1}, {"index": 1, "count": 10 ** 9},
        {"commit": "abc", "dirty": True}, {"name": "main"}, ["unit"], {"": None}]
TEXT_JUNK = [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e999", b"9" * 40, b"-0",
             b"1.0", b"1e2", b"0x10", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\\u0000",
             b"\\ud800", b"\\udc00\\ud800", b'"', b"[", b"]", b"{", b"}", b",", b":", b"\\",
             b"null", b"true", b"\xef\xbb\xbf", b" ", b"\n"]
FIELDS = ["schema", "kind", "meta", "rows", "totals", "level", "tags", "seeds", "base_seed",
          "inject_fault", "trace", "shard", "interrupted", "git", "start", "end", "passes",
          "test", "configuration", "seed", "pass", "result", "message", "details", "cycles",
          "wall_s", "reproduce", "waveforms", "log", "index", "count", "commit", "dirty",
          "name", "tests", "jobs", "tools", "host", "x", "", "\ud800"]


def paths(doc):
    """Every path (a list of keys and indices) to a value of the document."""
    out, stack = [], [([], doc)]
    while stack:
        path, v = stack.pop()
        out.append(path)
        if isinstance(v, dict):
            stack.extend((path + [k], x) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((path + [i], x) for i, x in enumerate(v))
    return sorted(out, key=lambda p: [str(x) for x in p])


def get(doc, path):
    for k in path:
        doc = doc[k]
    return doc


def show_path(path):
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path) or "(the document)"


def swapped(rng, v):
    """v as a value of another JSON type that could be mistaken for it."""
    if isinstance(v, bool):
        return rng.choice([int(v), str(v).lower(), None])
    if isinstance(v, int):
        return rng.choice([str(v), float(v), [v], -v - 1, bool(v),
                           v + rng.choice([-1, 1]) * 10 ** rng.randint(0, 20)])
    if isinstance(v, float):
        return rng.choice([str(v), int(v) if math.isfinite(v) else 0, [v], -v - 1.0])
    if isinstance(v, str):
        return rng.choice([[v], {"v": v}, int(v) if re.fullmatch("[0-9]{1,30}", v) else len(v),
                           v.encode("utf-8", "surrogatepass").hex(), v + "\n", v.upper(), v[:1]])
    if isinstance(v, list):
        return rng.choice([{str(i): x for i, x in enumerate(v)}, v[:1], v * 2, json.dumps(v)])
    if isinstance(v, dict):
        return rng.choice([list(v.values()), list(v), json.dumps(v), [v]])
    return rng.choice(["null", 0, "", []])


def mutate_tree(rng, doc):
    """One mutation of the parsed document (in place where it can): (document, description)."""
    p = rng.choice(paths(doc))
    kind = rng.choice(["replace", "swap", "delete", "insert", "rename", "repeat row", "nest"])
    rows = doc.get("rows") if isinstance(doc, dict) else None
    if kind == "repeat row" and isinstance(rows, list) and rows:
        i = rng.randrange(len(rows))
        rows.insert(rng.randrange(len(rows) + 1), copy.deepcopy(rows[i]))
        return doc, f"row {i} repeated"
    parent = get(doc, p[:-1]) if p else None
    if kind == "delete" and p:
        del parent[p[-1]]
        return doc, f"deleted {show_path(p)}"
    if kind == "insert":
        target = get(doc, p)
        junk = copy.deepcopy(rng.choice(JUNK))
        if isinstance(target, dict):
            key = rng.choice(FIELDS)
            target[key] = junk
            return doc, f"set {show_path(p + [key])} = {json.dumps(junk)[:80]}"
        if isinstance(target, list):
            i = rng.randint(0, len(target))
            target.insert(i, junk)
            return doc, f"inserted {json.dumps(junk)[:80]} at {show_path(p + [i])}"
    if kind == "rename" and p and isinstance(parent, dict):
        key = rng.choice(FIELDS)
        parent[key] = parent.pop(p[-1])
        return doc, f"renamed {show_path(p)} to '{key}'"
    if kind == "nest":
        depth = rng.choice([2, 8, 31, 32, 33, 200])
        new = get(doc, p)
        for _ in range(depth):
            new = [new]
    elif kind == "swap":
        new = swapped(rng, get(doc, p))
    else:
        new = copy.deepcopy(rng.choice(JUNK))
    if not p:
        return new, "the document replaced by " + json.dumps(new)[:80]
    parent[p[-1]] = new
    return doc, f"{show_path(p)} = {json.dumps(new)[:80]}"


def mutate_bytes(rng, data):
    """One mutation of the document's bytes; returns (bytes, description)."""
    kind = rng.choice(["flip", "insert", "delete", "cut", "number", "repeat key", "deep", "bom"])
    n = len(data)
    if n == 0:
        return b"{", "'{' for the empty file"
    at = rng.randrange(n)
    if kind == "flip":
        bit = 1 << rng.randrange(8)
        return data[:at] + bytes([data[at] ^ bit]) + data[at + 1:], \
            f"byte {at} XOR 0x{bit:02x}"
    if kind == "insert":
        junk = rng.choice(TEXT_JUNK) if rng.random() < 0.7 else \
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        return data[:at] + junk + data[at:], f"{junk!r} inserted at byte {at}"
    if kind == "delete":
        k = rng.randint(1, 64)
        return data[:at] + data[at + k:], f"bytes {at}..{at + k - 1} deleted"
    if kind == "cut":
        return data[:at], f"cut after {at} bytes"
    if kind == "number":
        spots = [m.span() for m in re.finditer(rb"(?<![\w.])-?[0-9][0-9.eE+-]*", data)]
        if spots:
            a, b = rng.choice(spots)
            junk = rng.choice([b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 5000,
                               b"9223372036854775808", b"-9223372036854775809", b"1.5", b"-1",
                               b"0.0", b"1e-400", b"01"])
            return data[:a] + junk + data[b:], \
                f"the number {data[a:b].decode()!r} at byte {a} replaced by {junk[:40]!r}"
    if kind == "repeat key":
        spots = [m.start() for m in re.finditer(rb'\{\s*"', data)]
        if spots:
            a = rng.choice(spots) + 1
            field = rng.choice([b'"level": "smoke", ', b'"result": "pass", ', b'"shard": null, ',
                                b'"rows": [], ', b'"test": "x", ', b'"seed": 1, '])
            return data[:a] + field + data[a:], f"{field!r} inserted at byte {a}"
    if kind == "deep":
        depth = rng.choice([31, 32, 33, 1000, 100000])
        spots = [m.end() for m in re.finditer(rb'": ', data)]
        if spots:
            a = rng.choice(spots)
            end = data.index(b",", a) if b"," in data[a:] else len(data)
            return data[:a] + b"[" * depth + b"]" * depth + data[end:], \
                f"the value at byte {a} replaced by arrays nested {depth} deep"
    if kind == "bom":
        return b"\xef\xbb\xbf" + data, "a UTF-8 BOM put first"
    return data[:at] + data[at + 1:], f"byte {at} deleted"


def mutation(seed, i, docs):
    """Mutation i of the seed: (which shard, its bytes, the description)."""
    rng = random.Random(f"ternac-summary-fuzz/{seed}/{i}")
    which = rng.randrange(2)
    doc = copy.deepcopy(docs[which])
    desc, as_bytes = [], False
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.4:
            as_bytes = True  # byte mutations come last: the document is no longer parsed
            break
        doc, d = mutate_tree(rng, doc)
        desc.append(d)
    # Unpaired surrogates as \ud800 escapes (JSON allows them) or as their bytes (not UTF-8).
    ascii_only = rng.random() < 0.5
    text = json.dumps(doc, indent=1, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    if as_bytes:
        for _ in range(rng.choice([1, 1, 2, 4])):
            text, d = mutate_bytes(rng, text)
            desc.append(d)
    return which, text, "; ".join(desc)


# --------------------------------------------------------------------------------------------
# Running one


class Outputs:
    """write_atomic of the runner, replaced: texts kept in memory, encoded as the real one
    encodes them (UTF-8, strict)."""

    def __init__(self):
        self.files = {}

    def write(self, path, text):
        self.files[os.path.basename(path)] = text.encode("utf-8")


def write_new(path, data):
    """A new file each time: rewriting one in place (truncated) makes ext4 write it out at
    every close (auto_da_alloc), some 2 ms each."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    with open(path, "wb") as f:
        f.write(data)


def exercise(reg, path, which, docs, work):
    """load_summary, then merge's and compare's paths; returns "loaded" or "refused". Raises
    whatever the runner raises but UsageError, or AssertionError for outputs that are wrong."""
    try:
        s = reg.load_summary(path)
    except reg.UsageError as e:
        msg = str(e)
        assert "\n" not in msg and msg.startswith(path), f"a refusal not on one line naming " \
            f"the file: {msg!r}"
        return "refused"
    other = copy.deepcopy(docs[1 - which])
    other_dir = os.path.join(FIXED_DIR, f"s{2 - which}")
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # strict, as a UTF-8 terminal
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        for loaded in ([(path, s)], [(path, s), (other_dir, other)]):
            try:
                rows, meta, missing = reg.combine(loaded)
            except reg.UsageError:
                continue
            meta.update({"out": work, "command": ["scripts/regress.py", "merge"],
                         "host": "fuzz", "slurm": None})
            out = Outputs()
            real = reg.write_atomic
            reg.write_atomic = out.write
            try:
                rows = reg.write_outputs(work, rows, meta)
            finally:
                reg.write_atomic = real
            reg.report(rows, work, meta)
            reg.compare_rows(rows, other["rows"], "the other shard")
            ET.fromstring(out.files["junit.xml"])
            again = os.path.join(work, "merged.json")
            write_new(again, out.files["summary.json"])
            try:
                reg.load_summary(again)
            except reg.UsageError as e:
                raise AssertionError(f"merge wrote a summary it cannot read back: {e}")
        reg.compare_rows(s["rows"], other["rows"], "the other shard")
        stream.flush()
    return "loaded"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=5000, help="mutations (default 5000)")
    p.add_argument("--case", type=int, default=None, help="run mutation I alone")
    a = p.parse_args()
    seed = seed_from_env()
    print(f"summary_fuzz_test: seed {seed} (TERNAC_SEED={seed} reproduces)", flush=True)
    reg = load_regress()
    tmp = tempfile.mkdtemp(prefix="ternac-summary-fuzz.")
    t0 = time.monotonic()
    docs = base_summaries(tmp)
    work = os.path.join(tmp, "work")
    os.makedirs(work)
    # The unmutated shards load and merge: else every mutation would be "refused".
    for i, d in enumerate(docs):
        path = os.path.join(work, f"base{i + 1}.json")
        with open(path, "w") as f:
            json.dump(d, f)
        if exercise(reg, path, i, docs, work) != "loaded":
            print(f"summary_fuzz_test: FAIL: the runner's own shard {i + 1}/2 does not load: "
                  f"{reg.summary_problem(d)}")
            return 1
    cases = [a.case] if a.case is not None else range(a.count)
    counts = {"loaded": 0, "refused": 0}
    failures = 0
    path = os.path.join(work, "summary.json")
    for i in cases:
        which, data, desc = mutation(seed, i, docs)
        write_new(path, data)
        try:
            counts[exercise(reg, path, which, docs, work)] += 1
        except Exception as e:  # noqa: BLE001 -- anything but UsageError is the failure sought
            failures += 1
            kept = os.path.join(tmp, f"case-{i}.json")
            shutil.copy(path, kept)
            print(f"FAIL mutation {i} of shard {which + 1}/2: {desc}\n"
                  f"     {type(e).__name__}: {str(e)[:300]}\n"
                  f"     reproduce: TERNAC_SEED={seed} /usr/bin/python3 {shlex.quote(SELF)} "
                  f"--case {i}\n"
                  f"     the mutated file: {kept}\n" +
                  "".join("     | " + l + "\n" for l in
                          traceback.format_exc().rstrip().splitlines()[-6:]), flush=True)
            if failures >= MAX_FAILURES:
                print(f"summary_fuzz_test: stopping after {failures} failures")
                break
    print(f"summary_fuzz_test: {sum(counts.values())} mutations: {counts['loaded']} loaded, "
          f"{counts['refused']} refused, {failures} failed ({time.monotonic() - t0:.1f} s)")
    if failures:
        print(f"summary_fuzz_test: FAIL (files kept in {tmp})")
        return 1
    shutil.rmtree(tmp)
    print("summary_fuzz_test: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
