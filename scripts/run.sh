#!/usr/bin/env bash
# The first README command: install what is missing, build, run the main job (ternac run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" ternac >/dev/null
exec "${TERNAC_BUILD_DIR:-$root/build}/sim/ternac" run "$@"
