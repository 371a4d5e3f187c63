/*
 * t0exec command [args...]
 *
 * Sets NS1_T0_NS (read by bench/c/started.c) to the CLOCK_MONOTONIC time now, in ns, and
 * execs the command in the same process. As a container's ENTRYPOINT in front of the
 * supervisor, it marks the moment the container's first process starts, so that `started`
 * reports the time from there to the supervisor's child running (bench/containers.sh).
 * Containers share the host's CLOCK_MONOTONIC (no time namespace). Static, for FROM scratch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: t0exec command [args...]\n");
    return 2;
  }
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  char t0[32];
  snprintf(t0, sizeof t0, "%lld", ts.tv_sec * 1000000000LL + ts.tv_nsec);
  setenv("NS1_T0_NS", t0, 1);
  execvp(argv[1], argv + 1);
  perror("t0exec: exec");
  return 127;
}
