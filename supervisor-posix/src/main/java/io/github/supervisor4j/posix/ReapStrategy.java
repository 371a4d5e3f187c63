package io.github.supervisor4j.posix;

/**
 * How a {@link PosixReaper}'s thread finds and reaps children: one strategy per {@link
 * io.github.supervisor4j.ReapPolicy}.
 */
interface ReapStrategy {

  /**
   * Blocks in the kernel until a child has exited, then reaps every child this policy may
   * reap, reporting each to {@code sink}.
   *
   * @return false if this process has no children at all (ECHILD), so there is nothing to
   *     block on
   */
  boolean awaitAndReap(Sink sink);

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
  interface Sink {
    /** False once the reaper is closed: reap nothing more. */
    boolean isOpen();

    /** Called once per wake-up from the kernel. */
    void wokeUp();

    /** Called right after {@code pid} was reaped with raw-decoded {@code status}. */
    void reaped(int pid, io.github.supervisor4j.ExitStatus status);

    /** Pids of the children started through {@code Reaper.spawn} and not yet reaped. */
    default int[] spawnedChildren() {
      return new int[0];
    }

    /** True if {@code pid} is a child started through {@code Reaper.spawn}, not yet reaped. */
    default boolean isSpawnedChild(int pid) {
      return false;
    }
  }
}
