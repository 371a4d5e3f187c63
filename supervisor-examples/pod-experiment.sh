#!/usr/bin/env bash
# The pod experiment of the Kubernetes `pause` write-up, without Docker (example 2).
#
# A pod is containers that share one PID namespace whose PID 1 is the `pause` container.
# Here: the supervisor4j launcher in pause mode is PID 1 of a new PID namespace
# (`unshare --pid --fork --mount-proc`, like `docker run --name pause-me`); two long-running
# "containers" join it with `nsenter -t <pid> -p -m` (like `docker run --pid=container:pause-me`):
# a JVM worker and a shell. They see each other's processes. A zombie-maker joins too: its
# parent exits first, its child becomes an orphan of PID 1 and exits later, and the launcher
# reaps it (its -v log names the pid). SIGTERM then stops the pod: the launcher exits 0 and the
# kernel ends every other process of the namespace.
#
# Prints each step; exits 0 if every check held, 1 if one did not, 2 if it cannot run (not
# root, jar missing). Needs root, util-linux (unshare, nsenter), procps (ps) and java.
#
# Environment: LAUNCHER_JAR (default supervisor-posix/target/supervisor-posix-*-launcher.jar),
# WORKER_CP (class path holding io.github.supervisor4j.examples.PodWorker; default the demo jar
# supervisor-examples/target/supervisor-examples-*-demo.jar), JAVA (default: java on PATH),
# REAP_WAIT (seconds to wait for PID 1 to log the reaped orphan; default 30).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
JAVA=${JAVA:-java}
LAUNCHER_JAR=${LAUNCHER_JAR:-$(ls "$root"/supervisor-posix/target/supervisor-posix-*-launcher.jar 2>/dev/null | head -n 1)}
WORKER_CP=${WORKER_CP:-$(ls "$root"/supervisor-examples/target/supervisor-examples-*-demo.jar 2>/dev/null | head -n 1)}
# Several small JVMs on a small machine. -XX:-UsePerfData: JVMs that are PID 1 of different
# namespaces but share /tmp would fight over /tmp/hsperfdata_<user>/1 (a container has its own /tmp).
REAP_WAIT=${REAP_WAIT:-30}
JAVA_OPTS=(-XX:-UsePerfData -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

failures=0
step() { printf '\n== %s\n' "$*"; }
say() { printf '   %s\n' "$*"; }
pass() { printf '   PASS: %s\n' "$*"; }
fail() { printf '   FAIL: %s\n' "$*"; failures=$((failures + 1)); }
# wait_for SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds; false after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.1
  done
}
logged() { grep -q "$1" "$2" 2>/dev/null; }
child_of() { cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}'; }
ns_pid() { awk '/^NSpid:/ {print $NF}' "/proc/$1/status" 2>/dev/null; }
# ended PID: the process is gone or a zombie (it exited; our `wait` collects it).
ended() { local s; s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null); [ -z "$s" ] || [ "$s" = Z ]; }
# start_container NAME CMD...: CMD joins the pod like `docker run --pid=container:pause`, in the
# background; its output goes to $work/NAME.log and its exit status to $work/NAME.rc (a
# subshell waits for it, so that bash's own "Killed" notice lands in the log, not on stderr).
start_container() {
  local name=$1; shift
  ( nsenter -t "$pod" -p -m "$@"; echo $? >"$work/$name.rc" ) >"$work/$name.log" 2>&1 &
  pids_to_stop+=("$!")
}
in_pod() { nsenter -t "$pod" -p -m "$@"; }

[ "$(id -u)" -eq 0 ] || { echo "pod-experiment: needs root (unshare --pid and nsenter)" >&2; exit 2; }
[ -f "$LAUNCHER_JAR" ] || { echo "pod-experiment: launcher jar not found (${LAUNCHER_JAR:-none}); run: mvn -B -q package -DskipTests, or set LAUNCHER_JAR" >&2; exit 2; }
[ -n "$WORKER_CP" ] || { echo "pod-experiment: demo jar not found; run: mvn -B -q package -DskipTests, or set WORKER_CP" >&2; exit 2; }

