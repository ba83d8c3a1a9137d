#!/usr/bin/env bash
# The first README command: install what is missing, build, run the main job (ternac run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERNAC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
# The build on standard error, standard output being ternac's: on a terminal, ninja's step
# counts and the time left on one line; otherwise a line when it starts and one when it ends.
# Its whole output goes to $build/build.log (its last lines are printed if it fails).
"$root/scripts/build_progress.py" --label "run: building ternac in $build" \
  --log "$build/build.log" -- "$root/scripts/build.sh" ternac
exec "$build/sim/ternac" run "$@"
