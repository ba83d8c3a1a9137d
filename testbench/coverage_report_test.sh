#!/usr/bin/env bash
# scripts/coverage_report.py on hand-written coverage files (Verilator's format) whose figures are
# known: line 1 of 2 hit, toggle 2 of 2, functional point cov_b hit only in the second file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
point() {  # page comment count
  printf "C '\001f\002t.sv\001l\00210\001n\0021\001page\002%s\001o\002%s\001h\002top.t' %s\n" "$1" "$2" "$3"
}
{
  echo "# SystemC::Coverage-3"
  point v_line/t block 5; point v_line/t else 0
  point v_toggle/t "a[0]" 2; point v_toggle/t "a[1]" 9
  point v_user/t cov_a 3; point v_user/t cov_b 0
} > "$dir/a.dat"
{
  echo "# SystemC::Coverage-3"
  point v_user/t cov_a 0; point v_user/t cov_b 1
} > "$dir/b.dat"
report=$root/scripts/coverage_report.py
if /usr/bin/python3 "$report" "$dir/one.md" x="$dir/a.dat" >/dev/null; then
  echo "FAIL: a hole (cov_b) did not fail the report"; exit 1
fi
grep -q "| x | 50.0 % (1 / 2) | 100.0 % (2 / 2) | 1 / 2 |" "$dir/one.md"
grep -q "holes: 1 (cov_b)" "$dir/one.md"
/usr/bin/python3 "$report" "$dir/two.md" x="$dir/a.dat" y="$dir/b.dat" >/dev/null
grep -q "holes: 0" "$dir/two.md"
grep -q "| cov_b | 0 | 1 |" "$dir/two.md"
echo "coverage_report_test: PASS"
