package io.github.supervisor4j.posix;

/**
 * libs4jsig's functions (src/main/c/s4jsig.c), with their C names: the signal fast path's
 * binding, next to {@link LibC}, which binds the C library. Only {@link NativeSignalPath}
 * calls it, under its forwarder's lock; {@link NativeSignals} loads it.
 */
interface S4jSig {
  /** Actions for {@link #s4j_set_action}: a positive number forwards as that signal. */
  int TO_JAVA = -1;
  int DROP = 0;

  /** A disposition returned by {@link #s4j_disposition}: SIG_IGN. */
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

  /**
   * One record, {@code struct s4j_record} of s4jsig.c: what the C handler did with one signal.
   *
   * @param signal the signal that arrived
   * @param sent the signal passed to kill(2), when {@link #FORWARDED}
   * @param error kill's errno, or 0
   * @param flags one of {@link #FORWARDED}, {@link #HELD}, {@link #FOR_JAVA}, {@link #DROPPED}
   * @param target kill's pid argument: a pid, or minus a process group; 0 when there was none
   * @param latencyNanos when {@link #FORWARDED}: how long the handler's kill(2) took
   *     (CLOCK_MONOTONIC), for the JFR event; 0 otherwise
   */
  record Record(int signal, int sent, int error, int flags, int target, int latencyNanos) {
    /** Flags: kill(target, sent) was called. */
    static final int FORWARDED = 1;
    /** Flags: no target yet; Java holds the signal until there is one. */
    static final int HELD = 2;
    /** Flags: the action was {@link S4jSig#TO_JAVA}. */
    static final int FOR_JAVA = 4;
    /** Flags: the action was {@link S4jSig#DROP}. */
    static final int DROPPED = 8;

    /** Six ints; the library says its own size, checked when loaded. */
    static final int SIZE = 24;
    private static final int SIGNAL = 0;
    private static final int SENT = 4;
    private static final int ERROR = 8;
    private static final int FLAGS = 12;
    private static final int TARGET = 16;
    private static final int LATENCY = 20;

    /** The record at {@code address}. */
    static Record read(long address) {
      return new Record(Os.Arena.intAt(address + SIGNAL), Os.Arena.intAt(address + SENT), Os.Arena.intAt(address + ERROR),
          Os.Arena.intAt(address + FLAGS), Os.Arena.intAt(address + TARGET), Os.Arena.intAt(address + LATENCY));
    }

    /** True if the C handler left the signal to Java: held, or to be intercepted. */
    boolean isForJava() {
      return (flags & (HELD | FOR_JAVA)) != 0;
    }
  }
}
