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
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
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
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}
}
