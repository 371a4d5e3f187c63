/*
 * ns1 [-r] [--] command [args...]
 *
 * Runs command as PID 1 of a new PID namespace with its own /proc, like
 * `unshare --pid --fork --mount-proc --kill-child command`, and with -r reports
 * on stderr, once the command has exited, how it ran:
 *   ns1 wall_us=<fork to reap> maxrss_kb=<peak RSS of PID 1 and what it reaped> cpu_us=<user+sys>
 * It also exports NS1_T0_NS, the CLOCK_MONOTONIC time of the fork in ns, for bench/c/started.c.
 * Exits with the command's status (128+signal if it was killed).
 *
 * Measuring here rather than around unshare(1) keeps unshare's own fork, exec and
 * RSS out of the start-up figures: wait4() reports the rusage of the PID 1 itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv) {
  int report = 0, i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (strcmp(argv[i], "-r") == 0) { report = 1; continue; }
    fprintf(stderr, "ns1: unknown option %s\n", argv[i]);
    return 2;
  }
  if (i >= argc) { fprintf(stderr, "usage: ns1 [-r] [--] command [args...]\n"); return 2; }
  if (unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) {
    fprintf(stderr, "ns1: unshare(CLONE_NEWPID|CLONE_NEWNS) failed: %s\n", strerror(errno));
    return 1;
  }
  long long t0 = now_us();
  /* For bench/c/started.c: when the supervisor was launched, on the clock children can read. */
  char t0_ns[32];
  snprintf(t0_ns, sizeof t0_ns, "%lld", t0 * 1000);
  setenv("NS1_T0_NS", t0_ns, 1);
  pid_t pid = fork();
  if (pid < 0) { fprintf(stderr, "ns1: fork failed: %s\n", strerror(errno)); return 1; }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
      fprintf(stderr, "ns1: mounting /proc failed: %s\n", strerror(errno));
      _exit(1);
    }
    execvp(argv[i], argv + i);
    fprintf(stderr, "ns1: exec %s failed: %s\n", argv[i], strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  /* Ctrl-C and SIGTERM go to the namespace's PID 1; ns1 only waits. */
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) { fprintf(stderr, "ns1: wait4 failed: %s\n", strerror(errno)); return 1; }
  }
  long long wall = now_us() - t0;
  if (report) {
    long long cpu = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
    fprintf(stderr, "ns1 wall_us=%lld maxrss_kb=%ld cpu_us=%lld\n", wall, ru.ru_maxrss, cpu);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
