/* exit_code N: exits with status N at once. The stress test's ProcessBuilder child. */
#include <stdlib.h>

int main(int argc, char **argv) {
  return argc > 1 ? atoi(argv[1]) : 0;
}
