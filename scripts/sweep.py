#!/usr/bin/python3
"""Adder-tree sweep: one command over a grid of array configurations.

For every configuration of the grid (TreeInputs x reduction x level-width cap) it Verilates the
array (a cached per-configuration build in its own CMake tree, built in parallel by ninja), runs
the same 2B4T-shaped layer through it with every result and counter checked against the golden
model, synthesizes one lane with Yosys (cached), and writes one table:

    <out>/sweep.csv, <out>/sweep.json   one row per configuration
    <out>/energy_vs_fanin.png           energy per MAC at --node against TreeInputs, per variant
    <out>/pareto.png                    energy per MAC against lane transistors per MAC
    <out>/overflow_vs_cap.png           saturated tree evaluations against the width cap

    scripts/sweep.py                                  # the grid of docs/exploration.md
    scripts/sweep.py --tree-inputs 8,16 --reductions signed,csa --caps 0 --out /tmp/s

A cap at or above a tree's full root width changes nothing, so such points are dropped as
duplicates of the uncapped one; carry-save has no cap (its vectors are only exact modulo 2^w).
The layer is checked with ternac's own rules before anything is configured or built: a bad one
(and a grid left empty) is refused within a second, one line on stderr, exit status 2. The
configure and build steps show their progress (--progress) and keep their whole output in
<build-dir>/sweep-configure.log and sweep-build.log.
Uses only the standard library, and matplotlib for the plots (Debian's python3-matplotlib).
"""

import argparse
import concurrent.futures
import csv
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regress  # noqa: E402  (the build progress and the Slurm job arrays)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPERAND_BITS = 8  # a selected int8 activation
RED_CODE = {"signed": 0, "split": 1, "csa": 2}


def int_list(text):
    try:
        return [int(v) for v in text.split(",") if v != ""]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of integers, got '{text}'")


def levels(inputs):
    n = 0
    while (1 << n) < inputs:
        n += 1
    return n


class Parser(argparse.ArgumentParser):
    """An error is one line on standard error, exit status 2 (argparse would print the whole
    usage first)."""

    def error(self, message):
        fail(f"{message} (scripts/sweep.py --help lists the options)")


def fail(message, status=2):
    """One line on standard error and the exit status: 2 bad usage or input (before anything is
    configured or built), 1 a failed step."""
    print(f"sweep: {message}", file=sys.stderr, flush=True)
    sys.exit(status)


