#!/usr/bin/env bash
# Installs what ternac needs on Debian 12 (as root, or through sudo), only what is missing.
# Idempotent and quiet when everything is already there. Extra packages named as arguments are
# installed too.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  clang  # the default compiler (CMakeLists.txt, docs/performance.md) and libFuzzer's
  verilator libsystemc-dev yosys
  slurmctld slurmd munge  # a single-node Slurm cluster for testbench/slurm/slurm_test.sh
  libfmt-dev libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev
  python3 python3-matplotlib python3-numpy python3-yaml
  strace time  # testbench/cli_outputs.sh: how ternac regress starts its script; peak memory
  chromium  # testbench/report/html_report_test.sh: ternac report's page in a real browser, headless
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep "ok installed" >/dev/null; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "setup: missing packages (${missing[*]}) and not root; install them or run as root" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
