package io.github.supervisor4j.posix.launcher;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * For {@link LauncherLoggerTest}: makes the same slf4j calls on a {@link LauncherLogger} (lines
 * on standard error) and on {@link Reference}, slf4j's own base class, which prints the message
 * it would log, label first, on standard output. Argument: the verbosity, 0 to 4.
 */
public final class LauncherLoggerFixture {
  private LauncherLoggerFixture() {}

  public static void main(String[] args) {
    LauncherLog.setVerbosity(Integer.parseInt(args[0]));
    Logger ours = LauncherLogger.named("fixture");
    for (Logger logger : List.of(ours, new Reference())) calls(logger);
    System.out.println("one logger per name: " + (LauncherLogger.named("fixture") == ours));
  }

  private static void calls(Logger l) {
    Marker m = new BasicMarkerFactory().getMarker("m");
    RuntimeException boom = new IllegalStateException("boom");
    l.error("error plain");
    l.error("error one {}", "a");
    l.error("error one {}", boom);
    l.error("error two {} {}", "a", "b");
    l.error("error two {} {}", "a", boom);
    l.error("error all {} {} {}", "a", "b", "c");
    l.error("error all {} {} {}", "a", "b", "c", boom);
    l.error("error thrown", boom);
    l.error(m, "error marker {}", "a", boom);
    l.warn("warn plain");
    l.warn("warn one {}", "a");
    l.warn("warn two {} {}", "a", boom);
    l.warn("warn all {} {} {}", "a", "b", boom);
    l.warn("warn thrown", boom);
    l.warn(m, "warn marker {} {}", "a", "b");
    l.info("info plain");
    l.info("info two {} {}", "a", "b");
    l.info("info all {} {} {}", "a", "b", "c", boom);
    l.info(m, "info thrown", boom);
    l.debug("debug one {}", "a");
    l.debug("debug two {} {}", "a", boom);
    l.debug(m, "debug all {} {} {}", "a", "b", "c");
    l.trace("trace plain");
    l.trace("trace two {} {}", "a", "b");
    l.trace("trace thrown", boom);
  }

  /** slf4j's own handling of the arguments (which is the exception, what is formatted). */
  private static final class Reference extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    @Override public boolean isTraceEnabled() { return LauncherLog.enabled(LauncherLog.TRACE); }
    @Override public boolean isDebugEnabled() { return LauncherLog.enabled(LauncherLog.DEBUG); }
    @Override public boolean isInfoEnabled() { return LauncherLog.enabled(LauncherLog.INFO); }
    @Override public boolean isWarnEnabled() { return LauncherLog.enabled(LauncherLog.WARN); }
    @Override public boolean isErrorEnabled() { return true; }
    @Override protected String getFullyQualifiedCallerName() { return null; }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
      String message = MessageFormatter.basicArrayFormat(pattern, args);
      System.out.println(level + " " + (t == null ? message : message + ": " + t));
    }
  }
}
