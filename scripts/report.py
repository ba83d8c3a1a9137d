#!/usr/bin/python3
"""ternac report: one static HTML page of the last regression, coverage, claims and a sweep.

    scripts/report.py OUT [--regress DIR] [--coverage DIR] [--claims FILE] [--sweep DIR]
    build/sim/ternac report OUT [...]          (the same)

Writes OUT/index.html with its plots (PNG, matplotlib) beside it, and OUT/ternac-report.json
(what was read and written: the mark of a report directory). Each input makes one section:

  --regress DIR     summary.json of scripts/regress.py (ternac regress), a directory holding it or
                    the file; default: the newest (by its end time) of <build>/regress/*/
  --coverage DIR    the output directory of scripts/coverage.sh (its coverage.md); default:
                    <build>/coverage when it holds coverage.md
  --claims FILE     the JSON of 'ternac claims --json FILE' (figures of scripts/plot_claims.py)
  --sweep DIR       the output directory of scripts/sweep.py (its sweep.json)

<build> is $TERNAC_BUILD_DIR, else build/ (ternac report passes its own build tree). An input
that is neither given nor found makes a section that says so and gives the command that makes
it. Energy per MAC is in fJ throughout. The page states its provenance: the time it was made,
the commit of this source tree, and the commit and tool versions each input records.

Every input is read and checked before anything is written: a given input (or a default one
found) that is missing, unreadable or malformed is exit 2 with one line naming the file. OUT may
not be an input nor hold one. OUT is built in a temporary directory beside it, then put in place
by one rename (an existing report is exchanged for the new one with renameat2 RENAME_EXCHANGE,
so that a reader sees the old report or the new one, whole). An existing OUT must be empty, or a
report made by this script holding nothing but the files its ternac-report.json lists:
anything else is refused (exit 2), never overwritten.

Exit status: 0 the page was written (whatever the results it shows: a failed regression is
reported, not an error); 2 bad usage, bad input or an OUT that cannot be written, one line on
stderr.
"""

import argparse
import ctypes
import datetime
import errno
import html
import json
import os
import re
import shutil
import signal
import socket
import stat
import sys
import tempfile

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the source tree
SCRIPTS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, SCRIPTS)
import regress  # noqa: E402  (the summary's reader, strict JSON hooks, git state, parser)

ROOT = os.path.dirname(SCRIPTS)
MARKER = "ternac-report.json"
MARKER_KIND = "ternac-report"
JSON_MAX_BYTES = 256 << 20
JSON_MAX_DEPTH = 64
UNRECORDED = "not recorded"


class Bad(Exception):
    """Bad usage or input: one line, exit 2."""


# --------------------------------------------------------------------------------------------
# Reading inputs


