/* orphans N [HOLD_MS]: forks N children that block on one pipe, exits, and so leaves them as
 * orphans. When the last writer of the pipe (this process) is gone they all read EOF and
 * exit at once, so N zombies appear together. With HOLD_MS, the orphans sleep that long
 * after EOF. Prints "orphan <pid>" for each, then "orphans <first pid> <last pid>", before
 * exiting. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  int hold_ms = argc > 2 ? atoi(argv[2]) : 0;
  /* One write per line: the init's own output shares this pipe, and a block-buffered chunk
   * could split a line around it. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  int fds[2];
  if (pipe(fds) != 0) { perror("pipe"); return 1; }
  int first = 0, last = 0;
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p < 0) { perror("fork"); return 1; }
    if (p == 0) {
      close(fds[1]);
      char c;
      while (read(fds[0], &c, 1) > 0) {}
      if (hold_ms > 0) {
        struct timespec ts = { hold_ms / 1000, (long)(hold_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
      }
      _exit(0);
    }
    if (!first) first = p;
    last = p;
    printf("orphan %d\n", p);
  }
  printf("orphans %d %d\n", first, last);
  fflush(stdout);
  return 0;
}
