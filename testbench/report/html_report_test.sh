#!/usr/bin/env bash
# ternac report (scripts/report.py) end to end, and its page in a real browser (Debian's
# chromium, headless), in 15 to 25 s:
#   inputs      real ones made here: `ternac claims --json` on a 256 x 256 layer, a summary.json
#               of scripts/regress.py on a CTest tree of four tests of its own (a pass, a failure,
#               a skip), coverage.md of scripts/coverage_report.py on hand-written coverage files,
#               and the sweep kept in docs/sweep
#   the page    every section, provenance (commits and tool versions of the inputs, generation
#               time), energy in fJ; a section for each missing input with the command that makes
#               it; the newest summary under <build>/regress/ taken by default
#   refusals    malformed inputs (exit 2, one line naming the file, nothing written), an OUT
#               that is an input or holds a foreign file; an earlier report replaced whole
#   browser     the page loaded in headless Chromium: its own check (every <img> loaded, in
#               <body data-broken-images>, read from the DOM after load) and the console (any
#               message fails: the page logs nothing); a screenshot. The checker is shown to
#               fail: a copy with one image deleted, one with a console error, one with an
#               uncaught exception, one without the page's self-check.
# Exit 77 (CTest's skip) when Chromium is not installed or cannot start, except with CI=true or
# TERNAC_REQUIRE_CHROMIUM=1, where that fails (scripts/setup.sh installs chromium).
# The last report and its screenshot are kept in <build>/html_report/ for a look.
#   testbench/report/html_report_test.sh <build dir>
set -uo pipefail
build=$(cd "${1:?usage: html_report_test.sh <build dir>}" && pwd)
root="$(cd "$(dirname "$0")/../.." && pwd)"
ternac="$build/sim/ternac"
py=/usr/bin/python3
. "$root/testbench/lib.sh"  # scratch directory (the working directory), ok, bad, finish

required=0
if [ "${CI:-}" = true ] || [ "${TERNAC_REQUIRE_CHROMIUM:-}" = 1 ]; then required=1; fi
cannot_run() {
  if [ $required = 1 ]; then
    echo "html_report: FAIL: $* (CI=true or TERNAC_REQUIRE_CHROMIUM=1: the browser test must run)"
    exit 1
  fi
  echo "html_report: SKIP: $*"
  exit 77
}
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || cannot_run "chromium is not installed (scripts/setup.sh installs it)"
# As root Chromium needs --no-sandbox; a profile of its own per run keeps $HOME untouched and
# lets two runs go at once.
runs=0
browser() {
  runs=$((runs + 1))
  timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile$runs" "$@"
}
if ! browser --dump-dom "data:text/html,<p>up</p>" >probe.dom 2>probe.log ||
  ! grep -q "<p>up</p>" probe.dom; then
  cannot_run "chromium does not start: $(grep -v '^\s*$' probe.log | tail -1)"
fi

# ---- inputs ----
TERNAC_BUILD_DIR="$work/nobuild"  # no default inputs found, unless a check puts them there
export TERNAC_BUILD_DIR
mkdir nobuild
"$ternac" claims --n 256 --k 256 --no-gate --prefill 8 --json claims.json >claims.txt 2>&1 ||
  { bad "ternac claims: $(tail -1 claims.txt)"; finish html_report; }
mkdir tree
cat >tree/CTestTestfile.cmake <<'EOF'
add_test(small/Cosim.Directed /bin/sh -c "echo 'ternac-cycles: 1234'")
set_tests_properties(small/Cosim.Directed PROPERTIES LABELS "cosim;small")
add_test(odd/Cosim.RandomGemms /bin/sh -c "printf '%s\n' 'cosim_test.cpp:211: Failure' \
  'value at result beat 0: expected 35, got 29' 'ternac-cycles: 99'; exit 1")