def parse_args(argv):
    p = Parser(description=__doc__.split("\n\n")[0],
               epilog="The layer options are those of `ternac claims` (docs/outputs.md) and are "
                      "checked, with ternac's own rules, before anything is configured or built "
                      "(docs/exploration.md).")
    p.add_argument("--tree-inputs", type=int_list, default="8,16,32,64,128,256", metavar="T,...",
                   help="TreeInputs of the grid: each lane's fan-in (default: %(default)s)")
    p.add_argument("--reductions", default="signed,split,csa", metavar="R,...",
                   help="reductions of the grid, comma-separated: signed, split, csa "
                        "(default: %(default)s)")
    p.add_argument("--caps", type=int_list, default="0,10,12,14,16,18,20", metavar="C,...",
                   help="level-width caps of the grid in bits; 0 is full precision "
                        "(default: %(default)s)")
    p.add_argument("--lanes", type=int, default=16, metavar="L",
                   help="Lanes of every point (default: %(default)s)")
    p.add_argument("--acc-width", type=int, default=32, metavar="BITS",
                   help="AccWidth of every point: accumulator bits (default: %(default)s)")
    p.add_argument("--pipe-every", type=int, default=0, metavar="P",
                   help="PipeEvery of every point: a register after every P-th tree level; 0 "
                        "is a combinational tree (default: %(default)s)")
    p.add_argument("--token-tile", type=int, default=128, metavar="T",
                   help="TokenTile of every point: tokens per partial-sum block "
                        "(default: %(default)s)")
    g = p.add_argument_group("the layer (one way: --model/--layer, --workload [--layer], "
                             "--n/--k or --gguf/--tensor)")
    g.add_argument("--model", default=None, metavar="NAME",
                   help="the model whose layer is swept: 2b4t, large, 3b, llama3-8b "
                        "(default: 2b4t)")
    g.add_argument("--layer", default=None, metavar="NAME",
                   help="the model's layer: attn_q, attn_k, attn_v, attn_output, ffn_gate, "
                        "ffn_up, ffn_down (default: ffn_down); with --workload, the file's line "
                        "of that name")
    g.add_argument("--workload", default=None, metavar="FILE",
                   help="the layer from a workload file ('name,m,n,k'; its only line or "
                        "--layer; its M is not used: --tokens is) (default: none)")
    g.add_argument("--n", default=None, metavar="N",
                   help="a custom layer: N outputs, with --k (default: none)")
    g.add_argument("--k", default=None, metavar="K",
                   help="a custom layer: K inputs, with --n (default: none)")
    g.add_argument("--gguf", default=None, metavar="FILE",
                   help="the layer and its real weights from an I2_S tensor of a GGUF file "
                        "(with --tensor; --zeros does not apply) (default: none)")
    g.add_argument("--tensor", default=None, metavar="NAME",
                   help="the I2_S tensor of --gguf (default: none)")
    g = p.add_argument_group("the workload and the report")
    g.add_argument("--tokens", type=int, default=1, metavar="M",
                   help="tokens: 1 is decode (GEMV), more a prefill (default: %(default)s)")
    g.add_argument("--zeros", type=float, default=0.4, metavar="F",
                   help="fraction of zero weights, 0..1 (default: %(default)s)")
    g.add_argument("--seed", type=int, default=1, metavar="S",
                   help="random seed of weights and activations (default: %(default)s)")
    g.add_argument("--node", type=int, default=7, metavar="NM",
                   help="node of the plots and the summary in nm (default: %(default)s)")
    g.add_argument("--energy-dir", default=None, metavar="DIR",
                   help="directory of the energy tables (default: the project's model/energy/tables)")
    g.add_argument("--nodes", default=None, metavar="LIST",
                   help="energy tables to report, comma-separated: a node in nm (every table "
                        "at that node) or a table's key; must cover --node (default: every "
                        "table)")
    g.add_argument("--onchip-bytes", default=None, metavar="SIZE",
                   help="on-chip SRAM capacity for the stream buffers, e.g. 512K "
                        "(default: 1M; docs/energy.md)")
    g = p.add_argument_group("running")
    g.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="J",
                   help="parallel builds, simulations and syntheses (default: the cores, here "
                        "%(default)s)")
    g.add_argument("--out", default="sweep-out", metavar="DIR",
                   help="where sweep.csv, sweep.json and the plots go (default: %(default)s)")
    g.add_argument("--build-dir", default=os.path.join(ROOT, "build-sweep"), metavar="DIR",
                   help="the sweep's own CMake tree, a cache of the grid's models and lane "
                        "syntheses (default: %(default)s)")
    g.add_argument("--ternac", default=None, metavar="PATH",
                   help="the ternac binary whose `config --check` decides which points are "
                        "legal and whose `claims` checks the layer (default: "
                        "$TERNAC_BUILD_DIR/sim/ternac, else build/sim/ternac, else ternac on "
                        "PATH)")
    g.add_argument("--no-synth", action="store_true", help="skip the Yosys lane synthesis")
    g.add_argument("--no-plots", action="store_true", help="skip the plots (no matplotlib needed)")
    g.add_argument("--progress", choices=["auto", "bar", "lines", "off"], default="auto",
                   help="progress of the configure and build steps (and of a Slurm job array): "
                        "auto is a line redrawn in place on a terminal, else a line per 10 %% "
                        "(default: %(default)s)")
    g = p.add_argument_group("Slurm (docs/regression.md)")
    g.add_argument("--slurm", action="store_true",
                   help="simulate the points as a Slurm job array (build on this machine first; "
                        "--build-dir and --out on a file system the nodes share)")
    g.add_argument("--sbatch-args", default="", metavar="ARGS",
                   help="more sbatch options, e.g. '-p debug' (default: none)")
    g.add_argument("--throttle", type=int, default=0, metavar="K",
                   help="at most K tasks at once (--array=...%%K) (default: 0, no limit)")
    g.add_argument("--requeue-failed", type=int, default=0, metavar="R",
                   help="submit points whose task failed again, up to R times "
                        "(default: %(default)s)")
    a = p.parse_args(argv)
    a.progress = regress.progress_mode(a.progress)
    if a.slurm and not (shutil.which("sbatch") and shutil.which("squeue")):
        p.error("--slurm: sbatch or squeue is not on PATH (Slurm's client commands)")
    if a.throttle < 0 or a.requeue_failed < 0:
        p.error("--throttle and --requeue-failed must be at least 0")
    try:
        a.sbatch_args = shlex.split(a.sbatch_args)
    except ValueError as e:
        p.error(f"--sbatch-args: {e}")
    a.reductions = [r for r in a.reductions.split(",") if r]
    for r in a.reductions:
        if r not in RED_CODE:
            p.error(f"unknown reduction '{r}' (expected signed, split or csa)")
    a.ternac = find_ternac(p, a.ternac)
    if not 0.0 <= a.zeros <= 1.0:
        p.error(f"--zeros must be in [0, 1], got {a.zeros}")
    if a.jobs < 1:
        p.error(f"--jobs must be at least 1, got {a.jobs}")
    if a.energy_dir is not None:
        if not os.path.isdir(a.energy_dir):
            p.error(f"--energy-dir: '{a.energy_dir}' is not a directory")
        a.energy_dir = os.path.abspath(a.energy_dir)
    if a.nodes is not None:
        items = a.nodes.split(",")
        if any(not i for i in items):
            p.error(f"--nodes: an empty item in '{a.nodes}'")
        nms = {int(m.group(1)) for m in (re.match(r"(\d+)(nm-|$)", i) for i in items) if m}
        if a.node not in nms:
            p.error(f"--nodes {a.nodes} does not cover --node {a.node} (the plots' and the "
                    "summary's node)")
    if a.onchip_bytes is not None and not re.fullmatch(r"[0-9]+[KkMGT]?", a.onchip_bytes):
        p.error(f"--onchip-bytes: '{a.onchip_bytes}' is not a size (digits, then K, M, G or T)")
    return a


