#!/usr/bin/env bash
# bench/containers.sh: start-up and steady RSS of the launcher in podman containers, side by
# side with tini (FROM scratch, Debian's static tini) in the same run (issue 12). A report,
# not a test: it asserts nothing about times.
#
# Each image's ENTRYPOINT is bench/c/t0exec (which notes the moment the container's first
# process starts, then execs the supervisor in the same process) and the supervisor; the child
# is bench/c/started1, which prints how long after that moment it ran and how much CPU time
# PID 1 (the supervisor) had used by then. Rows:
#   tini            FROM scratch: tini-static -- child
#   JDK 17 ...      FROM eclipse-temurin:17-jre (this machine's JDK 17, local-base-images.sh):
#                   plain java -jar; the README's options; the options and an AppCDS archive
#                   made in a RUN step (docs/launcher.md)
#   JDK 25 ...      FROM eclipse-temurin:25-jdk (this machine's Temurin 25): plain; the options;
#                   the options and the AOT cache of containers/Dockerfile.launcher-jdk25-aot
#                   (that image, built as it is, with t0exec and the children added)
# Start-up: RUNS rounds, the images taking turns; `podman run --rm` wall time (podman's own
# work included) and, inside the container, first process -> child exec'd. RSS: every image
# runs `idle` (a sleeping child) side by side; PID 1's VmRSS is read after 5 s.
#
# Usage: bench/containers.sh [RUNS]    (default 11; root, podman as .ci/run sets it up, gcc,
# tini, the jars of `mvn -B -q package -DskipTests`). Prints a Markdown report and writes it to
# bench/results/containers.md (OUT=file to change). Removes every container and image it made,
# and takes the container tests' lock, so that it never runs beside them.
set -euo pipefail

RUNS=${1:-11}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/bench/results/containers.md}
LABEL=io.github.supervisor4j.bench=$$
JAR=$(ls "$ROOT"/supervisor-posix/target/supervisor-posix-*-launcher.jar 2>/dev/null | head -n 1)
FAST=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xshare:auto)
[ -f "$JAR" ] || { echo "containers.sh: no launcher jar; run: mvn -B -q package -DskipTests" >&2; exit 2; }
[ -x /usr/bin/tini-static ] || { echo "containers.sh: no /usr/bin/tini-static (apt-get install tini)" >&2; exit 2; }
command -v podman >/dev/null || { echo "containers.sh: no podman (.ci/run installs and configures it)" >&2; exit 2; }

exec 9>/run/lock/supervisor4j-container-tests.lock
flock -w 300 9 || { echo "containers.sh: the container tests hold the lock" >&2; exit 2; }

work=$(mktemp -d)
cleanup() {
  podman ps -a -q --filter "label=$LABEL" | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
  podman images -a -q --filter "label=$LABEL" | sort -u | xargs -r podman rmi -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)
t_start=$SECONDS

# ---- images ----
IMAGE_LABEL=$LABEL "$ROOT/supervisor-examples/containers/local-base-images.sh" \
  temurin17=eclipse-temurin:17-jre temurin25=eclipse-temurin:25-jdk >/dev/null
ctx=$work/ctx
mkdir -p "$ctx"
for c in t0exec started1 idle; do gcc -O2 -static -o "$ctx/$c" "$ROOT/bench/c/$c.c"; done
cp /usr/bin/tini-static "$ctx/tini"
cp "$JAR" "$ctx/launcher.jar"

json() { local out= w; for w in "$@"; do out+="${out:+, }\"$w\""; done; echo "[$out]"; }
build() { # build TAG DOCKERFILE-TEXT [CONTEXT]
  printf '%s\n' "$2" >"$work/Dockerfile.$1"
  podman_build -f "$work/Dockerfile.$1" -t "$1" "${3:-$ctx}"
}
podman_build() { # its output only if it fails (JDK 25's AOT training says "Picked up JAVA_TOOL_OPTIONS")
  podman build -q --pull=never --label "$LABEL" "$@" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
}
KIDS=$'COPY t0exec /t0exec\nCOPY started1 /started1\nCOPY idle /idle'
build s4jbench-tini "FROM scratch
COPY tini /tini
$KIDS
ENTRYPOINT $(json /t0exec /tini --)"
jdk_images() { # jdk_images NAME BASE
  local name=$1 base=$2
  build "s4jbench-$name-plain" "FROM $base
COPY launcher.jar /opt/supervisor4j/launcher.jar
$KIDS
ENTRYPOINT $(json /t0exec java -jar /opt/supervisor4j/launcher.jar --)"
  build "s4jbench-$name-fast" "FROM $base
COPY launcher.jar /opt/supervisor4j/launcher.jar
$KIDS
ENTRYPOINT $(json /t0exec java "${FAST[@]}" -jar /opt/supervisor4j/launcher.jar --)"
}
jdk_images jdk17 eclipse-temurin:17-jre
build s4jbench-jdk17-cds "FROM eclipse-temurin:17-jre
COPY launcher.jar /opt/supervisor4j/launcher.jar
$KIDS
RUN $(json java -XX:ArchiveClassesAtExit=/opt/supervisor4j/launcher.jsa "${FAST[@]}" -jar /opt/supervisor4j/launcher.jar -s -- true)
ENTRYPOINT $(json /t0exec java -XX:SharedArchiveFile=/opt/supervisor4j/launcher.jsa "${FAST[@]}" -jar /opt/supervisor4j/launcher.jar --)"
jdk_images jdk25 eclipse-temurin:25-jdk
# The recipe as it is, then its ENTRYPOINT's java options in front of the bench's child.
podman_build -f "$ROOT/supervisor-examples/containers/Dockerfile.launcher-jdk25-aot" -t s4jbench-aot-recipe "$ROOT"
aot_java=$(awk '/^ENTRYPOINT/ {f = 1} f {sub(/\\$/, ""); printf "%s", $0} f && /\]/ {exit}' \
  "$ROOT/supervisor-examples/containers/Dockerfile.launcher-jdk25-aot" | sed 's/^ENTRYPOINT *\[//; s/, *"--".*//; s/  */ /g')
