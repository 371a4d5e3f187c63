package io.github.supervisor4j;

/**
 * Told of each reaped process, on the reaper's own thread. Keep it short: the next zombie
 * waits while it runs. An exception it throws is logged with the pid and counted in {@link
 * ReaperStats#listenerFailures()}; the reaper goes on.
 */
@FunctionalInterface
public interface ReapListener {
  /**
   * Called once a process has been reaped.
   *
   * @param process the pid it had and how it ended
   */
  void reaped(ReapedProcess process);
}