def find_ternac(p, given):
    """The ternac binary: --ternac, $TERNAC_BUILD_DIR/sim/ternac, build/sim/ternac, or PATH's."""
    cands = [given] if given else [
        os.path.join(os.environ.get("TERNAC_BUILD_DIR") or os.path.join(ROOT, "build"), "sim",
                     "ternac"), shutil.which("ternac")]
    for c in cands:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    p.error(f"no ternac binary ({given or 'build/sim/ternac'}): build it (scripts/build.sh) or "
            "give --ternac")


LAYER_OPTIONS = ("model", "layer", "workload", "n", "k", "gguf", "tensor")


def layer_options(a, absolute=False):
    """(option, value) of the layer options given, for `ternac claims` and the points (which read
    the layer themselves: sim/cli/workloads.h)."""
    given = []
    for opt in LAYER_OPTIONS:
        value = getattr(a, opt)
        if value is not None:
            if absolute and opt in ("workload", "gguf"):
                value = os.path.abspath(value)
            given.append((f"--{opt}", str(value)))
    return given


def check_layer(a):
    """Checks the layer before anything is configured or built: `ternac shapes` with the layer
    options reads and checks it with the function the points use (choose_layer of
    sim/cli/workloads.cpp) and simulates nothing. An unknown model or layer, a workload file that
    is missing or malformed or lacks the line, a GGUF file that is missing or lacks the tensor,
    --n/--k out of range or given alone, or two ways at once exit 2 with ternac's message; --n
    and --k become integers once ternac has accepted them."""
    if all(getattr(a, o) is None for o in LAYER_OPTIONS):
        return
    # --opt=VALUE: a value that starts with '-' stays a value ("--n=-3" is refused as negative).
    cmd = [a.ternac, "shapes", "--format", "json"] + [f"{o}={v}" for o, v in layer_options(a)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        fail(f"cannot check the layer with {a.ternac} shapes: {e}")
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    last = re.sub(r"^ternac shapes: (error: )?", "", lines[-1]) if lines else ""
    if r.returncode == 2 and last:
        fail(last)
    try:
        layer = json.loads(r.stdout) if r.returncode == 0 else None
    except ValueError:
        layer = None
    if not isinstance(layer, dict) or "n" not in layer or "k" not in layer:
        fail(f"cannot check the layer: {' '.join(cmd)} ended with status {r.returncode}"
             + (f": {last}" if last else ""))
    for opt in ("n", "k"):
        value = getattr(a, opt)
        if value is not None and re.fullmatch(r"[0-9]+", value):
            setattr(a, opt, int(value))


def check_config(a, t, r, cap):
    """`ternac config --check` on one point: (its description, None) or (None, the rule it breaks).
    The legality rules live in one place (ArrayConfig::validate, which the RTL's elaboration
    checks agree with: test config_rules_agree)."""
    cmd = [a.ternac, "config", "--check", "--format", "json", "--lanes", str(a.lanes),
           "--tree-inputs", str(t), "--acc-width", str(a.acc_width), "--token-tile",
           str(a.token_tile), "--pipe-every", str(a.pipe_every), "--width-cap", str(cap),
           "--reduction", r]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode == 0:
        return json.loads(res.stdout), None
    if res.returncode == 2:
        return None, res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "illegal"
    sys.exit(f"sweep: {' '.join(cmd)} failed ({res.returncode}): {res.stderr.strip()}")


def grid(a):
    points, dropped = [], []
    for t in a.tree_inputs:
        for r in a.reductions:
            for cap in a.caps:
                name = f"l{a.lanes}_t{t}_{r}" + (f"_cap{cap}" if cap else "")
                desc, why = check_config(a, t, r, cap)
                if desc is None:
                    dropped.append(f"{name}: {why}")
                    continue
                if cap and cap >= desc["operand_bits"] + desc["tree_levels"]:
                    dropped.append(f"{name}: the widest tree level is "
                                   f"{desc['operand_bits'] + desc['tree_levels']} bits, the cap "
                                   "changes nothing")
                    continue
                points.append({"name": name, "tree_inputs": t, "reduction": r, "cap": cap})
    return points, dropped


def cmake_string(a, pt):
    # name:Lanes:TreeInputs:AccWidth:WeightRowsPerBeat:TokenTile:Datapath:PipeEvery:Cap:Reduction
    return ":".join(str(v) for v in (pt["name"], a.lanes, pt["tree_inputs"], a.acc_width, a.lanes,
                                     a.token_tile, 0, a.pipe_every, pt["cap"],
                                     RED_CODE[pt["reduction"]]))


def build_step(a, what, cmd, log_name, step):
    """One step of the build (cmake, ninja) in its own process group, its progress shown as
    step() reads it from the output (--progress), its whole output in <build-dir>/<log_name>.
    A failure prints the output's last lines and exits 1; a signal ends the step's processes and
    exits 128 + N. Returns how many steps it saw."""
    log = os.path.join(a.build_dir, log_name)
    prog = regress.Progress(a.progress, f"sweep: {what}")
    handlers = regress.SIGNALS.install()
    try:
        rc, steps, others = regress.run_steps(
            cmd, log, prog, step=step, env=dict(os.environ, NINJA_STATUS=regress.NINJA_STATUS))
    except regress.Interrupted as e:
        fail(f"interrupted by {e} while {what}", 128 + e.signum)
    except (regress.RunError, regress.UsageError) as e:
        fail(str(e), 1)
    finally:
        regress.SIGNALS.restore(handlers)
    if rc != 0:
        sys.stderr.write("".join(line + "\n" for line in others[-30:]))
        fail(f"{what} failed (exit status {rc}): {' '.join(cmd)}; whole output: {log}", 1)
    return steps


def build(a, points):
    configs = ";".join(cmake_string(a, pt) for pt in points)
    os.makedirs(a.build_dir, exist_ok=True)
    # Verilator runs at configure time for every model of the tree that is new or whose command
    # changed (CMake's verilate() says "Executing Verilator..." as it starts one): at most the
    # grid's models and the CLI's own, all of them in a new tree, where it takes minutes.
    models = len(points) + 1
    started = [0]

    def verilator_run(line):
        if "Executing Verilator" not in line:
            return None
        started[0] += 1
        return started[0] - 1, max(models, started[0])  # the runs finished so far

    print(f"sweep: configuring {a.build_dir} for {len(points)} configurations (Verilator runs "
          f"for each new model)", flush=True)
    t0 = time.monotonic()
    # Only what the sweep points need: Verilator runs at configure time for every model a build
    # tree defines, so the whole project's configure alone would take a minute.
    build_step(a, f"configuring (Verilator, at most {models} models)",
               ["cmake", "-S", ROOT, "-B", a.build_dir, "-G", "Ninja",
                "-DCMAKE_BUILD_TYPE=Release", "-DTERNAC_CLI_ONLY=ON", "-DTERNAC_CLI_CLAIMS=OFF",
                "-DTERNAC_SYSTEMC=OFF", f"-DTERNAC_SWEEP_CONFIGS={configs}"],
               "sweep-configure.log", verilator_run)
    print(f"sweep: configured in {regress.duration(time.monotonic() - t0)} (Verilator ran for "
          f"{started[0]} of {models} models)", flush=True)
    targets = [f"sweep_point_{pt['name']}" for pt in points]
    print(f"sweep: building {len(targets)} models with {a.jobs} jobs (cached per configuration)",
          flush=True)
    t0 = time.monotonic()
    steps = build_step(a, f"building {len(targets)} models",
                       ["ninja", "-C", a.build_dir, "-j", str(a.jobs)] + targets,
                       "sweep-build.log", regress.ninja_step)
    print(f"sweep: build done in {regress.duration(time.monotonic() - t0)}"
          + ("" if steps else " (up to date)"), flush=True)


def point_command(a, pt):
    exe = os.path.join(a.build_dir, "sim", "sweep", f"sweep_point_{pt['name']}")
    cmd = [exe, "--tokens", str(a.tokens), "--seed", str(a.seed)]
    if a.gguf is None:
        cmd += ["--zeros", str(a.zeros)]
    # The layer options go to every point as given: the points read the layer (sim/cli/workloads.h).
    for opt, value in layer_options(a, absolute=True):
        cmd += [opt, value]
    for opt, value in (("--energy-dir", a.energy_dir), ("--nodes", a.nodes),
                       ("--onchip-bytes", a.onchip_bytes)):
        if value is not None:
            cmd += [opt, value]
    return cmd


def point_row(a, pt, cmd, returncode, stdout, stderr):
    if returncode not in (0, 1) or not stdout.strip():
        sys.exit(f"sweep: {pt['name']} failed ({returncode}): {stderr.strip()}\n"
                 f"reproduce: {' '.join(cmd)}")
    row = json.loads(stdout.strip().splitlines()[-1])
    row["array"] = row["config"]  # the RTL's own name for its configuration
    row["config"] = pt["name"]
    exe = cmd[0]
    shown = os.path.relpath(exe, ROOT) if exe.startswith(ROOT + os.sep) else exe
    row["reproduce"] = " ".join([shown] + cmd[1:])  # from the repository root
    if not row["passed"]:
        sys.stderr.write(stderr)
    return row


def simulate(a, pt):
    cmd = point_command(a, pt)
    r = subprocess.run(cmd, capture_output=True, text=True)
    return point_row(a, pt, cmd, r.returncode, r.stdout, r.stderr)


def simulate_slurm(a, points):
    """The points' simulations as a Slurm job array (one task per point) through
    scripts/regress.py's SlurmArray: the nodes run the models of --build-dir, which must be on a
    file system they share with this machine, as must --out. The same rows as simulate()."""
    work = os.path.join(os.path.abspath(a.out), "slurm")
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):
        if f.startswith("point-"):
            os.unlink(os.path.join(work, f))
    cmds = [point_command(a, pt) for pt in points]
    q = shlex.quote
    lines = ["#!/bin/bash", "# One point of scripts/sweep.py per Slurm array task.",
             'i="${SLURM_ARRAY_TASK_ID:?not run as a Slurm array task}"', 'case "$i" in']
    lines += [f"  {i}) cmd=({' '.join(q(x) for x in c)});;" for i, c in enumerate(cmds, 1)]
    lines += ['  *) echo "no point $i" >&2; exit 2;;', "esac",
              f'"${{cmd[@]}}" > {q(work)}/point-$i.out.tmp 2> {q(work)}/point-$i.err',
              "rc=$?",
              f"mv {q(work)}/point-$i.out.tmp {q(work)}/point-$i.out",
              f"echo $rc > {q(work)}/point-$i.rc.tmp && mv {q(work)}/point-$i.rc.tmp "
              f"{q(work)}/point-$i.rc", ""]
    script = os.path.join(work, "sweep-task.sh")
    with open(script + ".tmp", "w") as f:
        f.write("\n".join(lines))
    os.chmod(script + ".tmp", 0o755)
    os.replace(script + ".tmp", script)

    def read(i, ext):
        try:
            with open(os.path.join(work, f"point-{i}.{ext}")) as f:
                return f.read()
        except OSError:
            return None

    def problem(i):
        rc = read(i, "rc")
        if rc is None:
            return "no result (the task died or did not start)"
        if rc.strip() not in ("0", "1") or not (read(i, "out") or "").strip():
            return f"exit {rc.strip()}: {(read(i, 'err') or '').strip()[-300:]}"
        return None

    handlers = regress.SIGNALS.install()  # Ctrl-C or SIGTERM cancels the job array
    array = regress.SlurmArray(script, "ternac-sweep", work, sbatch_args=a.sbatch_args,
                               throttle=a.throttle, progress=a.progress,
                               label="sweep: slurm")
    print(f"sweep: simulating {len(points)} configurations as a Slurm job array", flush=True)
    try:
        failed = array.run(range(1, len(points) + 1), problem, a.requeue_failed)
    except regress.Interrupted as e:
        sys.exit(f"sweep: interrupted by {e}; job array cancelled")
    except regress.RunError as e:
        sys.exit(f"sweep: {e}")
    finally:
        regress.SIGNALS.restore(handlers)
    if failed:
        sys.exit(f"sweep: {len(failed)} points failed on Slurm (--requeue-failed R submits "
                 f"them again): " + ", ".join(points[i - 1]["name"] for i in sorted(failed)))
    return [point_row(a, pt, cmds[i], int(read(i + 1, "rc")), read(i + 1, "out"),
                      read(i + 1, "err") or "") for i, pt in enumerate(points)]


