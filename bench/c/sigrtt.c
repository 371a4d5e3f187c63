/*
 * sigrtt COUNT [-v]
 *
 * The signal round-trip workload, run as the direct child of the supervisor under test:
 * COUNT times, send SIGUSR1 to the parent and wait (sigtimedwait, SIGUSR1 blocked) until
 * the supervisor has forwarded it back. Prints one line:
 *   sigrtt n=COUNT p50_us=.. p99_us=.. max_us=.. lost=<round trips that timed out after 1 s>
 * Every round trip is counted, the first ones (JIT warm-up in a JVM) included.
 * With -v, first prints "t <send ns> <received ns>" per round trip (CLOCK_MONOTONIC, the clock
 * of Java's System.nanoTime on Linux), so that a probe can split each one into its legs.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  int verbose = argc > 2 && argv[2][0] == '-' && argv[2][1] == 'v';
  if (n <= 0) { fprintf(stderr, "usage: sigrtt COUNT [-v]\n"); return 2; }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  long long *rtt = calloc(n, sizeof *rtt);
  int got = 0, lost = 0;
  pid_t parent = getppid();
  struct timespec timeout = {1, 0};
  for (int i = 0; i < n; i++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    kill(parent, SIGUSR1);
    if (sigtimedwait(&set, NULL, &timeout) < 0) { lost++; continue; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rtt[got++] = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    if (verbose) printf("t %lld %lld\n", t0.tv_sec * 1000000000LL + t0.tv_nsec, t1.tv_sec * 1000000000LL + t1.tv_nsec);
  }
  if (got == 0) { printf("sigrtt n=0 lost=%d\n", lost); return 1; }
  qsort(rtt, got, sizeof *rtt, cmp);
  printf("sigrtt n=%d p50_us=%.1f p99_us=%.1f max_us=%.1f lost=%d\n", got, rtt[got / 2] / 1e3,
         rtt[(int)(got * 0.99)] / 1e3, rtt[got - 1] / 1e3, lost);
  fflush(stdout);
  return lost > 0;
}
