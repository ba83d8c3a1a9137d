#!/usr/bin/env bash
# The ternac CLI's interface, outputs and exit codes, each checked against something computed
# here independently (shell arithmetic, git, Python's json and csv modules, /usr/bin/time,
# strace), in seconds:
#   help and version    per-command --help, `ternac help CMD`, --version with the git commit (and
#                       "unknown" outside a checkout), the exit codes in the help
#   exit codes          1 for a failed check (run, model, claims), 2 for a report cut short on
#                       standard output (/dev/full, a closed stdout)
#   outputs             atomic: a write that fails (RLIMIT_FSIZE) leaves the previous file and no
#                       temporary; concurrent writers of one path leave one whole file; an
#                       output never replaces an input (a GGUF file)
#   reports             run/model --json/--csv: schema_version, provenance, per-layer cycles,
#                       utilization and energy per MAC in fJ per node, CSV and JSON agreeing
#   names from files    a GGUF tensor named with a comma, quote, newline and an escape sequence:
#                       quoted in CSV (read back exactly), escaped on the terminal
#   counts, watchdog    results counted without padding lanes; slow backpressure passes and its
#                       cycle count does not wrap
#   memory              the estimate is at least the peak resident memory /usr/bin/time measures
#                       and at most 1.5 times it
#   regress             runs scripts/regress.py through its "#!" line (strace)
#   testbench/cli_outputs.sh <path to ternac> <source dir>
set -uo pipefail
ternac=$(readlink -f "${1:?usage: cli_outputs.sh <path to ternac> <source dir>}")
root=$(readlink -f "${2:?usage: cli_outputs.sh <path to ternac> <source dir>}")
py=/usr/bin/python3
for tool in strace /usr/bin/time; do
  if ! command -v "$tool" >/dev/null; then
    echo "cli_outputs: $tool is missing (scripts/setup.sh installs it)"; exit 1
  fi
done
if ! $py -c "import numpy" 2>/dev/null; then
  echo "cli_outputs: /usr/bin/python3 has no numpy (scripts/setup.sh installs python3-numpy)"
  exit 1
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"  # scratch directory, ok, bad, finish
# expect_rc <want> <description> <command...>: runs it, output in $out.
expect_rc() {
  local want=$1 what=$2
  shift 2
  out=$(timeout 300 "$@" 2>&1)
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, want $want"; echo "$out" | tail -5; fi
}

# ---- help and version ----
declare -A opts=(
  [run]="--layer --tokens --m --n --k --workload --zeros --seed --backpressure --padding --energy-dir --onchip-bytes --nodes --json --csv --max-cycles --memory-limit"
  [model]="--model --blocks --gguf --tokens --zeros --seed --json --csv --energy-dir --onchip-bytes --nodes --jobs --max-cycles --memory-limit"
  [bitlinear]="--weights --alpha --gguf --tensor --acts --out --acc-out --max-cycles --memory-limit"
  [claims]="--model --layer --zeros --act-profile --seed --prefill --prefill-counts --energy-dir --onchip-bytes --nodes --activity-calibration --no-sweep --no-gate --gate-lanes --gate-beats --glitch-beats --json --csv --max-cycles --memory-limit"
  [shapes]="" [config]="--config --lanes --tree-inputs --acc-width --rows-per-beat --token-tile --datapath --pipe-every --width-cap --reduction --check --list --format --configs-file"
)
for cmd in "${!opts[@]}"; do
  expect_rc 0 "ternac $cmd --help" "$ternac" "$cmd" --help
  help=$out
  grep -q "^Usage: .*$cmd \[OPTIONS\]" <<<"$help" || bad "ternac $cmd --help: no usage line"
  for o in ${opts[$cmd]}; do
    grep -qE -- "^  $o( |$)" <<<"$help" || bad "ternac $cmd --help does not list $o"
  done
  expect_rc 0 "ternac help $cmd" "$ternac" help "$cmd"
  [ "$out" == "$help" ] || bad "ternac help $cmd differs from ternac $cmd --help"