def rtl_digest():
    h = hashlib.sha256()
    files = subprocess.run([os.path.join(ROOT, "scripts", "file_list.sh")], capture_output=True,
                           text=True, check=True).stdout.split()
    for path in files + [os.path.join(ROOT, "scripts", "synth_cost.sh")]:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def synthesize(a, pt, digest):
    params = ["-set", "TreeInputs", str(pt["tree_inputs"]), "-set", "AccWidth", str(a.acc_width),
              "-set", "PipeEvery", str(a.pipe_every), "-set", "LevelWidthCap", str(pt["cap"]),
              "-set", "Reduction", str(RED_CODE[pt["reduction"]])]
    key = hashlib.sha256((digest + " ".join(params)).encode()).hexdigest()[:16]
    cache = os.path.join(a.build_dir, "synth", f"{pt['name']}-{key}.csv")
    if not os.path.exists(cache):
        r = subprocess.run([os.path.join(ROOT, "scripts", "synth_cost.sh"), "--csv"] + params,
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"sweep: synthesis of {pt['name']} failed: {r.stderr.strip()}")
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(cache + ".tmp", "w") as f:
            f.write(r.stdout)
        os.replace(cache + ".tmp", cache)
    with open(cache) as f:
        row = list(csv.DictReader(f))[0]
    return {"lane_transistors": int(row["transistors"]), "lane_comb_transistors":
            int(row["comb_transistors"]), "lane_depth": int(row["depth"])}


