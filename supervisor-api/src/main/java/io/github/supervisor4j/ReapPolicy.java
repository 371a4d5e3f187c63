package io.github.supervisor4j;

/** Which children a {@link Reaper} may reap. */
public enum ReapPolicy {
  /**
   * Reap every child with a {@code waitpid(-1)} loop. Right only when this process owns all
   * its children, as the launcher does. In a JVM that also uses {@link ProcessBuilder} it
   * steals the JDK's exit statuses: the JDK then reports exit value 0, silently.
   */
  EXCLUSIVE,

  /**
   * Reap orphans and the children started through {@link Reaper#spawn}, and never a child
   * that the JDK's own process reaper is waiting for. The default for an app that is PID 1
   * or a subreaper and also uses {@link ProcessBuilder}.
   */
  COOPERATIVE
}
