package io.github.supervisor4j;

import io.github.supervisor4j.spi.SupervisorProvider;
import java.util.Iterator;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The one entry point: finds the implementation and builds reapers and signal forwarders.
 *
 * <p>If no implementation is on the classpath, or the OS is not Linux, every method throws
 * {@link UnavailableException} with a one-line message that says which.
 */
public final class Supervisors {
  private static volatile SupervisorProvider provider;

  private Supervisors() {}

  /**
   * A new, unstarted reaper with {@code config}.
   *
   * @param config the policy and settings
   * @return the reaper; call {@link Reaper#start()}
   * @throws UnavailableException if no implementation can run here
   */
  public static Reaper reaper(ReaperConfig config) {
    return provider().reaper(config);
  }

  /**
   * A new, unstarted signal forwarder with {@code config}.
   *
   * @param config the signals and their rewrites
   * @return the forwarder; call {@link SignalForwarder#start()}
   * @throws UnavailableException if no implementation can run here
   */
  public static SignalForwarder signalForwarder(ForwarderConfig config) {
    return provider().signalForwarder(config);
  }

  /**
   * A shutdown of every descendant of this process (every other process of the namespace when
   * PID 1), with {@code config}'s durations; {@code reaper}, which must be running, reaps them.
   * Install it as a JVM shutdown hook with {@link TreeShutdown#installShutdownHook()}.
   *
   * @param reaper the running reaper that reaps the descendants
   * @param config the durations
   * @return the shutdown, not yet run
   * @throws UnavailableException if no implementation can run here
   */
  public static TreeShutdown treeShutdown(Reaper reaper, ShutdownConfig config) {
    return provider().treeShutdown(reaper, config);
  }

  /**
   * Makes this JVM a correct PID 1 with the settings of {@link
   * InitConfig#fromSystemProperties()}: the one line for an application's {@code main}. See
   * {@link #installInit(InitConfig)}.
   *
   * @return the running init
   * @throws IllegalArgumentException if a system property's value is not understood
   * @throws SupervisorException if the JVM cannot do it
   */
  public static Init installInit() {
    return installInit(InitConfig.fromSystemProperties());
  }

  /**
   * Makes this JVM a correct PID 1: registers as child subreaper when not PID 1, starts a
   * {@link ReapPolicy#COOPERATIVE} reaper, and installs the signal handlers of {@code config}.
   * Returns the running instance if there is one already (its configuration is kept).
   *
   * @param config the settings
   * @return the running init
   * @throws SupervisorException if the JVM cannot do it, for example signals were asked for
   *     but the JVM runs with {@code -Xrs}
   */
  public static Init installInit(InitConfig config) {
    return provider().installInit(config);
  }

  /** {@return true if this process is PID 1 of its PID namespace} */
  public static boolean isPid1() {
    return ProcessHandle.current().pid() == 1;
  }

  static SupervisorProvider provider() {
    SupervisorProvider p = provider;
    if (p == null) {
      synchronized (Supervisors.class) {
        p = provider;
        if (p == null) {
          provider = p = load();
        }
      }
    }
    return p;
  }

  private static SupervisorProvider load() {
    return load(System.getProperty("os.name", "unknown"), Supervisors.class.getClassLoader());
  }

  /** Finds the first supported provider visible to {@code loader}; package-private for tests. */
  static SupervisorProvider load(String osName, ClassLoader loader) {
    if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
      throw new UnavailableException("supervisor4j needs Linux; this OS is " + osName);
    }
    Iterator<SupervisorProvider> it = ServiceLoader.load(SupervisorProvider.class, loader).iterator();
    String unsupported = null;
    while (it.hasNext()) {
      SupervisorProvider p = it.next();
      if (p.isSupported()) return p;
      unsupported = p.getClass().getName();
    }
    if (unsupported != null) {
      throw new UnavailableException(unsupported + " does not support " + osName + " on " + System.getProperty("os.arch"));
    }
    throw new UnavailableException("no supervisor4j implementation on the classpath: add io.github.supervisor4j:supervisor-posix");
  }
}