def energy_at(row, node):
    """The energy with the node's default table (the first of the node's tables)."""
    for e in row["energy"]:
        if e["node_nm"] == node:
            return e
    sys.exit(f"sweep: no energy at {node} nm (tables: {[e['table'] for e in row['energy']]})")


COLUMNS = ["config", "array", "tree_inputs", "reduction", "level_width_cap", "lanes", "acc_width",
           "pipe_every", "layer", "m", "n", "k", "zero_fraction", "seed", "passed", "cycles",
           "model_cycles", "utilization", "tree_evaluations", "tree_overflows", "overflow_rate",
           "results_changed", "worst_abs_error", "lane_transistors", "lane_comb_transistors",
           "transistors_per_mac", "lane_depth", "sim_seconds"]


def write_tables(a, rows):
    os.makedirs(a.out, exist_ok=True)
    tables = [e["table"] for e in rows[0]["energy"]]
    with open(os.path.join(a.out, "sweep.json"), "w") as f:
        json.dump({"grid": {k: getattr(a, k) for k in ("tree_inputs", "reductions", "caps", "lanes",
                                                     "acc_width", "pipe_every", "model", "layer",
                                                     "workload", "n", "k", "gguf", "tensor", "tokens",
                                                     "zeros", "seed", "energy_dir", "nodes",
                                                     "onchip_bytes")},
                   "rows": rows}, f, indent=1)
    with open(os.path.join(a.out, "sweep.csv"), "w", newline="") as f:
        w = csv.writer(f)
        head = list(COLUMNS)
        for t in tables:
            head += [f"arith_fj_per_mac_{t}", f"onchip_fj_per_mac_{t}", f"offchip_fj_per_mac_{t}"]
        w.writerow(head)
        for r in rows:
            line = [r.get(c, "") for c in COLUMNS]
            for e in r["energy"]:
                line += [e["arithmetic_fj_per_mac"], e["with_onchip_fj_per_mac"],
                         e["with_offchip_fj_per_mac"]]
            w.writerow(line)


