/*
 * drain N [--storm]
 *
 * The orphan-drain workload, run as the child of the supervisor under test, which must be
 * PID 1 of a PID namespace with its own /proc. A short-lived spawner forks N processes that
 * block reading one pipe, then exits, so that all N are re-parented to PID 1. Once every one
 * is blocked, drain closes the pipe's last write end: all N exit at once and PID 1 must reap
 * them. Prints one line:
 *   drain n=N drain_ms=<close to no zombie left> max_zombies=<most seen at once> cpu_ms=<PID 1 user+sys meanwhile>
 * and exits 0, or 1 if some orphan is still there after 120 s.
 *
 * How it counts without /proc/<pid>/task/<tid>/children (not every kernel has it, and a JVM's
 * children are spread over the lists of the threads that started them): every
 * process of the namespace, zombies included, is an entry of /proc until it is reaped. The
 * orphans decrement a shared counter of live ones just before _exit(), so
 * zombies = entries of /proc above the baseline - live orphans.
 * PID 1's CPU comes from its CPU-time clock (clock_getcpuclockid), in nanoseconds, all threads.
 *
 * With --storm (the exit-status integrity run, where PID 1 starts other children meanwhile and
 * /proc cannot be counted), drain only releases the orphans, waits until every one has exited,
 * prints "storm n=N" and exits 0; reaping them is left to PID 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared { atomic_int ready; atomic_int alive; atomic_int failed; };

static long long now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int count_processes(DIR *proc) {
  rewinddir(proc);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(proc)) != NULL) {
    if (e->d_name[0] >= '1' && e->d_name[0] <= '9') n++;
  }
  return n;
}

int main(int argc, char **argv) {
  int storm = argc == 3 && strcmp(argv[2], "--storm") == 0;
  if ((argc != 2 && !storm) || atoi(argv[1]) <= 0) { fprintf(stderr, "usage: drain N [--storm]\n"); return 2; }
  int n = atoi(argv[1]);
  DIR *proc = opendir("/proc");
  if (proc == NULL) { perror("drain: opendir /proc"); return 1; }
  clockid_t pid1_cpu;
  int r = clock_getcpuclockid(1, &pid1_cpu);
  if (r != 0) { fprintf(stderr, "drain: clock_getcpuclockid(1) failed: %s\n", strerror(r)); return 1; }

  struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) { perror("drain: mmap"); return 1; }
  int fds[2];
  if (pipe(fds) != 0) { perror("drain: pipe"); return 1; }
  int baseline = count_processes(proc);

  pid_t spawner = fork();
  if (spawner < 0) { perror("drain: fork"); return 1; }
  if (spawner == 0) {
    for (int i = 0; i < n; i++) {
      pid_t p = fork();
      if (p < 0) { atomic_fetch_add(&sh->failed, 1); continue; }
      if (p == 0) {
        char c;
        close(fds[1]);
        atomic_fetch_add(&sh->alive, 1);
        atomic_fetch_add(&sh->ready, 1);
        while (read(fds[0], &c, 1) < 0 && errno == EINTR) {}
        atomic_fetch_sub(&sh->alive, 1);
        _exit(0);
      }
    }
    _exit(0);
  }
  close(fds[0]);
  int st;
  while (waitpid(spawner, &st, 0) < 0 && errno == EINTR) {}
  int made = n - atomic_load(&sh->failed);
  if (made != n) fprintf(stderr, "drain: only %d of %d forks succeeded\n", made, n);
  while (atomic_load(&sh->ready) < made) usleep(1000);

  long long cpu0 = now_ns(pid1_cpu);
  long long t0 = now_ns(CLOCK_MONOTONIC);
  close(fds[1]);
  if (storm) {
    while (atomic_load(&sh->alive) > 0) usleep(1000);
    printf("storm n=%d\n", made);
    fflush(stdout);
    return 0;
  }
  int max_zombies = 0, left;
  struct timespec pause = {0, 200000};
  for (;;) {
    int alive = atomic_load(&sh->alive);
    left = count_processes(proc) - baseline;
    int zombies = left - alive;
    if (zombies > max_zombies) max_zombies = zombies;
    if (left <= 0) break;
    if (now_ns(CLOCK_MONOTONIC) - t0 > 120000000000LL) break;
    nanosleep(&pause, NULL);
  }
  long long t1 = now_ns(CLOCK_MONOTONIC);
  long long cpu1 = now_ns(pid1_cpu);
  printf("drain n=%d drain_ms=%.3f max_zombies=%d cpu_ms=%.3f left=%d\n", made, (t1 - t0) / 1e6, max_zombies, (cpu1 - cpu0) / 1e6,
         left > 0 ? left : 0);
  fflush(stdout);
  return left > 0 ? 1 : 0;
}