done
expect_rc 0 "ternac --help" "$ternac" --help
for cmd in run model bitlinear claims shapes config regress help; do
  grep -qE "^  $cmd " <<<"$out" || bad "ternac --help does not list the command $cmd"
done
for code in 0 1 2; do
  grep -qE "^  $code  " <<<"$out" || bad "ternac --help does not document exit status $code"
done
help=$out
expect_rc 0 "ternac (no command)" "$ternac"
[ "$out" == "$help" ] || bad "ternac with no command does not show the help"
# The commit: git's own answer when the source tree is a checkout, "unknown" otherwise.
if [ "$(git -C "$root" rev-parse --show-toplevel 2>/dev/null)" == "$root" ]; then
  commit=$(git -C "$root" rev-parse HEAD)
else
  commit=unknown
fi
expect_rc 0 "ternac --version" "$ternac" --version
grep -qE "^ternac [0-9]+\.[0-9]+\.[0-9]+ \(git commit $commit[;,]" <<<"$out" ||
  bad "ternac --version: '$out' does not name commit $commit"
version=$(sed -E 's/^ternac ([0-9.]+) .*/\1/' <<<"$out")
# The script that captures it, on a directory that is not a checkout.
mkdir notgit
cmake -DSOURCE_DIR="$work/notgit" -DOUT="$work/bi.h" -DVERSION=9.9.9 \
  -P "$root/sim/cli/build_info.cmake" >/dev/null 2>&1
grep -q '#define TERNAC_GIT_COMMIT "unknown"' bi.h 2>/dev/null ||
  bad "build_info.cmake outside a git checkout does not say unknown"

# ---- regress: scripts/regress.py through its own "#!" line ----
strace -f -qq -s 4096 -e trace=execve -o trace.txt "$ternac" regress --help >regress.txt 2>&1
grep -q "usage: regress" regress.txt || bad "ternac regress --help: not the runner's help"
grep -qE "execve\(\"$root/scripts/regress.py\", \[\"$root/scripts/regress.py\", \"--help\"\]" trace.txt ||
  { bad "ternac regress does not execute scripts/regress.py itself:"; grep execve trace.txt; }
if grep -q 'execve("/usr/bin/python3", \["/usr/bin/python3", "'"$root"'/scripts/regress.py"' trace.txt &&
  [ "$(head -c 18 "$root/scripts/regress.py")" != "#!/usr/bin/python3" ]; then
  bad "ternac regress ran /usr/bin/python3 although the script names another interpreter"
fi

# ---- exit codes ----
expect_rc 1 "run with a check that fails (--max-cycles)" \
  "$ternac" run --m 1 --n 64 --k 64 --max-cycles 3 --json fail.json --csv fail.csv
grep -q "timeout: no completion after 4 cycles" <<<"$out" || bad "run --max-cycles: no timeout"
$py -c "import json,sys; d=json.load(open('fail.json')); sys.exit(d['passed'] or d['layers'][0]['passed'] or d['layers'][0]['utilization'] is not None)" ||
  bad "run --max-cycles: the JSON does not say the layer failed"
expect_rc 1 "claims with a check that fails" "$ternac" claims --layer attn_k --no-sweep --no-gate --prefill 0 --max-cycles 3
grep -q "RTL run failed its checks" <<<"$out" || bad "claims: the failure is not named"
expect_rc 1 "model with a check that fails" "$ternac" model --model large --blocks 1 --max-cycles 50
expect_rc 0 "run --layer attn_k" "$ternac" run --layer attn_k
"$ternac" shapes >/dev/full 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "cannot write standard output" err.txt || bad "shapes > /dev/full: exit $rc"
"$ternac" claims --layer attn_k --no-sweep --no-gate --prefill 0 >/dev/full 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "cannot write standard output" err.txt || bad "claims > /dev/full: exit $rc"
"$ternac" run --m 1 --n 1 --k 1 >&- 2>err.txt
rc=$?
[ $rc -eq 2 ] || bad "run with standard output closed: exit $rc"

