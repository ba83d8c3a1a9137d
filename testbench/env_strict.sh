#!/usr/bin/env bash
# The test programs' TERNAC_* variables are read strictly: a value that is not a plain decimal in
# range (or 0/1 for TERNAC_TRACE, an id or name for TERNAC_FAULT) stops the program with exit
# status 2 and a message naming the variable, before any test runs; good values still work.
#   testbench/env_strict.sh <cosim_test_small> <cosim_test_fault> <units_test> <model_test>
set -uo pipefail
cosim=${1:?usage: env_strict.sh <cosim_test_small> <cosim_test_fault> <units_test> <model_test>}
fault=${2:?} units=${3:?} model=${4:?}
waves=$(mktemp -d)  # the injected fault's waveforms
trap 'rm -rf "$waves"' EXIT
fail=0
count=0
# refuse <variable=value> <text the message must contain> <program> [arguments]
refuse() {
  local assign=$1 want=$2
  shift 2
  count=$((count + 1))
  local out rc
  out=$(env "$assign" timeout 120 "$@" 2>&1)
  rc=$?
  if [ $rc -ne 2 ]; then
    echo "FAIL: $assign $*: exit $rc (want 2)"; echo "$out" | tail -3; fail=1
  elif ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL: $assign $*: does not say '$want'"; echo "$out" | tail -3; fail=1
  elif grep -q "^\[ RUN      \]" <<<"$out"; then
    echo "FAIL: $assign $*: a test ran before the refusal"; fail=1
  fi
}
random=(--gtest_filter=Cosim.RandomGemms)
refuse TERNAC_RANDOM_COUNT=abc "TERNAC_RANDOM_COUNT needs a decimal integer, got 'abc'" "$cosim" "${random[@]}"
refuse TERNAC_RANDOM_COUNT=3k "TERNAC_RANDOM_COUNT needs a decimal integer, got '3k'" "$cosim" "${random[@]}"
refuse TERNAC_RANDOM_COUNT=-1 "TERNAC_RANDOM_COUNT needs a decimal integer, got '-1'" "$cosim" "${random[@]}"
refuse TERNAC_RANDOM_COUNT=0 "TERNAC_RANDOM_COUNT must be in 1..1000000000, got 0" "$cosim" "${random[@]}"
refuse TERNAC_SEED=abc "TERNAC_SEED needs a decimal integer, got 'abc'" "$cosim" "${random[@]}"
refuse TERNAC_SEED=010 "TERNAC_SEED needs a decimal integer, got '010'" "$cosim" "${random[@]}"
refuse TERNAC_TRACE=yes "TERNAC_TRACE must be 1 (on) or 0 (off), got 'yes'" "$cosim" "${random[@]}"
refuse TERNAC_FAULT=0x3 "TERNAC_FAULT needs a decimal integer, got '0x3'" "$cosim" "${random[@]}"
refuse TERNAC_FAULT=no_such_fault "TERNAC_FAULT: no fault named 'no_such_fault'" "$fault" \
  --gtest_filter=Cosim.ConfigAgreement
refuse TERNAC_FAULT=99 "TERNAC_FAULT must be in 0.." "$fault" --gtest_filter=Cosim.ConfigAgreement
refuse TERNAC_SEED=0x10 "TERNAC_SEED needs a decimal integer, got '0x10'" "$units" \
  --gtest_filter=AdderTreeUnit.RandomAgainstModel
refuse TERNAC_SEED=-1 "TERNAC_SEED needs a decimal integer, got '-1'" "$model" \
  --gtest_filter=BitLinear.MatchesNumpyReference

# Good values: the count and seed are the ones given, and a fault chosen by name is caught.
out=$(TERNAC_RANDOM_COUNT=2 TERNAC_SEED=7 "$cosim" "${random[@]}" 2>&1)
if ! grep -q "^seed=7 count=2$" <<<"$out" || ! grep -q "PASSED.*1 test" <<<"$out"; then
  echo "FAIL: TERNAC_RANDOM_COUNT=2 TERNAC_SEED=7 not taken:"; echo "$out" | tail -3; fail=1
fi
out=$(TERNAC_WAVE_DIR=$waves TERNAC_FAULT=lost_negation_carry TERNAC_RANDOM_COUNT=5 "$fault" "${random[@]}" 2>&1)
if ! grep -q "FAILED.*Cosim.RandomGemms" <<<"$out"; then
  echo "FAIL: TERNAC_FAULT=lost_negation_carry (by name) was not injected"; fail=1
fi
echo "env_strict: $count bad values refused$([ $fail -eq 0 ] && echo ", good values taken" || echo "; FAILURES above")"
exit $fail