set_tests_properties(odd/Cosim.RandomGemms PROPERTIES LABELS "cosim;odd")
add_test(unit_skipped /bin/sh -c "echo 'skip: not here'; exit 77")
set_tests_properties(unit_skipped PROPERTIES LABELS "unit" SKIP_RETURN_CODE 77)
add_test(unit_passes /bin/sh -c "true")
set_tests_properties(unit_passes PROPERTIES LABELS "unit")
EOF
"$root/scripts/regress.py" --no-build --build tree --level smoke --out rg --progress off \
  >regress.txt 2>&1
[ -f rg/summary.json ] ||
  { bad "regress.py wrote no summary: $(tail -1 regress.txt)"; finish html_report; }
point() {  # page comment count: a coverage point in Verilator's format
  printf "C '\001f\002t.sv\001l\00210\001n\0021\001page\002%s\001o\002%s\001h\002top.t' %s\n" \
    "$1" "$2" "$3"
}
mkdir cov
{
  echo "# SystemC::Coverage-3"
  point v_line/t block 5; point v_line/t else 0; point v_toggle/t "a[0]" 2
  point v_toggle/t "a[1]" 9; point v_user/t cov_a 3; point v_user/t cov_b 0
  point v_user/t cov_hole 0
} >cov/small.dat
{
  echo "# SystemC::Coverage-3"
  point v_line/t block 1; point v_line/t else 1; point v_user/t cov_a 0; point v_user/t cov_b 1
} >cov/odd.dat
$py "$root/scripts/coverage_report.py" cov/coverage.md small=cov/small.dat odd=cov/odd.dat \
  >/dev/null
grep -q "^| small | 50.0 % (1 / 2) |" cov/coverage.md || bad "coverage_report.py: unexpected table"
sweep="$root/docs/sweep"

# ---- the report ----
"$ternac" report full --regress rg --coverage cov --claims claims.json --sweep "$sweep" \
  >report.txt 2>&1
rc=$?
[ $rc -eq 0 ] && ok || { bad "ternac report: exit $rc"; cat report.txt; }
page=full/index.html
[ -s "$page" ] && ok || { bad "no $page"; finish html_report; }
# Every image the page names is in OUT, and the marker lists every file OUT holds.
$py - full <<'EOF' || bad "the images or the marker of the report"
import json, os, re, sys
out = sys.argv[1]
page = open(os.path.join(out, "index.html"), encoding="utf-8").read()
srcs = re.findall(r'<img src="([^"]+)"', page)
assert len(srcs) == 8, srcs  # 2 regression, 1 coverage, 3 claims, 2 sweep
missing = [s for s in srcs if not os.path.isfile(os.path.join(out, s))]
assert not missing, missing
m = json.load(open(os.path.join(out, "ternac-report.json")))
assert m["kind"] == "ternac-report", m
assert sorted(os.listdir(out)) == sorted(m["files"] + ["ternac-report.json"]), (m, os.listdir(out))
EOF
[ $? -eq 0 ] && ok
field() {  # field FILE '["a"]["b"]': a field of a JSON file
  $py -c "import json, sys; print(eval('json.load(open(sys.argv[1]))' + sys.argv[2]))" "$@"
}
claims_commit=$(field claims.json "['provenance']['git']['commit']")
regress_commit=$(field rg/summary.json "['meta']['git']['commit']")
verilator=$(field claims.json "['provenance']['verilator']")
ctest_version=$(ctest --version | head -1)
for want in "Provenance" "Generated 20" "$claims_commit" "$regress_commit" "$verilator" \
  "$ctest_version" "odd/Cosim.RandomGemms" "expected 35, got 29" "holes: 1 (cov_hole)" \
  "fJ/MAC" "42 of 42 passed" "Energy per MAC in fJ"; do
  grep -qF -- "$want" "$page" && ok || bad "the page does not show '$want'"
done
grep -qE "[0-9] ?(pJ|uJ|nJ)" "$page" && bad "the page shows energy in another unit than fJ" || ok