# ---- inputs: a tiny GGUF model, one tensor named with everything a CSV or a terminal chokes on --
name=$'blk.0.a,b"c\nd\e[31mred.weight'
kind=$'a,b"c\nd\e[31mred'
$py "$root/scripts/make_gguf.py" --model tiny --layers 1 --seed 3 --out tiny.gguf >/dev/null ||
  bad "make_gguf.py tiny"
$py "$root/scripts/make_gguf.py" --tensor "$name:32:128" --tensor "blk.1.plain.weight:16:256" \
  --seed 4 --out names.gguf >/dev/null || bad "make_gguf.py with a hostile tensor name"

# ---- outputs: atomic, checked, never an input ----
# A write that fails (the file-size limit, EFBIG with SIGXFSZ ignored) leaves the previous file.
printf 'previous\n' > prev.csv
printf 'previous\n' > prev.json
# (The limit applies to ternac only: its output goes through a pipe to a cat without it.)
(trap '' XFSZ; ulimit -f 0; exec "$ternac" model --gguf tiny.gguf --csv prev.csv) 2>&1 | cat >out.txt
rc=${PIPESTATUS[0]}
[ $rc -eq 2 ] && grep -q "prev.csv: cannot write .*File too large" out.txt ||
  bad "model --csv past the file-size limit: exit $rc, want 2: $(tail -1 out.txt)"
[ "$(cat prev.csv)" == previous ] || bad "model --csv: a failed write changed the previous file"
(trap '' XFSZ; ulimit -f 0; exec "$ternac" claims --layer attn_k --no-sweep --no-gate --prefill 0 --json prev.json) 2>&1 |
  cat >out.txt
rc=${PIPESTATUS[0]}
[ $rc -eq 2 ] && grep -q "prev.json: cannot write .*File too large" out.txt ||
  bad "claims --json past the file-size limit: exit $rc, want 2: $(tail -1 out.txt)"
[ "$(cat prev.json)" == previous ] || bad "claims --json: a failed write changed the previous file"
ls -A | grep '\.tmp-' >/dev/null && bad "a failed write left a temporary file: $(ls -A | grep '\.tmp-')"
# Concurrent writers of one path: one whole file from one of them.
for round in 1 2 3; do
  "$ternac" run --m 2 --n 300 --k 300 --seed 11 --json same.json >/dev/null &
  "$ternac" run --m 2 --n 300 --k 300 --seed 12 --json same.json >/dev/null &
  "$ternac" claims --layer attn_k --no-sweep --no-gate --prefill 0 --seed 21 --json same_claims.json >/dev/null &
  "$ternac" claims --layer attn_k --no-sweep --no-gate --prefill 0 --seed 22 --json same_claims.json >/dev/null &
  wait
  $py -c "import json,sys; d=json.load(open('same.json')); sys.exit(d['provenance']['seed'] not in (11, 12))" ||
    bad "two runs writing same.json (round $round): not one whole file"
  $py -c "import json; json.load(open('same_claims.json'))" ||
    bad "two claims writing same_claims.json (round $round): not one whole JSON file"
done
ls -A | grep '\.tmp-' >/dev/null && bad "concurrent writers left a temporary file"
# An output that is an input: refused, the model file untouched.
cp tiny.gguf tiny.orig
expect_rc 2 "model --gguf tiny.gguf --csv tiny.gguf" "$ternac" model --gguf tiny.gguf --csv tiny.gguf
grep -q "must not overwrite an input" <<<"$out" || bad "model --csv = --gguf: not named"
cmp -s tiny.gguf tiny.orig || bad "model --csv replaced the GGUF file it read"

# ---- names from files: quoted in CSV, escaped on the terminal ----
expect_rc 0 "model --gguf names.gguf" "$ternac" model --gguf names.gguf --csv names.csv --json names.json
grep -q $'\e' <<<"$out" && bad "an escape character from a tensor name reached the terminal"
grep -qF 'a,b"c\nd\e[31mred' <<<"$out" || bad "the tensor name is not shown escaped: $(head -8 <<<"$out")"
$py - "$kind" "$name" <<'PY' || bad "names.csv / names.json do not hold the tensor name exactly"
import csv, json, sys
kind, name = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open("names.csv", newline="")))
assert [r["layer"] for r in rows] == [kind, "plain"], [r["layer"] for r in rows]
d = json.load(open("names.json"))
assert [l["tensor"] for l in d["layers"]] == [name, "blk.1.plain.weight"]
assert [l["kind"] for l in d["layers"]] == [kind, "plain"]
PY

