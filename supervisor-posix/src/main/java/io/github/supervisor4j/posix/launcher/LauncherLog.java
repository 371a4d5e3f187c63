package io.github.supervisor4j.posix.launcher;

import java.io.PrintStream;

/**
 * The launcher's log lines, formatted as tini formats its own: {@code [WARN  supervisor4j
 * (1234)] message}, on standard error, filtered by tini's verbosity levels.
 *
 * <p>Verbosity: 0 fatal errors only, 1 (the default) warnings and errors, 2 info, 3 debug, 4
 * trace. Thread-safe: each line is written with one {@code print} call.
 */
final class LauncherLog {
  static final int FATAL = 0;
  static final int WARN = 1;
  static final int INFO = 2;
  static final int DEBUG = 3;
  static final int TRACE = 4;

  private static volatile int verbosity = WARN;
  private static volatile String prefixEnd;
  private static final PrintStream out = System.err;

  private LauncherLog() {}

  /**
   * {@code " supervisor4j (1234)] "}, made at the first line: ProcessHandle.current()
   * initialises about 30 JDK classes, which a launcher that logs nothing (the default
   * verbosity) never pays for. Not our native getpid: the first line may be the one that says
   * the native library failed to load.
   */
  private static String prefixEnd() {
    String p = prefixEnd;
    if (p == null) prefixEnd = p = " supervisor4j (" + ProcessHandle.current().pid() + ")] ";
    return p;
  }

  /** Sets the verbosity, 0 to 4; higher values mean trace. */
  static void setVerbosity(int level) {
    verbosity = Math.max(0, level);
  }

  static int verbosity() {
    return verbosity;
  }

  static boolean enabled(int level) {
    return level <= verbosity;
  }

  /** Writes one line at {@code level} (FATAL, WARN, INFO, DEBUG, TRACE) if the verbosity allows it. */
  static void log(int level, String label, String message) {
    if (!enabled(level)) return;
    out.print("[" + label + prefixEnd() + message + System.lineSeparator());
    out.flush();
  }

  static void fatal(String message) {
    log(FATAL, "FATAL", message);
  }

  static void warn(String message) {
    log(WARN, "WARN ", message);
  }

  static void info(String message) {
    log(INFO, "INFO ", message);
  }

  static void debug(String message) {
    log(DEBUG, "DEBUG", message);
  }

  static void trace(String message) {
    log(TRACE, "TRACE", message);
  }
}
