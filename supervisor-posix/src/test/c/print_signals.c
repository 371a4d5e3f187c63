/* Prints the name of every signal it receives, one line per delivery, flushed: makes forwarding
 * observable (after dumb-init's print_signals). Every catchable signal is blocked and taken
 * with sigwaitinfo(2), one at a time, so that two different signals pending at once are both
 * printed, in the kernel's order (lowest number first); only two of the same signal pending at
 * once merge, as the kernel merges them for any process. With "--sender" each line also names
 * the sending pid: "USR1 from 1234".
 *
 * Prints "ready <pid>" once the signals are blocked. Exits 0 on SIGTERM after printing it,
 * unless started with "--ignore-term". Exits 1 if stdout goes away. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int ignore_term = 0, sender = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--ignore-term") == 0) ignore_term = 1;
    else if (strcmp(argv[i], "--sender") == 0) sender = 1;
  }
  sigset_t wanted;
  sigemptyset(&wanted);
  for (int s = 1; s < 32; s++) {
    if (s == SIGKILL || s == SIGSTOP || s == SIGCHLD) continue;
    sigaddset(&wanted, s);
  }
  /* Blocked, so nothing is lost before the first sigwaitinfo; also before printing ready. */
  sigprocmask(SIG_BLOCK, &wanted, NULL);
  printf("ready %d\n", getpid());
  fflush(stdout);
  for (;;) {
    siginfo_t info;
    int s = sigwaitinfo(&wanted, &info);
    if (s < 0) continue; /* EINTR (a SIGCONT after a stop): nothing was taken */
    const char *name = sigabbrev_np(s) ? sigabbrev_np(s) : "?";
    if (sender) printf("%s from %d\n", name, (int) info.si_pid);
    else printf("%s\n", name);
    /* A reader that went away must end us (SIGPIPE is taken here, not fatal). */
    if (fflush(stdout) != 0 || ferror(stdout)) return 1;
    if (s == SIGTERM && !ignore_term) return 0;
  }
}