def read_json(path):
    """A JSON file read strictly (regress.py's hooks: no NaN or Infinity, no repeated key,
    64-bit integers), from a regular file only (a FIFO is refused before it is opened)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise Bad(f"{path}: no such file")
    except OSError as e:
        raise Bad(f"{path}: cannot read it: {e.strerror}")
    if not stat.S_ISREG(st.st_mode):
        raise Bad(f"{path}: not a regular file")
    if st.st_size > JSON_MAX_BYTES:
        raise Bad(f"{path}: larger than {JSON_MAX_BYTES >> 20} MiB")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as f:
            raw = f.read(JSON_MAX_BYTES + 1)
    except OSError as e:
        raise Bad(f"{path}: cannot read it: {e.strerror}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Bad(f"{path}: not UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})")
    try:
        data = json.loads(text, parse_int=regress._json_int, parse_float=regress._json_float,
                          parse_constant=regress._json_constant,
                          object_pairs_hook=regress._json_object)
    except regress._Refused as e:
        raise Bad(f"{path}: {e}")
    except RecursionError:
        raise Bad(f"{path}: nested too deeply")
    except ValueError as e:
        raise Bad(f"{path}: not valid JSON ({e})")
    if regress._json_depth(data) > JSON_MAX_DEPTH:
        raise Bad(f"{path}: nested deeper than {JSON_MAX_DEPTH} levels")
    return data


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_num_or_null(v):
    return v is None or is_num(v)


def check(path, ok, where, want):
    if not ok:
        raise Bad(f"{path}: {where} is not {want}")


def check_fields(path, obj, where, fields):
    """fields: {name: (test, description)}; obj must be an object holding each."""
    check(path, isinstance(obj, dict), where, "an object")
    for k, (ok, want) in fields.items():
        if k not in obj:
            raise Bad(f"{path}: {where} has no '{k}'")
        check(path, ok(obj[k]), f"{where}.{k}", want)


def mtime(path):
    t = datetime.datetime.fromtimestamp(os.stat(path).st_mtime, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def load_regress(path, given):
    """(summary.json path, summary) of --regress, else of the newest run under <build>/regress/;
    (None, why) when there is none."""
    build = regress.build_dir_default()
    if not given:
        found = []
        base = os.path.join(build, "regress")
        try:
            names = sorted(os.listdir(base))
        except OSError:
            names = []
        for n in names:
            p = os.path.join(base, n, "summary.json")
            if os.path.isfile(p):
                found.append(p)
        if not found:
            return None, (f"no --regress given, and no summary.json in {base}/*/")
        loaded = [(p, load_summary(p)) for p in found]
        return max(loaded, key=lambda ps: (ps[1]["meta"]["end"], ps[0]))
    file = os.path.join(path, "summary.json") if os.path.isdir(path) else path
    return file, load_summary(path)


def load_summary(path):
    try:
        return regress.load_summary(path)
    except regress.UsageError as e:
        raise Bad(str(e))


COVERAGE_HEADER = "| configuration | line | toggle | functional points hit |"
PERCENT = re.compile(r"(\d+(?:\.\d+)?) % \((\d+) / (\d+)\)|n/a")
FRACTION = re.compile(r"(\d+) / (\d+)")
HOLES = re.compile(r"Functional points: (\d+), hit in some configuration: (\d+), holes: (\d+)"
                   r"(?: \((.*)\))?$")


def load_coverage(path, given):
    """The table of coverage.md that scripts/coverage.sh (coverage_report.py) writes."""
    if not given:
        path = os.path.join(regress.build_dir_default(), "coverage")
        if not os.path.isfile(os.path.join(path, "coverage.md")):
            return None, f"no --coverage given, and no coverage.md in {path}"
    if not os.path.isdir(path):
        raise Bad(f"{path}: not a directory (--coverage takes scripts/coverage.sh's output "
                  f"directory)")
    md = os.path.join(path, "coverage.md")
    try:
        with open(md, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise Bad(f"{md}: no such file (scripts/coverage.sh writes it)")
    except (OSError, UnicodeDecodeError) as e:
        raise Bad(f"{md}: cannot read it: {getattr(e, 'strerror', None) or e}")
    try:
        at = lines.index(COVERAGE_HEADER)
    except ValueError:
        raise Bad(f"{md}: no table of configurations ('{COVERAGE_HEADER}')")
    rows = []
    for i in range(at + 2, len(lines)):
        line = lines[i].strip()
        if not line:
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 4:
            raise Bad(f"{md}: line {i + 1}: {len(cells)} cells, expected 4")
        name, line_c, toggle_c, func_c = cells
        m_line, m_toggle = PERCENT.fullmatch(line_c), PERCENT.fullmatch(toggle_c)
        m_func = FRACTION.fullmatch(func_c)
        if not (name and m_line and m_toggle and m_func):
            raise Bad(f"{md}: line {i + 1}: not '| name | P % (H / T) | P % (H / T) | H / T |'")

        def part(m):
            return None if m.group(0) == "n/a" else (int(m.group(2)), int(m.group(3)))
        rows.append({"configuration": name, "line": part(m_line), "toggle": part(m_toggle),
                     "functional": (int(m_func.group(1)), int(m_func.group(2)))})
    if not rows:
        raise Bad(f"{md}: the table of configurations has no rows")
    holes = next((HOLES.match(l) for l in lines if HOLES.match(l)), None)
    if holes is None:
        raise Bad(f"{md}: no line 'Functional points: N, hit in some configuration: H, holes: K'")
    html_index = os.path.join(path, "html", "index.html")
    return md, {"rows": rows, "points": int(holes.group(1)), "hit": int(holes.group(2)),
                "holes": holes.group(4).split(", ") if holes.group(4) else [],
                "html": html_index if os.path.isfile(html_index) else None}


ESTIMATE_FIELDS = ("ternary_fj_per_mac", "int8_fj_per_mac", "fp16_fj_per_mac",
                   "int8_over_ternary", "fp16_over_ternary")
LEVEL_FIELDS = ("arithmetic_fj_per_mac", "with_onchip_fj_per_mac", "with_offchip_fj_per_mac")


def load_claims(path):
    """ternac claims --json: checked for every field the page and scripts/plot_claims.py use."""
    r = read_json(path)
    check(path, isinstance(r, dict) and r.get("kind") == "ternac-claims", "the file",
          "a ternac claims report (kind \"ternac-claims\")")
    check(path, r.get("schema_version") == 2, "schema_version", "2")
    check_fields(path, r, "the report", {
        "provenance": (lambda v: isinstance(v, dict), "an object"),
        "workload": (lambda v: isinstance(v, str), "a string"),
        "configuration": (lambda v: isinstance(v, str), "a string"),
        "zero_fraction": (is_num, "a number"),
        "runs": (lambda v: isinstance(v, list), "a list"),
        "nodes": (lambda v: isinstance(v, list) and v, "a non-empty list")})
    for i, run in enumerate(r["runs"]):
        check_fields(path, run, f"runs[{i}]", {"name": (lambda v: isinstance(v, str), "a string"),
                                               "m": (is_int, "an integer"),
                                               "n": (is_int, "an integer"),
                                               "k": (is_int, "an integer")})
    storage_runs = None
    for i, n in enumerate(r["nodes"]):
        where = f"nodes[{i}]"
        check_fields(path, n, where, {
            "table": (lambda v: isinstance(v, str), "a string"),
            "node_nm": (is_int, "an integer"),
            "family": (lambda v: isinstance(v, str), "a string"),
            "scaled": (lambda v: isinstance(v, bool), "true or false"),
            "paper_ratio": (is_num_or_null, "a number or null"),
            "critique_ratio": (is_num_or_null, "a number or null"),
            "estimates": (lambda v: isinstance(v, list), "a list"),
            "storage": (lambda v: isinstance(v, list), "a list")})
        for j, e in enumerate(n["estimates"]):
            fields = {"name": (lambda v: isinstance(v, str), "a string")}
            fields.update({f: (is_num_or_null, "a number or null") for f in ESTIMATE_FIELDS})
            check_fields(path, e, f"{where}.estimates[{j}]", fields)
        runs = []
        for j, s in enumerate(n["storage"]):
            w = f"{where}.storage[{j}]"
            check_fields(path, s, w, {"run": (lambda v: isinstance(v, str), "a string")})
            runs.append(s["run"])
            for design in ("ternary", "int8", "fp16"):
                check_fields(path, s.get(design), f"{w}.{design}",
                             {f: (is_num, "a number") for f in LEVEL_FIELDS})
        if storage_runs is None:
            storage_runs = runs
        elif not set(storage_runs) <= set(runs):  # plot_claims takes node 0's runs for all
            raise Bad(f"{path}: {where}.storage has runs {runs}, nodes[0] has {storage_runs}")
        for j, p in enumerate(n.get("zero_sweep") or []):
            check_fields(path, p, f"{where}.zero_sweep[{j}]",
                         {f: (is_num, "a number") for f in ("zero_fraction", "int8_over_ternary",
                                                            "fp16_over_ternary")})
    return r


def load_sweep(path):
    if not os.path.isdir(path):
        raise Bad(f"{path}: not a directory (--sweep takes scripts/sweep.py's --out directory)")
    file = os.path.join(path, "sweep.json")
    s = read_json(file)
    check_fields(file, s, "the file", {"grid": (lambda v: isinstance(v, dict), "an object"),
                                       "rows": (lambda v: isinstance(v, list) and v,
                                                "a non-empty list")})
    for i, row in enumerate(s["rows"]):
        where = f"rows[{i}]"
        check_fields(file, row, where, {
            "config": (lambda v: isinstance(v, str), "a string"),
            "tree_inputs": (is_int, "an integer"),
            "reduction": (lambda v: isinstance(v, str), "a string"),
            "level_width_cap": (is_int, "an integer"),
            "passed": (lambda v: isinstance(v, bool), "true or false"),
            "cycles": (is_int, "an integer"),
            "utilization": (is_num_or_null, "a number or null"),
            "tree_overflows": (is_int, "an integer"),
            "energy": (lambda v: isinstance(v, list) and v, "a non-empty list")})
        if "transistors_per_mac" in row:
            check(file, is_num(row["transistors_per_mac"]), f"{where}.transistors_per_mac",
                  "a number")
        for j, e in enumerate(row["energy"]):
            fields = {"table": (lambda v: isinstance(v, str), "a string"),
                      "node_nm": (is_int, "an integer")}
            fields.update({f: (is_num, "a number") for f in LEVEL_FIELDS})
            check_fields(file, e, f"{where}.energy[{j}]", fields)
    tables = [e["table"] for e in s["rows"][0]["energy"]]
    for i, row in enumerate(s["rows"]):
        if [e["table"] for e in row["energy"]] != tables:
            raise Bad(f"{file}: rows[{i}] has other energy tables than rows[0]")
    return file, s


# --------------------------------------------------------------------------------------------
# The output directory


def real(path):
    return os.path.realpath(path)


def check_out(out, inputs):
    """Refuses an OUT that is or holds an input, is not a directory, or holds anything but an
    earlier report (its marker lists every file it holds)."""
    if os.path.basename(out.rstrip("/")) in ("", ".", ".."):
        raise Bad(f"{out}: give the report directory by its name")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise Bad(f"{out}: its parent directory {parent} does not exist")
    r_out = real(out)
    for option, p in inputs:
        rp = real(p)
        if rp == r_out or rp.startswith(r_out + os.sep):
            raise Bad(f"{out}: the report directory {'is' if rp == r_out else 'holds'} the "
                      f"input of {option} ({p}); choose another directory")
    if os.path.islink(out):
        raise Bad(f"{out}: a symbolic link; give the directory itself")
    if not os.path.lexists(out):
        return
    if not os.path.isdir(out):
        raise Bad(f"{out}: exists and is not a directory")
    try:
        entries = set(os.listdir(out))
    except OSError as e:
        raise Bad(f"{out}: cannot read it: {e.strerror}")
    if not entries:
        return
    marker = os.path.join(out, MARKER)
    refuse = (f"{out}: not empty and not a directory that ternac report wrote ({MARKER} missing "
              f"or not its own); choose another directory or empty it")
    if MARKER not in entries:
        raise Bad(refuse)
    try:
        m = read_json(marker)
    except Bad:
        raise Bad(refuse)
    if not (isinstance(m, dict) and m.get("kind") == MARKER_KIND and isinstance(m.get("files"),
                                                                                list)):
        raise Bad(refuse)
    extra = sorted(entries - set(m["files"]) - {MARKER})
    if extra:
        raise Bad(f"{out}: holds {', '.join(extra[:3])}{' ...' if len(extra) > 3 else ''}, "
                  f"which the earlier report did not write; not replaced (move it away first)")


def renameat2_exchange(a, b):
    """Swaps two paths atomically (Linux renameat2 RENAME_EXCHANGE). False when the system or
    the file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), b)


