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

  /** A new, unstarted reaper with {@code config}. */
  public static Reaper reaper(ReaperConfig config) {
    return provider().reaper(config);
  }

  /** A new, unstarted signal forwarder with {@code config}. */
  public static SignalForwarder signalForwarder(ForwarderConfig config) {
    return provider().signalForwarder(config);
  }

  /**
   * Makes this JVM a correct PID 1 with the settings of {@link
   * InitConfig#fromSystemProperties()}: the one line for an application's {@code main}. See
   * {@link #installInit(InitConfig)}.
   */
  public static Init installInit() {
    return installInit(InitConfig.fromSystemProperties());
  }

  /**
   * Makes this JVM a correct PID 1: registers as child subreaper when not PID 1, starts a
   * {@link ReapPolicy#COOPERATIVE} reaper, and installs the signal handlers of {@code config}.
   * Returns the running instance if there is one already (its configuration is kept).
   *
   * @throws SupervisorException if the JVM cannot do it, for example signals were asked for
   *     but the JVM runs with {@code -Xrs}
   */
  public static Init installInit(InitConfig config) {
    return provider().installInit(config);
  }

  /** True if this process is PID 1 of its PID namespace. */
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
    String os = System.getProperty("os.name", "unknown");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      throw new UnavailableException("supervisor4j needs Linux; this OS is " + os);
    }
    Iterator<SupervisorProvider> it = ServiceLoader.load(SupervisorProvider.class, Supervisors.class.getClassLoader()).iterator();
    while (it.hasNext()) {
      SupervisorProvider p = it.next();
      if (p.isSupported()) return p;
    }
    throw new UnavailableException("no supervisor4j implementation on the classpath: add io.github.supervisor4j:supervisor-posix");
  }
}
