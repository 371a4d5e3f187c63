/* timed_orphans N SPACING_US OUT: forks N children that block on one pipe, then exits, leaving
 * them as orphans. On EOF (this process gone) orphan i sleeps i * SPACING_US microseconds,
 * appends "exit <pid> <CLOCK_MONOTONIC ns>" to file OUT in one write, and exits 0. (A file, not
 * stdout: the JDK closes a Process's stdout pipe once the process itself has exited.) The JVM's
 * System.nanoTime() reads the same clock, so the reaper's reapedAtNanos minus that time is the
 * reaping latency. Prints "orphans <first pid> <last pid>" before exiting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  long spacing_us = argc > 2 ? atol(argv[2]) : 0;
  if (argc < 4) { fprintf(stderr, "usage: timed_orphans N SPACING_US OUT\n"); return 2; }
  int out = open(argv[3], O_WRONLY | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) { perror(argv[3]); return 1; }
  int fds[2];
  if (pipe(fds) != 0) { perror("pipe"); return 1; }
  fflush(stdout);
  int first = 0, last = 0;
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p < 0) { perror("fork"); return 1; }
    if (p == 0) {
      close(fds[1]);
      char c;
      while (read(fds[0], &c, 1) > 0) {}
      long us = spacing_us * i;
      struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
      if (us > 0) nanosleep(&ts, NULL);
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      char line[64];
      int len = snprintf(line, sizeof line, "exit %d %lld\n", (int)getpid(),
                         (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
      if (write(out, line, len) != len) _exit(2);
      _exit(0);
    }
    if (!first) first = p;
    last = p;
  }
  printf("orphans %d %d\n", first, last);
  fflush(stdout);
  return 0;
}
