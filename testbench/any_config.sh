#!/usr/bin/env bash
# Any array from the command line (docs/build_cache.md): ternac run on a named configuration and
# on the same configuration given by its parameters builds that configuration's ternac once (in
# TERNAC_CACHE_DIR) and reuses it; the built-in configuration builds nothing; an illegal one is
# refused before any build. Usage: any_config.sh <ternac>
set -u
ternac=$1
: "${TERNAC_CACHE_DIR:?any_config.sh: set TERNAC_CACHE_DIR, the cache of the build tree}"
py=/usr/bin/python3
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run() {  # run <name> <want exit> <ternac arguments...>: stdout in <name>.out, stderr in <name>.err
  local name=$1 want=$2
  shift 2
  timeout 1200 "$ternac" "$@" >"$name.out" 2>"$name.err"
  local rc=$?
  if [ $rc -eq "$want" ]; then ok; else bad "ternac $*: exit $rc, want $want"; tail -5 "$name.err"; fi
}

run first 0 run --config small --layer attn_k --json first.json
run again 0 run --config small --layer attn_k --json again.json
run params 0 run --lanes 4 --tree-inputs 8 --token-tile 8 --layer attn_k --json params.json
run builtin 0 run --config default --m 1 --n 16 --k 64
run illegal 2 run --lanes 8 --tree-inputs 5 --acc-width 11
grep -q "AccWidth must be in 12..64, got 11" illegal.err || bad "illegal configuration: $(cat illegal.err)"
for f in again params builtin illegal; do
  if grep -q "building" $f.err; then bad "$f: built again: $(grep building $f.err)"; fi
done
$py - <<'PY' || bad "the configuration's runs: wrong array or results"
import json
runs = [json.load(open(f"{n}.json")) for n in ("first", "again", "params")]
for r in runs:
    assert r["passed"], r["provenance"]["configuration"]
    c = r["provenance"]["configuration"]
    assert (c["lanes"], c["tree_inputs"], c["token_tile"], c["name"]) == (4, 8, 8, "4x8_tt8"), c
strip = lambda r: [{k: v for k, v in l.items()} for l in r["layers"]]
assert strip(runs[0]) == strip(runs[1]) == strip(runs[2])
PY
ok

# A run description (docs/outputs.md): the same run as its options on the command line; paths
# relative to the file's directory.
mkdir -p sub
printf 'name,m,n,k\nmine,1,32,128\nyours,2,16,64\n' > sub/layers.csv
cat > sub/run.json <<'JSON'
{"workload": {"workload": "layers.csv", "zeros": 0.35},
 "energy": {"nodes": "45"}, "checks": {"seed": 3}, "outputs": {"json": "d.json"}}
JSON
run desc 0 run --description sub/run.json
run same 0 run --workload sub/layers.csv --zeros 0.35 --nodes 45 --seed 3 --json same.json
$py - <<'PY' || bad "the run description is not the same run as its options"
import json
d, s = json.load(open("sub/d.json")), json.load(open("same.json"))
assert [l["layer"] for l in d["layers"]] == ["mine", "yours"], d["layers"]
assert d["layers"] == s["layers"], (d["layers"], s["layers"])
o = d["provenance"]["options"]
assert o["seed"] == "3" and o["zeros"] == "0.35" and o["workload"] == "sub/layers.csv", o
PY
ok

# model --workload: the file's layers as a model, every layer at M = --tokens.
run mw 0 model --workload sub/layers.csv --tokens 2 --json mw.json
$py - <<'PY' || bad "model --workload"
import json
d = json.load(open("mw.json"))
assert d["workload"]["workload_file"] == "sub/layers.csv", d["workload"]
got = [(l["kind"], l["m"], l["n"], l["k"], l["passed"]) for l in d["layers"]]
assert got == [("mine", 2, 32, 128, True), ("yours", 2, 16, 64, True)], got
PY
ok
finish any_config
