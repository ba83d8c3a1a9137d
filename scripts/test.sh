#!/usr/bin/env bash
# The second README command: install what is missing, build everything, run the whole test suite.
# Extra arguments go to ctest (for example -L cosim, or -R Select); scripts/regress.py gives
# levels, shards, seeds and JUnit output on top of the same tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERNAC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$build"
# Tests labelled nightly are long: scripts/regress.py --level nightly runs them.
exec ctest --output-on-failure -j "$(nproc)" -LE nightly "$@"
