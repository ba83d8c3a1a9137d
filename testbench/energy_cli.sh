#!/usr/bin/env bash
# Energy reporting from the outside (docs/energy.md, docs/energy_tables.md, docs/outputs.md):
#   one-file node   a 28 nm table added as one file (scale-from 45) is reported by run, model and
#                   claims with --nodes 28, with its family
#   families        a figure that rests on rows of two families carries a warning naming the rows
#                   (7nm-pokebnn7: PokeBNN arithmetic, Horowitz SRAM scaled), in the text
#                   and the JSON; one family (7nm-horowitz45) carries none
#   fJ per MAC      every energy per MAC that run, model, claims and the sweep write (text, JSON
#                   keys, CSV columns) is in fJ; no source file prints another unit per MAC;
#                   the sweep reports the tables its --nodes chose, with its --onchip-bytes
# Usage: energy_cli.sh <ternac> <source dir> <sweep output dir (sweep.json, sweep.csv)>
set -u
ternac=$1
root=$2
sweep=$3
py=/usr/bin/python3
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
run() {  # run <name> <ternac arguments...>: text in <name>.txt, exit status checked
  local name=$1
  shift
  if timeout 600 "$ternac" "$@" >"$name.txt" 2>&1; then ok; else
    bad "ternac $*: exit $?"; tail -5 "$name.txt"; fi
}

