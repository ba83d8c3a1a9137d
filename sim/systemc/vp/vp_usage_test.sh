#!/usr/bin/env bash
# Bad usage and bad input of the example platform and the device's test program: each refused
# with exit status 2 and a message naming the problem; a failed comparison is status 1.
#   vp_usage_test.sh <ternac_vp> <vp_test_small> <a 2B4T GGUF file> <a ternac_vp run's JSON>
set -uo pipefail
vp="$1" test="$2" gguf="$3" json="$4"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0

# check <status> <text the message must hold> <command...>
check() {
  local want="$1" text="$2"
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ] || ! grep -qF -- "$text" "$tmp/out" "$tmp/err"; then
    echo "FAIL: $* exited $got (want $want), message must hold '$text':" >&2
    sed 's/^/  /' "$tmp/err" >&2
    failures=$((failures + 1))
  else
    echo "ok    exit $got: $*"
  fi
}

check 2 "usage:" "$vp"
check 2 "--model must be fast or rtl" "$vp" run --model slow --gguf "$gguf"
check 2 "--gguf FILE is needed" "$vp" run --model fast
check 2 "/nonexistent.gguf" "$vp" run --model fast --gguf /nonexistent.gguf
check 2 "'attn_x' is not one of" "$vp" run --model fast --gguf "$gguf" --layers attn_x
check 2 "blk.7.attn_q.weight" "$vp" run --model fast --gguf "$gguf" --block 7 --layers attn_q
check 2 "--tokens must be in 1..4096" "$vp" run --model fast --gguf "$gguf" --tokens 0
check 2 "--tokens needs a decimal integer" "$vp" run --model fast --gguf "$gguf" --tokens x
check 2 "unknown option --bogus" "$vp" run --model fast --gguf "$gguf" --bogus
check 2 "compare needs --a and --b" "$vp" compare --a "$json"
check 2 "/nonexistent.json" "$vp" compare --a "$json" --b /nonexistent.json
sed 's/"memory_fnv1a64": "0x/"memory_fnv1a64": "0xdead/' "$json" >"$tmp/changed.json"
check 1 "memory_fnv1a64 differs" "$vp" compare --a "$json" --b "$tmp/changed.json"
check 0 "identical memory contents" "$vp" compare --a "$json" --b "$json"
check 2 "usage:" "$test"
check 2 "unknown scenario 'bogus'" "$test" bogus --model fast
check 2 "--model must be fast or rtl" "$test" regs --model slow
check 2 "--seed needs a decimal integer" "$test" hostile --model fast --seed x
check 2 "compare needs --a and --b" "$test" compare --a x.json

if [ "$failures" -ne 0 ]; then
  echo "$failures usage checks failed" >&2
  exit 1
fi
echo "every bad usage refused with its message"
