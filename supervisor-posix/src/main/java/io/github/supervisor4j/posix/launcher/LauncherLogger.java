package io.github.supervisor4j.posix.launcher;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * The launcher's slf4j logger: writes through {@link LauncherLog}. slf4j's ERROR is a line
 * labelled ERROR at the verbosity of fatal errors (always shown), WARN, INFO, DEBUG and TRACE
 * the verbosity levels of the same names. An exception appears as its one-line {@code
 * toString()}; its stack trace only at trace verbosity (4), so that a user never sees one for an
 * ordinary failure. Markers are ignored. Thread-safe.
 *
 * <p>It implements {@link Logger} itself rather than extending slf4j's {@code
 * LegacyAbstractLogger}: that base class, {@code AbstractLogger} and the provider's interfaces
 * are eight classes to load and verify before the launcher's child starts, about 2 ms of its
 * start-up on JDK 17 (issue 14). The launcher jar's {@code org.slf4j.LoggerFactory}
 * (src/launcher/java) hands these out through {@link #named} without making a provider at all.
 * Arguments mean what they mean to slf4j's base class (a trailing {@link Throwable} is the
 * exception); LauncherLoggerTest compares the two.
 */
public final class LauncherLogger implements Logger {
  private static final ConcurrentMap<String, LauncherLogger> made = new ConcurrentHashMap<>();

  private final String name;

  private LauncherLogger(String name) {
    this.name = name;
  }

  /**
   * The logger named {@code name}: the same one for every call with that name.
   *
   * @param name the logger's name, by slf4j's convention its class's
   * @return that logger
   */
  public static Logger named(String name) {
    LauncherLogger logger = made.get(name);
    if (logger == null) {
      LauncherLogger fresh = new LauncherLogger(name);
      logger = made.putIfAbsent(name, fresh);
      if (logger == null) logger = fresh;
    }
    return logger;
  }

  @Override
  public String getName() {
    return name;
  }

  /** Writes {@code format} with {@code args} (null: none) and {@code t} (null: none), if the verbosity allows it. */
  private static void log(int level, String label, String format, Object[] args, Throwable t) {
    if (!LauncherLog.enabled(level)) return;
    String message = args == null ? format : MessageFormatter.basicArrayFormat(format, args);
    LauncherLog.log(level, label, t == null ? message : message + ": " + t);
    if (t != null && LauncherLog.enabled(LauncherLog.TRACE)) t.printStackTrace();
  }

  private static void logPair(int level, String label, String format, Object a, Object b) {
    if (!LauncherLog.enabled(level)) return;
    if (b instanceof Throwable) {
      log(level, label, format, new Object[] {a}, (Throwable) b);
    } else {
      log(level, label, format, new Object[] {a, b}, null);
    }
  }

  private static void logAll(int level, String label, String format, Object[] args) {
    if (!LauncherLog.enabled(level)) return;
    int n = args == null ? 0 : args.length;
    if (n > 1 && args[n - 1] instanceof Throwable) {
      Object[] rest = new Object[n - 1];
      System.arraycopy(args, 0, rest, 0, n - 1);
      log(level, label, format, rest, (Throwable) args[n - 1]);
    } else {
      log(level, label, format, args == null ? new Object[0] : args, null);
    }
  }

  // ---- ERROR: the verbosity of fatal errors, so always written -------------------------------

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  public void error(String msg) {
    log(LauncherLog.FATAL, "ERROR", msg, null, null);
  }

  @Override
  public void error(String format, Object arg) {
    log(LauncherLog.FATAL, "ERROR", format, new Object[] {arg}, null);
  }

  @Override
  public void error(String format, Object arg1, Object arg2) {
    logPair(LauncherLog.FATAL, "ERROR", format, arg1, arg2);
  }

  @Override
  public void error(String format, Object... arguments) {
    logAll(LauncherLog.FATAL, "ERROR", format, arguments);
  }

  @Override
  public void error(String msg, Throwable t) {
    log(LauncherLog.FATAL, "ERROR", msg, null, t);
  }

  // ---- WARN -------------------------------------------------------------------------------

  @Override
  public boolean isWarnEnabled() {
    return LauncherLog.enabled(LauncherLog.WARN);
  }

  @Override
  public void warn(String msg) {
    log(LauncherLog.WARN, "WARN ", msg, null, null);
  }

  @Override
  public void warn(String format, Object arg) {
    log(LauncherLog.WARN, "WARN ", format, new Object[] {arg}, null);
  }

  @Override
  public void warn(String format, Object arg1, Object arg2) {
    logPair(LauncherLog.WARN, "WARN ", format, arg1, arg2);
  }

  @Override
  public void warn(String format, Object... arguments) {
    logAll(LauncherLog.WARN, "WARN ", format, arguments);
  }

  @Override
  public void warn(String msg, Throwable t) {
    log(LauncherLog.WARN, "WARN ", msg, null, t);
  }

  // ---- INFO -------------------------------------------------------------------------------

  @Override
  public boolean isInfoEnabled() {
    return LauncherLog.enabled(LauncherLog.INFO);
  }

  @Override
  public void info(String msg) {
    log(LauncherLog.INFO, "INFO ", msg, null, null);
  }

  @Override
  public void info(String format, Object arg) {
    log(LauncherLog.INFO, "INFO ", format, new Object[] {arg}, null);
  }

