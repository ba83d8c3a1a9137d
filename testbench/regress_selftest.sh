#!/usr/bin/env bash
# The regression runner checked by itself (docs/regression.md):
#  1. shards 1/2 and 2/2 of a pass, merged, equal the unsharded pass (results and cycles); the
#     energy tests include a fixture (plot_claims needs ternac_claims_layer's output), which
#     must not run in both shards;
#  2. an injected RTL bug (test-only fault 13, the lost +1 of a negation) makes the fault
#     configuration fail, every failure with its reproduction command and an FST waveform.
#   testbench/regress_selftest.sh <build dir>
set -euo pipefail
build=${1:?usage: regress_selftest.sh <build dir>}
root="$(cd "$(dirname "$0")/.." && pwd)"
regress=("$root/scripts/regress.py" --no-build --build "$build" --progress off)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

tags=model,fault,energy
"${regress[@]}" --tags $tags --seeds 1 --out "$dir/full" >/dev/null
"${regress[@]}" --tags $tags --seeds 1 --shard 1/2 --out "$dir/s1" >/dev/null
"${regress[@]}" --tags $tags --seeds 1 --shard 2/2 --out "$dir/s2" >/dev/null
"$root/scripts/regress.py" merge --out "$dir/merged" "$dir/s1" "$dir/s2" \
  --compare "$dir/full/summary.json" | tail -1 | tee "$dir/merge.txt"
grep -q "equal to" "$dir/merge.txt"

set +e
out=$("${regress[@]}" --tags fault --inject-fault 13 --out "$dir/fault" 2>&1)
rc=$?
set -e
# (grep -m, not "| head": under pipefail, head closing the pipe early fails the script)
grep -m8 -E "^(regress:|FAILED|  )" <<<"$out" || true
[ $rc -ne 0 ] || { echo "regress_selftest: the injected fault was not caught"; exit 1; }
grep -q "FAILED fault/Cosim.RandomGemms" <<<"$out"
grep -q "reproduce: .*TERNAC_FAULT=13" <<<"$out"
wave=$(grep -m1 -oE "waveform: \S+\.fst" <<<"$out" | cut -d' ' -f2)
[ -s "$wave" ] || { echo "regress_selftest: no waveform with the failure"; exit 1; }
echo "regress_selftest: PASS (shards merge to the unsharded run; fault 13 caught with its" \
  "reproduction command and waveform $(basename "$wave"))"
