/*
 * started1: bench/containers.sh's child, started.c for a container whose PID 1 is the
 * supervisor. Prints
 *   started_us=<CLOCK_MONOTONIC now - $NS1_T0_NS> pid1_cpu_us=<CPU time PID 1 has used>
 * NS1_T0_NS is set by bench/c/t0exec when the container's first process started; PID 1's CPU
 * time (all its threads, user + system, from its CPU-time clock) is what the supervisor spent
 * to get here, the figure that holds on a loaded machine where wall time does not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(void) {
  const char *t0 = getenv("NS1_T0_NS");
  struct timespec now, cpu;
  clock_gettime(CLOCK_MONOTONIC, &now);
  clockid_t pid1;
  long long cpu_us = -1;
  if (clock_getcpuclockid(1, &pid1) == 0 && clock_gettime(pid1, &cpu) == 0) cpu_us = cpu.tv_sec * 1000000LL + cpu.tv_nsec / 1000;
  if (t0 == NULL) {
    fprintf(stderr, "started1: NS1_T0_NS is not set (run under bench/c/t0exec)\n");
    return 2;
  }
  printf("started_us=%lld pid1_cpu_us=%lld\n", (now.tv_sec * 1000000000LL + now.tv_nsec - atoll(t0)) / 1000, cpu_us);
  return 0;
}