# ---- results counted without padding lanes; backpressure ----
m=3 n=5 k=7
expect_rc 0 "run --m $m --n $n --k $k" "$ternac" run --m $m --n $n --k $k
grep -qE "^custom .* ok \($((m * n)) results\)" <<<"$out" || bad "run $m x $n: not $((m * n)) results"
expect_rc 0 "run --m 1 --n 1 --k 1" "$ternac" run --m 1 --n 1 --k 1
grep -qE "^custom .* ok \(1 result\)" <<<"$out" || bad "run 1 x 1 x 1: not 1 result"
expect_rc 0 "run --layer attn_k --backpressure 0.01 (the watchdog scales)" \
  "$ternac" run --layer attn_k --backpressure 0.01
grep -q "^check: PASS" <<<"$out" || bad "attn_k at backpressure 0.01 does not pass"
expect_rc 0 "run --m 1 --n 1 --k 1 --backpressure 1e-3" \
  "$ternac" run --m 1 --n 1 --k 1 --backpressure 1e-3 --json bp.json
$py - <<'PY' || bad "run 1 x 1 x 1 at backpressure 1e-3: cycles out of range"
import json
layer = json.load(open("bp.json"))["layers"][0]
# at least the model's cycles; under a million (about 6 / 1e-3 expected, never 2^64 - x)
assert layer["model_cycles"] <= layer["cycles"] < 10**6, layer
PY

# ---- a workload file: its layers, in order, each checked ----
printf '# two layers\nname,m,n,k\nproj_in,1,40,70\nproj_out,3,17,64\n' > wl.csv
expect_rc 0 "run --workload wl.csv" "$ternac" run --workload wl.csv --json wl.json
$py - <<'PY' || bad "run --workload: not the file's layers"
import json
d = json.load(open("wl.json"))
got = [(l["layer"], l["m"], l["n"], l["k"], l["passed"]) for l in d["layers"]]
assert got == [("proj_in", 1, 40, 70, True), ("proj_out", 3, 17, 64, True)], got
PY

# ---- reports: run and model, JSON and CSV ----
expect_rc 0 "run --json --csv" "$ternac" run --json run.json --csv run.csv
printf '%s\n' "$out" > run.txt
"$ternac" shapes > shapes.txt
$py - "$root" "$commit" "$version" <<'PY' || bad "run --json/--csv do not hold what the run printed"
import csv, json, os, re, sys
root, commit, version = sys.argv[1:4]
d = json.load(open("run.json"))
assert list(d)[:3] == ["schema_version", "kind", "provenance"], list(d)[:3]
assert d["schema_version"] == 2 and d["kind"] == "ternac-run" and d["passed"] is True
p = d["provenance"]
assert p["ternac_version"] == version and p["git"]["commit"] == commit, p
assert re.match(r"\d+\.\d+", p["verilator"]) and p["compiler"], p
assert p["configuration"]["name"] == "16x64" and p["configuration"]["lanes"] == 16, p
assert p["seed"] == 1 and os.path.samefile(p["energy_dir"], os.path.join(root, "model/energy/tables"))
# One layer per line of `ternac shapes`, with the cycles the table printed.
shapes = re.findall(r"^  (\w+) +N=(\d+) +K=(\d+)", open("shapes.txt").read(), re.M)
printed = {m[0]: int(m[1]) for m in
           re.findall(r"^(\w+) +1 +\d+ +\d+ +[\d.]+M +(\d+) ", open("run.txt").read(), re.M)}
assert [(l["layer"], l["n"], l["k"]) for l in d["layers"]] == \
       [(s, int(n), int(k)) for s, n, k in shapes], d["layers"]
