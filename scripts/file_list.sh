#!/usr/bin/env bash
# Prints the source files of a Verilator file list, one absolute path per line, resolving each
# entry relative to the list's own directory (Verilator's -F semantics). Comments (//), +incdir+
# lines and options (-I...) are skipped. Default list: the design, rtl/ternac.f.
#   scripts/file_list.sh [LIST]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
list="${1:-$root/rtl/ternac.f}"
[ -f "$list" ] || { echo "file_list: no file list $list" >&2; exit 2; }
dir="$(cd "$(dirname "$list")" && pwd)"
sed -e 's|//.*||' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$list" |
  grep -v -e '^$' -e '^+' -e '^-' | while read -r f; do
    case "$f" in
      /*) echo "$f" ;;
      *) echo "$dir/$f" ;;
    esac
  done
