/* exitwith CODE: exits with CODE (0..255). A cheap child for the exit-status integrity run. */
#include <stdlib.h>
int main(int argc, char **argv) { return argc > 1 ? atoi(argv[1]) & 0xff : 0; }
