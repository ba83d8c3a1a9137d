#!/usr/bin/env bash
# The configuration rules, C++ against RTL: for boundary configurations of every rule (each
# parameter's range, AccWidth against the tree's root, the width cap against the operand, the
# reductions' restrictions), `ternac config --check` and a Verilator elaboration of ternac_top
# with the build's error flags (-Werror-USERFATAL) must both accept or both refuse, and when they
# refuse, both messages name the rule's parameter. Then every named configuration of
# rtl/configs.csv passes `ternac config --check --config NAME`.
# Usage: config_rules.sh <ternac> <source dir>
set -u
ternac=$1
root=$2
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# case <keyword both messages must contain when refused> <expected: legal|illegal> <params...>
# params are NAME=VALUE with ternac_top's names; unlisted ones take ternac_top's defaults (the
# default configuration), and WeightRowsPerBeat follows Lanes unless given.
check_case() {
  local keyword=$1 expect=$2
  shift 2
  local gflags=() opts=() kv name value
  # As cmake/TernacRtl.cmake builds them: a tree of more than 1024 inputs unrolls further.
  for kv in "$@"; do
    name=${kv%%=*}
    value=${kv#*=}
    gflags+=("-G$name=$value")
    case $name in
      Lanes) opts+=(--lanes "$value") ;;
      TreeInputs)
        opts+=(--tree-inputs "$value")
        [ "$value" -gt 1024 ] && gflags+=(--unroll-count 8192) ;;
      AccWidth) opts+=(--acc-width "$value") ;;
      WeightRowsPerBeat) opts+=(--rows-per-beat "$value") ;;
      TokenTile) opts+=(--token-tile "$value") ;;
      Datapath) opts+=(--datapath "$([ "$value" = 1 ] && echo int8 || echo ternary)") ;;
      PipeEvery) opts+=(--pipe-every "$value") ;;
      LevelWidthCap) opts+=(--width-cap "$value") ;;
      Reduction) opts+=(--reduction "$(case $value in 0) echo signed ;; 1) echo split ;; *) echo csa ;; esac)") ;;
    esac
  done
  local c_out c_rc v_out v_rc before=$checks
  c_out=$("$ternac" config --check "${opts[@]}" 2>&1)
  c_rc=$?
  v_out=$(timeout 300 verilator --lint-only -Wno-fatal -Wno-lint -Wno-style -Werror-USERFATAL \
    -Werror-USERERROR --top-module ternac_top -F "$root/rtl/ternac.f" "${gflags[@]}" 2>&1)
  v_rc=$?
  local what="$*"
  if [ "$expect" = legal ]; then
    [ $c_rc -eq 0 ] || bad "ternac config --check refuses legal $what: $c_out"
    [ $v_rc -eq 0 ] || bad "the RTL refuses legal $what: $(grep -m1 '%Error' <<<"$v_out")"
  else
    [ $c_rc -eq 2 ] || bad "ternac config --check accepts illegal $what (exit $c_rc)"
    [ $v_rc -ne 0 ] || bad "the RTL accepts illegal $what"
    grep -q -- "$keyword" <<<"$c_out" || bad "ternac's refusal of $what does not name $keyword: $c_out"
    grep '%Error-USERFATAL' <<<"$v_out" | grep -q -- "$keyword" ||
      bad "the RTL's refusal of $what does not name $keyword: $(grep -m1 '%Error' <<<"$v_out")"
  fi
  [ $checks -gt "$before" ] || ok
}

small=(Lanes=2 TreeInputs=5)
check_case Lanes legal Lanes=1 TreeInputs=1
check_case Lanes illegal Lanes=0 TreeInputs=1
check_case Lanes illegal Lanes=1025 TreeInputs=1 TokenTile=1
check_case TreeInputs illegal Lanes=1 TreeInputs=0
check_case TreeInputs illegal Lanes=1 TreeInputs=4097 TokenTile=1
check_case AccWidth illegal "${small[@]}" AccWidth=11
check_case AccWidth legal "${small[@]}" AccWidth=12
check_case AccWidth legal "${small[@]}" AccWidth=64
check_case AccWidth illegal "${small[@]}" AccWidth=65
check_case AccWidth illegal "${small[@]}" Datapath=1 AccWidth=19
check_case AccWidth legal "${small[@]}" Datapath=1 AccWidth=20
check_case AccWidth illegal "${small[@]}" Reduction=1 AccWidth=12
check_case AccWidth legal "${small[@]}" Reduction=1 AccWidth=13
check_case WeightRowsPerBeat illegal "${small[@]}" WeightRowsPerBeat=0
check_case WeightRowsPerBeat illegal "${small[@]}" WeightRowsPerBeat=3
check_case WeightRowsPerBeat legal "${small[@]}" WeightRowsPerBeat=1
check_case TokenTile illegal "${small[@]}" TokenTile=0
check_case TokenTile legal "${small[@]}" TokenTile=4096
check_case TokenTile illegal "${small[@]}" TokenTile=4097
check_case PipeEvery legal "${small[@]}" PipeEvery=12
check_case PipeEvery illegal "${small[@]}" PipeEvery=13
check_case LevelWidthCap illegal "${small[@]}" LevelWidthCap=8
check_case LevelWidthCap legal "${small[@]}" LevelWidthCap=9
check_case LevelWidthCap legal "${small[@]}" LevelWidthCap=20
check_case LevelWidthCap illegal "${small[@]}" LevelWidthCap=21
check_case LevelWidthCap illegal "${small[@]}" Datapath=1 LevelWidthCap=16
check_case LevelWidthCap legal "${small[@]}" Datapath=1 LevelWidthCap=17
check_case "ternary datapath" illegal "${small[@]}" Datapath=1 Reduction=1
check_case "ternary datapath" illegal "${small[@]}" Datapath=1 Reduction=2
check_case PipeEvery illegal "${small[@]}" Reduction=2 PipeEvery=1
check_case LevelWidthCap illegal "${small[@]}" Reduction=2 LevelWidthCap=10
check_case TreeInputs illegal Lanes=2 TreeInputs=2 Reduction=2
check_case TreeInputs legal Lanes=2 TreeInputs=3 Reduction=2

# Every named configuration is legal.
while IFS=, read -r name _; do
  case $name in \#* | name | "") continue ;; esac
  if out=$("$ternac" config --check --config "$name" 2>&1); then ok; else bad "named configuration $name: $out"; fi
done <"$root/rtl/configs.csv"

finish config_rules
