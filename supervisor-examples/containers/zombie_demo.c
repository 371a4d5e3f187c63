/*
 * zombie_demo: the zombie-maker of the Kubernetes pause write-up, for a FROM scratch image.
 *
 *   zombie_demo            a parent forks a child and exits at once, without waiting for it;
 *                          the child sleeps 5 s, says so, and exits 0.
 *   zombie_demo --hold N   the same parent and child, started by a first process that stays N
 *                          seconds after the parent has exited, so that the container lives on.
 *
 * The child outlives its parent: the kernel re-parents it to PID 1 of the PID namespace (the
 * pod's pause container, here the supervisor4j launcher), and once it exits it is a zombie
 * until PID 1 reaps it. Without --hold the container ends with the parent, and the engine
 * (runc) then kills what is left of it: the orphan dies of SIGKILL before its 5 s are over,
 * and PID 1 reaps it all the same. With --hold the orphan exits by itself, as the write-up
 * describes.
 *
 * Build: gcc -Os -Wall -Werror -static zombie_demo.c -o zombie_demo
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int make_orphan(void) {
  pid_t child = fork();
  if (child < 0) {
    perror("zombie_demo: fork");
    return 1;
  }
  if (child == 0) {
    sleep(5);
    printf("Child process (PID=%d) exit\n", getpid());
    return 0;
  }
  printf("Parent process (PID=%d), child PID=%d\n", getpid(), child);
  printf("Parent exits without waiting for its child: the child becomes an orphan of PID 1\n");
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 1) return make_orphan();
  if (argc != 3 || strcmp(argv[1], "--hold") != 0 || atoi(argv[2]) <= 0) {
    fprintf(stderr, "usage: zombie_demo [--hold SECONDS]\n");
    return 2;
  }
  int hold = atoi(argv[2]);
  printf("zombie_demo (PID=%d): starting the parent, then holding the container open for %d s\n", getpid(), hold);
  fflush(stdout);
  pid_t parent = fork();
  if (parent < 0) {
    perror("zombie_demo: fork");
    return 1;
  }
  if (parent == 0) {
    int code = make_orphan();
    fflush(stdout);
    _exit(code);
  }
  int status;
  if (waitpid(parent, &status, 0) < 0) {
    perror("zombie_demo: waitpid");
    return 1;
  }
  sleep(hold);
  printf("zombie_demo (PID=%d): done holding\n", getpid());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