build s4jbench-jdk25-aot "FROM s4jbench-aot-recipe
$KIDS
ENTRYPOINT [\"/t0exec\", $aot_java, \"--\"]"

ROWS=(tini jdk17-plain jdk17-fast jdk17-cds jdk25-plain jdk25-fast jdk25-aot)
declare -A NAME=(
  [tini]="tini $(dpkg-query -W -f '${Version}' tini 2>/dev/null) (tini-static, FROM scratch)"
  [jdk17-plain]="launcher, JDK 17, plain java -jar"
  [jdk17-fast]="launcher, JDK 17, README options"
  [jdk17-cds]="launcher, JDK 17, README options + AppCDS"
  [jdk25-plain]="launcher, JDK 25, plain java -jar"
  [jdk25-fast]="launcher, JDK 25, README options"
  [jdk25-aot]="launcher, JDK 25, options + AOT cache (Dockerfile.launcher-jdk25-aot)"
)
image() { [ "$1" = tini ] && echo s4jbench-tini || echo "s4jbench-$1"; }

# ---- start-up ----
declare -A WALL INSIDE CPU
for ((r = 0; r < RUNS; r++)); do
  for row in "${ROWS[@]}"; do
    t0=$(date +%s%N)
    out=$(podman run --rm --label "$LABEL" "$(image "$row")" /started1)
    t1=$(date +%s%N)
    us=$(sed -n 's/^started_us=\([0-9]*\) .*/\1/p' <<<"$out")
    cpu=$(sed -n 's/.* pid1_cpu_us=\([0-9]*\)$/\1/p' <<<"$out")
    [ -n "$us" ] || { echo "containers.sh: $row printed no started_us: $out" >&2; exit 1; }
    WALL[$row]+="$(( (t1 - t0) / 1000 )) "
    INSIDE[$row]+="$us "
    CPU[$row]+="$cpu "
  done
done

# ---- steady RSS, side by side ----
declare -A RSS SIZE
for row in "${ROWS[@]}"; do
  podman run -d --name "s4jbench-$$-$row" --label "$LABEL" "$(image "$row")" /idle 3600 1 >/dev/null
done
sleep 5
for row in "${ROWS[@]}"; do
  pid=$(podman inspect --format '{{.State.Pid}}' "s4jbench-$$-$row")
  RSS[$row]=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
  SIZE[$row]=$(podman image inspect --format '{{.Size}}' "$(image "$row")" | awk '{printf "%.0f", $1 / 1e6}')
done

# ---- report ----
stats() { # median (min-max) of microseconds, in ms
  tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {printf "%.1f (%.1f–%.1f)", a[int((NR + 1) / 2)] / 1000, a[1] / 1000, a[NR] / 1000}'
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
tini_inside=$(median <<<"${INSIDE[tini]}")
tini_rss=${RSS[tini]}
{
  echo "# supervisor4j in containers: start-up and steady RSS (bench/containers.sh)"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); took $((SECONDS - t_start)) s; $RUNS rounds, the images taking turns"
  echo "- Machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), $(podman --version), runc $(runc --version | sed -n 's/^runc version //p')"
  echo "- Load average at start / end: $load_start / $(load)"
  echo "- Start-up: \`podman run --rm IMAGE /started1\`; inside: from the container's first process (t0exec) to the child's exec;"
  echo "  PID 1's CPU time (user + system, all threads) until then, the figure that holds on a loaded machine; it"
  echo "  includes runc's own container init, the same process before its exec (the tini row)."
  echo "  Cells: median (min–max over the rounds) · ratio of the median to tini's. RSS: PID 1's VmRSS 5 s after"
  echo "  \`podman run -d IMAGE /idle\`, all images side by side."
  echo
  echo "| Image | podman run --rm, wall (ms) | inside: first process → child exec'd (ms) | PID 1 CPU until then (ms) | PID 1 RSS after 5 s (MiB) | image (MB) |"
  echo "|---|---:|---:|---:|---:|---:|"
  for row in "${ROWS[@]}"; do
    m=$(median <<<"${INSIDE[$row]}")
    ratio=; rratio=
    if [ "$row" != tini ]; then
      ratio=" · $(awk -v a="$m" -v b="$tini_inside" 'BEGIN {printf "%.0f×", a / b}')"
      rratio=" · $(awk -v a="${RSS[$row]}" -v b="$tini_rss" 'BEGIN {printf "%.0f×", a / b}')"
    fi
    echo "| ${NAME[$row]} | $(stats <<<"${WALL[$row]}") | $(stats <<<"${INSIDE[$row]}")$ratio | $(stats <<<"${CPU[$row]}") | ${RSS[$row]}$rratio | ${SIZE[$row]} |"
  done
} | tee "$OUT"