# Missing inputs: a section each, with the command that makes it.
"$ternac" report sparse --claims claims.json >sparse.txt 2>&1 && ok || bad "report with claims only"
for want in "No regression summary" "regress --level smoke" "No coverage" "scripts/coverage.sh" \
  "No sweep" "scripts/sweep.py"; do
  grep -qF -- "$want" sparse/index.html && ok || bad "claims only: the page does not show '$want'"
done
# The default regression: the newest summary under <build>/regress/.
mkdir -p fb/regress/old fb/regress/new
$py - rg/summary.json fb/regress <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
for name, day in (("new", "2030-01-02"), ("old", "2030-01-01")):
    s["meta"]["start"] = s["meta"]["end"] = f"{day}T00:00:00Z"
    for p in s["meta"]["passes"]:
        p["start"] = p["end"] = f"{day}T00:00:00Z"
    json.dump(s, open(f"{sys.argv[2]}/{name}/summary.json", "w"))
EOF
TERNAC_BUILD_DIR="$work/fb" "$ternac" report found >found.txt 2>&1 && ok || bad "report, defaults"
grep -qF "$work/fb/regress/new/summary.json" found/index.html && ok ||
  bad "the default regression is not the newest summary under <build>/regress/"

# ---- refusals: exit 2, one line naming the file, nothing written ----
refused() {  # refused <name> <file the line names> <report args...>
  local what=$1 file=$2
  shift 2
  rm -rf out
  "$ternac" report "$@" >r.out 2>r.err
  local rc=$? lines
  lines=$(grep -c . r.err)
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$file" r.err &&
    ! grep -q Traceback r.err && [ ! -e out ] && [ -z "$(ls -A | grep '^\.out\.tmp')" ]; then
    ok
  else
    bad "$what: exit $rc, want 2 with one line naming $file and nothing written:"
    cat r.err
  fi
}
head -c 300 claims.json >cut.json
refused "truncated claims" cut.json out --claims cut.json
$py -c "
import json; r = json.load(open('claims.json'))
r['nodes'][1]['estimates'][0]['int8_over_ternary'] = 'x'
json.dump(r, open('typed.json', 'w'))"
refused "a string for a number in claims" typed.json out --claims typed.json
sed 's/"zero_fraction": 0.31[0-9]*/"zero_fraction": NaN/' claims.json >nan.json
refused "NaN in claims" nan.json out --claims nan.json
mkdir badsweep
$py -c "
import json; s = json.load(open('$sweep/sweep.json'))
s['rows'][3]['energy'][0]['with_onchip_fj_per_mac'] = None
json.dump(s, open('badsweep/sweep.json', 'w'))"
refused "a null energy in the sweep" badsweep/sweep.json out --sweep badsweep
mkdir badrg
sed 's/"result": "skip"/"result": "weird"/' rg/summary.json >badrg/summary.json
refused "a summary with a bad result" badrg/summary.json out --regress badrg
mkdir badcov
echo "# nothing here" >badcov/coverage.md
refused "coverage.md without its table" badcov/coverage.md out --coverage badcov
refused "a missing claims file" nothere.json out --claims nothere.json
mkdir busy
echo mine >busy/notes.txt
"$ternac" report busy --claims claims.json >/dev/null 2>r.err
[ $? -eq 2 ] && [ "$(cat busy/notes.txt)" = mine ] && [ ! -e busy/index.html ] && ok ||
  bad "a non-empty directory that is not a report was not refused: $(cat r.err)"
cp -r "$sweep" sweepcopy
"$ternac" report sweepcopy --sweep sweepcopy >/dev/null 2>r.err
[ $? -eq 2 ] && grep -q "is the input of --sweep" r.err && [ ! -e sweepcopy/index.html ] && ok ||
  bad "OUT = an input was not refused: $(cat r.err)"
# An earlier report is replaced whole: the regression's images go with it.
"$ternac" report sparse --claims claims.json --regress rg >/dev/null 2>&1 &&
  "$ternac" report sparse --claims claims.json >/dev/null 2>&1 && ok || bad "report over report"
