package io.github.supervisor4j.posix;

/**
 * libs4jsig's functions (src/main/c/s4jsig.c), with their C names: the signal fast path's
 * binding, next to {@link LibC}, which binds the C library. Only {@link PosixSignalForwarder}
 * calls it, under its lock; {@link NativeSignals} loads it.
 */
interface S4jSig {
  /** Actions for {@link #s4j_set_action}: a positive number forwards as that signal. */
  int TO_JAVA = -1;
  int DROP = 0;

  /** Record flags. */
  int SENT = 1;
  int HELD = 2;
  int JAVA = 4;
  int DROPPED = 8;

  /** Record layout: six ints. */
  int RECORD_SIZE = 24;

  /** Dispositions returned by {@link #s4j_disposition}. */
  int DISPOSITION_DEFAULT = 0;
  int DISPOSITION_IGNORED = 1;

  int s4j_abi();

  int s4j_record_size();

  /** The record pipe's read end, or -errno. */
  int s4j_open();

  void s4j_set_action(int sig, int action);

  void s4j_set_target(int pid);

  int s4j_disposition(int sig);

  /** 0 or errno. */
  int s4j_install(int sig);

  /** 0 or errno. */
  int s4j_restore(int sig);

  /** Closes the write end; returns the number of records lost to a full pipe. */
  long s4j_close();

  long s4j_lost();
}
