package io.github.supervisor4j.posix.launcher;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An slf4j logger that writes through {@link LauncherLog}. An exception appears as its
 * one-line {@code toString()}; its stack trace only at trace verbosity (4), so that a user
 * never sees one for an ordinary failure.
 */
final class LauncherLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  LauncherLogger(String name) {
    this.name = name;
  }

  @Override
  public boolean isTraceEnabled() {
    return LauncherLog.enabled(LauncherLog.TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return LauncherLog.enabled(LauncherLog.DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return LauncherLog.enabled(LauncherLog.INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return LauncherLog.enabled(LauncherLog.WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
    String message = MessageFormatter.basicArrayFormat(pattern, args);
    if (t != null) message = message + ": " + t;
    switch (level) {
      case ERROR: LauncherLog.log(LauncherLog.FATAL, "ERROR", message); break;
      case WARN: LauncherLog.warn(message); break;
      case INFO: LauncherLog.info(message); break;
      case DEBUG: LauncherLog.debug(message); break;
      default: LauncherLog.trace(message);
    }
    if (t != null && LauncherLog.enabled(LauncherLog.TRACE)) t.printStackTrace();
  }
}
