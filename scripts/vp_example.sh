#!/usr/bin/env bash
# The example virtual platform of docs/systemc.md in one command: installs what is missing,
# builds it, writes a GGUF file of one BitNet b1.58 2B4T block (scripts/make_gguf.py, I2_S), then
# runs one layer (attn_q) and the whole block on the fast model and on the Verilated RTL behind
# the same registers, and checks that both leave identical memory contents with identical
# interrupt times. Results and JSON go to the directory given (default build/vp_example).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TERNAC_BUILD_DIR:-$root/build}"
out="${1:-$build/vp_example}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" ternac_vp >/dev/null
mkdir -p "$out"
gguf="$out/2b4t_block.gguf"
/usr/bin/python3 "$root/scripts/make_gguf.py" --model 2b4t --layers 1 --out "$gguf"
vp="$build/sim/systemc/ternac_vp"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1  # libsystemc's banner, once per run
for run in layer:attn_q block:all; do
  name="${run%%:*}"
  for model in fast rtl; do
    echo
    echo "== $name ($model): $vp run --model $model --gguf $gguf --layers ${run#*:}"
    "$vp" run --model "$model" --gguf "$gguf" --layers "${run#*:}" --json "$out/${name}_$model.json"
  done
  "$vp" compare --a "$out/${name}_fast.json" --b "$out/${name}_rtl.json"
done
