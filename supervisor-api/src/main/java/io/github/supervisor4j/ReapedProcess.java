package io.github.supervisor4j;

/**
 * One process that a {@link Reaper} reaped.
 *
 * @param pid the process id it had
 * @param status how it ended
 * @param adopted true if it was not started through {@link Reaper#spawn} (an orphan, or a
 *     child started by other code under {@link ReapPolicy#EXCLUSIVE})
 * @param reapedAtNanos {@link System#nanoTime()} right after the reaping call returned
 */
public record ReapedProcess(int pid, ExitStatus status, boolean adopted, long reapedAtNanos) {
  /**
   * Checks the components.
   *
   * @param pid the process id it had
   * @param status how it ended
   * @param adopted true if it was not started through {@link Reaper#spawn}
   * @param reapedAtNanos {@link System#nanoTime()} right after the reaping call returned
   * @throws IllegalArgumentException if {@code pid <= 0}
   * @throws NullPointerException if {@code status} is null
   */
  public ReapedProcess {
    if (pid <= 0) throw new IllegalArgumentException("pid <= 0: " + pid);
    if (status == null) throw new NullPointerException("status == null");
  }
}
