package io.github.supervisor4j.posix;

import io.github.supervisor4j.ExitStatus;

/**
 * How a {@link PosixReaper}'s thread finds and reaps children: one strategy per {@link
 * io.github.supervisor4j.ReapPolicy}, chosen by the reaper from its config. Data flows one way:
 * the reaper hands the strategy a snapshot of what it may act on, and the strategy reports each
 * process it reaped through one callback. Not thread-safe: used by the one reaper thread.
 */
interface ReapStrategy {

  /**
   * Blocks in the kernel until some child of this process has exited, and reaps nothing.
   *
   * @return false at once if this process has no children at all (ECHILD), so there is
   *     nothing to block on
   */
  boolean awaitExit();

  /**
   * Reaps every child this policy may reap now, reporting each as it goes.
   *
   * @param spawned the pids, sorted, of the children started through {@code Reaper.spawn} and
   *     not yet reaped, read after the wake-up
   * @param report told of each reaped process; once it returns false, reap nothing more
   */
  void reap(int[] spawned, Report report);

  /**
   * How long the reaper sleeps when this process has no child at all before it asks again.
   * Only children from {@code Reaper.spawn} wake it early.
   */
  default long idleRecheckMillis() {
    return 1000;
  }

  /** Frees what the strategy holds (descriptors); called once by the reaper thread as it ends. */
  default void release() {}

  /** Where a strategy reports what it reaped. */
  @FunctionalInterface
  interface Report {
    /**
     * {@code pid} has just been reaped and ended with {@code status}.
     *
     * @return false if the reaper has been closed: reap nothing more
     */
    boolean reaped(int pid, ExitStatus status);

    /**
     * {@code pid}, an adopted zombie that the strategy has pinned, is about to be reaped: /proc
     * still shows it (its name and start time; a zombie has no command line left). Called only
     * by strategies that can say so before reaping (COOPERATIVE), on the reaper thread.
     */
    default void reaping(int pid) {}
  }
}
