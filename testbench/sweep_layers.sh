#!/usr/bin/env bash
# The sweep on layers other than a 2B4T one (docs/exploration.md): a GGUF tensor with its real
# weights and a workload file's layer, through the build tree of the smoke sweep (its two points,
# already built: fixture sweep_smoke_out), without synthesis or plots.
#   sweep_layers.sh <source dir> <smoke build dir> <ternac>
set -u
root=$1
build=$2
ternac=$3
py=/usr/bin/python3
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sweep=("$py" "$root/scripts/sweep.py" --lanes 2 --ternac "$ternac" --tree-inputs 5
       --reductions signed,csa --caps 0 --nodes 45,7 --build-dir "$build" --no-synth --no-plots)

"$py" "$root/scripts/make_gguf.py" --tensor blk.3.attn_k.weight:6:128 --zeros 0.3 --seed 5 \
  --npy-dir npy --out t.gguf >/dev/null || bad "make_gguf.py failed"
if "${sweep[@]}" --gguf t.gguf --tensor blk.3.attn_k.weight --out g >g.log 2>&1; then ok; else
  bad "sweep --gguf: exit $?"; tail -5 g.log; fi
printf 'name,m,n,k\nmine,1,6,40\nother,1,4,20\n' >w.csv
if "${sweep[@]}" --workload w.csv --layer mine --tokens 3 --out w >w.log 2>&1; then ok; else
  bad "sweep --workload: exit $?"; tail -5 w.log; fi
if "${sweep[@]}" --workload w.csv --out x >x.log 2>&1; then
  bad "a workload of two layers without --layer was swept"
elif grep -q "more than one layer: choose one with --layer" x.log; then ok; else
  bad "a workload of two layers without --layer: $(tail -2 x.log)"; fi

$py - <<'PY' || bad "the swept layers"
import json
import numpy as np
g = json.load(open("g/sweep.json"))["rows"]
w = json.load(open("w/sweep.json"))["rows"]
W = np.load("npy/blk.3.attn_k.weight.npy")  # the tensor's weights, read independently
assert len(g) == len(w) == 2, (len(g), len(w))
for r in g:
    assert (r["m"], r["n"], r["k"], r["layer"]) == (1, 6, 128, "attn_k"), r
    assert r["workload"] == "t.gguf:blk.3.attn_k.weight" or r["workload"].endswith("/t.gguf:blk.3.attn_k.weight"), r["workload"]
    assert abs(r["zero_fraction"] - float((W == 0).mean())) < 1e-12, r["zero_fraction"]
    assert r["passed"], r["config"]
for r in w:
    assert (r["m"], r["n"], r["k"], r["layer"]) == (3, 6, 40, "mine"), r
    assert r["passed"], r["config"]
PY
ok
finish sweep_layers
