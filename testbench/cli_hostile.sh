#!/usr/bin/env bash
# Hostile command lines for the ternac CLI: each must be refused, without a crash or a hang, with
# an error that names the problem (the expected text below), and before any simulation starts.
#   testbench/cli_hostile.sh <path to ternac>
set -uo pipefail
ternac=${1:?usage: cli_hostile.sh <path to ternac>}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'not,a,table\n' > "$dir/bad.csv"
printf 'GGUF\x01\x00\x00\x00' > "$dir/v1.gguf"
printf 'GGUF\x03\x00\x00\x00\x01' > "$dir/short.gguf"
printf 'NOTGGUF-' > "$dir/magic.gguf"
hdr="{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }"
printf '\x93NUMPY\x01\x00%b%s\n' "\\x$(printf %02x $((${#hdr} + 1)))\\x00" "$hdr" > "$dir/be.npy"
head -c 16 /dev/zero >> "$dir/be.npy"

# arguments | text the error must contain
cases=(
  "run --zeros 1.5|--zeros must be in \[0, 1\], got 1.5"
  "run --zeros nan|--zeros must be in \[0, 1\], got nan"
  "run --zeros -0.1|--zeros must be in \[0, 1\]"
  "run --zeros abc|--zeros"
  "run --m 0 --n 5 --k 5|--m must be in 1..16777215, got 0"
  "run --m abc --n 1 --k 1|--m needs a non-negative integer, got 'abc'"
  "run --m 1e3 --n 1 --k 1|--m needs a non-negative integer, got '1e3'"
  "run --m 5x --n 1 --k 1|--m needs a non-negative integer, got '5x'"
  "run --m 1 --n 99999999999 --k 1|--n must be in 1..16777215"
  "run --m 1 --n 1 --k 16777216|--k must be in 1..16777215, got 16777216"
  "run --m 1 --n 1 --k 18446744073709551616|--k"
  "run --m 1|a custom shape needs all of --m, --n, --k"
  "run --m 1 --n 1 --k 1 --layer attn_k|a custom shape needs all of --m, --n, --k and no --layer"
  "run --layer nope|unknown layer 'nope'"
  "run --tokens 0|--tokens must be in 1..16777215, got 0"
  "run --seed -1|--seed needs a non-negative integer, got '-1'"
  "run --backpressure 0|--backpressure must be in \(0, 1\], got 0"
  "run --backpressure 2|--backpressure must be in \(0, 1\], got 2"
  "run --padding sideways|--padding must be zero or random, got 'sideways'"
  "run --bogus 1|unknown option --bogus"
  "run --m|--m needs a value"
  "run stray|unexpected argument 'stray'"
  "claims --energy-dir /nonexistent/ternac|energy table directory '/nonexistent/ternac' does not exist"
  "claims --energy-dir $dir|$dir"
  "claims --no-sweep --layer attn_k --json /nonexistent/dir/x.json|cannot write '/nonexistent/dir/x.json'"
  "claims --zeros 2|--zeros must be in \[0, 1\], got 2"
  "model --model 7b|unknown model '7b' \(known: 2b4t, large, 3b, llama3-8b\)"
  "model --model large --blocks 0|--blocks must be in 1..24 for bitnet_b1_58-large, got 0"
  "model --model 2b4t --blocks 31|--blocks must be in 1..30"
  "model --gguf $dir/v1.gguf|version 1"
  "model --gguf $dir/short.gguf|$dir/short.gguf"
  "model --gguf $dir/magic.gguf|magic"
  "model --gguf /nonexistent/m.gguf|/nonexistent/m.gguf"
  "model --gguf $dir/v1.gguf --zeros 0.3|--gguf takes its weights and shapes from the file"
  "model --tokens 0|--tokens must be in 1..16777215, got 0"
  "bitlinear --acts x.npy --out y.npy|give the weights as either --weights"
  "bitlinear --weights $dir/be.npy --acts $dir/be.npy --out $dir/y.npy|big-endian"
  "bitlinear --gguf $dir/v1.gguf --acts x.npy --out y.npy|--gguf and --tensor go together"
  "bitlinear --weights /nonexistent/w.npy --acts x.npy --out y.npy|/nonexistent/w.npy"
  "frobnicate|frobnicate"
)
fail=0
for c in "${cases[@]}"; do
  args=${c%%|*}
  want=${c#*|}
  # shellcheck disable=SC2086
  out=$(timeout 60 "$ternac" $args 2>&1)
  rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 124 ] || [ $rc -ge 128 ]; then
    echo "FAIL: ternac $args: exit $rc (want a refusal, not success, a hang or a crash)"; fail=1
  elif ! grep -qE -- "$want" <<<"$out"; then
    echo "FAIL: ternac $args: error does not say '$want':"; echo "$out" | tail -3; fail=1
  elif grep -q "^layer " <<<"$out"; then
    echo "FAIL: ternac $args: started running before refusing"; fail=1
  fi
done
echo "cli_hostile: ${#cases[@]} hostile command lines tried, $([ $fail -eq 0 ] && echo all refused with a clear error || echo FAILURES above)"
exit $fail