def workload_label(a, rows):
    """The swept layer as the plots and the summary name it: the layer name for a 2B4T layer
    (as before), else the points' own description."""
    if all(getattr(a, o) is None for o in ("model", "workload", "n", "k", "gguf", "tensor")):
        return rows[0]["layer"]
    return rows[0]["workload"]


def summary(a, rows):
    print(f"\nsweep: {workload_label(a, rows)} M={a.tokens}, "
          f"{rows[0]['zero_fraction']:.0%} zero weights, seed {a.seed}, "
          f"{a.lanes} lanes; energy per MAC at {a.node} nm in fJ (arith = selects and adds, "
          f"total = with on-chip storage: registers, partial sums, buffers)")
    fmt = "{:<26} {:>7} {:>9} {:>9} {:>8} {:>10} {:>9} {:>7} {:>10} {:>6}  {}"
    print(fmt.format("config", "arith", "total", "cycles", "util", "overflows", "worst err",
                     "T/MAC", "lane T", "depth", "check"))
    for r in sorted(rows, key=lambda r: energy_at(r, a.node)["with_onchip_fj_per_mac"]):
        e = energy_at(r, a.node)
        print(fmt.format(r["config"], f"{e['arithmetic_fj_per_mac']:.2f}", f"{e['with_onchip_fj_per_mac']:.2f}",
                         r["cycles"], f"{100 * r['utilization']:.2f}%", r["tree_overflows"],
                         r["worst_abs_error"],
                         f"{r['transistors_per_mac']:.0f}" if "transistors_per_mac" in r else "-",
                         r.get("lane_transistors", "-"), r.get("lane_depth", "-"),
                         "ok" if r["passed"] else "FAIL"))
    # The energy model charges adders at their (capped) widths but not the saturation logic, so a
    # capped tree looks slightly cheaper than it is; the recommendation is the best full-precision
    # configuration, and the best capped one is shown beside it with its synthesis cost.
    def best_of(cands):
        return min(cands, key=lambda r: energy_at(r, a.node)["with_onchip_fj_per_mac"]) if cands else None

    full = best_of([r for r in rows if r["passed"] and r["level_width_cap"] == 0])
    capped = best_of([r for r in rows if r["passed"] and r["level_width_cap"] != 0
                      and r["worst_abs_error"] == 0])
    if full:
        e = energy_at(full, a.node)
        print(f"best at {a.node} nm (full precision): {full['config']}: {e['with_onchip_fj_per_mac']:.2f} "
              f"fJ/MAC total, {e['arithmetic_fj_per_mac']:.2f} arithmetic, "
              f"{full.get('transistors_per_mac', 0):.0f} T/MAC, depth {full.get('lane_depth', '-')}")
    if capped:
        e = energy_at(capped, a.node)
        print(f"best capped with exact results on this workload: {capped['config']}: "
              f"{e['with_onchip_fj_per_mac']:.2f} fJ/MAC total, "
              f"{capped.get('transistors_per_mac', 0):.0f} T/MAC, depth "
              f"{capped.get('lane_depth', '-')} (its saturation logic is not in the energy figure)")


