package io.github.supervisor4j;

/**
 * Shuts down every process this JVM is responsible for: the children it started through
 * {@link Reaper#spawn} (or {@link ProcessBuilder}), their children, and the orphans it adopted
 * as PID 1 or subreaper. As PID 1 of a PID namespace that is every other process of the
 * namespace; otherwise only this process's own descendants, never a process outside its
 * subtree.
 *
 * <p>The sequence, with the durations of its {@link ShutdownConfig}: wait up to {@code grace}
 * (if set) for the descendants to exit by themselves, so that the app's own shutdown can stop
 * them gently; send SIGTERM to those left (and SIGCONT to a stopped one); after {@code
 * killAfter} send SIGKILL to whatever is still alive; then wait until the reaper has reaped
 * them all. Each step is logged with pids and command names. {@code preStopDelay} and {@code
 * onChildExit} concern the launcher and are ignored here.
 *
 * <p>Thread-safe; {@link #run()} may be called more than once (a second call finds less or
 * nothing to do). Failures to signal one process are logged and do not stop the others.
 */
public interface TreeShutdown {

  /**
   * Runs the sequence above and returns once every descendant is gone and reaped, or, for
   * processes that even SIGKILL cannot end (uninterruptible sleep), after a bounded wait that
   * is logged with the pids left.
   *
   * @return the number of processes that were still alive when the sequence began
   * @throws InterruptedException if interrupted while waiting
   */
  int run() throws InterruptedException;

  /**
   * Runs {@link #run()} in a JVM shutdown hook, so that SIGTERM, SIGINT, {@code System.exit}
   * and the end of {@code main} all leave no process behind. Closing the subscription removes
   * the hook (a no-op once the JVM is shutting down).
   *
   * @return the subscription, whose {@code close()} removes the hook
   * @throws IllegalStateException if the hook is already installed
   */
  Subscription installShutdownHook();
}