# Energy tables: one per <node>nm*.csv file, keyed <node>nm-<family>.
files = [f for f in os.listdir(os.path.join(root, "model/energy/tables")) if re.match(r"\d+nm.*\.csv$", f)]
rows = list(csv.DictReader(open("run.csv", newline="")))
assert len(rows) == len(d["layers"])
for l, r in zip(d["layers"], rows):
    assert l["cycles"] == printed[l["layer"]], (l["layer"], l["cycles"], printed)
    assert l["results_checked"] == l["m"] * l["n"] and l["macs"] == l["m"] * l["n"] * l["k"]
    assert abs(l["utilization"] - l["macs"] / (l["cycles"] * 1024)) < 1e-12
    assert len(l["energy"]) == len(files) and len({e["table"] for e in l["energy"]}) == len(files)
    for e in l["energy"]:
        assert e["table"].startswith(f"{e['node_nm']}nm-"), e
        pj = (e["arithmetic_pj"], e["arithmetic_pj"] + e["onchip_pj"],
              e["arithmetic_pj"] + e["onchip_pj"] + e["offchip_pj"])
        fj = (e["arithmetic_fj_per_mac"], e["with_onchip_fj_per_mac"], e["with_offchip_fj_per_mac"])
        for p_, f_, col in zip(pj, fj, ("arith", "onchip", "offchip")):
            assert abs(f_ - 1e3 * p_ / l["macs"]) < 1e-9 * f_, (e, col)
            assert abs(float(r[f"{col}_fj_per_mac_{e['table']}"]) / f_ - 1) < 1e-5, (e, col)
        assert 0 < fj[0] < fj[1] <= fj[2], e
        assert e["mixed_families"] == (len(e["mixed_rows"]) > 0), e
    assert (r["layer"], int(r["cycles"]), r["schema_version"], r["git_commit"], r["seed"]) == \
           (l["layer"], l["cycles"], "2", commit, "1"), r
PY
expect_rc 0 "model --gguf tiny.gguf --json --csv" "$ternac" model --gguf tiny.gguf --json model.json --csv model.csv
printf '%s\n' "$out" > model.txt
$py - "$commit" <<'PY' || bad "model --json/--csv do not hold what the run printed"
import csv, json, re, sys
commit = sys.argv[1]
d = json.load(open("model.json"))
assert d["schema_version"] == 2 and d["kind"] == "ternac-model" and d["passed"] is True
assert d["provenance"]["git"]["commit"] == commit
assert len(d["layers"]) == 7 and all(l["tensor"].startswith("blk.0.") for l in d["layers"])
text = open("model.txt").read()
rows = list(csv.DictReader(open("model.csv", newline="")))
# The columns of the CSV before schema 1 come first, in their order.
assert list(rows[0])[:9] == ["layer", "n", "k", "layers", "tokens", "macs", "cycles",
                             "utilization", "passed"], list(rows[0])
for r, k in zip(rows, d["kinds"]):
    line = re.search(rf"^{r['layer']} +{r['n']} +{r['k']} +1 +[\d.]+M +(\d+) ", text, re.M)
    assert line and int(line.group(1)) == int(r["cycles"]) == k["cycles"], r
    assert int(r["results_checked"]) == int(r["n"]), r
PY

# ---- memory: estimate against the peak /usr/bin/time measures ----
for args in "run --m 1 --n 8192 --k 8192" "model --model 2b4t --blocks 1 --jobs 2"; do
  # shellcheck disable=SC2086
  /usr/bin/time -f "%M" -o rss.txt "$ternac" $args --json mem.json >/dev/null 2>&1 ||
    bad "ternac $args failed"
  $py - "$args" <<'PY' || bad "ternac $args: memory estimate off"
import json, sys
d = json.load(open("mem.json"))
estimate, rss = d["memory_estimate_bytes"], int(open("rss.txt").read().split()[-1]) * 1024
print(f"cli_outputs: {sys.argv[1]}: estimated {estimate / 2**20:.1f} MiB, "
      f"peak resident {rss / 2**20:.1f} MiB (/usr/bin/time)")
assert rss <= estimate <= 1.5 * rss, (estimate, rss)
PY
done

finish cli_outputs
