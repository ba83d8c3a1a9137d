#!/usr/bin/env bash
# Hostile command lines for the ternac CLI: each must be refused with exit status 2 (bad usage
# or input), without a crash or a hang, with an error that names the problem (the expected text
# below), and before any simulation starts (no memory estimate, table, report or result line).
#   testbench/cli_hostile.sh <path to ternac>
set -uo pipefail
ternac=$(readlink -f "${1:?usage: cli_hostile.sh <path to ternac>}")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'not,a,table\n' > "$dir/bad.csv"
printf 'GGUF\x01\x00\x00\x00' > "$dir/v1.gguf"
printf 'GGUF\x03\x00\x00\x00\x01' > "$dir/short.gguf"
printf 'NOTGGUF-' > "$dir/magic.gguf"
# A .npy file of zeros: npy <file> <descr> <shape> <bytes of data>.
npy() {
  local hdr="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
  printf '\x93NUMPY\x01\x00%b%s\n' "\\x$(printf %02x $((${#hdr} + 1)))\\x00" "$hdr" > "$1"
  head -c "$4" /dev/zero >> "$1"
}
npy "$dir/be.npy" '>f4' '(2, 2)' 16
npy "$dir/w8.npy" '|i1' '(2, 128)' 256  # ternary weights as int8 (all zero)
npy "$dir/x8.npy" '|i1' '(1, 128)' 128  # int8 activations
mkfifo "$dir/fifo.npy"

