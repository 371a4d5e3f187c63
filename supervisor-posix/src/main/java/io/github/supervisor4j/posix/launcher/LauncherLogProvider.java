package io.github.supervisor4j.posix.launcher;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The slf4j provider of the launcher jar: tini-style lines on standard error.
 *
 * <p>Public because slf4j instantiates it by name. It is deliberately not listed in
 * META-INF/services, so that an application that has supervisor-posix on its class path keeps
 * its own slf4j binding. In the launcher jar, its own org.slf4j.LoggerFactory
 * (src/launcher/java) binds it directly, with no discovery at all; the launcher run from a class
 * path selects it with the {@code slf4j.provider} system property (slf4j 2.0.9 and later)
 * before the first logger is made.
 */
public final class LauncherLogProvider implements SLF4JServiceProvider {
  // Made at the first call: none of our code uses markers or the MDC, and their classes would
  // be loaded and verified on the launcher's way to the child (issue 14). Guarded by this.
  private IMarkerFactory markers;
  private MDCAdapter mdc;
  private final ILoggerFactory loggers = new ILoggerFactory() {
    private final ConcurrentMap<String, Logger> made = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
      Logger logger = made.get(name);
      if (logger == null) {
        Logger fresh = new LauncherLogger(name);
        logger = made.putIfAbsent(name, fresh);
        if (logger == null) logger = fresh;
      }
      return logger;
    }
  };

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
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