def plots(a, rows):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("sweep: matplotlib not available under this interpreter; no plots "
              "(run with /usr/bin/python3, scripts/setup.sh installs python3-matplotlib)")
        return
    marks = {"signed": "o", "split": "s", "csa": "^"}

    def label(r):
        cap = r["level_width_cap"]
        return f"{r['tree_inputs']} {r['reduction']}" + (f" cap{cap}" if cap else "")

    full = [r for r in rows if r["level_width_cap"] == 0]

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for red in a.reductions:
        pts = sorted((r["tree_inputs"], energy_at(r, a.node)) for r in full if r["reduction"] == red)
        if not pts:
            continue
        ax.plot([p[0] for p in pts], [p[1]["with_onchip_fj_per_mac"] for p in pts],
                marker=marks[red], linestyle="-", label=f"{red}, total")
        ax.plot([p[0] for p in pts], [p[1]["arithmetic_fj_per_mac"] for p in pts],
                marker=marks[red], linestyle="--", alpha=0.6, label=f"{red}, arithmetic")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("TreeInputs (fan-in of each lane)")
    ax.set_ylabel(f"energy per MAC at {a.node} nm (fJ)")
    ax.set_title(f"{workload_label(a, rows)}, M={a.tokens}, {rows[0]['zero_fraction']:.0%} zeros, "
                 f"{a.lanes} lanes, full precision")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "energy_vs_fanin.png"), dpi=120)
    plt.close(fig)

    synth = [r for r in rows if "transistors_per_mac" in r]
    if synth:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for red in a.reductions:
            pts = [r for r in synth if r["reduction"] == red]
            ax.scatter([r["transistors_per_mac"] for r in pts],
                       [energy_at(r, a.node)["with_onchip_fj_per_mac"] for r in pts], label=red,
                       marker=marks[red])
        front, best = [], float("inf")
        for r in sorted(synth, key=lambda r: (r["transistors_per_mac"],
                                              energy_at(r, a.node)["with_onchip_fj_per_mac"])):
            e = energy_at(r, a.node)["with_onchip_fj_per_mac"]
            if e < best:
                front.append(r)
                best = e
        ax.plot([r["transistors_per_mac"] for r in front],
                [energy_at(r, a.node)["with_onchip_fj_per_mac"] for r in front], "k:", label="Pareto front")
        for i, r in enumerate(front):
            ax.annotate(label(r), (r["transistors_per_mac"],
                        energy_at(r, a.node)["with_onchip_fj_per_mac"]), fontsize=7,
                        textcoords="offset points", xytext=(8, 6 + 10 * i),
                        arrowprops={"arrowstyle": "-", "lw": 0.5})
        ax.set_xlabel("lane transistors per MAC/cycle (Yosys, NAND2/NOR2/NOT + flops)")
        ax.set_ylabel(f"energy per MAC with on-chip storage at {a.node} nm (fJ)")
        ax.set_title("energy against area proxy")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, "pareto.png"), dpi=120)
        plt.close(fig)

    capped = [r for r in rows if r["level_width_cap"] != 0]
    if capped:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        styles = {"signed": "-", "split": "--", "csa": ":"}
        for red in a.reductions:
            for i, t in enumerate(a.tree_inputs):
                # The uncapped configuration is the cap at the full root width: it never saturates.
                pts = sorted((r["level_width_cap"] or OPERAND_BITS + levels(t), r["overflow_rate"])
                             for r in rows if r["reduction"] == red and r["tree_inputs"] == t)
                if any(r["level_width_cap"] for r in rows
                       if r["reduction"] == red and r["tree_inputs"] == t):
                    ax.plot([p[0] for p in pts], [max(p[1], 1e-7) for p in pts],
                            marker=marks[red], linestyle=styles[red],
                            color=colors[i % len(colors)], label=f"{red}, TreeInputs {t}")
        ax.set_yscale("log")
        ax.set_xlabel("level-width cap (bits; the last point of a line is full precision)")
        ax.set_ylabel("saturated tree evaluations / all (floor 1e-7)")
        ax.set_title(f"overflow rate, {workload_label(a, rows)}, "
                     f"{rows[0]['zero_fraction']:.0%} zeros")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, "overflow_vs_cap.png"), dpi=120)
        plt.close(fig)


