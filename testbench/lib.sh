# Shared by the shell tests (source it): a scratch directory that is removed on exit and is the
# working directory, check counting, and the summary line.
#   ok                a check passed
#   bad MESSAGE...    a check failed: prints "FAIL: MESSAGE"
#   finish NAME       prints "NAME: N checks, all passed" (or "FAILURES above") and exits 0 or 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
fail=0
checks=0
ok() { checks=$((checks + 1)); }
bad() {
  checks=$((checks + 1))
  echo "FAIL: $*"
  fail=1
}
finish() {
  echo "$1: $checks checks, $([ $fail -eq 0 ] && echo all passed || echo FAILURES above)"
  exit $fail
}
