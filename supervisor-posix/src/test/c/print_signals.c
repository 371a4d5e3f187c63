/* Prints the name of every signal it receives, one per line, flushed: makes forwarding
 * observable (after dumb-init's print_signals). Prints "ready <pid>" once its handlers are
 * installed. Exits 0 on SIGTERM after printing it, unless started with "--ignore-term". */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t last;
static int ignore_term;

static void on_signal(int sig) { last = sig; }

int main(int argc, char **argv) {
  ignore_term = argc > 1 && strcmp(argv[1], "--ignore-term") == 0;
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  for (int s = 1; s < 32; s++) {
    if (s == SIGKILL || s == SIGSTOP || s == SIGCHLD) continue;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_mask = all;
    sigaction(s, &sa, NULL);
  }
  sigprocmask(SIG_SETMASK, &all, NULL);
  printf("ready %d\n", getpid());
  fflush(stdout);
  for (;;) {
    sigsuspend(&none);
    int s = last;
    printf("%s\n", sigabbrev_np(s) ? sigabbrev_np(s) : "?");
    /* A reader that went away must end us, not make us spin on our own SIGPIPE. */
    if (fflush(stdout) != 0 || ferror(stdout)) return 1;
    if (s == SIGTERM && !ignore_term) return 0;
  }
}
