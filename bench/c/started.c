/*
 * started: the start-up workload's child, a `true` that says when it was exec'd. Prints
 *   started_us=<CLOCK_MONOTONIC now - $NS1_T0_NS>
 * where ns1 sets NS1_T0_NS just before it forks the supervisor, so the figure is the time
 * from launching the supervisor to its child running (issue 3: "the child exec'd within 80 ms").
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(void) {
  const char *t0 = getenv("NS1_T0_NS");
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  if (t0 != NULL) printf("started_us=%lld\n", (ts.tv_sec * 1000000000LL + ts.tv_nsec - atoll(t0)) / 1000);
  return 0;
}
