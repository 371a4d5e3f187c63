/*
 * libs4jsig: supervisor4j's signal fast path (docs/bench.md, "The signal round trip").
 *
 * HotSpot runs a sun.misc.Signal handler on a new Java thread per signal, after two thread
 * hand-offs (its C handler posts to the Signal Dispatcher thread, which starts the new thread):
 * ~100-150 us per forwarded signal here, and one scheduler tick (4 ms) at p99. This handler
 * forwards in the handler itself, as tini's loop does right after sigtimedwait: kill(2) is
 * async-signal-safe (signal-safety(7)), and so are write(2) and atomic loads and stores.
 *
 * Per signal, Java sets an action: forward as signal R (R > 0) to the current target, drop
 * (0), or hand to Java (-1). Every signal leaves a fixed-size record in a non-blocking pipe,
 * read by one Java thread that logs, emits events and runs what must be Java (the graceful
 * shutdown's interceptor, signals held until a target exists). A full pipe drops the record
 * and counts it; a forward has already happened by then.
 *
 * Only Java calls the functions below, from one thread at a time (the forwarder's lock).
 * Build: gcc -O2 -fPIC -shared (supervisor-posix's pom.xml); no library but libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "s4jsig.h"

#define S4J_ABI 2
#define S4J_NSIG 65

#define S4J_TO_JAVA (-1)
#define S4J_DROP 0

/* Record flags: what the handler did. */
#define S4J_FORWARDED 1  /* kill(target, sent) was called; error is its errno or 0 */
#define S4J_HELD 2       /* no target yet: Java holds the signal until there is one */
#define S4J_FOR_JAVA 4   /* action TO_JAVA */
#define S4J_DROPPED 8    /* action DROP */

/* Read by S4jSig.Record in Java, field by field at these offsets: 0, 4, 8, 12, 16, 20. */
struct s4j_record {
  int signal;
  int sent;
  int error;
  int flags;
  int target;
  int latency_ns; /* FORWARDED: how long the handler's kill(2) took, for the JFR event; else 0 */
};

static atomic_int target;              /* kill(2)'s pid argument; < 0 a process group; 0 none yet */
static atomic_int actions[S4J_NSIG];
static atomic_int write_fd = -1;
static atomic_int in_handler;
static atomic_long lost_records;
static struct sigaction saved[S4J_NSIG];
static int installed[S4J_NSIG];

static void s4j_handler(int sig) {
  int saved_errno = errno;
  /* Counted before write_fd is read: s4j_close() waits for 0 after taking write_fd away. */
  atomic_fetch_add(&in_handler, 1);
  struct s4j_record r = {sig, 0, 0, 0, 0, 0};
  int action = (sig > 0 && sig < S4J_NSIG) ? atomic_load(&actions[sig]) : S4J_TO_JAVA;
  int to = atomic_load(&target);
  r.target = to;
  if (action == S4J_TO_JAVA) {
    r.flags = S4J_FOR_JAVA;
  } else if (to == 0) {
    r.flags = S4J_HELD;
  } else if (action == S4J_DROP) {
    r.flags = S4J_DROPPED;
  } else {
    /* clock_gettime is async-signal-safe (signal-safety(7)); CLOCK_MONOTONIC is a vDSO read. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r.sent = action;
    r.flags = S4J_FORWARDED;
    if (kill(to, action) != 0) r.error = errno;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    r.latency_ns = ns > 0x7fffffff ? 0x7fffffff : (int) ns;
  }
  int fd = atomic_load(&write_fd);
  if (fd < 0 || write(fd, &r, sizeof r) != (ssize_t) sizeof r) atomic_fetch_add(&lost_records, 1);
  atomic_fetch_sub(&in_handler, 1);
  errno = saved_errno;
}

int s4j_abi(void) { return S4J_ABI; }

int s4j_record_size(void) { return (int) sizeof(struct s4j_record); }

/* The pipe's read end, or -errno. EBUSY if already open. */
int s4j_open(void) {
  if (atomic_load(&write_fd) >= 0) return -EBUSY;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -errno;
  if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    return -e;
  }
  for (int s = 0; s < S4J_NSIG; s++) atomic_store(&actions[s], S4J_TO_JAVA);
  atomic_store(&target, 0);
  atomic_store(&lost_records, 0);
  atomic_store(&write_fd, fds[1]);
  return fds[0];
}

void s4j_set_action(int sig, int action) {
  if (sig > 0 && sig < S4J_NSIG) atomic_store(&actions[sig], action);
}

void s4j_set_target(int pid) { atomic_store(&target, pid); }

/* 0 SIG_DFL, 1 SIG_IGN, 2 a handler (HotSpot's or another), 3 ours; -errno on failure. */
int s4j_disposition(int sig) {
  struct sigaction sa;
  if (sigaction(sig, NULL, &sa) != 0) return -errno;
  if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL) return 0;
  if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN) return 1;
  if (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == s4j_handler) return 3;
  return 2;
}

/*
 * HotSpot's own signals (thread dumps, suspend/resume, its crash and memory-fault handling),
 * the uncatchable ones, and the reaper's SIGCHLD. ForwarderConfig refuses them first; this is
 * the last line, so that no caller can take one over by mistake.
 */
static int reserved(int sig) {
  switch (sig) {
    case SIGQUIT: case SIGUSR2: case SIGPIPE: case SIGXFSZ: case SIGBUS: case SIGSEGV:
    case SIGILL: case SIGFPE: case SIGKILL: case SIGSTOP: case SIGCHLD:
      return 1;
    default:
      return sig >= SIGRTMIN; /* glibc's and HotSpot's real-time signals */
  }
}

/* Installs the handler for sig, keeping the previous action for s4j_restore. 0 or errno. */
int s4j_install(int sig) {
  if (sig <= 0 || sig >= S4J_NSIG || reserved(sig)) return EINVAL;
  struct sigaction sa, old;
  sa.sa_handler = s4j_handler;
  sa.sa_flags = SA_RESTART;
  /* Handlers on other threads must not interleave with this one: they share the record. */
  sigfillset(&sa.sa_mask);
  if (sigaction(sig, &sa, &old) != 0) return errno;
  if (!installed[sig]) saved[sig] = old;
  installed[sig] = 1;
  return 0;
}

/* Puts back what s4j_install found. 0 or errno. */
int s4j_restore(int sig) {
  if (sig <= 0 || sig >= S4J_NSIG || !installed[sig]) return 0;
  if (sigaction(sig, &saved[sig], NULL) != 0) return errno;
  installed[sig] = 0;
  return 0;
}

/*
 * Closes the write end once no handler can still use it, so the Java reader sees end of file.
 * Call after s4j_restore for every signal. Returns the number of records lost to a full pipe.
 */
long s4j_close(void) {
  int fd = atomic_exchange(&write_fd, -1);
  while (atomic_load(&in_handler) > 0) sched_yield();
  if (fd >= 0) close(fd);
  atomic_store(&target, 0);
  return atomic_load(&lost_records);
}
