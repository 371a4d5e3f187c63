/*
 * idle SETTLE SECONDS
 *
 * The idle-cost workload, run as the child of the supervisor under test (PID 1 of its own
 * PID namespace): sleeps SETTLE seconds so that start-up work is over, then reports the CPU
 * time PID 1 used (all its threads, from its CPU-time clock) over the next SECONDS seconds,
 * and PID 1's resident memory at the end (VmRSS of /proc/1/status: the steady footprint):
 *   idle seconds=S cpu_ms=.. rss_kb=..
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long cpu_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: idle SETTLE SECONDS\n"); return 2; }
  double settle = atof(argv[1]), seconds = atof(argv[2]);
  clockid_t pid1;
  int r = clock_getcpuclockid(1, &pid1);
  if (r != 0) { fprintf(stderr, "idle: clock_getcpuclockid(1) failed: %s\n", strerror(r)); return 1; }
  usleep((useconds_t)(settle * 1e6));
  long long c0 = cpu_ns(pid1);
  usleep((useconds_t)(seconds * 1e6));
  long long c1 = cpu_ns(pid1);
  long rss_kb = -1;
  FILE *st = fopen("/proc/1/status", "r");
  if (st != NULL) {
    char line[256];
    while (fgets(line, sizeof line, st) != NULL) {
      if (strncmp(line, "VmRSS:", 6) == 0) rss_kb = atol(line + 6);
    }
    fclose(st);
  }
  printf("idle seconds=%g cpu_ms=%.3f rss_kb=%ld\n", seconds, (c1 - c0) / 1e6, rss_kb);
  fflush(stdout);
  return 0;
}
