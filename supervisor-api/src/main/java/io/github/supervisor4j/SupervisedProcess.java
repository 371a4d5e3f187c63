package io.github.supervisor4j;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A child started through {@link Reaper#spawn}. Its exit status is collected by the reaper,
 * which registered it before it could exit, so the status is never lost to another waiter.
 *
 * <p>Thread-safe. Unlike {@link Process} it has no pipes: the child inherits this process's
 * standard streams, as under tini.
 */
public interface SupervisedProcess {

  /** {@return the child's process id} */
  int pid();

  /** {@return the command it runs} */
  List<String> command();

  /** {@return a future completed with the child's status when the reaper has reaped it} */
  CompletableFuture<ExitStatus> onExit();

  /**
   * Waits for the child to end.
   *
   * @return how it ended
   * @throws InterruptedException if interrupted while waiting
   */
  ExitStatus waitFor() throws InterruptedException;

  /**
   * Waits at most {@code timeout} for the child to end.
   *
   * @param timeout the longest wait
   * @return how it ended, or empty if the child is still running then
   * @throws InterruptedException if interrupted while waiting
   */
  Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException;

  /** {@return true until the child has been reaped} */
  boolean isAlive();

  /**
   * Sends {@code signal} to the child. A child already reaped is not signalled (its pid may
   * belong to someone else by now), and nothing is thrown.
   *
   * @param signal the signal to send
   * @throws SystemCallException if kill fails for another reason than the child being gone
   */
  void signal(Signal signal);

  /**
   * Sends {@code signal} to the child's process group, which must be its own ({@link
   * ChildSpec#withProcessGroup}).
   *
   * @param signal the signal to send
   * @throws IllegalStateException if the child was not started in its own group
   * @throws SystemCallException as {@link #signal}
   */
  void signalGroup(Signal signal);

  /** {@return the JDK's handle to the child, for {@code info()} and {@code descendants()}; empty once it is gone} */
  Optional<ProcessHandle> toHandle();
}
