package io.github.supervisor4j.posix.log;

import java.io.PrintStream;

/**
 * The launcher's log lines, formatted as tini formats its own: {@code [WARN  supervisor4j
 * (1234)] message}, on standard error, filtered by tini's verbosity levels.
 *
 * <p>Verbosity: 0 fatal errors only, 1 (the default) warnings and errors, 2 info, 3 debug, 4
 * trace. Thread-safe: each line is written with one {@code print} call.
 */
public final class LauncherLog {
  public static final int FATAL = 0;
  public static final int WARN = 1;
  public static final int INFO = 2;
  public static final int DEBUG = 3;
  public static final int TRACE = 4;

  private static volatile int verbosity = WARN;
  private static final String PREFIX_END = " supervisor4j (" + pid() + ")] ";
  private static final PrintStream out = System.err;

  private LauncherLog() {}

  /**
   * This process's pid from /proc/self, which costs nothing; ProcessHandle.current() would
   * initialise the JDK's process-reaper machinery (about 30 classes) on the launcher's
   * start-up path.
   */
  private static String pid() {
    try {
      String name = new java.io.File("/proc/self").getCanonicalFile().getName();
      if (!name.isEmpty() && Character.isDigit(name.charAt(0))) return name;
    } catch (java.io.IOException | SecurityException e) {
      // fall through
    }
    return Long.toString(ProcessHandle.current().pid());
  }

  /** Sets the verbosity, 0 to 4; higher values mean trace. */
  public static void setVerbosity(int level) {
    verbosity = Math.max(0, level);
  }

  public static int verbosity() {
    return verbosity;
  }

  public static boolean enabled(int level) {
    return level <= verbosity;
  }

  /** Writes one line at {@code level} (FATAL, WARN, INFO, DEBUG, TRACE) if the verbosity allows it. */
  public static void log(int level, String label, String message) {
    if (!enabled(level)) return;
    out.print("[" + label + PREFIX_END + message + System.lineSeparator());
    out.flush();
  }

  public static void fatal(String message) {
    log(FATAL, "FATAL", message);
  }

  public static void warn(String message) {
    log(WARN, "WARN ", message);
  }

  public static void info(String message) {
    log(INFO, "INFO ", message);
  }

  public static void debug(String message) {
    log(DEBUG, "DEBUG", message);
  }

  public static void trace(String message) {
    log(TRACE, "TRACE", message);
  }
}
