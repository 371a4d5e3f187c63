/* daemons CODE DAEMON_SECS SESSION_SECS [--daemon-ignores-term] [--stay]: leaves behind a
 * double-forked daemon (fork, setsid, fork, the middle one exits: an orphan in its own
 * session) that sleeps DAEMON_SECS, and a child that called setsid and sleeps SESSION_SECS.
 * Each prints "daemon <pid> done" / "session <pid> done" when its sleep ends and it exits by
 * itself (a signal's default action kills it silently). Prints "daemon <pid>" and
 * "session <pid>" once both run, then exits CODE, or with --stay waits for a signal (SIGTERM
 * then kills it: status 143). With --daemon-ignores-term the daemon ignores SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_then_report(const char *role, const char *secs) {
  struct timespec ts = { atoi(secs), 0 };
  while (nanosleep(&ts, &ts) != 0) {}
  printf("%s %d done\n", role, getpid());
  fflush(stdout);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: daemons CODE DAEMON_SECS SESSION_SECS [--daemon-ignores-term] [--stay]\n"); return 2; }
  int code = atoi(argv[1]);
  int ignore = 0, stay = 0;
  for (int i = 4; i < argc; i++) {
    if (strcmp(argv[i], "--daemon-ignores-term") == 0) ignore = 1;
    if (strcmp(argv[i], "--stay") == 0) stay = 1;
  }
  int fds[2];
  if (pipe(fds) != 0) { perror("pipe"); return 1; }
  pid_t middle = fork();
  if (middle < 0) { perror("fork"); return 1; }
  if (middle == 0) {
    setsid();
    pid_t d = fork();
    if (d < 0) _exit(1);
    if (d == 0) {
      close(fds[0]);
      if (ignore) signal(SIGTERM, SIG_IGN);
      pid_t self = getpid();
      if (write(fds[1], &self, sizeof self) != sizeof self) _exit(1);
      close(fds[1]);
      sleep_then_report("daemon", argv[2]);
    }
    _exit(0);
  }
  waitpid(middle, NULL, 0);
  close(fds[1]);
  pid_t daemon = 0;
  if (read(fds[0], &daemon, sizeof daemon) != sizeof daemon) { fprintf(stderr, "daemon did not start\n"); return 1; }
  pid_t session = fork();
  if (session < 0) { perror("fork"); return 1; }
  if (session == 0) {
    setsid();
    sleep_then_report("session", argv[3]);
  }
  printf("daemon %d\nsession %d\n", daemon, session);
  fflush(stdout);
  if (stay) for (;;) pause();
  return code;
}