work=$(mktemp -d)
pids_to_stop=()
cleanup() {
  for p in "${pids_to_stop[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

step "1. the pause container: the launcher in pause mode as PID 1 of a new PID namespace"
say "unshare --pid --fork --mount-proc java -jar $(basename "$LAUNCHER_JAR") --pause -v"
unshare --pid --fork --mount-proc --kill-child "$JAVA" "${JAVA_OPTS[@]}" -jar "$LAUNCHER_JAR" --pause -v >"$work/pause.log" 2>&1 &
unshare_pid=$!
pids_to_stop+=("$unshare_pid")
pod=
find_pod() { pod=$(child_of "$unshare_pid"); [ -n "$pod" ]; }
if ! wait_for 30 find_pod; then
  fail "the launcher did not start"; cat "$work/pause.log"; exit 1
fi
# The launcher handles SIGTERM once it has logged pause mode; a SIGTERM before that would meet
# the JVM's default handler (exit 143), and as PID 1 a signal without handler is ignored.
if wait_for 60 logged '[Pp]ause' "$work/pause.log"; then
  say "launcher: $(grep '[Pp]ause' "$work/pause.log" | tail -n 1)"
else
  fail "the launcher never logged pause mode"; cat "$work/pause.log"
fi
if [ "$(ns_pid "$pod")" = 1 ]; then
  pass "the launcher (host pid $pod) is PID 1 of the pod's PID namespace"
else
  fail "the launcher (host pid $pod) is pid '$(ns_pid "$pod")' in its namespace, not 1"
fi

step "2. container 'shell': a shell that joins the pod (nsenter -t $pod -p -m)"
start_container shell sh -c 'echo "shell container: pid $$"; while :; do sleep 1; done'
shell_nsenter=$!
shell_host=
find_shell() { shell_host=$(child_of "$(child_of "$shell_nsenter")"); [ -n "$shell_host" ] && logged 'shell container' "$work/shell.log"; }
if wait_for 30 find_shell; then
  shell_ns=$(ns_pid "$shell_host")
  say "$(cat "$work/shell.log")"
  pass "the shell runs in the pod as pid $shell_ns (host pid $shell_host)"
else
  fail "the shell container did not start"; shell_ns=none
fi

step "3. container 'jvm-worker': a JVM that joins the pod"
start_container worker "$JAVA" "${JAVA_OPTS[@]}" -cp "$WORKER_CP" io.github.supervisor4j.examples.PodWorker
worker_nsenter=$!
if wait_for 60 logged 'working until stopped' "$work/worker.log"; then
  worker_ns=$(sed -n 's/^pod-worker: I am pid \([0-9]*\) .*/\1/p' "$work/worker.log")
  sed 's/^/   | /' "$work/worker.log"
  pass "the JVM worker runs in the pod as pid $worker_ns"
else
  fail "the JVM worker did not start"; cat "$work/worker.log"; worker_ns=none
fi

step "4. the containers see each other's processes"
if grep -q "^pod-worker sees pid $shell_ns: .*sh" "$work/worker.log" && grep -q '^pod-worker sees pid 1: .*java' "$work/worker.log"; then
  pass "the JVM worker sees the shell (pid $shell_ns) and the launcher (pid 1)"
else
  fail "the JVM worker does not list the shell (pid $shell_ns) and the launcher (pid 1)"
fi
say "ps -eo pid,ppid,stat,args inside the shell container (nsenter, like docker exec):"
in_pod ps -eo pid,ppid,stat,args >"$work/ps.txt" 2>&1
sed 's/^/   | /' "$work/ps.txt"
if awk -v w="$worker_ns" '$1 == w && /java/ {found = 1} END {exit !found}' "$work/ps.txt" \
    && awk '$1 == 1 && /java/ {found = 1} END {exit !found}' "$work/ps.txt"; then
  pass "from the shell's side: the JVM worker (pid $worker_ns) and the launcher (pid 1) are visible"
else
  fail "ps in the pod does not show the JVM worker (pid $worker_ns) and the launcher (pid 1)"
fi

step "5. a zombie-maker joins the pod: its parent exits first, its child exits 5 s later"
in_pod sh -c 'sh -c "sleep 5; exit 0" & echo "parent $$, child $!: parent exits now"' >"$work/zombie.log" 2>&1
say "$(cat "$work/zombie.log")"
orphan=$(sed -n 's/.*child \([0-9]*\):.*/\1/p' "$work/zombie.log")
if [ -z "$orphan" ]; then
  fail "the zombie-maker did not report its child"; orphan=none
else
  ppid=$(in_pod awk '/^PPid:/ {print $2}' "/proc/$orphan/status" 2>/dev/null)
  if [ "$ppid" = 1 ]; then
    pass "orphan $orphan was re-parented to PID 1 (PPid: 1)"
  elif [ -z "$ppid" ]; then
    # A very slow machine: the 5 s were over before we looked. Only PID 1 can have reaped it
    # in this namespace; the next check says whether it did.
    say "orphan $orphan was gone before its parent could be read (machine too slow to look within 5 s)"
  else
    fail "orphan $orphan has PPid '${ppid:-gone}', not 1"
  fi
fi
# The orphan has exited: gone, or a zombie waiting for PID 1.
orphan_exited() { local st; st=$(in_pod awk '{print $3}' "/proc/$orphan/stat" 2>/dev/null); [ -z "$st" ] || [ "$st" = Z ]; }
if ! wait_for 30 orphan_exited; then
  fail "orphan $orphan still running 30 s after it should have exited"
fi
reaped_line() { grep -E "reap.*[^0-9]$orphan([^0-9]|\$)" "$work/pause.log"; }
if wait_for "$REAP_WAIT" reaped_line >/dev/null; then
  say "launcher: $(reaped_line | head -n 1)"
  pass "PID 1 reaped orphan $orphan, and its -v log names the pid"
else
  fail "no log line of the launcher names the reaped orphan $orphan within $REAP_WAIT s"
fi
# Zombies whose parent is PID 1: those only PID 1 can reap. (A container's own child may be a
# zombie for an instant before its parent reaps it; that one is not PID 1's business.)
zombies=$(in_pod ps -eo ppid=,stat= | awk '$1 == 1 && $2 ~ /^Z/' | wc -l)
if [ "$zombies" -eq 0 ]; then
  pass "no zombie left for PID 1 (ps: 0 children of PID 1 in state Z)"
else
  fail "$zombies zombie(s) left for PID 1 in the pod"
fi

step "6. SIGTERM stops the pod"
say "kill -TERM $pod"
kill -TERM "$pod"
if ! wait_for 30 ended "$unshare_pid"; then
  fail "the launcher is still running 30 s after SIGTERM"; kill -KILL "$unshare_pid"
fi
wait "$unshare_pid" 2>/dev/null; rc=$?
sed 's/^/   | /' "$work/pause.log" | tail -n 3
if [ "$rc" -eq 0 ]; then
  pass "the launcher (PID 1) exited 0 on SIGTERM"
else
  fail "the launcher exited $rc on SIGTERM, not 0"
fi
wait "$shell_nsenter" "$worker_nsenter"
rc_shell=$(cat "$work/shell.rc" 2>/dev/null)
rc_worker=$(cat "$work/worker.rc" 2>/dev/null)
if [ "$rc_shell" = 137 ] && [ "$rc_worker" = 137 ]; then
  pass "both containers ended with PID 1 (killed by SIGKILL from the kernel: exit 137)"
else
  fail "the containers ended with $rc_shell (shell) and $rc_worker (JVM worker), not 137"
fi

echo
if [ "$failures" -eq 0 ]; then
  echo "pod experiment: every step held"
  exit 0
fi
echo "pod experiment: $failures check(s) FAILED"
exit 1
