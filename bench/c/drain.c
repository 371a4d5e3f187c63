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
 * Where that CPU went, by thread (/proc/1/task/<tid>/schedstat: nanoseconds on a CPU; stat:
 * the system-time share in ticks), over the same interval:
 *   reaper_ms  the thread that reaps: ours is named "supervisor4j-reaper" (comm
 *              "supervisor4j-re"); a single-threaded init is all reaper
 *   reaper_sys_ms  its time in the kernel (tick-sampled: 10 ms steps)
 *   jit_ms     HotSpot's compiler threads ("C1 CompilerThre", "C2 CompilerThre")
 *   gc_ms      the garbage collector's and the VM thread ("GC Thread#", "G1 ...", "VM Thread")
 *   other_ms   the rest: every other thread, and threads that ended during the drain
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

/* One thread of PID 1, as /proc/1/task/<tid> reports it. */
struct thread { int tid; char comm[20]; long long ns; long long sys_ticks; };
#define MAX_THREADS 512
enum { REAPER, JIT, GC, OTHER, CLASSES };

static int read_small(const char *path, char *buf, size_t size) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  size_t n = fread(buf, 1, size - 1, f);
  fclose(f);
  buf[n] = 0;
  return (int) n;
}

/* Every thread of PID 1 now; the count, or -1 if /proc/1/task cannot be read. */
static int snapshot(struct thread *out) {
  DIR *d = opendir("/proc/1/task");
  if (d == NULL) return -1;
  int n = 0;
  struct dirent *e;
  char path[64], buf[1024];
  while ((e = readdir(d)) != NULL && n < MAX_THREADS) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    struct thread *t = &out[n];
    t->tid = atoi(e->d_name);
    snprintf(path, sizeof path, "/proc/1/task/%d/comm", t->tid);
    if (read_small(path, buf, sizeof buf) <= 0) continue;
    buf[strcspn(buf, "\n")] = 0;
    size_t len = strlen(buf) < sizeof t->comm ? strlen(buf) : sizeof t->comm - 1;
    memcpy(t->comm, buf, len);
    t->comm[len] = 0;
    snprintf(path, sizeof path, "/proc/1/task/%d/schedstat", t->tid);
    if (read_small(path, buf, sizeof buf) <= 0) continue;
    t->ns = atoll(buf);
    snprintf(path, sizeof path, "/proc/1/task/%d/stat", t->tid);
    t->sys_ticks = 0;
    if (read_small(path, buf, sizeof buf) > 0) {
      char *p = strrchr(buf, ')');
      /* after "pid (comm)": state is field 3, utime 14, stime 15 */
      long long v = 0;
      for (int field = 3; p != NULL && field <= 15; field++) {
        p = strchr(p + 1, ' ');
        if (p != NULL && field == 15) v = atoll(p + 1);
      }
      t->sys_ticks = v;
    }
    n++;
  }
  closedir(d);
  return n;
}

static int class_of(const char *comm, int single_threaded) {
  if (strncmp(comm, "supervisor4j-re", 15) == 0) return REAPER;
  if (strncmp(comm, "C1 CompilerThre", 15) == 0 || strncmp(comm, "C2 CompilerThre", 15) == 0) return JIT;
  if (strncmp(comm, "GC Thread", 9) == 0 || strncmp(comm, "G1 ", 3) == 0 || strcmp(comm, "VM Thread") == 0) return GC;
  return single_threaded ? REAPER : OTHER;
}

/* ms per class between two snapshots; threads absent from the first started meanwhile. */
static void attribute(struct thread *a, int na, struct thread *b, int nb, double ms[CLASSES], double *reaper_sys_ms) {
  long tick = sysconf(_SC_CLK_TCK);
  for (int k = 0; k < CLASSES; k++) ms[k] = 0;
  *reaper_sys_ms = 0;
  for (int j = 0; j < nb; j++) {
    long long ns0 = 0, sys0 = 0;
    for (int i = 0; i < na; i++) {
      if (a[i].tid == b[j].tid) { ns0 = a[i].ns; sys0 = a[i].sys_ticks; break; }
    }
    int k = class_of(b[j].comm, nb == 1);
    ms[k] += (b[j].ns - ns0) / 1e6;
    if (k == REAPER) *reaper_sys_ms += (b[j].sys_ticks - sys0) * 1000.0 / tick;
  }
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

  static struct thread before[MAX_THREADS], after[MAX_THREADS];
  /* PID 1's CPU clock is read before the first snapshot and after the second, so that its
   * interval holds every thread's: the parts can never exceed the total (what a thread ran
   * while the snapshots were being read counts in both), and "other" is never negative. */
  long long cpu0 = now_ns(pid1_cpu);
  int nbefore = storm ? 0 : snapshot(before);
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
  int nafter = snapshot(after);
  long long cpu1 = now_ns(pid1_cpu);
  printf("drain n=%d drain_ms=%.3f max_zombies=%d cpu_ms=%.3f left=%d", made, (t1 - t0) / 1e6, max_zombies, (cpu1 - cpu0) / 1e6,
         left > 0 ? left : 0);
  if (nbefore > 0 && nafter > 0) {
    double ms[CLASSES], reaper_sys;
    attribute(before, nbefore, after, nafter, ms, &reaper_sys);
    /* other: every thread not classified, and those that ended meanwhile (not in the second snapshot) */
    double other = (cpu1 - cpu0) / 1e6 - ms[REAPER] - ms[JIT] - ms[GC];
    printf(" reaper_ms=%.3f reaper_sys_ms=%.0f jit_ms=%.3f gc_ms=%.3f other_ms=%.3f threads=%d", ms[REAPER], reaper_sys, ms[JIT],
           ms[GC], other > 0 ? other : 0, nafter);
  }
  printf("\n");
  fflush(stdout);
  return left > 0 ? 1 : 0;
}