  @Override
  public void info(String format, Object arg1, Object arg2) {
    logPair(LauncherLog.INFO, "INFO ", format, arg1, arg2);
  }

  @Override
  public void info(String format, Object... arguments) {
    logAll(LauncherLog.INFO, "INFO ", format, arguments);
  }

  @Override
  public void info(String msg, Throwable t) {
    log(LauncherLog.INFO, "INFO ", msg, null, t);
  }

  // ---- DEBUG ------------------------------------------------------------------------------

  @Override
  public boolean isDebugEnabled() {
    return LauncherLog.enabled(LauncherLog.DEBUG);
  }

  @Override
  public void debug(String msg) {
    log(LauncherLog.DEBUG, "DEBUG", msg, null, null);
  }

  @Override
  public void debug(String format, Object arg) {
    log(LauncherLog.DEBUG, "DEBUG", format, new Object[] {arg}, null);
  }

  @Override
  public void debug(String format, Object arg1, Object arg2) {
    logPair(LauncherLog.DEBUG, "DEBUG", format, arg1, arg2);
  }

  @Override
  public void debug(String format, Object... arguments) {
    logAll(LauncherLog.DEBUG, "DEBUG", format, arguments);
  }

  @Override
  public void debug(String msg, Throwable t) {
    log(LauncherLog.DEBUG, "DEBUG", msg, null, t);
  }

  // ---- TRACE ------------------------------------------------------------------------------

  @Override
  public boolean isTraceEnabled() {
    return LauncherLog.enabled(LauncherLog.TRACE);
  }

  @Override
  public void trace(String msg) {
    log(LauncherLog.TRACE, "TRACE", msg, null, null);
  }

  @Override
  public void trace(String format, Object arg) {
    log(LauncherLog.TRACE, "TRACE", format, new Object[] {arg}, null);
  }

  @Override
  public void trace(String format, Object arg1, Object arg2) {
    logPair(LauncherLog.TRACE, "TRACE", format, arg1, arg2);
  }

  @Override
  public void trace(String format, Object... arguments) {
    logAll(LauncherLog.TRACE, "TRACE", format, arguments);
  }

  @Override
  public void trace(String msg, Throwable t) {
    log(LauncherLog.TRACE, "TRACE", msg, null, t);
  }

  // ---- the same with a marker, which changes nothing --------------------------------------

  @Override
  public boolean isErrorEnabled(Marker marker) {
    return isErrorEnabled();
  }

  @Override
  public void error(Marker marker, String msg) {
    error(msg);
  }

  @Override
  public void error(Marker marker, String format, Object arg) {
    error(format, arg);
  }

  @Override
  public void error(Marker marker, String format, Object arg1, Object arg2) {
    error(format, arg1, arg2);
  }

  @Override
  public void error(Marker marker, String format, Object... arguments) {
    error(format, arguments);
  }

  @Override
  public void error(Marker marker, String msg, Throwable t) {
    error(msg, t);
  }

  @Override
  public boolean isWarnEnabled(Marker marker) {
    return isWarnEnabled();
  }

  @Override
  public void warn(Marker marker, String msg) {
    warn(msg);
  }

  @Override
  public void warn(Marker marker, String format, Object arg) {
    warn(format, arg);
  }

  @Override
  public void warn(Marker marker, String format, Object arg1, Object arg2) {
    warn(format, arg1, arg2);
  }

  @Override
  public void warn(Marker marker, String format, Object... arguments) {
    warn(format, arguments);
  }

  @Override
  public void warn(Marker marker, String msg, Throwable t) {
    warn(msg, t);
  }

  @Override
  public boolean isInfoEnabled(Marker marker) {
    return isInfoEnabled();
  }

  @Override
  public void info(Marker marker, String msg) {
    info(msg);
  }

  @Override
  public void info(Marker marker, String format, Object arg) {
    info(format, arg);
  }

  @Override
  public void info(Marker marker, String format, Object arg1, Object arg2) {
    info(format, arg1, arg2);
  }

  @Override
  public void info(Marker marker, String format, Object... arguments) {
    info(format, arguments);
  }

  @Override
  public void info(Marker marker, String msg, Throwable t) {
    info(msg, t);
  }

  @Override
  public boolean isDebugEnabled(Marker marker) {
    return isDebugEnabled();
  }

  @Override
  public void debug(Marker marker, String msg) {
    debug(msg);
  }

  @Override
  public void debug(Marker marker, String format, Object arg) {
    debug(format, arg);
  }

  @Override
  public void debug(Marker marker, String format, Object arg1, Object arg2) {
    debug(format, arg1, arg2);
  }

  @Override
  public void debug(Marker marker, String format, Object... arguments) {
    debug(format, arguments);
  }

  @Override
  public void debug(Marker marker, String msg, Throwable t) {
    debug(msg, t);
  }

  @Override
  public boolean isTraceEnabled(Marker marker) {
    return isTraceEnabled();
  }

  @Override
  public void trace(Marker marker, String msg) {
    trace(msg);
  }

  @Override
  public void trace(Marker marker, String format, Object arg) {
    trace(format, arg);
  }

  @Override
  public void trace(Marker marker, String format, Object arg1, Object arg2) {
    trace(format, arg1, arg2);
  }

  @Override
  public void trace(Marker marker, String format, Object... arguments) {
    trace(format, arguments);
  }

  @Override
  public void trace(Marker marker, String msg, Throwable t) {
    trace(msg, t);
  }
}