# ---- one-file node ----
mkdir energy
cp "$root"/model/energy/tables/*.csv energy/
cp "$root"/model/energy/tables/examples/28nm.csv energy/
run n28_run run --layer attn_k --energy-dir energy --nodes 28 --json n28_run.json --csv n28_run.csv
run n28_model model --blocks 1 --energy-dir energy --nodes 28 --json n28_model.json
run n28_claims claims --layer attn_k --no-gate --no-sweep --prefill 0 --energy-dir energy \
  --nodes 28 --json n28_claims.json
$py - <<'PY' || bad "a 28 nm node from one file is not reported"
import csv, json, re
for name in ("n28_run", "n28_model"):
    d = json.load(open(f"{name}.json"))
    tables = [e["table"] for e in d["total"]["energy"]]
    assert tables == ["28nm-horowitz45"], (name, tables)
    e = d["total"]["energy"][0]
    assert e["node_nm"] == 28 and e["family"] == "horowitz45" and e["scaled"], e
    assert 0 < e["arithmetic_fj_per_mac"] < e["with_onchip_fj_per_mac"] <= e["with_offchip_fj_per_mac"]
    assert re.search(r"^ +28 nm horowitz45 ", open(f"{name}.txt").read(), re.M), name
header = next(csv.reader(open("n28_run.csv")))
assert [h for h in header if "fj_per_mac" in h] == \
    ["arith_fj_per_mac_28nm-horowitz45", "onchip_fj_per_mac_28nm-horowitz45",
     "offchip_fj_per_mac_28nm-horowitz45"], header
c = json.load(open("n28_claims.json"))
assert [n["table"] for n in c["nodes"]] == ["28nm-horowitz45"], c["nodes"]
assert "== 28 nm, family horowitz45" in open("n28_claims.txt").read()
PY
ok

# ---- families: mixed rows are named, one family is clean ----
run fam run --layer attn_k --nodes 7 --json fam.json
$py - <<'PY' || bad "mixed families are not flagged, or a single family is"
import json, re
text = open("fam.txt").read()
d = json.load(open("fam.json"))
by = {e["table"]: e for e in d["total"]["energy"]}
assert set(by) == {"7nm-pokebnn7", "7nm-horowitz45"}, list(by)
p, h = by["7nm-pokebnn7"], by["7nm-horowitz45"]
assert p["mixed_families"] and p["family"] == "mixed(horowitz45,pokebnn7)", p
assert "select 8: pokebnn7" in p["mixed_rows"] and "sram_read_bit 1: horowitz45" in p["mixed_rows"]
assert not h["mixed_families"] and h["family"] == "horowitz45" and h["mixed_rows"] == [], h
# The warning follows the pokebnn7 line and names both families' rows; none follows horowitz45.
lines = text.splitlines()
i = next(i for i, l in enumerate(lines) if re.match(r" +7 nm pokebnn7 ", l))
assert "WARNING: mixes families: pokebnn7: select 8" in lines[i + 1], lines[i + 1]
assert "horowitz45: sram_read_bit 1" in lines[i + 1], lines[i + 1]
j = next(j for j, l in enumerate(lines) if re.match(r" +7 nm horowitz45 ", l))
assert "WARNING" not in lines[j + 1], lines[j + 1]
PY
ok

# ---- fJ per MAC everywhere ----
run u_run run --layer attn_k --json u_run.json --csv u_run.csv
run u_model model --blocks 1 --json u_model.json --csv u_model.csv
run u_claims claims --layer attn_k --no-gate --json u_claims.json --csv u_claims.csv
cp "$sweep/sweep.json" u_sweep.json
cp "$sweep/sweep.csv" u_sweep.csv
$py - <<'PY' || bad "an energy per MAC in a unit other than fJ"
import csv, json, re
bad_unit = re.compile(r"(?i)\b(pj|nj|uj|mj|j)\s*(/|per)\s*mac|(pj|nj|uj)_per_mac")
def keys(x, path=""):
    if isinstance(x, dict):
        for k, v in x.items():
            yield k, path + "." + k
            yield from keys(v, path + "." + k)
    elif isinstance(x, list):
        for v in x:
            yield from keys(v, path + "[]")
seen = 0
for name in ("u_run", "u_model", "u_claims", "u_sweep"):
    for k, where in keys(json.load(open(f"{name}.json"))):
        if "per_mac" in k:
            assert k.endswith("fj_per_mac") or k.startswith(("int8_over", "fp16_over")) \
                or re.fullmatch(r"(peak_)?macs_per_cycle|transistors_per_mac", k), (name, where)
            seen += k.endswith("fj_per_mac")
    for h in next(csv.reader(open(f"{name}.csv"))):
        assert not bad_unit.search(h), (name, h)
        seen += "fj_per_mac" in h
for name in ("u_run", "u_model", "u_claims"):
    text = open(f"{name}.txt").read()
    assert not bad_unit.search(text), (name, bad_unit.search(text).group(0))
    assert re.search(r"fJ(/MAC| per MAC|; )", text), name
assert seen > 50, seen
# The sweep passes --nodes and --onchip-bytes to every point (sweep_smoke: --nodes 45,7
# --onchip-bytes 512K).
for row in json.load(open("u_sweep.json"))["rows"]:
    assert [e["table"] for e in row["energy"]] == ["45nm-horowitz45", "7nm-pokebnn7",
                                                    "7nm-horowitz45"], row["energy"]
    assert row["onchip_bytes"] == 512 * 1024, row["onchip_bytes"]
print(f"energy_cli: {seen} energy-per-MAC fields, all in fJ")
PY
ok
# No source prints an energy per MAC in another unit (a plot's axis label, a summary line).
if grep -rnIE "(pJ|nJ|uJ)[ /]*(per )?MAC\b|(pj|nj|uj)_per_mac" "$root"/sim "$root"/model "$root"/scripts \
  "$root"/testbench --include='*.cpp' --include='*.h' --include='*.py' --include='*.sh' |
  grep -v "testbench/energy_cli.sh"; then
  bad "the sources above print an energy per MAC in a unit other than fJ"
else
  ok
fi

# ---- claims on any layer: a workload file's, a custom shape, a GGUF tensor's real weights ----
printf 'name,m,n,k\nmine,1,64,256\n' > one.csv
quick=(--no-gate --no-sweep --prefill 0 --nodes 45)
run w_claims claims --workload one.csv "${quick[@]}" --json w_claims.json
run c_claims claims --n 64 --k 256 "${quick[@]}" --json c_claims.json
"$py" "$root/scripts/make_gguf.py" --tensor blk.0.ffn_down.weight:64:256 --zeros 0.35 --seed 7 \
  --npy-dir npy --out t.gguf >/dev/null || bad "make_gguf.py failed"
run g_claims claims --gguf t.gguf --tensor blk.0.ffn_down.weight "${quick[@]}" --json g_claims.json
$py - <<'PY' || bad "claims on a workload file, a custom shape or a GGUF tensor"
import json
import numpy as np
w, c, g = (json.load(open(f"{n}_claims.json")) for n in ("w", "c", "g"))
for d in (w, c, g):
    r = d["runs"][0]
    assert (r["name"], r["m"], r["n"], r["k"]) == ("decode", 1, 64, 256), r
assert w["workload"] == "one.csv mine" and c["workload"] == "custom layer", (w["workload"], c["workload"])
# The same shape, seed and zero fraction: the same weights, the same counts.
assert w["runs"][0]["ternary"] == c["runs"][0]["ternary"]
# The tensor's own weights (read independently from the .npy make_gguf.py wrote): its zero
# fraction, and every -1 weight is a select that took the -x path in the RTL's count.
W = np.load("npy/blk.0.ffn_down.weight.npy")
assert abs(g["zero_fraction"] - float((W == 0).mean())) < 1e-12, (g["zero_fraction"], (W == 0).mean())
assert g["zero_fraction_source"] == "the tensor's weights"
assert g["runs"][0]["ternary"]["operations"]["sel_neg"] == int((W == -1).sum())
assert g["activation_profile"] == "relu2"  # an ffn_down tensor
PY
ok

finish energy_cli
