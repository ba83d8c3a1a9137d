#!/usr/bin/env bash
# docs/assertions.md shows the fault table that testbench/faults/faults.json generates
# (mutate.py --markdown), between its "fault table" markers: fails with the difference otherwise.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
doc="$root/docs/assertions.md"
want=$(python3 "$root/testbench/faults/mutate.py" --table "$root/testbench/faults/faults.json" --markdown)
have=$(sed -n '/<!-- fault table begin -->/,/<!-- fault table end -->/p' "$doc" | sed '1d;$d')
if [ "$want" != "$have" ]; then
  echo "docs/assertions.md's fault table is not the one faults.json gives; replace it with:" >&2
  echo "$want" >&2
  diff <(echo "$want") <(echo "$have") >&2 || true
  exit 1
fi
echo "docs/assertions.md lists the $(($(echo "$want" | wc -l) - 2)) faults of faults.json"