def publish(tmp, out):
    """Puts the finished temporary directory in OUT's place; an earlier OUT goes, whole."""
    if not os.path.lexists(out):
        os.rename(tmp, out)
        return
    if renameat2_exchange(tmp, out):
        shutil.rmtree(tmp)  # it now holds the earlier report
        return
    old = tmp + ".old"
    os.rename(out, old)
    os.rename(tmp, out)
    shutil.rmtree(old)


class Writer:
    """Files of the report in the temporary directory (main syncs each before the rename)."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.files = []

    def text(self, name, content):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        self.files.append(name)

    def figure(self, fig, name):
        import matplotlib.pyplot as plt
        path = os.path.join(self.tmp, name)
        try:
            fig.savefig(path, dpi=100, format="png")
        finally:
            plt.close(fig)
        self.files.append(name)
        return name


# --------------------------------------------------------------------------------------------
# The page


def e(v):
    return html.escape(str(v), quote=True)


def fj(v):
    """An energy per MAC in fJ, to a sensible precision."""
    if v is None:
        return "–"
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.1f}" if abs(v) >= 100 else f"{v:.2f}"


def ratio(v):
    return "–" if v is None else f"{v:.1f}x" if v >= 10 else f"{v:.2f}x"


def pct(h_t):
    return "n/a" if h_t is None or not h_t[1] else f"{100.0 * h_t[0] / h_t[1]:.1f} %"


def table(head, rows, cls=""):
    out = [f'<table class="{cls}"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
           + "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def img(name, alt):
    return f'<figure><img src="{e(name)}" alt="{e(alt)}"><figcaption>{e(alt)}</figcaption></figure>'


def missing(what, why, commands):
    cmds = "".join(f"<pre>{e(c)}</pre>" for c in commands)
    return (f'<p class="missing"><strong>No {e(what)}</strong>: {e(why)}. To make one:</p>'
            f"{cmds}")


def git_text(g):
    if not isinstance(g, dict) or not g.get("commit"):
        return UNRECORDED
    dirty = g.get("dirty")
    return e(g["commit"]) + (" (uncommitted changes)" if dirty else "" if dirty is False
                             else " (dirty: unknown)")


def regress_section(w, file, s):
    import matplotlib.pyplot as plt
    import matplotlib.ticker
    meta, rows, tot = s["meta"], s["rows"], s["totals"]
    parts = [f"<p>From <code>{e(file)}</code>: level <b>{e(meta['level'])}</b>"
             + (f", tags {e(','.join(meta['tags']))}" if meta["tags"] else "")
             + (f", shard {meta['shard']['index']}/{meta['shard']['count']}" if meta["shard"]
                else "")
             + (f", fault {meta['inject_fault']} injected" if meta["inject_fault"] else "")
             + f", {meta['start']} to {meta['end']} ({meta['wall_s']:.0f} s) on {e(meta['host'])}."
             f" <b>{tot['results']}</b> results: <span class=pass>{tot['passed']} passed</span>, "
             f"<span class=fail>{tot['failed']} failed</span>, {tot['skipped']} skipped"
             + (f"; <span class=fail>interrupted by {e(meta['interrupted'])}</span>"
                if meta["interrupted"] else "")
             + ("; <span class=fail>incomplete</span>" if meta["incomplete"] else "") + ".</p>"]
    if not rows:
        parts.append("<p>The summary holds no results.</p>")
        return "\n".join(parts)
    cycles = sum(r["cycles"] or 0 for r in rows)
    parts.append(f"<p>Simulated cycles printed by the tests: {cycles:,}.</p>")
    by_config = {}
    for r in rows:
        c = by_config.setdefault(r["configuration"] or "(none)", {"pass": 0, "fail": 0, "skip": 0})
        c[r["result"]] += 1
    names = sorted(by_config)
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.28 * len(names)))
    left = [0] * len(names)
    for result, color in (("pass", "#2a7"), ("fail", "#c33"), ("skip", "#aaa")):
        vals = [by_config[n][result] for n in names]
        ax.barh(names, vals, left=left, color=color, label=result)
        left = [a + b for a, b in zip(left, vals)]
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel("results")
    ax.set_title("results per configuration (CTest label)")
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    parts.append(img(w.figure(fig, "regress_results.png"), "results per configuration"))

    slow = sorted(rows, key=lambda r: -r["wall_s"])[:15]
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.28 * len(slow)))
    colors = {"pass": "#2a7", "fail": "#c33", "skip": "#aaa"}
    labels = [r["test"] + ("" if r["pass"] == "main" else f" [{r['pass']}]") for r in slow]
    ax.barh(range(len(slow)), [r["wall_s"] for r in slow],
            color=[colors[r["result"]] for r in slow])
    ax.set_yticks(range(len(slow)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("wall time (s)")
    ax.set_title(f"the {len(slow)} slowest results (colour: pass, fail, skip)")
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    parts.append(img(w.figure(fig, "regress_slowest.png"), "the slowest results"))

    failed = [r for r in rows if r["result"] == "fail"]
    if failed:
        parts.append("<h3>Failures</h3>")
        parts.append(table(["test", "pass", "diagnosis", "reproduce", "log, waveforms"], [
            [e(r["test"]), e(r["pass"]), e(r["message"]), f"<code>{e(r['reproduce'])}</code>",
             "<br>".join(f"<code>{e(p)}</code>" for p in [r["log"]] + r["waveforms"] if p)]
            for r in failed], "rows"))
    skipped = [r for r in rows if r["result"] == "skip"]
    if skipped:
        parts.append(f"<details><summary>{len(skipped)} skipped</summary>"
                     + table(["test", "pass", "reason"],
                             [[e(r["test"]), e(r["pass"]), e(r["message"])] for r in skipped],
                             "rows") + "</details>")
    return "\n".join(parts)


def coverage_section(w, file, c):
    import matplotlib.pyplot as plt
    rows = c["rows"]
    names = [r["configuration"] for r in rows]
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.27
    for i, (key, label, color) in enumerate((("line", "line", "#27a"),
                                              ("toggle", "toggle", "#a72"),
                                              ("functional", "functional points hit", "#2a7"))):
        vals = [100.0 * r[key][0] / r[key][1] if r[key] and r[key][1] else 0 for r in rows]
        ax.bar([x + (i - 1) * width for x in range(len(rows))], vals, width, label=label,
               color=color)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(names, fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel("coverage (%)")
    ax.set_title("coverage per configuration (Verilator line and toggle, RTL cover points)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    parts = [f"<p>From <code>{e(file)}</code> (scripts/coverage.sh). Functional points: "
             f"{c['points']}, hit in some configuration: {c['hit']}, "
             + (f"<span class=fail>holes: {len(c['holes'])} ({e(', '.join(c['holes']))})</span>"
                if c["holes"] else "<span class=pass>no hole</span>") + ".</p>",
             img(w.figure(fig, "coverage.png"), "coverage per configuration"),
             table(["configuration", "line", "toggle", "functional points hit"], [
                 [e(r["configuration"]),
                  f"{pct(r['line'])} ({r['line'][0]} / {r['line'][1]})" if r["line"] else "n/a",
                  f"{pct(r['toggle'])} ({r['toggle'][0]} / {r['toggle'][1]})"
                  if r["toggle"] else "n/a",
                  f"{r['functional'][0]} / {r['functional'][1]}"] for r in rows], "rows")]
    if c["html"]:
        parts.append(f"<p>Line by line: lcov's HTML report, <code>{e(c['html'])}</code>.</p>")
    return "\n".join(parts)


def claims_section(w, file, r):
    import plot_claims
    plot_claims.estimates_figure(r, w.tmp)
    images = [("claims_estimates.png", "FP16 / ternary and INT8 / ternary arithmetic energy per "
               "MAC for each estimate, against the 71.4x and 5.5x claims")]
    if plot_claims.storage_figure(r, w.tmp):
        images.append(("claims_storage.png", "energy per MAC (fJ): arithmetic, + on-chip, "
                       "+ off-chip storage, per node"))
    if plot_claims.sweep_figure(r, w.tmp):
        images.append(("claims_zero_sweep.png", "counted ratios against the fraction of zero "
                       "weights"))
    w.files += [name for name, _ in images]
    runs = ", ".join(f"{e(x['name'])} (M = {x['m']}, N = {x['n']}, K = {x['k']})"
                     for x in r["runs"])
    parts = [f"<p>From <code>{e(file)}</code>: <b>{e(r['workload'])}</b> on the "
             f"{e(r['configuration'])} array, {r['zero_fraction'] * 100:.1f} % zero weights; "
             f"runs: {runs}. Energy per MAC in fJ; ratios of arithmetic energy per MAC. Figures "
             f"of scripts/plot_claims.py.</p>"]
    parts += [img(name, alt) for name, alt in images]
    rows = []
    for n in r["nodes"]:
        counted = next((x for x in n["estimates"] if x["name"] == "counted"), {})
        decode = next((s for s in n["storage"] if s["run"] == "decode"), None)
        rows.append([e(n["table"]), e(n["family"]) + (" (scaled)" if n["scaled"] else ""),
                     ratio(n["paper_ratio"]), ratio(n["critique_ratio"]),
                     fj(counted.get("ternary_fj_per_mac")), fj(counted.get("int8_fj_per_mac")),
                     fj(counted.get("fp16_fj_per_mac")), ratio(counted.get("int8_over_ternary")),
                     ratio(counted.get("fp16_over_ternary")),
                     fj(decode["ternary"]["with_onchip_fj_per_mac"]) if decode else "–"])
    parts.append(table(["table", "family", "paper's claim", "critique's", "ternary fJ/MAC",
                        "INT8 fJ/MAC", "FP16 fJ/MAC", "INT8 / ternary", "FP16 / ternary",
                        "ternary decode + on-chip fJ/MAC"], rows, "rows"))
    parts.append("<p>The middle five columns are the counted estimate (operations the RTL "
                 "counted, charged at the table's energies).</p>")
    return "\n".join(parts)


def sweep_node(rows):
    """The node the sweep's plots use: 7 nm (sweep.py's --node default, the first table of the
    node), else the smallest node of the sweep."""
    energies = rows[0]["energy"]
    seven = [x for x in energies if x["node_nm"] == 7]
    return (seven or sorted(energies, key=lambda x: x["node_nm"]))[0]["table"]


def sweep_section(w, file, s):
    import matplotlib.pyplot as plt
    rows, grid = s["rows"], s["grid"]
    t = sweep_node(rows)

    def at(r):
        return next(x for x in r["energy"] if x["table"] == t)
    marks = {"signed": "o", "split": "s", "csa": "^"}
    reductions = list(dict.fromkeys(r["reduction"] for r in rows))
    full = [r for r in rows if r["level_width_cap"] == 0]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for red in reductions:
        pts = sorted((r["tree_inputs"], at(r)) for r in full if r["reduction"] == red)
        if not pts:
            continue
        ax.plot([p[0] for p in pts], [p[1]["with_onchip_fj_per_mac"] for p in pts],
                marker=marks.get(red, "D"), label=f"{red}, + on-chip storage")
        ax.plot([p[0] for p in pts], [p[1]["arithmetic_fj_per_mac"] for p in pts],
                marker=marks.get(red, "D"), ls="--", alpha=0.6, label=f"{red}, arithmetic")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("TreeInputs (fan-in of each lane)")
    ax.set_ylabel(f"energy per MAC, {t} (fJ)")
    ax.set_title("sweep: full-precision trees")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    name = w.figure(fig, "sweep_energy_vs_fanin.png")
    layer = grid.get("layer") or rows[0].get("layer", "?")
    n_pass = sum(r["passed"] for r in rows)
    parts = [f"<p>From <code>{e(file)}</code> (scripts/sweep.py): {len(rows)} configurations of "
             f"{grid.get('lanes', rows[0].get('lanes', '?'))} lanes on {e(layer)}"
             + (f" (M = {rows[0]['m']}, N = {rows[0]['n']}, K = {rows[0]['k']})"
                if all(k in rows[0] for k in "mnk") else "")
             + (f", {rows[0]['zero_fraction'] * 100:.0f} % zero weights"
                if is_num(rows[0].get("zero_fraction")) else "")
             + f"; <span class={'pass' if n_pass == len(rows) else 'fail'}>{n_pass} of "
             f"{len(rows)} passed</span> their checks. Energy per MAC in fJ at {e(t)}.</p>",
             img(name, f"energy per MAC (fJ, {t}) against TreeInputs")]
    synth = [r for r in rows if "transistors_per_mac" in r]
    if synth:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for red in reductions:
            pts = [r for r in synth if r["reduction"] == red]
            if pts:
                ax.scatter([r["transistors_per_mac"] for r in pts],
                           [at(r)["with_onchip_fj_per_mac"] for r in pts],
                           marker=marks.get(red, "D"), label=red)
        ax.set_xlabel("lane transistors per MAC/cycle (Yosys proxy)")
        ax.set_ylabel(f"energy per MAC + on-chip storage, {t} (fJ)")
        ax.set_title("sweep: energy against area proxy (every point, capped ones included)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        parts.append(img(w.figure(fig, "sweep_pareto.png"),
                         f"energy per MAC (fJ, {t}) against lane transistors per MAC/cycle"))
    ranked = sorted(rows, key=lambda r: at(r)["with_onchip_fj_per_mac"])

    def line(r):
        x = at(r)
        return [e(r["config"]), r["tree_inputs"], e(r["reduction"]), r["level_width_cap"] or "–",
                fj(x["arithmetic_fj_per_mac"]), fj(x["with_onchip_fj_per_mac"]),
                fj(x["with_offchip_fj_per_mac"]), f"{r['cycles']:,}",
                "–" if r["utilization"] is None else f"{100 * r['utilization']:.2f} %",
                r["tree_overflows"], "ok" if r["passed"] else "<span class=fail>FAIL</span>"]
    head = ["config", "TreeInputs", "reduction", "cap", "arithmetic fJ/MAC",
            "+ on-chip fJ/MAC", "+ off-chip fJ/MAC", "cycles", "utilization", "overflows",
            "check"]
    parts.append(f"<h3>The {min(10, len(ranked))} lowest in energy per MAC with on-chip "
                 f"storage ({e(t)})</h3>")
    parts.append(table(head, [line(r) for r in ranked[:10]], "rows"))
    if len(ranked) > 10:
        parts.append(f"<details><summary>all {len(ranked)} configurations</summary>"
                     + table(head, [line(r) for r in ranked], "rows") + "</details>")
    return "\n".join(parts)


CSS = """
body { font-family: "DejaVu Sans", sans-serif; margin: 1.5em auto; max-width: 1100px;
       color: #222; line-height: 1.4; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
table.rows td { font-variant-numeric: tabular-nums; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 0.85em; }
pre { background: #f6f6f6; padding: 0.4em 0.6em; overflow-x: auto; }
figure { margin: 0.8em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.8em; color: #555; }
.pass { color: #186; } .fail { color: #b22; font-weight: bold; }
.missing { background: #fff6e0; border-left: 4px solid #e0a000; padding: 0.5em 0.8em; }
.broken { background: #fdd; border: 2px solid #b22; padding: 0.5em; font-weight: bold; }
.warn { color: #a60; }
"""

# The page checks itself once loaded: every image must have loaded. Those that did not are named
# in a banner and in <body data-broken-images>, which testbench/report/html_report_test.sh reads
# from the DOM of a headless Chromium (with data-images, the number of images checked).
SELF_CHECK = """
window.addEventListener("load", function () {
  var broken = [];
  for (var i = 0; i < document.images.length; i++) {
    var im = document.images[i];
    if (!im.complete || im.naturalWidth === 0) broken.push(im.getAttribute("src"));
  }
  document.body.setAttribute("data-images", String(document.images.length));
  document.body.setAttribute("data-broken-images", broken.join(" "));
  if (broken.length) {
    var p = document.createElement("p");
    p.className = "broken";
    p.textContent = broken.length + " image(s) of this report did not load: " + broken.join(", ");
    document.body.insertBefore(p, document.body.firstChild);
  }
});
"""


def page(generated, provenance_rows, commits_note, sections):
    body = [f"<h1>ternac report</h1><p>Generated {e(generated)} by <code>scripts/report.py"
            f"</code> (<code>ternac report</code>). Energy per MAC in fJ throughout.</p>",
            "<h2 id=provenance>Provenance</h2>",
            table(["", "file", "commit", "tools", "written"], provenance_rows, "prov")]
    if commits_note:
        body.append(f'<p class="warn">{commits_note}</p>')
    body.append("<p>Sections: " + ", ".join(f'<a href="#{key}">{e(title)}</a>'
                                            for key, title, _ in sections) + "</p>")
    for key, title, content in sections:
        body.append(f'<h2 id="{key}">{e(title)}</h2>\n{content}')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>ternac report</title><link rel=\"icon\" href=\"data:,\">"
            f"<style>{CSS}</style><script>{SELF_CHECK}</script></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def tools_text(d, keys):
    got = [f"{k}: {e(d[k])}" for k in keys if isinstance(d, dict) and d.get(k)]
    return "<br>".join(got) if got else UNRECORDED


# --------------------------------------------------------------------------------------------
# Main


def parse_args(argv):
    p = regress.Parser(prog="report", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", metavar="OUT", help="the report directory (index.html and its images)")
    p.add_argument("--regress", metavar="DIR", help="summary.json of ternac regress (or its "
                   "directory); default: the newest under <build>/regress/")
    p.add_argument("--coverage", metavar="DIR", help="scripts/coverage.sh's output directory; "
                   "default: <build>/coverage if it holds coverage.md")
    p.add_argument("--claims", metavar="FILE", help="the JSON of ternac claims --json FILE")
    p.add_argument("--sweep", metavar="DIR", help="scripts/sweep.py's output directory")
    return p.parse_args(argv)


def main(argv):
    try:
        a = parse_args(argv)
    except regress.UsageError as ex:
        raise Bad(str(ex))
    a.out = os.path.normpath(a.out)  # "out/" is "out"
    for option in ("regress", "coverage", "claims", "sweep"):
        v = getattr(a, option)
        if v is not None and v == "":
            raise Bad(f"--{option}: an empty path")
    # Every input read and checked before anything is written.
    inputs = {}
    reg_file, reg = inputs["regress"] = load_regress(a.regress, a.regress is not None)
    cov_file, cov = inputs["coverage"] = load_coverage(a.coverage, a.coverage is not None)
    inputs["claims"] = (a.claims, load_claims(a.claims)) if a.claims else \
        (None, "no --claims given")
    inputs["sweep"] = load_sweep(a.sweep) if a.sweep else (None, "no --sweep given")
    inputs = {k: (os.path.abspath(f) if f else None, d) for k, (f, d) in inputs.items()}
    paths = [("--regress", a.regress or reg_file), ("--coverage", a.coverage or cov_file),
             ("--claims", a.claims), ("--sweep", a.sweep)]
    paths = [(o, p) for o, p in paths if p]
    check_out(a.out, paths)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        raise Bad(f"matplotlib is missing under {sys.executable}: run the script with "
                  f"/usr/bin/python3 (scripts/setup.sh installs python3-matplotlib)")

    out = os.path.abspath(a.out)
    parent, base = os.path.split(out)
    try:
        tmp = tempfile.mkdtemp(dir=parent, prefix=f".{base}.tmp-")
    except OSError as ex:
        raise Bad(f"cannot write {out}: {ex.strerror}")
    try:
        for name in write_report(tmp, inputs, matplotlib.__version__):
            with open(os.path.join(tmp, name), "rb") as f:  # plot_claims' figures too
                os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        publish(tmp, out)
    except OSError as ex:
        raise Bad(f"cannot write {out}: {ex.strerror or ex}")
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    done = [k for k, (f, _) in inputs.items() if f]
    lacking = [k for k, (f, _) in inputs.items() if not f]
    print(f"report: wrote {os.path.join(a.out, 'index.html')} (sections: "
          f"{', '.join(done) or 'none'}" + (f"; missing: {', '.join(lacking)}" if lacking else "")
          + ")")
    return 0


def drawn(section, w, file, data):
    """A section's HTML. The inputs were checked for every field the sections use; should a
    value still defeat a plot, the file is named, as for any other malformed input."""
    try:
        return section(w, file, data)
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError, OverflowError) as ex:
        raise Bad(f"{file}: cannot be shown ({type(ex).__name__}: {ex})")


def write_report(tmp, inputs, mpl_version):
    w = Writer(tmp)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    me = regress.git_state()
    prov = [["this report", "<code>scripts/report.py</code>", git_text(me),
             f"python {e(sys.version.split()[0])}<br>matplotlib {e(mpl_version)}",
             f"{e(now)} on {e(socket.gethostname())}"]]
    commits = {}
    if me:
        commits.setdefault(me["commit"], []).append("this report")
    sections = []
    build = regress.build_dir_default()

    file, s = inputs["regress"]
    if file:
        m = s["meta"]
        prov.append(["regression", f"<code>{e(file)}</code>", git_text(m["git"]),
                     tools_text(m["tools"], ("verilator", "systemc", "compiler", "cmake", "ctest",
                                             "python")), e(m["end"])])
        if m["git"]:
            commits.setdefault(m["git"]["commit"], []).append("regression")
        content = drawn(regress_section, w, file, s)
    else:
        prov.append(["regression", "–", "–", "–", "–"])
        content = missing("regression summary", s, [
            f"{os.path.join(build, 'sim', 'ternac')} regress --level smoke   "
            f"# or --level default; writes {os.path.join(build, 'regress', 'smoke')}/summary.json",
            "ternac report OUT --regress DIR"])
    sections.append(("regression", "Regression", content))

    file, c = inputs["coverage"]
    if file:
        prov.append(["coverage", f"<code>{e(file)}</code>",
                     f"{UNRECORDED} (coverage.md holds none)", UNRECORDED, e(mtime(file))])
        content = drawn(coverage_section, w, file, c)
    else:
        prov.append(["coverage", "–", "–", "–", "–"])
        content = missing("coverage", c, [
            "scripts/coverage.sh            # writes build/coverage/ (minutes: seven "
            "instrumented builds)", "ternac report OUT --coverage build/coverage"])
    sections.append(("coverage", "Coverage", content))

    file, r = inputs["claims"]
    if file:
        p = r["provenance"]
        prov.append(["claims", f"<code>{e(file)}</code>", git_text(p.get("git")),
                     tools_text(p, ("ternac_version", "verilator", "compiler")) + "<br>"
                     + f"energy tables: {e(p.get('energy_dir', UNRECORDED))}", e(mtime(file))])
        if isinstance(p.get("git"), dict) and p["git"].get("commit"):
            commits.setdefault(p["git"]["commit"], []).append("claims")
        content = drawn(claims_section, w, file, r)
    else:
        prov.append(["claims", "–", "–", "–", "–"])
        content = missing("claims report", r, [
            f"{os.path.join(build, 'sim', 'ternac')} claims --json claims.json   "
            f"# a small layer, in a second: --n 256 --k 256 --no-gate",
            "ternac report OUT --claims claims.json"])
    sections.append(("claims", "Energy claims", content))

    file, s = inputs["sweep"]
    if file:
        p = s.get("provenance")
        if isinstance(p, dict):  # not written by sweep.py yet; shown when it is
            prov.append(["sweep", f"<code>{e(file)}</code>", git_text(p.get("git")),
                         tools_text(p, ("ternac_version", "verilator", "compiler", "yosys")),
                         e(mtime(file))])
            if isinstance(p.get("git"), dict) and p["git"].get("commit"):
                commits.setdefault(p["git"]["commit"], []).append("sweep")
        else:
            prov.append(["sweep", f"<code>{e(file)}</code>",
                         f"{UNRECORDED} (sweep.json holds none)", UNRECORDED, e(mtime(file))])
        content = drawn(sweep_section, w, file, s)
    else:
        prov.append(["sweep", "–", "–", "–", "–"])
        content = missing("sweep", s, [
            "scripts/sweep.py --tree-inputs 16,64 --caps 0 --out /tmp/sweep",
            "ternac report OUT --sweep /tmp/sweep   # or the sweep kept in docs/sweep"])
    sections.append(("sweep", "Adder-tree sweep", content))

    note = ""
    if len(commits) > 1:
        note = ("The inputs come from different commits: " + "; ".join(
            f"{e(c[:12])} ({', '.join(who)})" for c, who in commits.items()) + ".")
    w.text("index.html", page(now, prov, note, sections))
    marker = {"kind": MARKER_KIND, "schema": 1, "generated": now, "git": me,
              "inputs": {k: f for k, (f, _) in inputs.items()},
              "files": sorted(set(w.files))}
    w.text(MARKER, json.dumps(marker, indent=1) + "\n")
    return w.files


def run(argv):
    # A signal leaves no temporary directory behind: it unwinds through main's cleanup.
    def stop(signum, frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, stop)
    try:
        return main(argv)
    except Bad as ex:
        print(f"report: {ex}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
