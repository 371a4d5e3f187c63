/*
 * cpuof PID: prints the CPU time of process PID, all its threads including those that have
 * ended, in milliseconds (clock_getcpuclockid: the process's CPU-time clock, ns resolution).
 * bench/run measures the floor JVMs from outside with it; summing /proc/PID/task/x/schedstat
 * instead misses threads that end meanwhile (HotSpot stops idle compiler threads).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
  if (argc != 2 || atoi(argv[1]) <= 0) { fprintf(stderr, "usage: cpuof PID\n"); return 2; }
  clockid_t c;
  int r = clock_getcpuclockid(atoi(argv[1]), &c);
  if (r != 0) { fprintf(stderr, "cpuof: clock_getcpuclockid(%s) failed: %s\n", argv[1], strerror(r)); return 1; }
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) { perror("cpuof: clock_gettime"); return 1; }
  printf("%.3f\n", (ts.tv_sec * 1e9 + ts.tv_nsec) / 1e6);
  return 0;
}
