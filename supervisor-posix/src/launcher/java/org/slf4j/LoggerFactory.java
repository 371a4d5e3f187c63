package org.slf4j;

import io.github.supervisor4j.posix.launcher.LauncherLogProvider;
import io.github.supervisor4j.posix.launcher.LauncherLogger;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The launcher jar's {@code LoggerFactory}, in place of slf4j-api's own (supervisor-posix's
 * pom.xml compiles this file for the launcher jar only and leaves slf4j-api's out of it; the
 * library jar has none of it). Its loggers are {@link LauncherLogger}s, the tini-style lines on
 * standard error, made directly.
 *
 * <p>Why: slf4j's discovery was a fifth of the launcher's start-up (issue 14). Its
 * initialisation sets up substitute loggers, a replay queue, an MDC and a NOP fallback, then
 * either scans the class path with a ServiceLoader (a stream pipeline, the JDK's module image
 * reader, a {@code jar:} URL connection) or, with {@code -Dslf4j.provider}, formats a notice with
 * String.format, whose regex spins method handles: measured, {@code java -jar launcher.jar -s --
 * true} 113 against 130 ms and 133 fewer classes loaded. The launcher jar is self-contained and
 * nothing in it needs another provider, so there is nothing to discover. Not even the provider
 * is made until slf4j's {@code MDC} or {@code MarkerFactory} asks for it through {@link
 * #getProvider()}: its interfaces are classes to load before the child starts.
 *
 * <p>The same public methods as slf4j-api 2.0's, and its package-private {@code
 * getProvider()}, which slf4j's {@code MDC} and {@code MarkerFactory} call.
 */
public final class LoggerFactory {
  private LoggerFactory() {}

  /** The logger named {@code name}. */
  public static Logger getLogger(String name) {
    return LauncherLogger.named(name);
  }

  /** The logger named after {@code clazz}. */
  public static Logger getLogger(Class<?> clazz) {
    return getLogger(clazz.getName());
  }

  /** The launcher's logger factory. */
  public static ILoggerFactory getILoggerFactory() {
    return getProvider().getLoggerFactory();
  }

  static SLF4JServiceProvider getProvider() {
    return LauncherLogProvider.instance();
  }
}
