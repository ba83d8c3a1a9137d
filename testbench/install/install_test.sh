#!/usr/bin/env bash
# The C++ libraries installed and used from another project (docs/packaging.md "Installing the
# C++ libraries"), in a few seconds:
#   install     `cmake --install <build> --prefix P`: the five libraries, the headers at
#               include/ternac/model/<layer>/ (exactly model/*/*.h but test_support.h), the
#               energy tables (identical to model/energy/tables, subfolders included), the package
#               files in lib/cmake/ternac; no installed file names the source or build tree
#   headers     every #include "..." of an installed header names ternac/<path> present in P
#   relocation  P moved elsewhere before anything uses it
#   consumer    testbench/install/consumer, copied out of the repository, configured with
#               CMAKE_PREFIX_PATH=<moved P> and built (ternac::ternac_workload + ternac_energy,
#               and ternac::ternac_model): it found the moved package, its compile commands name
#               neither the source nor the build tree; run, it checks golden_gemm value by value
#               against its own loop over the trit codes and prints the 7 nm 8-bit add from the
#               installed tables, which must be the moved P's and hold the source table's figure;
#               $TERNAC_ENERGY_DIR still overrides them
#   negative    the checks shown to fail: the consumer with a corrupted reference exits 1; a copy
#               of P without core/gemm.h does not build the consumer; a copy without its tables
#               is refused by find_package
# The libraries must be built (they are part of `all`). Exit 0 pass, 1 fail.
#   testbench/install/install_test.sh <build dir>
set -Eeuo pipefail  # -E: the ERR trap below also fires inside functions
build=$(cd "${1:?usage: install_test.sh <build dir>}" && pwd)
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=testbench/lib.sh source-path=SCRIPTDIR/../..
. "$root/testbench/lib.sh" # scratch directory (the working directory), ok, bad, finish
name=install_find_package
trap 'echo "$name: FAIL: unexpected error (status $?) at line $LINENO"; exit 1' ERR

step() { echo "== $*"; }
# Prints the last lines of a log, indented, after a failure.
show() { tail -n "${2:-20}" "$1" | sed 's/^/    /'; }

# The consumer is built with the compiler the libraries were built with.
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
generator=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$build/CMakeCache.txt")
[ -n "$cxx" ] || cxx=c++
[ -n "$generator" ] || generator=Ninja
unset TERNAC_ENERGY_DIR CMAKE_PREFIX_PATH

# Configures and builds the consumer against prefix $1 in build directory $2; the log is $2.log.
consumer_build() {
  cmake -S "$work/consumer-src" -B "$2" -G "$generator" -DCMAKE_PREFIX_PATH="$1" \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$2.log" 2>&1 &&
    cmake --build "$2" >>"$2.log" 2>&1
}

step "install: cmake --install $build --prefix $work/prefix"
prefix=$work/prefix
if ! cmake --install "$build" --prefix "$prefix" >install.log 2>&1; then
  bad "cmake --install failed:"
  show install.log
  finish $name
fi
ok
config=$(find "$prefix" -name ternacConfig.cmake -path '*/cmake/ternac/*' -print -quit)
if [ -z "$config" ]; then
  bad "no lib/cmake/ternac/ternacConfig.cmake installed"
  finish $name
fi
cmakedir=$(dirname "$config")
libdir=$(dirname "$(dirname "$cmakedir")")
echo "   package files in ${cmakedir#"$prefix"/}, libraries in ${libdir#"$prefix"/}"
for f in ternacConfig.cmake ternacConfigVersion.cmake ternacTargets.cmake; do
  if [ -f "$cmakedir/$f" ]; then ok; else bad "$f not installed"; fi
done
for layer in base core energy io workload; do
  if [ -f "$libdir/libternac_$layer.a" ]; then ok; else bad "libternac_$layer.a not installed"; fi
done

# The headers: exactly those of the model's layer folders, the test helper excepted.
(cd "$root" && for h in model/*/*.h; do
  [ "${h##*/}" = test_support.h ] || echo "ternac/$h"