def main(argv):
    a = parse_args(argv)
    check_layer(a)  # before the grid and the build: a bad layer is refused in a second
    points, dropped = grid(a)
    reasons = {}
    for d in dropped:
        name, why = d.split(": ", 1)
        reasons.setdefault(why, []).append(name)
    for why, names in reasons.items():
        print(f"sweep: dropped {len(names)} points ({why}): {' '.join(names)}")
    if not points:
        fail("the grid is empty: every point was dropped (above)")
    a.build_dir = os.path.abspath(a.build_dir)
    build(a, points)
    if a.slurm:
        rows = simulate_slurm(a, points)
    else:
        print(f"sweep: simulating {len(points)} configurations on {a.jobs} cores", flush=True)
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            rows = list(pool.map(lambda pt: simulate(a, pt), points))
    if not a.no_synth:
        print(f"sweep: synthesizing {len(points)} lanes with Yosys (cached)", flush=True)
        digest = rtl_digest()
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            synth = list(pool.map(lambda pt: synthesize(a, pt, digest), points))
        for r, s in zip(rows, synth):
            r.update(s)
            r["transistors_per_mac"] = s["lane_transistors"] / r["tree_inputs"]
    for r in rows:
        r["overflow_rate"] = r["tree_overflows"] / r["tree_evaluations"] if r["tree_evaluations"] else 0
    write_tables(a, rows)
    summary(a, rows)
    if not a.no_plots:
        plots(a, rows)
    print(f"sweep: wrote {a.out}/sweep.csv, sweep.json" + ("" if a.no_plots else " and plots"))
    failed = [r["config"] for r in rows if not r["passed"]]
    if failed:
        sys.exit(f"sweep: check FAILED in {', '.join(failed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
