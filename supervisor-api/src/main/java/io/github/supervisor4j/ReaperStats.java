package io.github.supervisor4j;

/**
 * Counters of a {@link Reaper}, read at one moment.
 *
 * @param reaped processes reaped in all
 * @param adopted of those, the ones not started through {@link Reaper#spawn}
 * @param wakeups times the reaper thread woke up from the kernel
 * @param listenerFailures exceptions thrown by listeners
 */
public record ReaperStats(long reaped, long adopted, long wakeups, long listenerFailures) {}
