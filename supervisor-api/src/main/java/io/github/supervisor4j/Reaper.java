package io.github.supervisor4j;

/**
 * Reaps zombie children in the background, on one daemon thread that blocks in the kernel
 * while there is nothing to reap.
 *
 * <p>Which children it reaps is its {@link ReapPolicy}. Children started through {@link
 * #spawn(ChildSpec)} are registered before they can exit, so their status is never lost and
 * completes {@link SupervisedProcess#onExit()}.
 *
 * <p>Thread-safe. {@link #close()} stops reaping at once, and the reaper's thread with it (an
 * implementation may have to wake it first). A closed reaper cannot be started again.
 */
public interface Reaper extends AutoCloseable {

  /**
   * Registers as subreaper if configured, warns if this process is neither PID 1 nor a
   * subreaper, and starts the reaper thread. Starting twice is harmless.
   *
   * @return this reaper
   * @throws IllegalStateException if closed
   * @throws SupervisorException if the kernel refuses
   */
  Reaper start();

  /** Stops reaping. Processes that exit after this are left as zombies for someone else. */
  @Override
  void close();

  /** {@return the policy this reaper follows} */
  ReapPolicy policy();

  /**
   * Adds a listener told of every reaped process, on the reaper thread.
   *
   * @param listener the listener
   * @return the subscription, whose {@code close()} removes it
   */
  Subscription subscribe(ReapListener listener);

  /** {@return the counters, read now} */
  ReaperStats stats();

  /**
   * Starts a child that this reaper reaps, registered before it can exit.
   *
   * @param spec what to start
   * @return the running child
   * @throws IllegalStateException if the reaper is not running
   * @throws SpawnException if the command cannot be started (127 not found, 126 not executable)
   */
  SupervisedProcess spawn(ChildSpec spec);

  /** {@return true if this process is PID 1 of its PID namespace or a registered child subreaper} */
  boolean isReaperOfOrphans();
}
