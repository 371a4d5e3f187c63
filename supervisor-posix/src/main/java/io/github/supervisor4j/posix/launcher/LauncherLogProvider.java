package io.github.supervisor4j.posix.launcher;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The slf4j provider of the launcher: tini-style lines on standard error ({@link
 * LauncherLogger}); it is its own logger factory.
 *
 * <p>Public because slf4j instantiates it by name. It is deliberately not listed in
 * META-INF/services, so that an application that has supervisor-posix on its class path keeps
 * its own slf4j binding. The launcher run from a class path selects it with the {@code
 * slf4j.provider} system property (slf4j 2.0.9 and later) before the first logger is made. In
 * the launcher jar, its own org.slf4j.LoggerFactory (src/launcher/java) makes loggers without
 * it, and asks {@link #instance} only for what slf4j's {@code MDC} and {@code MarkerFactory}
 * need, which none of our code uses.
 */
public final class LauncherLogProvider implements SLF4JServiceProvider, ILoggerFactory {
  private static LauncherLogProvider instance;

  // Made at the first call, for the reason above. Guarded by this.
  private IMarkerFactory markers;
  private MDCAdapter mdc;

  /** The provider of the launcher jar's org.slf4j.LoggerFactory, made at the first call. */
  public static synchronized SLF4JServiceProvider instance() {
    if (instance == null) instance = new LauncherLogProvider();
    return instance;
  }

  @Override
  public Logger getLogger(String name) {
    return LauncherLogger.named(name);
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return this;
  }

  @Override
  public synchronized IMarkerFactory getMarkerFactory() {
    if (markers == null) markers = new BasicMarkerFactory();
    return markers;
  }

  @Override
  public synchronized MDCAdapter getMDCAdapter() {
    if (mdc == null) mdc = new NOPMDCAdapter();
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}
}
