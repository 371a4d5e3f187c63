package org.slf4j;

import io.github.supervisor4j.posix.launcher.LauncherLogProvider;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The launcher jar's {@code LoggerFactory}, in place of slf4j-api's own (supervisor-posix's
 * pom.xml compiles this file for the launcher jar only and leaves slf4j-api's out of it; the
 * library jar has none of it). It binds {@link LauncherLogProvider}, the tini-style lines on
 * standard error, directly.
 *
 * <p>Why: slf4j's discovery was a fifth of the launcher's start-up (issue 14). Its
 * initialisation sets up substitute loggers, a replay queue, an MDC and a NOP fallback, then
 * either scans the class path with a ServiceLoader (a stream pipeline, the JDK's module image
 * reader, a {@code jar:} URL connection) or, with {@code -Dslf4j.provider}, formats a notice with
 * String.format, whose regex spins method handles: measured, {@code java -jar launcher.jar -s --
 * true} 113 against 130 ms and 133 fewer classes loaded. The launcher jar is self-contained and
 * nothing in it needs another provider, so there is nothing to discover.
 *
 * <p>The same public methods as slf4j-api 2.0's, and its package-private {@code
 * getProvider()}, which slf4j's {@code MDC} and {@code MarkerFactory} call.
 */
public final class LoggerFactory {
  private static final SLF4JServiceProvider PROVIDER = provider();

  private LoggerFactory() {}

  private static SLF4JServiceProvider provider() {
    SLF4JServiceProvider p = new LauncherLogProvider();
    p.initialize();
    return p;
  }

  /** The logger named {@code name}. */
  public static Logger getLogger(String name) {
    return PROVIDER.getLoggerFactory().getLogger(name);
  }

  /** The logger named after {@code clazz}. */
  public static Logger getLogger(Class<?> clazz) {
    return getLogger(clazz.getName());
  }

  /** The launcher's logger factory. */
  public static ILoggerFactory getILoggerFactory() {
    return PROVIDER.getLoggerFactory();
  }

  static SLF4JServiceProvider getProvider() {
    return PROVIDER;
  }
}
