/*
 * s4jsig_test LIBRARY: libs4jsig's own test, in C, run for each architecture the jar ships.
 * S4jSigLibraryTest compiles it with that architecture's compiler and runs it on the library
 * the build put into the jar (META-INF/native/linux-<arch>/libs4jsig.so), under
 * qemu-aarch64-static for aarch64 on an x86_64 host, so that the cross-compiled code is run,
 * not only compiled.
 *
 * It checks what the Java side (S4jSig, NativeSignalPath) relies on: the ABI number and
 * the record size; that the handler forwards a signal, as itself or rewritten, to the target
 * from inside the handler, and holds, drops or hands to Java as told; that each signal leaves
 * exactly one record with the right fields in the pipe (ESRCH included); that HotSpot's
 * signals are refused; that restore puts the previous disposition back; that close gives end
 * of file. The target is a real child that waits for its signals with sigtimedwait and
 * reports each one it gets, so a dropped signal that leaked would show up too.
 *
 * Prints "s4jsig_test: ok, N checks" and exits 0, or names the first failed check and exits 1.
 * Every wait is bounded (5 s for a record, 10 s in the child).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The record as S4jSig reads it: six ints, 24 bytes (S4jSig.RECORD_SIZE). */
struct record {
  int signal;
  int sent;
  int error;
  int flags;
  int target;
  int latency_ns; /* FORWARDED: how long the handler's kill(2) took (for the JFR event); else 0 */
};

/* S4jSig's constants. */
enum { ABI = 2, RECORD_SIZE = 24, TO_JAVA = -1, DROP = 0 };
enum { FORWARDED = 1, HELD = 2, FOR_JAVA = 4, DROPPED = 8 };
enum { DISPOSITION_DEFAULT = 0, DISPOSITION_OURS = 3 };

static int (*s4j_abi)(void);
static int (*s4j_record_size)(void);
static int (*s4j_open)(void);
static void (*s4j_set_action)(int, int);
static void (*s4j_set_target)(int);
static int (*s4j_disposition)(int);
static int (*s4j_install)(int);
static int (*s4j_restore)(int);
static long (*s4j_close)(void);

static int checks;
static pid_t child_pid;