fail=0
count=0
# refuse <text the error must contain (ERE)> [VAR=value ...] <ternac arguments ...>
refuse() {
  local want=$1
  shift
  local envs=()
  while [ $# -gt 0 ] && [[ $1 == TERNAC_*=* ]]; do envs+=("$1"); shift; done
  count=$((count + 1))
  local out rc
  out=$(cd "$dir" && timeout 60 env "${envs[@]}" "$ternac" "$@" 2>&1)
  rc=$?
  local what="ternac $*"
  [ ${#envs[@]} -gt 0 ] && what="${envs[*]} $what"
  if [ $rc -ne 2 ]; then
    echo "FAIL: $what: exit $rc (want 2: refused as bad usage or input)"; echo "$out" | tail -3
    fail=1
  elif ! grep -qE -- "$want" <<<"$out"; then
    echo "FAIL: $what: error does not say '$want':"; echo "$out" | tail -3; fail=1
  elif grep -qE "^(memory: |layer |check: |claims report:|simulating |ternac bitlinear: [0-9])" <<<"$out"; then
    echo "FAIL: $what: started running before refusing:"; sed -n 1,5p <<<"$out"; fail=1
  fi
}

# Values: decimal only, the whole string, in range; reals finite in the type they are used in.
refuse "--zeros must be in \[0, 1\], got 1.5" run --zeros 1.5
refuse "--zeros needs a decimal number .*got 'nan'" run --zeros nan
refuse "--zeros needs a decimal number .*got 'inf'" run --zeros inf
refuse "--zeros: 1e999 is too large" run --zeros 1e999
refuse "--zeros must be in \[0, 1\]" run --zeros -0.1
refuse "--zeros needs a decimal number" run --zeros abc
refuse "--m must be in 1..16777215, got 0" run --m 0 --n 5 --k 5
refuse "--m needs a decimal integer, got 'abc'" run --m abc --n 1 --k 1
refuse "--m needs a decimal integer, got '1e3'" run --m 1e3 --n 1 --k 1
refuse "--m needs a decimal integer, got '5x'" run --m 5x --n 1 --k 1
refuse "--m needs a decimal integer, got '010' \(a leading zero: octal" run --m 010 --n 1 --k 1
refuse "--m needs a decimal integer, got '0x10' \(hexadecimal" run --m 0x10 --n 1 --k 1
refuse "--n must be in 1..16777215, got 99999999999" run --m 1 --n 99999999999 --k 1
refuse "--k must be in 1..16777215, got 16777216" run --m 1 --n 1 --k 16777216
refuse "--k must be in 1..16777215, got 18446744073709551616" run --m 1 --n 1 --k 18446744073709551616
refuse "--seed needs a decimal integer, got '-1' \(negative" run --seed -1
refuse "--seed needs a decimal integer, got ' -1' \(spaces" run --seed " -1"
refuse "--seed needs a decimal integer, got '\+1'" run --seed +1
refuse "--seed needs a decimal integer, got '7 '" run --seed "7 "
refuse "--seed must be in 0..18446744073709551615, got 18446744073709551616" \
  run --seed 18446744073709551616
refuse "--tokens must be in 1..16777215, got 0" run --tokens 0
refuse "--backpressure must be in \[1e-6, 1\], got 0" run --backpressure 0
refuse "--backpressure must be in \[1e-6, 1\], got 2" run --backpressure 2
refuse "--backpressure must be in \[1e-6, 1\], got 1e-300" run --m 1 --n 1 --k 1 --backpressure 1e-300
refuse "--backpressure needs a decimal number .*got '0x1p-3'" run --backpressure 0x1p-3
refuse "--padding must be zero or random, got 'sideways'" run --padding sideways
refuse "--max-cycles must be in 1.." run --max-cycles 0
refuse "--alpha: 1e39 is not finite as a 32-bit float" \
  bitlinear --weights w8.npy --acts x8.npy --out y.npy --alpha 1e39
refuse "--alpha: 1e-50 is too small for a 32-bit float" \
  bitlinear --weights w8.npy --acts x8.npy --out y.npy --alpha 1e-50
refuse "--alpha needs a decimal number .*got 'inf'" \
  bitlinear --weights w8.npy --acts x8.npy --out y.npy --alpha inf
refuse "--jobs must be in 1..256, got 0" model --jobs 0
refuse "--jobs must be in 1..256, got 257" model --jobs 257
refuse "--memory-limit needs a size .*got '8X'" run --memory-limit 8X

# Usage: unknown and repeated options, stray arguments, missing values, conflicting inputs.
refuse "--m is given 2 times: each option may be given once" run --m 1 --n 1 --k 1 --m 2
refuse "--layer is given 2 times" run --layer attn_k --layer attn_q
refuse "--zeros is given 2 times" claims --zeros 0.1 --zeros=0.2
refuse "--no-sweep is given 2 times" claims --no-sweep --no-sweep
refuse "no-sweep was given a disallowed flag override" claims --no-sweep=1
refuse "not expected: .*--bogus" run --bogus 1
refuse "not expected: --bogus" shapes --bogus
# ternac shapes checks a layer as claims and the sweep choose it, without simulating.
refuse "unknown layer 'foo'" shapes --layer foo
refuse "--format must be text or json" shapes --format xml
refuse "--n must be in 1..16777215" shapes --n 0 --k 5
refuse "unknown model" shapes --model nope
count=$((count + 1))
out=$("$ternac" shapes --n 300000 --k 7 --format json 2>&1)
if [ "$out" != '{"title":"custom layer","kind":"custom","n":300000,"k":7}' ]; then
  echo "FAIL: ternac shapes --n 300000 --k 7 --format json printed: $out"; fail=1
fi
refuse "not expected: extra" config extra
# Configurations (ternac config; rtl/configs.csv).
refuse "array parameter AccWidth must be in 12..64, got 11" config --check --lanes 8 --tree-inputs 5 --acc-width 11
refuse "array parameter Lanes must be in 1..1024, got 2000" config --lanes 2000
refuse "no configuration named 'nope' \(the configurations: default, small" config --config nope
refuse "--check needs --config or parameters" config --check
refuse "--list takes no configuration" config --list --config small
refuse "--datapath: expected ternary or int8, got 'fp8'" config --datapath fp8
refuse "--format: expected text or json, got 'xml'" config --format xml
refuse "--lanes needs a decimal integer, got '010'" config --lanes 010
mkfifo "$dir/configs_fifo.csv"
refuse "configs_fifo.csv.*FIFO" config --list --configs-file configs_fifo.csv
refuse "configs_fifo.csv.*FIFO" TERNAC_CONFIGS_FILE=configs_fifo.csv config --list
printf 'name,lanes\n' > "$dir/configs_bad.csv"
refuse "configs_bad.csv:1: the header must be" config --list --configs-file configs_bad.csv
refuse "unknown model 'gpt' \(known: 2b4t, large" claims --model gpt --no-gate
refuse "unknown layer 'ffn_mid' of large \(known: attn_q" claims --model large --layer ffn_mid --no-gate
# Workload files (ternac run --workload).
printf 'name,m,n,k\nok,1,64,64\nbad,1,0x40,64\n' > "$dir/wl_hex.csv"
printf 'name,m,n,k\nok,1,64\n' > "$dir/wl_short.csv"
printf 'layer,m,n,k\nok,1,64,64\n' > "$dir/wl_header.csv"
printf 'name,m,n,k\n# nothing\n' > "$dir/wl_empty.csv"
printf 'name,m,n,k\nmy layer,1,64,64\n' > "$dir/wl_space.csv"
printf 'name,m,n,k\nbig,1,64,16777216\n' > "$dir/wl_big.csv"
refuse "--workload wl_hex.csv:3: N needs a decimal integer, got '0x40'" run --workload wl_hex.csv
refuse "--workload wl_short.csv:2: 3 fields, expected name,M,N,K" run --workload wl_short.csv
refuse "--workload wl_header.csv:1: the header must be name,m,n,k" run --workload wl_header.csv
refuse "--workload wl_empty.csv: no layers" run --workload wl_empty.csv
refuse "wl_space.csv:2: a layer name must be 1 to 64 printable characters" run --workload wl_space.csv
refuse "wl_big.csv:2: K must be in 1..16777215" run --workload wl_big.csv
refuse "--workload takes no --layer" run --workload wl_hex.csv --layer attn_k
refuse "--workload: .*nope.csv" run --workload nope.csv
refuse "--json is the same file as --workload \(.wl_hex.csv.\): an output must not overwrite an input" run --workload wl_hex.csv --json wl_hex.csv
refuse "--m: 1 required M missing" run --m
refuse "not expected: stray" run stray
refuse "unknown command 'frobnicate'" frobnicate
refuse "unknown command 'frob'" help frob
refuse "a custom shape needs all of --m, --n, --k" run --m 1
refuse "a custom shape needs all of --m, --n, --k and no --layer" run --m 1 --n 1 --k 1 --layer attn_k
refuse "unknown layer 'nope'" run --layer nope
refuse "unknown layer 'nope'" claims --layer nope
printf '{"layer": "attn_k", "bogus": 1}' > "$dir/d_key.json"
printf '{"workload": {"seed": 1}, "checks": {"seed": 2}}' > "$dir/d_twice.json"
printf '{"seed": 1}' > "$dir/d_seed.json"
printf '[1, 2]' > "$dir/d_array.json"
printf '{"seed": -1}' > "$dir/d_neg.json"
printf '{"seed": [1]}' > "$dir/d_type.json"
refuse "--description d_key.json: 'bogus' is not an option of ternac run" run --description d_key.json
refuse "'seed' is given twice" run --description d_twice.json
refuse "'seed' is also given on the command line" run --description d_seed.json --seed 2
refuse "d_array.json: not a JSON object" run --description d_array.json
refuse "'seed': -1 is negative" run --description d_neg.json
refuse "'seed': array is not a string, a number or true" run --description d_type.json
refuse "--workload is the model's layer list: no --model, --gguf or --blocks" \
  model --workload two.csv --blocks 1
refuse "--description is given more than once" run --description d_seed.json --description d_key.json
refuse "--description: .*fifo.npy.*FIFO" run --description fifo.npy
refuse "--description: .*/nonexistent.json" run --description /nonexistent.json
printf 'name,m,n,k\na,1,64,256\nb,1,32,128\n' > "$dir/two.csv"
refuse "--workload two.csv: more than one layer: choose one with --layer \(its layers: a, b\)" \
  claims --workload two.csv
refuse "--workload two.csv: no layer 'c' \(its layers: a, b\)" claims --workload two.csv --layer c
refuse "give the layer one way" claims --workload two.csv --model 2b4t
refuse "--n and --k go together" claims --n 64
refuse "--gguf and --tensor go together" claims --gguf v1.gguf
refuse "--gguf takes its layer and its weights .* no --layer or --zeros" \
  claims --gguf v1.gguf --tensor t --zeros 0.1
refuse "unknown model '7b' \(known: 2b4t, large, 3b, llama3-8b\)" model --model 7b
refuse "--blocks must be in 1..24 for bitnet_b1_58-large, got 0" model --model large --blocks 0
refuse "--blocks must be in 1..30" model --model 2b4t --blocks 31
refuse "--tokens must be in 1..16777215, got 0" model --tokens 0
refuse "--gguf takes its weights and shapes from the file" model --gguf v1.gguf --zeros 0.3
refuse "give the weights as either --weights" bitlinear --acts x.npy --out y.npy
refuse "--gguf and --tensor go together" bitlinear --gguf v1.gguf --acts x.npy --out y.npy
refuse "--alpha: a GGUF tensor carries its own" \
  bitlinear --gguf v1.gguf --tensor t --acts x8.npy --out y.npy --alpha 2

# Inputs: missing, not regular files, malformed; energy tables.
refuse "energy table directory '/nonexistent/ternac' does not exist" \
  claims --energy-dir /nonexistent/ternac
refuse "$dir" claims --energy-dir "$dir"
refuse "energy table directory '/nonexistent' does not exist" \
  TERNAC_ENERGY_DIR=/nonexistent run --m 1 --n 1 --k 1
# A row only the off-chip level uses (dram_read), missing: refused before any simulation.
mkdir -p "$dir/MR"
cp "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"/model/energy/tables/*.csv "$dir/MR/"
sed -i '/^dram_read,/d' "$dir/MR/45nm.csv"
refuse "dram_read" run --m 1 --n 1 --k 1 --energy-dir MR
refuse "dram_read" model --blocks 1 --energy-dir MR
# An output may not replace an energy table (the tables are inputs).
mkdir -p "$dir/EE/calibration"
cp "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"/model/energy/tables/*.csv "$dir/EE/"
cp "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"/model/energy/tables/calibration/*.csv "$dir/EE/calibration/"
refuse "--csv is the same file as --energy-dir \(.EE/45nm.csv.\)" \
  run --m 1 --n 1 --k 1 --energy-dir EE --csv EE/45nm.csv
refuse "--json is the same file as --energy-dir \(.EE/calibration/activity.csv.\)" \
  claims --layer attn_k --no-gate --energy-dir EE --json EE/calibration/activity.csv
refuse "energy table directory '/nonexistent' does not exist" \
  TERNAC_ENERGY_DIR=/nonexistent model --model 2b4t --blocks 1
refuse "--zeros must be in \[0, 1\], got 2" claims --zeros 2
refuse "--nodes: no table '3' in .* \(the tables: 130nm-horowitz45, " claims --nodes 3
refuse "--nodes: no table '7nm-foo'" run --nodes 45,7nm-foo
refuse "--nodes: an empty item in '45,'" model --nodes 45,
refuse "--nodes: an empty list" claims --nodes ""
refuse "--onchip-bytes" claims --onchip-bytes -1
refuse "--onchip-bytes must be at most 1T" run --onchip-bytes 2T
refuse "--prefill-counts must be rtl or model, got 'gate'" claims --prefill-counts gate
refuse "--prefill must be in 0..16777215" claims --prefill 16777216
refuse "unknown activation profile 'normal'" claims --act-profile normal
refuse "--gate-lanes must be at most the array's 16 lanes" claims --gate-lanes 17
refuse "--gate-lanes, --gate-beats and --glitch-beats need the gate level" \
  claims --no-gate --gate-beats 10
refuse "--activity-calibration: /nonexistent/a.csv: cannot open for reading" \
  claims --activity-calibration /nonexistent/a.csv
refuse "version 1" model --gguf v1.gguf
refuse "short.gguf" model --gguf short.gguf
refuse "magic" model --gguf magic.gguf
refuse "--gguf: /nonexistent/m.gguf: cannot open for reading" model --gguf /nonexistent/m.gguf
refuse "--gguf: $dir: is a directory, not a regular file" model --gguf "$dir"
refuse "big-endian" bitlinear --weights be.npy --acts be.npy --out y.npy
refuse "--weights: /nonexistent/w.npy: cannot open for reading" \
  bitlinear --weights /nonexistent/w.npy --acts x.npy --out y.npy
refuse "--acts: fifo.npy: is a FIFO \(named pipe\), not a regular file" \
  bitlinear --weights w8.npy --acts fifo.npy --out y.npy

# Outputs: checked before anything runs, never an input, never another output.
refuse "--json: /nonexistent/dir/x.json: cannot be written: directory '/nonexistent/dir' does not exist" \
  claims --no-sweep --layer attn_k --json /nonexistent/dir/x.json
refuse "--csv: /nonexistent/dir/x.csv: cannot be written" \
  model --model 2b4t --blocks 1 --csv /nonexistent/dir/x.csv
refuse "--json: $dir: is a directory" run --m 1 --n 1 --k 1 --json "$dir"
refuse "--csv: /dev/null: is a character device" run --m 1 --n 1 --k 1 --csv /dev/null
refuse "--csv and --json \('a.json'\) are the same file" run --m 1 --n 1 --k 1 --json a.json --csv a.json
refuse "--out is the same file as --acts \('x8.npy'\): an output must not overwrite an input" \
  bitlinear --weights w8.npy --acts x8.npy --out x8.npy
refuse "--out is the same file as --weights" \
  bitlinear --weights w8.npy --acts x8.npy --out ./w8.npy
refuse "--acc-out and --out \('y.npy'\) are the same file" \
  bitlinear --weights w8.npy --acts x8.npy --out y.npy --acc-out y.npy

# Memory: estimated before anything is allocated and refused past the limit.
refuse "needs about 256.0 TiB of memory .* more than the limit of .*--memory-limit SIZE raises" \
  run --m 1 --n 16777215 --k 16777215
refuse "needs about .* more than the limit of 1.00 MiB \(from --memory-limit\)" \
  run --m 1 --n 4096 --k 4096 --memory-limit 1M
refuse "needs about .* \(70 workers .*\), more than the limit of 64.0 MiB" \
  model --jobs 70 --memory-limit 64M
# A GGUF tensor is sized from the header before it is decoded (a byte per weight): 16 M weights
# in a 4 MiB file.
/usr/bin/python3 "$(dirname "$0")/../scripts/make_gguf.py" --tensor w:4096:4096 \
  --out "$dir/big.gguf" >/dev/null
npy "$dir/x4096.npy" '|i1' '(1, 4096)' 4096
refuse "tensor w, 16777216 weights decoded to a byte each.* more than the limit of 16.0 MiB" \
  bitlinear --gguf big.gguf --tensor w --acts x4096.npy --out y.npy --memory-limit 16M

# ternac regress runs the interpreter TERNAC_PYTHON names, when set: one that is missing is an
# error naming it.
refuse "cannot run /nonexistent/python3 \(TERNAC_PYTHON\)" \
  TERNAC_PYTHON=/nonexistent/python3 regress --help
count=$((count + 1))
if ! TERNAC_PYTHON=/usr/bin/python3 "$ternac" regress --help 2>&1 | grep -q "^usage: regress"; then
  echo "FAIL: TERNAC_PYTHON=/usr/bin/python3 ternac regress --help: not the runner's help"; fail=1
fi

# scripts/sweep.py refuses a bad layer as the sweep points would, but before it configures or
# builds anything (docs/exploration.md): exit 2 within seconds (a build takes minutes), one line
# on stderr naming the problem, nothing on stdout, neither --build-dir nor --out created.
scripts=$(cd "$(dirname "$0")/../scripts" && pwd)
printf 'name,m,n,k\nmine,1,6,40\nother,1,4,20\n' > "$dir/two.csv"
printf 'name,m,n,k\nmine,1,6,x\n' > "$dir/badk.csv"
/usr/bin/python3 "$scripts/make_gguf.py" --tensor blk.0.attn_k.weight:6:128 --out "$dir/t.gguf" \
  >/dev/null
# refuse_sweep <text the error must contain (ERE)> <sweep.py arguments ...>
refuse_sweep() {
  local want=$1
  shift
  count=$((count + 1))
  rm -rf "$dir/sweep-build" "$dir/sweep-out"
  local start rc ms
  start=$(date +%s%N)
  (cd "$dir" && timeout 120 /usr/bin/python3 "$scripts/sweep.py" --ternac "$ternac" \
    --build-dir "$dir/sweep-build" --out "$dir/sweep-out" "$@" >"$dir/sweep.out" 2>"$dir/sweep.err")
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  local what="sweep.py $*"
  if [ $rc -ne 2 ]; then
    echo "FAIL: $what: exit $rc (want 2)"; tail -3 "$dir/sweep.err"; fail=1
  elif [ "$(grep -c . "$dir/sweep.err")" -ne 1 ] ||
    ! grep -qE -- "^sweep: .*$want" "$dir/sweep.err"; then
    echo "FAIL: $what: want one line on stderr saying '$want', got:"; head -5 "$dir/sweep.err"
    fail=1
  elif [ -e "$dir/sweep-build" ] || [ -e "$dir/sweep-out" ]; then
    echo "FAIL: $what: created its build or output directory before refusing"; fail=1
  elif [ $ms -gt 20000 ]; then
    echo "FAIL: $what: refused only after $ms ms"; fail=1
  elif [ -n "${no_stdout-1}" ] && [ -s "$dir/sweep.out" ]; then
    echo "FAIL: $what: printed before refusing:"; head -3 "$dir/sweep.out"; fail=1
  fi
}
refuse_sweep "unknown layer 'foo' of 2b4t \(known: attn_q, .*ffn_down" --layer foo
refuse_sweep "unknown model 'bar' \(known: 2b4t, " --model bar
refuse_sweep "unknown layer 'mlp' of llama3-8b" --model llama3-8b --layer mlp
refuse_sweep "--workload: .*missing.csv: cannot open for reading" --workload missing.csv
refuse_sweep "--workload badk.csv:2: K needs a decimal integer, got 'x'" --workload badk.csv
refuse_sweep "--workload two.csv: more than one layer: choose one with --layer" --workload two.csv
refuse_sweep "--workload two.csv: no layer 'nope' \(its layers: mine, other\)" \
  --workload two.csv --layer nope
refuse_sweep "--gguf: .*missing.gguf: cannot open for reading" --gguf missing.gguf --tensor w
refuse_sweep "t.gguf: no tensor named 'nope'" --gguf t.gguf --tensor nope
refuse_sweep "--gguf and --tensor go together" --gguf t.gguf
refuse_sweep "--n must be in 1..16777215, got 0" --n 0 --k 5
refuse_sweep "--k must be in 1..16777215, got 16777216" --n 5 --k 16777216
refuse_sweep "--n needs a decimal integer, got '-3'" --n=-3 --k 5
refuse_sweep "--k needs a decimal integer, got '010'" --n 5 --k 010
refuse_sweep "--n and --k go together" --n 5
refuse_sweep "give the layer one way" --model 3b --n 5 --k 6
refuse_sweep "argument --tokens: invalid int value: 'abc'" --tokens abc
# Layers the points take pass the check (here an empty grid ends the run, still before a
# build): a K past the INT8 baseline's limit, which only ternac claims' own arrays have, and a
# GGUF tensor.
no_stdout="" refuse_sweep "the grid is empty" --n 5 --k 300000 \
  --tree-inputs 8 --reductions csa --caps 10
no_stdout="" refuse_sweep "the grid is empty" --gguf t.gguf --tensor blk.0.attn_k.weight \
  --tree-inputs 8 --reductions csa --caps 10

# The Python scripts' --help describes every option, and every option that takes a value says
# its default (or that it is required).
count=$((count + 1))
if ! COLUMNS=100 /usr/bin/python3 - "$scripts" <<'PY'; then fail=1; fi
import os, re, subprocess, sys
scripts = sys.argv[1]
bad = []
for name in ("sweep.py", "regress.py", "regress.py merge", "regress.py compare", "make_gguf.py",
             "coverage_report.py", "check_testplan.py", "bitlinear_ref.py", "build_progress.py"):
    script, *sub = name.split()
    r = subprocess.run(["/usr/bin/python3", os.path.join(scripts, script)] + sub + ["--help"],
                       capture_output=True, text=True)
    lines = r.stdout.splitlines()
    if r.returncode != 0 or not lines:
        bad.append(f"{name} --help: exit {r.returncode}")
        continue
    for i, line in enumerate(lines):
        m = re.match(r"^  (-\S.*?)(?:\s{2,}(\S.*))?$", line)
        if not m or m.group(1).startswith("-h, --help"):
            continue
        text = [m.group(2)] if m.group(2) else []
        for nxt in lines[i + 1:]:
            if not re.match(r"^ {6,}\S", nxt):
                break
            text.append(nxt.strip())
        text = " ".join(text)
        option = m.group(1).split(",")[0].split()[0]
        takes_value = " " in m.group(1).split(",")[-1].strip()
        if not text:
            bad.append(f"{name} --help: {option} has no description")
        elif takes_value and not re.search(r"\bdefault\b|\brequired\b", text):
            bad.append(f"{name} --help: {option} does not say its default")
for b in bad:
    print("FAIL: " + b)
sys.exit(1 if bad else 0)
PY

echo "cli_hostile: $count hostile command lines tried, $([ $fail -eq 0 ] && echo all refused with a clear error || echo FAILURES above)"
exit $fail
