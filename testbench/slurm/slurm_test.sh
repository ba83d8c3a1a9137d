#!/usr/bin/env bash
# The regression and the sweep through a real Slurm cluster (docs/regression.md, "Slurm"): a
# single-node cluster of Debian's slurmctld, slurmd and munge, started from nothing in a temporary
# directory (its own munge key and socket, a slurm.conf on free loopback ports, state, spool and
# logs beside it) and torn down at the end, whatever happened:
#  1. scripts/regress.py --slurm runs a selection as a job array of two shards and merges them:
#     the same tests, results and cycles as a local run of the same selection;
#  2. a task cancelled before it ran is reported as failed and, with --requeue-failed 1,
#     submitted again: the results are complete;
#  3. scripts/sweep.py --slurm simulates the points of sweep_smoke's grid (its build tree, built
#     by sweep_smoke or here) as a job array: the same rows as the local sweep.
# Exit 77 (CTest's skip) with the reason when Slurm cannot run here (not installed, not root, the
# daemons do not start), except with CI=true or TERNAC_REQUIRE_SLURM=1: then that fails.
#   testbench/slurm/slurm_test.sh <build dir> [selection options, default --level smoke]
set -euo pipefail
build=$(cd "${1:?usage: slurm_test.sh <build dir> [regress selection options]}" && pwd)
shift
selection=("$@")
[ ${#selection[@]} -gt 0 ] || selection=(--level smoke)
root="$(cd "$(dirname "$0")/../.." && pwd)"
regress="$root/scripts/regress.py"
required=0
if [ "${CI:-}" = true ] || [ "${TERNAC_REQUIRE_SLURM:-}" = 1 ]; then required=1; fi

cannot_run() {
  if [ $required = 1 ]; then
    echo "slurm_test: FAIL: $* (CI=true or TERNAC_REQUIRE_SLURM=1: the Slurm test must run)"
    exit 1
  fi
  echo "slurm_test: SKIP: $*"
  exit 77
}

for cmd in munged mungekey slurmctld slurmd sbatch squeue scontrol scancel sinfo setsid; do
  command -v "$cmd" >/dev/null ||
    cannot_run "$cmd is not installed (scripts/setup.sh installs slurmctld, slurmd and munge)"
done
[ "$(id -u)" = 0 ] || cannot_run "not root (the test cluster runs its daemons as root)"

t0=$(date +%s)
tmp=$(mktemp -d /tmp/ternac-slurm.XXXXXX)
chmod 755 "$tmp"  # munged wants its socket's directory open to all
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
export SLURM_CONF="$tmp/slurm.conf"
: > "$tmp/pids"

# Teardown: cancel every job of this cluster, stop the daemons this script started (by pid),
# remove the directory. A watchdog in its own session does the same if this script is killed
# outright (a CTest timeout) before it could.
teardown() {
  if [ -f "$tmp/slurm.conf" ] && [ -s "$tmp/pids" ]; then
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      scancel $jobs 2>/dev/null || true
      for _ in $(seq 30); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.5; done
    fi
  fi
  for pid in $(tac "$tmp/pids" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 20); do
    alive=0
    for pid in $(cat "$tmp/pids" 2>/dev/null); do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.5
  done
  for pid in $(cat "$tmp/pids" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
watchdog_body=$(declare -f teardown)
setsid bash -c "$watchdog_body
  export SLURM_CONF='$SLURM_CONF'; tmp='$tmp'
  while kill -0 $$ 2>/dev/null; do sleep 2; done
  [ -d \"\$tmp\" ] && teardown" </dev/null >/dev/null 2>&1 &
watchdog=$!
on_exit() {
  rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -d "$tmp/log" ]; then
    for f in "$tmp"/log/*; do echo "--- last lines of $f"; tail -5 "$f"; done
  fi
  teardown
  kill "$watchdog" 2>/dev/null || true
  exit $rc
}
trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# munge, with its own key and socket.
mungekey --create --keyfile="$tmp/munge.key"
munged --foreground --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" \
  --pid-file="$tmp/munged.pid" --log-file="$tmp/log/munged.log" --seed-file="$tmp/munged.seed" \
  >"$tmp/log/munged.out" 2>&1 &
echo $! >>"$tmp/pids"

read -r ctld_port slurmd_port < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
# The machine's CPUs and memory, as slurmd sees them, under the node name localhost.
node=$(slurmd -C | sed -n 1p | sed -e 's/^NodeName=[^ ]*/NodeName=localhost NodeAddr=127.0.0.1/')
cat >"$tmp/slurm.conf" <<EOF
ClusterName=ternac-test
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=120
$node State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

for _ in $(seq 50); do [ -S "$tmp/munge.sock" ] && break; sleep 0.1; done
[ -S "$tmp/munge.sock" ] || cannot_run "munged did not start: $(tail -2 "$tmp/log/munged.out")"
slurmctld -D -c -f "$tmp/slurm.conf" >"$tmp/log/slurmctld.out" 2>&1 &
echo $! >>"$tmp/pids"
slurmd -D -N localhost -f "$tmp/slurm.conf" >"$tmp/log/slurmd.out" 2>&1 &
echo $! >>"$tmp/pids"
up=0
for _ in $(seq 60); do
  if scontrol ping >/dev/null 2>&1 &&
    [[ "$(sinfo -h -n localhost -o %t 2>/dev/null)" =~ ^(idle|mix|alloc) ]]; then
    up=1
    break
  fi
  sleep 0.5
done
[ $up = 1 ] || cannot_run "the Slurm daemons did not start: $(tail -2 "$tmp/log/slurmctld.log" \
  "$tmp/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
echo "slurm_test: single-node cluster up in $(($(date +%s) - t0)) s:" \
  "$(sinfo -h -o '%P %D %c CPUs %t')"

step="starting the cluster"
fail() { echo "slurm_test: FAIL: $step: $*"; exit 1; }

# 1. The selection through Slurm equals the same selection run here.
t=$(date +%s)
step="local run of ${selection[*]}"
"$regress" --no-build --build "$build" "${selection[@]}" --progress off --out "$tmp/local" \
  >"$tmp/local.txt" || [ $? = 1 ] || fail "$(tail -3 "$tmp/local.txt")"
echo "slurm_test: local run of ${selection[*]}: $(grep -m1 'results:' "$tmp/local.txt" |
  cut -d';' -f1) in $(($(date +%s) - t)) s"
t=$(date +%s)
step="regress --slurm ${selection[*]}"
set +e
"$regress" --no-build --build "$build" "${selection[@]}" --slurm --shards 2 --progress lines \
  --out "$tmp/slurm" >"$tmp/slurm.txt" 2>&1
rc=$?
set -e
grep -E "^regress: (slurm|[0-9]+ results)" "$tmp/slurm.txt" | sed 's/^/  /'
[ $rc = 0 ] || [ $rc = 1 ] || fail "exit $rc: $(tail -5 "$tmp/slurm.txt")"
echo "slurm_test: the same through a job array of 2 shards in $(($(date +%s) - t)) s"
"$regress" compare "$tmp/slurm" "$tmp/local" | tee "$tmp/compare.txt"
grep -q "^regress: equal to" "$tmp/compare.txt" || fail "Slurm and local results differ"
xml=$(cd "$tmp/slurm" && find . -name '*.xml' | sort | tr '\n' ' ')
[ "$xml" = "./junit.xml " ] || fail "XML files of the Slurm run: $xml(one junit.xml expected)"
/usr/bin/python3 - "$tmp/slurm/summary.json" <<'EOF' || fail "the Slurm run's summary"
import json, sys
s = json.load(open(sys.argv[1]))
m = s["meta"]
assert m["slurm"] and m["slurm"]["jobs"] and m["slurm"]["shards"] == 2, m["slurm"]
assert not m["slurm"]["failed_tasks"] and not m["incomplete"], m["slurm"]
assert sorted(x["shard"]["index"] for x in m["merged_from"]) == [1, 2], m["merged_from"]
EOF

# 2. A failed task is reported and submitted again. The arrays are submitted held (--hold), so
# that nothing races: task 2 of the first is cancelled before it can start, then the array is
# released; the runner must report task 2 and submit it again (held too: released here).
small=(--tags unit,small)
step="local run of ${small[*]}"
"$regress" --no-build --build "$build" "${small[@]}" --progress off --out "$tmp/local2" \
  >"$tmp/local2.txt" || [ $? = 1 ] || fail "$(tail -3 "$tmp/local2.txt")"
step="regress --slurm --requeue-failed 1"
"$regress" --no-build --build "$build" "${small[@]}" --slurm --shards 2 --sbatch-args=--hold \
  --requeue-failed 1 --progress lines --out "$tmp/requeue" >"$tmp/requeue.txt" 2>&1 &
runner=$!
job() {  # the job id of the runner's n-th submission, once it is there
  local id=""
  for _ in $(seq 600); do
    id=$(sed -n 's/^regress: slurm: submitted job array \([0-9]*\).*/\1/p' "$tmp/requeue.txt" |
      sed -n "$1p")
    [ -n "$id" ] && break
    kill -0 "$runner" 2>/dev/null || break
    sleep 0.1
  done
  echo "$id"
}
jid=$(job 1)
[ -n "$jid" ] || fail "no job array submitted: $(tail -3 "$tmp/requeue.txt")"
scancel "${jid}_2" && scontrol release "$jid" || fail "scancel ${jid}_2, scontrol release $jid"
jid2=$(job 2)
[ -n "$jid2" ] || fail "task 2 was not submitted again: $(tail -5 "$tmp/requeue.txt")"
scontrol release "$jid2" || fail "scontrol release $jid2"
set +e
wait "$runner"
rc=$?
set -e
grep -E "^regress: (slurm|[0-9]+ results)" "$tmp/requeue.txt" | sed 's/^/  /'
[ $rc = 0 ] || [ $rc = 1 ] || fail "exit $rc: $(tail -5 "$tmp/requeue.txt")"
grep -q "^regress: slurm: task 2 of job $jid failed" "$tmp/requeue.txt" ||
  fail "the cancelled task was not reported"
grep -q "^regress: slurm: requeuing 1 failed tasks (2)" "$tmp/requeue.txt" ||
  fail "the cancelled task was not requeued"
"$regress" compare "$tmp/requeue" "$tmp/local2" | tee "$tmp/compare2.txt"
grep -q "^regress: equal to" "$tmp/compare2.txt" || fail "the requeued run is incomplete"

# 3. The sweep's points through Slurm: the rows of the local sweep (sweep_smoke's grid).
sweep=("$root/scripts/sweep.py" --lanes 2 --tree-inputs 5 --reductions signed,csa --caps 0
  --layer attn_k --build-dir "$build/sim/sweep/smoke-build" --no-synth --no-plots)
t=$(date +%s)
step="sweep"
/usr/bin/python3 "${sweep[@]}" --out "$tmp/sweep-local" >"$tmp/sweep-local.txt" 2>&1 ||
  fail "local sweep: $(tail -3 "$tmp/sweep-local.txt")"
/usr/bin/python3 "${sweep[@]}" --slurm --out "$tmp/sweep-slurm" >"$tmp/sweep-slurm.txt" 2>&1 ||
  fail "sweep --slurm: $(tail -5 "$tmp/sweep-slurm.txt")"
grep "^sweep: slurm" "$tmp/sweep-slurm.txt" | sed 's/^/  /'
/usr/bin/python3 - "$tmp/sweep-local/sweep.json" "$tmp/sweep-slurm/sweep.json" <<'EOF' ||
import json, sys
def rows(path):  # all but the wall time of each simulation
    rows = json.load(open(path))["rows"]
    return [{k: v for k, v in r.items() if k != "sim_seconds"} for r in rows]
local, slurm = rows(sys.argv[1]), rows(sys.argv[2])
assert local == slurm and len(local) == 2, (local, slurm)
print(f"slurm_test: sweep through Slurm equals the local sweep ({len(local)} points)")
EOF
  fail "the sweep through Slurm differs from the local sweep"
echo "slurm_test: sweep part in $(($(date +%s) - t)) s"

echo "slurm_test: PASS in $(($(date +%s) - t0)) s (${selection[*]} and --tags unit,small through" \
  "job arrays equal local runs, a cancelled task requeued, the sweep's points equal)"