done | sort) >want.txt
(cd "$prefix/include" && find . -type f | sed 's|^\./||' | sort) >got.txt
if diff want.txt got.txt >headers.diff; then
  ok
  echo "   $(wc -l <got.txt) headers under include/ternac/model/, as in the source tree"
else
  bad "installed headers differ from model/*/*.h without test_support.h (< source, > installed):"
  show headers.diff
fi

# The energy tables: every file of model/energy/tables, byte for byte, subfolders included.
tables_src=$root/model/energy/tables
tables=$prefix/share/ternac/energy
(cd "$tables_src" && find . -type f -name '*.csv' | sort) >want.txt
(cd "$tables" 2>/dev/null && find . -type f | sort) >got.txt || true
if diff want.txt got.txt >tables.diff; then
  ok
else
  bad "installed tables differ from model/energy/tables (< source, > installed):"
  show tables.diff
fi
while IFS= read -r f; do
  if cmp -s "$tables_src/$f" "$tables/$f"; then ok; else bad "installed table $f differs"; fi
done <want.txt
echo "   $(wc -l <got.txt) table files under share/ternac/energy (calibration/, examples/ included)"

step "headers: every #include \"...\" of an installed header names a file of the prefix"
includes=0
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  line=${rest%%:*}
  inc=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/' <<<"${rest#*:}")
  includes=$((includes + 1))
  if [[ $inc != ternac/* ]]; then
    bad "${file#"$prefix"/}:$line includes \"$inc\", not by its ternac/ path"
  elif [ ! -f "$prefix/include/$inc" ]; then
    bad "${file#"$prefix"/}:$line includes \"$inc\", which is not installed"
  else
    ok
  fi
done < <(grep -rHnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$prefix/include" || true)
echo "   $includes project includes checked"
# Nothing installed as text may point into the trees it came from (the libraries keep
# default_energy_dir()'s source path: that is why installed_energy_dir() exists).
if grep -rlF -e "$root/" -e "$build/" "$prefix/include" "$cmakedir" >leaks.txt; then
  bad "installed files name the source or build tree:"
  show leaks.txt
else
  ok
fi

step "relocation: $prefix moved to $work/elsewhere/ternac"
mkdir -p "$work/elsewhere"
mv "$prefix" "$work/elsewhere/ternac"
moved=$work/elsewhere/ternac
if grep -rlF "$prefix/" "$moved" >leaks.txt; then
  bad "the installation names its first prefix $prefix:"
  show leaks.txt
else
  ok
fi

step "consumer: testbench/install/consumer against the moved prefix ($cxx, $generator)"
cp -r "$root/testbench/install/consumer" "$work/consumer-src"
if ! consumer_build "$moved" "$work/consumer"; then
  bad "the consumer did not configure or build against the moved prefix:"
  show "$work/consumer.log" 30
  finish $name
fi
ok
found=$(sed -n 's/^ternac_DIR:PATH=//p' "$work/consumer/CMakeCache.txt")
echo "   find_package(ternac) found $found"
if [ "$found" = "${cmakedir/#$prefix/$moved}" ]; then ok; else
  bad "find_package found $found, not the moved prefix's ${cmakedir/#$prefix/$moved}"
fi
commands=$work/consumer/compile_commands.json
if grep -nF -e "$root" -e "$build" "$commands" >leaks.txt; then
  bad "the consumer's compile commands name the source or build tree:"
  show leaks.txt
else
  ok
  echo "   compile_commands.json names neither $root nor $build"
fi
if grep -qF -e "-isystem $moved/include" -e "-I$moved/include" "$commands"; then ok; else
  bad "the consumer was not given $moved/include"
fi
if awk -v dir="$moved/share/ternac/energy" '
     index($0, "TERNAC_INSTALLED_ENERGY_DIR=") && index($0, dir) { found = 1 }
     END { exit !found }' "$commands"; then
  ok
else
  bad "the consumer did not get TERNAC_INSTALLED_ENERGY_DIR=\"$moved/share/ternac/energy\""
fi

# The figure the source table lists, computed here: the consumer must print the same.
want_fj=$(awk -F, '$1 == "int_add" && $2 == 8 { printf "%.6g", $3 * 1000; exit }' \
  "$tables_src/7nm.csv")
for program in consumer consumer_model; do
  step "run: $program"
  status=0
  "$work/consumer/$program" >run.txt 2>&1 || status=$?
  sed 's/^/   /' run.txt
  if [ $status -eq 0 ]; then ok; else bad "$program exited with status $status"; fi
  if grep -qE '^gemm: .*, 0 mismatches$' run.txt; then ok; else
    bad "$program did not report 0 mismatches"
  fi
  if grep -qxF "energy: tables from installed_energy_dir() = $moved/share/ternac/energy" run.txt
  then
    ok
  else
    bad "$program did not read the tables of the moved prefix"
  fi
  if grep -qE "^energy: int_add 8 bit at 7 nm: $want_fj fJ " run.txt; then ok; else
    bad "$program did not print the 7 nm 8-bit add of model/energy/tables/7nm.csv ($want_fj fJ)"
  fi
done

step "run: consumer with TERNAC_ENERGY_DIR set to a copy of the tables whose 7 nm add is 0.009 pJ"
cp -r "$moved/share/ternac/energy" "$work/tables-copy"
sed -i 's/^int_add,8,[^,]*,/int_add,8,0.009,/' "$work/tables-copy/7nm.csv"
status=0
TERNAC_ENERGY_DIR="$work/tables-copy" "$work/consumer/consumer" >run.txt 2>&1 || status=$?
grep '^energy: int_add' run.txt | sed 's/^/   /'
if [ $status -eq 0 ] && grep -qE '^energy: int_add 8 bit at 7 nm: 9 fJ ' run.txt; then ok; else
  bad "the consumer did not take its tables from \$TERNAC_ENERGY_DIR (status $status):"
  show run.txt
fi

step "negative: the consumer with one reference value corrupted must exit 1"
status=0
"$work/consumer/consumer" --corrupt-reference >run.txt 2>&1 || status=$?
grep 'MISMATCH' run.txt | sed 's/^/   /'
if [ $status -eq 1 ] && grep -q 'MISMATCH' run.txt; then ok; else
  bad "the corrupted reference was not caught (status $status)"
fi

step "negative: a copy of the prefix without include/ternac/model/core/gemm.h must not build"
cp -a "$moved" "$work/no-header"
rm "$work/no-header/include/ternac/model/core/gemm.h"
if consumer_build "$work/no-header" "$work/consumer-no-header"; then
  bad "the consumer built without an installed header: the test cannot see a missing header"
else
  ok
  grep -m1 'gemm\.h' "$work/consumer-no-header.log" | sed 's/^/   /' || true
fi
if grep -qF 'gemm.h' "$work/consumer-no-header.log"; then ok; else
  bad "the failed build does not name gemm.h:"
  show "$work/consumer-no-header.log"
fi

step "negative: a copy of the prefix without share/ternac/energy must be refused by find_package"
cp -a "$moved" "$work/no-tables"
rm -r "$work/no-tables/share/ternac/energy"
if consumer_build "$work/no-tables" "$work/consumer-no-tables"; then
  bad "find_package(ternac) accepted an installation without its energy tables"
else
  ok
  grep -m1 -A1 'TERNAC_ENERGY_DIR\|ternac/energy' "$work/consumer-no-tables.log" |
    sed 's/^/   /' || true
fi
if grep -qF 'TERNAC_ENERGY_DIR' "$work/consumer-no-tables.log"; then ok; else
  bad "the refusal does not name TERNAC_ENERGY_DIR:"
  show "$work/consumer-no-tables.log"
fi

finish $name
