#!/usr/bin/env bash
# Start-up benchmark of the launcher (not a test): median wall time, peak RSS and time to
# the child's exec, against `java -version` (the JVM floor) and `tini -- true`, in one run so
# that the figures share the machine's load. Usage:
#   bench/startup.sh [runs] [launcher.jar]
# Needs /usr/bin/time (GNU time) and tini. Prints one line per variant.
set -euo pipefail
RUNS=${1:-21}
JAR=${2:-$(ls "$(dirname "$0")"/../supervisor-posix/target/supervisor-posix-*-launcher.jar | head -1)}
JAVA=${JAVA:-java}
FAST="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto"
CDS=${CDS:-/tmp/supervisor4j-launcher.jsa}

# AppCDS archive of the classes the launcher loads (JDK 13+ -XX:ArchiveClassesAtExit).
"$JAVA" -XX:ArchiveClassesAtExit="$CDS" -Xlog:cds=off -Xlog:cds+dynamic=off $FAST -jar "$JAR" -s -- true 2>/dev/null || true

# jffi's stub unpacked once, as an image build would do it (docs/launcher.md).
JFFI_DIR=$(mktemp -d)
unzip -q -j -o "$JAR" "jni/$(uname -m | sed 's/arm64/aarch64/')-Linux/libjffi-1.2.so" -d "$JFFI_DIR"
# libs4jsig (the signal fast path) next to it: found there instead of unpacked at each start.
unzip -q -j -o "$JAR" "META-INF/native/linux-$(uname -m | sed 's/arm64/aarch64/')/libs4jsig.so" -d "$JFFI_DIR" 2>/dev/null || true
trap 'rm -rf "$JFFI_DIR"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# bench NAME CMD... : median wall ms, median CPU (user+sys) ms, median peak RSS, median ms
# from launch to the child's exec (the child is `date +%s%N`, where the command has one).
# CPU time is the figure to trust on a loaded machine; wall time needs an idle one.
bench() {
  local name=$1; shift
  local walls=() rss=() execs=() cpus=()
  for ((i = 0; i < RUNS; i++)); do
    local t0 t1 out
    t0=$(date +%s%N)
    out=$(/usr/bin/time -f 'RSS %M CPU %U %S' "$@" 2>&1 >/tmp/bench.out) || true
    t1=$(date +%s%N)
    walls+=($(( (t1 - t0) / 1000 )))
    rss+=($(echo "$out" | awk '/^RSS/ {print $2}'))
    cpus+=($(echo "$out" | awk '/^RSS/ {printf "%d", ($4 + $5) * 1000}'))
    local child; child=$(grep -E '^[0-9]{19}$' /tmp/bench.out | head -1 || true)
    [[ -n $child ]] && execs+=($(( (child - t0) / 1000 )))
  done
  local w r e c
  w=$(printf '%s\n' "${walls[@]}" | median)
  c=$(printf '%s\n' "${cpus[@]}" | median)
  r=$(printf '%s\n' "${rss[@]}" | median)
  e=-; [[ ${#execs[@]} -gt 0 ]] && e=$(printf '%s\n' "${execs[@]}" | median)
  printf '%-52s wall %6.1f ms  cpu %4d ms  RSS %5.1f MiB  child exec %s\n' "$name" "$(echo "$w/1000" | bc -l)" \
    "$c" "$(echo "$r/1024" | bc -l)" "$( [[ $e == - ]] && echo - || printf '%.1f ms' "$(echo "$e/1000" | bc -l)")"
}

echo "runs=$RUNS jar=$JAR java=$("$JAVA" -version 2>&1 | head -1) cores=$(nproc) load=$(cut -d' ' -f1 /proc/loadavg)"
bench "tini -s -- date" tini -s -- date +%s%N
bench "java -version" "$JAVA" -version
bench "java \$FAST -version" "$JAVA" $FAST -version
bench "launcher -s -- date (plain java -jar)" "$JAVA" -jar "$JAR" -s -- date +%s%N
bench "launcher -s -- date (fast flags)" "$JAVA" $FAST -jar "$JAR" -s -- date +%s%N
bench "launcher -s -- date (fast flags + AppCDS)" "$JAVA" $FAST -XX:SharedArchiveFile="$CDS" -jar "$JAR" -s -- date +%s%N
bench "launcher -s -- date (fast + AppCDS, sun.misc.Signal)" "$JAVA" $FAST -Dsupervisor4j.nativeSignals=false -XX:SharedArchiveFile="$CDS" -jar "$JAR" -s -- date +%s%N
bench "launcher -s -- date (fast flags + AppCDS, jnr-ffi LibC)" "$JAVA" $FAST -Dsupervisor4j.libc=jnr -XX:SharedArchiveFile="$CDS" -jar "$JAR" -s -- date +%s%N
bench "launcher -s -- date (fast + AppCDS + jffi.boot.library.path)" "$JAVA" $FAST -XX:SharedArchiveFile="$CDS" -Djffi.boot.library.path="$JFFI_DIR" -jar "$JAR" -s -- date +%s%N
