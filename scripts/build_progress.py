#!/usr/bin/python3
"""Runs a build (scripts/build.sh, ninja) with its progress on standard error: scripts/run.sh's
build of ternac.

    build_progress.py [--label TEXT] [--log FILE] [--progress auto|bar|quiet] -- COMMAND [ARG...]

On a terminal: a line when it starts, then ninja's step counts with an estimate of the time left
on one line redrawn in place ("run: building ternac: [812/1450] 56%, about 1 min 40 s left"),
with what scripts/build.sh says of its configure step above it, and a line when it ends with the
time it took. Otherwise (a pipe, a file, a CI log) only the line when it starts and the line
when it ends. The whole output goes to --log; when the command fails, its last 30 lines are
printed. Exit status: the command's (1 when it cannot be run, 128 + N when signal N stopped it).
"""

import argparse
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regress  # noqa: E402  (Progress, run_steps: the runner's own build progress)


def main(argv):
    p = argparse.ArgumentParser(
        prog="build_progress.py", description=__doc__.split("\n\n")[0],
        epilog="Everything after -- is the command; NINJA_STATUS is set for it to ninja's "
               "default '[%f/%t] ', which the progress reads.")
    p.add_argument("--label", default="building", metavar="TEXT",
                   help="what the lines call the build (default: %(default)s)")
    p.add_argument("--log", default=None, metavar="FILE",
                   help="the whole output of the command (default: a temporary file, removed "
                        "when the command succeeds)")
    p.add_argument("--progress", choices=["auto", "bar", "quiet"], default="auto",
                   help="bar: the progress line; quiet: the start and end lines only; auto: bar "
                        "when standard error is a terminal, else quiet (default: %(default)s)")
    p.add_argument("command", nargs=argparse.REMAINDER, metavar="COMMAND",
                   help="the build command and its arguments, after --")
    a = p.parse_args(argv)
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        p.error("no command to run (give it after --)")
    mode = a.progress
    if mode == "auto":
        mode = "bar" if regress.progress_mode("auto", sys.stderr) == "bar" else "quiet"
    log, temporary = a.log, a.log is None
    if temporary:
        fd, log = tempfile.mkstemp(prefix="build-progress.", suffix=".log")
        os.close(fd)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)

    def say(text):
        print(f"{a.label}{text}", file=sys.stderr, flush=True)

    say(f" ({' '.join(os.path.basename(c) if i == 0 else c for i, c in enumerate(cmd))})")
    prog = regress.Progress("bar" if mode == "bar" else "off", a.label, stream=sys.stderr)
    env = dict(os.environ, NINJA_STATUS=regress.NINJA_STATUS)
    regress.SIGNALS.install()
    try:
        rc, steps, others = regress.run_steps(
            cmd, log, prog, echo=(lambda line: regress.BUILD_SAYS.match(line))
            if mode == "bar" else None, env=env)
    except regress.Interrupted as e:
        say(f": interrupted by {e}; whole output: {log}")
        return 128 + e.signum
    except (regress.RunError, regress.UsageError) as e:
        say(f": {e}")
        return 1
    took = regress.duration(time.monotonic() - prog.t0)
    if rc != 0:
        sys.stderr.write("".join(line + "\n" for line in others[-30:]))
        say(f": failed after {took} (exit status {rc}); whole output: {log}")
        return rc if rc > 0 else 128 - rc  # a signal (-N) as the shell reports it
    if temporary:
        os.unlink(log)
    say(f": done in {took}" + ("" if steps else " (up to date)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
