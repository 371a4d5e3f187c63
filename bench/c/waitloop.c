/*
 * waitloop [-b] [--] command [args...]
 *
 * The kernel's floor for reaping: a PID 1 that does nothing but the wait calls, in C. It
 * starts command (fork + execvp), then reaps every child until command has exited, and exits
 * with command's status (128+signal if it was killed). It forwards no signal.
 *
 * By default it makes the calls our EXCLUSIVE reaper makes (ExclusiveStrategy): one blocking
 * waitid(P_ALL, WEXITED | WNOWAIT) that reaps nothing, then waitid(P_ALL, WEXITED | WNOHANG)
 * until no zombie is left. With -b it makes one blocking waitid(P_ALL, WEXITED) per reap, the
 * fewest calls there can be. Whatever CPU PID 1 uses here is the kernel's (walking the list
 * of children, freeing each zombie) plus a few instructions per call, so the drain's CPU of
 * this init is what every init pays before its own code. On exit it reports on stderr:
 *   waitloop calls=<waitid calls> wakeups=<blocking calls that returned> reaps=<children reaped>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long calls, wakeups, reaps;

static void report(void) {
  fprintf(stderr, "waitloop calls=%ld wakeups=%ld reaps=%ld\n", calls, wakeups, reaps);
}

/* One waitid; 1 if it reported a child, 0 for nothing (WNOHANG) or ECHILD. Exits on other errors. */
static int wait_one(int options, siginfo_t *si) {
  for (;;) {
    memset(si, 0, sizeof *si);
    calls++;
    if (waitid(P_ALL, 0, si, options) == 0) return si->si_pid != 0;
    if (errno == EINTR) continue;
    if (errno == ECHILD) return 0;
    perror("waitloop: waitid");
    exit(1);
  }
}

static int shell_code(const siginfo_t *si) {
  return si->si_code == CLD_EXITED ? si->si_status & 0xff : 128 + si->si_status;
}

int main(int argc, char **argv) {
  int block = 0, i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (strcmp(argv[i], "-b") == 0) { block = 1; continue; }
    fprintf(stderr, "waitloop: unknown option %s\n", argv[i]);
    return 2;
  }
  if (i >= argc) { fprintf(stderr, "usage: waitloop [-b] [--] command [args...]\n"); return 2; }
  pid_t child = fork();
  if (child < 0) { perror("waitloop: fork"); return 1; }
  if (child == 0) {
    execvp(argv[i], argv + i);
    fprintf(stderr, "waitloop: exec %s failed: %s\n", argv[i], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  siginfo_t si;
  for (;;) {
    if (block) {
      if (!wait_one(WEXITED, &si)) break;
      wakeups++;
      reaps++;
      if (si.si_pid == child) { report(); return shell_code(&si); }
      continue;
    }
    if (!wait_one(WEXITED | WNOWAIT, &si)) break;
    wakeups++;
    while (wait_one(WEXITED | WNOHANG, &si)) {
      reaps++;
      if (si.si_pid == child) { report(); return shell_code(&si); }
    }
  }
  report();
  fprintf(stderr, "waitloop: no child left before %s was reaped\n", argv[i]);
  return 1;
}