[ ! -e sparse/regress_results.png ] && [ -e sparse/claims_storage.png ] && ok ||
  bad "a report over an earlier one left the earlier one's files"
left=$(ls -A | grep '\.tmp-')
[ -z "$left" ] && ok || bad "temporary directories left: $left"

# ---- in the browser ----
# Chromium 156 logs every console message on stderr at INFO, whatever its level:
#   [pid:tid:date/time.us:INFO:CONSOLE:13] "message", source: file:///.../index.html (13)
# (older versions wrote "INFO:CONSOLE(13)"). The level cannot be told apart there, and the page
# logs nothing itself: any console message is a problem. Images that fail to load are not logged
# at all; the page's own check reports them in <body data-broken-images>.
problems() {  # problems <report dir>: prints each problem of the loaded page, nothing if none
  local dir=$1 n
  browser --virtual-time-budget=10000 --enable-logging=stderr --v=0 \
    --dump-dom "file://$work/$dir/index.html" >"$dir.dom" 2>"$dir.log" ||
    echo "chromium failed on $dir: $(tail -1 "$dir.log")"
  n=$(grep -o '<img ' "$dir/index.html" | wc -l)
  grep -q "data-images=\"$n\"" "$dir.dom" ||
    echo "the page's image check did not run over its $n images"
  grep -o 'data-broken-images="[^"]\+"' "$dir.dom" | sed 's/^/broken images: /'
  grep -E ':CONSOLE[:(]' "$dir.log" | sed 's/^/console: /'
}
problems full >full.problems
[ ! -s full.problems ] && ok || { bad "the report in Chromium:"; cat full.problems; }
problems sparse >sparse.problems
[ ! -s sparse.problems ] && ok ||
  { bad "the claims-only report in Chromium:"; cat sparse.problems; }
browser --hide-scrollbars --window-size=1280,7000 --screenshot="$work/full.png" \
  "file://$work/full/index.html" >shot.log 2>&1
$py - full.png <<'EOF' && ok || bad "the screenshot"
import sys
import matplotlib.image as mpimg
a = mpimg.imread(sys.argv[1])
assert a.shape[:2] == (7000, 1280), a.shape
ink = (a[:, :, :3].min(axis=2) < 0.5).mean()
assert ink > 0.01, f"the screenshot is nearly blank ({ink:.4f} dark)"
EOF
# The checker fails when it should.
cp -r full noimage && rm noimage/claims_storage.png
problems noimage >noimage.problems
grep -q "broken images: .*claims_storage.png" noimage.problems && ok ||
  { bad "a deleted image was not detected:"; cat noimage.problems; }
cp -r full consoleerror &&
  sed -i 's|</body>|<script>console.error("deliberate console error");</script></body>|' \
    consoleerror/index.html
problems consoleerror >consoleerror.problems
grep -q 'console: .*deliberate console error' consoleerror.problems && ok ||
  { bad "a console error was not detected:"; cat consoleerror.problems; }
cp -r full exception &&
  sed -i 's|</body>|<script>null.boom();</script></body>|' exception/index.html
problems exception >exception.problems
grep -q 'console: .*Uncaught TypeError' exception.problems && ok ||
  { bad "an uncaught exception was not detected:"; cat exception.problems; }
cp -r full nocheck && sed -i 's|window.addEventListener("load"|window.addEventListener("nope"|' \
  nocheck/index.html
problems nocheck >nocheck.problems
grep -q "image check did not run" nocheck.problems && ok ||
  { bad "a page without its self-check was not detected:"; cat nocheck.problems; }

for case in noimage consoleerror exception nocheck; do  # what the checker said, for the log
  echo "html_report: negative case $case detected: $(head -1 $case.problems | cut -c1-160)"
done
rm -rf "$build/html_report" && cp -r full "$build/html_report" &&
  cp full.png "$build/html_report.png" || true
finish html_report