#define CHECK(cond, ...)                                                          \
  do {                                                                            \
    checks++;                                                                     \
    if (!(cond)) {                                                                \
      fprintf(stderr, "s4jsig_test: FAIL at line %d: %s: ", __LINE__, #cond);     \
      fprintf(stderr, __VA_ARGS__);                                               \
      fputc('\n', stderr);                                                        \
      if (child_pid > 0) kill(child_pid, SIGKILL);                                \
      exit(1);                                                                    \
    }                                                                             \
  } while (0)

static void *symbol(void *library, const char *name) {
  void *address = dlsym(library, name);
  CHECK(address != NULL, "%s not found: %s", name, dlerror());
  return address;
}

static void bind(const char *path) {
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  CHECK(library != NULL, "dlopen(%s): %s", path, dlerror());
  *(void **) &s4j_abi = symbol(library, "s4j_abi");
  *(void **) &s4j_record_size = symbol(library, "s4j_record_size");
  *(void **) &s4j_open = symbol(library, "s4j_open");
  *(void **) &s4j_set_action = symbol(library, "s4j_set_action");
  *(void **) &s4j_set_target = symbol(library, "s4j_set_target");
  *(void **) &s4j_disposition = symbol(library, "s4j_disposition");
  *(void **) &s4j_install = symbol(library, "s4j_install");
  *(void **) &s4j_restore = symbol(library, "s4j_restore");
  *(void **) &s4j_close = symbol(library, "s4j_close");
}

/* Waits at most 5 s for fd to be readable: under qemu a raised signal may be delivered late. */
static void await_readable(int fd, const char *what) {
  struct pollfd p = {fd, POLLIN, 0};
  int n;
  do {
    n = poll(&p, 1, 5000);
  } while (n < 0 && errno == EINTR);
  CHECK(n == 1, "no %s within 5 s", what);
}

/* The next record of the pipe, which must be exactly one record long. */
static struct record next_record(int fd) {
  struct record r;
  memset(&r, 0x55, sizeof r);
  await_readable(fd, "record");
  ssize_t got;
  do {
    got = read(fd, &r, sizeof r);
  } while (got < 0 && errno == EINTR);
  CHECK(got == (ssize_t) sizeof r, "read %zd bytes of a record, expected %zu", got, sizeof r);
  return r;
}

static void expect_record(int fd, int sig, int sent, int error, int flags, int target) {
  struct record r = next_record(fd);
  CHECK(r.signal == sig && r.sent == sent && r.error == error && r.flags == flags && r.target == target,
      "record {signal %d, sent %d, error %d, flags %d, target %d}, expected {%d, %d, %d, %d, %d}",
      r.signal, r.sent, r.error, r.flags, r.target, sig, sent, error, flags, target);
  if (flags == FORWARDED) {
    CHECK(r.latency_ns > 0 && r.latency_ns < 1000000000, "latency of a forward is %d ns", r.latency_ns);
  } else {
    CHECK(r.latency_ns == 0, "latency of a record that forwarded nothing is %d", r.latency_ns);
  }
}

/* The next signal number the child reported (0 means it is ready). */
static int next_report(int fd) {
  int sig = -1;
  await_readable(fd, "report from the child");
  CHECK(read(fd, &sig, sizeof sig) == (ssize_t) sizeof sig, "short report from the child");
  return sig;
}

/*
 * The target: blocks the signals it may get, says it is ready, then reports each one it
 * receives until SIGTERM. Blocked and fetched with sigtimedwait, so none can kill it.
 */
static void child(int report) {
  sigset_t set;
  sigemptyset(&set);
  int watched[] = {SIGUSR1, SIGHUP, SIGINT, SIGALRM, SIGWINCH, SIGTERM};
  for (size_t i = 0; i < sizeof watched / sizeof watched[0]; i++) sigaddset(&set, watched[i]);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int ready = 0;
  if (write(report, &ready, sizeof ready) != (ssize_t) sizeof ready) _exit(3);
  for (;;) {
    struct timespec timeout = {10, 0};
    int sig = sigtimedwait(&set, NULL, &timeout);
    if (sig < 0) _exit(2);
    if (write(report, &sig, sizeof sig) != (ssize_t) sizeof sig) _exit(3);
    if (sig == SIGTERM) _exit(0);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: s4jsig_test path/to/libs4jsig.so\n");
    return 2;
  }
  bind(argv[1]);
  CHECK(s4j_abi() == ABI, "ABI %d", s4j_abi());
  CHECK(s4j_record_size() == RECORD_SIZE && sizeof(struct record) == RECORD_SIZE,
      "record size %d, expected %d", s4j_record_size(), RECORD_SIZE);

  /* The child first, before any handler or pipe exists, so that it inherits neither. */
  int reports[2];
  CHECK(pipe(reports) == 0, "pipe: %s", strerror(errno));
  child_pid = fork();
  CHECK(child_pid >= 0, "fork: %s", strerror(errno));
  if (child_pid == 0) {
    close(reports[0]);
    child(reports[1]);
  }
  close(reports[1]);
  CHECK(next_report(reports[0]) == 0, "the child did not get ready");

  int fd = s4j_open();
  CHECK(fd >= 0, "s4j_open: %d", fd);
  CHECK(s4j_open() == -EBUSY, "a second s4j_open must be EBUSY");

  /* HotSpot's signals, the uncatchable ones, the reaper's SIGCHLD and the real-time ones. */
  int refused[] = {SIGQUIT, SIGUSR2, SIGPIPE, SIGXFSZ, SIGBUS, SIGSEGV, SIGILL, SIGFPE, SIGKILL, SIGSTOP, SIGCHLD, SIGRTMIN, 0, 65};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    CHECK(s4j_install(refused[i]) == EINVAL, "s4j_install(%d) must be refused", refused[i]);
  }

  int caught[] = {SIGUSR1, SIGHUP, SIGINT, SIGALRM, SIGTERM};
  size_t ncaught = sizeof caught / sizeof caught[0];
  for (size_t i = 0; i < ncaught; i++) {
    CHECK(s4j_disposition(caught[i]) == DISPOSITION_DEFAULT, "signal %d not at SIG_DFL before", caught[i]);
    CHECK(s4j_install(caught[i]) == 0, "s4j_install(%d)", caught[i]);
    CHECK(s4j_disposition(caught[i]) == DISPOSITION_OURS, "signal %d: our handler not installed", caught[i]);
  }

  /* No target yet: held for Java, nothing sent. */
  s4j_set_action(SIGUSR1, SIGUSR1);
  raise(SIGUSR1);
  expect_record(fd, SIGUSR1, 0, 0, HELD, 0);

  /* Forwarded as itself, then rewritten (SIGHUP goes out as SIGWINCH). */
  s4j_set_target(child_pid);
  raise(SIGUSR1);
  expect_record(fd, SIGUSR1, SIGUSR1, 0, FORWARDED, child_pid);
  CHECK(next_report(reports[0]) == SIGUSR1, "the child did not get SIGUSR1");
  s4j_set_action(SIGHUP, SIGWINCH);
  raise(SIGHUP);
  expect_record(fd, SIGHUP, SIGWINCH, 0, FORWARDED, child_pid);
  CHECK(next_report(reports[0]) == SIGWINCH, "the child did not get SIGHUP rewritten to SIGWINCH");

  /* Dropped, and handed to Java (the default action after s4j_open): recorded, not sent. */
  s4j_set_action(SIGINT, DROP);
  raise(SIGINT);
  expect_record(fd, SIGINT, 0, 0, DROPPED, child_pid);
  raise(SIGALRM);
  expect_record(fd, SIGALRM, 0, 0, FOR_JAVA, child_pid);

  /* SIGTERM ends the child; had SIGINT or SIGALRM leaked to it, it would report them first. */
  s4j_set_action(SIGTERM, SIGTERM);
  raise(SIGTERM);
  expect_record(fd, SIGTERM, SIGTERM, 0, FORWARDED, child_pid);
  int reported = next_report(reports[0]);
  CHECK(reported == SIGTERM, "the child reported signal %d, expected SIGTERM (%d)", reported, SIGTERM);
  int status;
  CHECK(waitpid(child_pid, &status, 0) == child_pid, "waitpid: %s", strerror(errno));
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child ended with status 0x%x", status);
  pid_t gone = child_pid;
  child_pid = 0;

  /* The target is gone: kill's ESRCH is in the record. */
  raise(SIGUSR1);
  expect_record(fd, SIGUSR1, SIGUSR1, ESRCH, FORWARDED, gone);

  for (size_t i = 0; i < ncaught; i++) {
    CHECK(s4j_restore(caught[i]) == 0, "s4j_restore(%d)", caught[i]);
    CHECK(s4j_disposition(caught[i]) == DISPOSITION_DEFAULT, "signal %d not back at SIG_DFL", caught[i]);
  }
  long lost = s4j_close();
  CHECK(lost == 0, "%ld records lost to a full pipe", lost);
  struct record r;
  CHECK(read(fd, &r, sizeof r) == 0, "no end of file after s4j_close");
  close(fd);

  /* It can be opened again, as a new forwarder in the same JVM would. */
  fd = s4j_open();
  CHECK(fd >= 0, "s4j_open after s4j_close: %d", fd);
  s4j_close();
  close(fd);

  printf("s4jsig_test: ok, %d checks\n", checks);
  return 0;
}
