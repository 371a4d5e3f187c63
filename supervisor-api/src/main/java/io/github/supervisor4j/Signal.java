package io.github.supervisor4j;

import java.util.Locale;

/**
 * The standard Linux signals 1 to 31, by name and number.
 *
 * <p>x86_64 and aarch64 share these numbers (aarch64 uses the asm-generic table, which
 * matches x86 for 1 to 31). This is our own table on purpose: jnr-constants resolves 6 to
 * SIGIOT and 31 to SIGUNUSED, aliases that nobody writes in a log. Real-time signals
 * (SIGRTMIN and above) have no constant; {@link #nameOf(int)} still names them.
 *
 * <p>Immutable and thread-safe.
 */
public enum Signal {
  /** Hangup: the terminal or the controlling process went away; daemons reload on it. */
  SIGHUP(1),
  /** Interrupt from the keyboard (Ctrl-C). */
  SIGINT(2),
  /** Quit from the keyboard (Ctrl-\); HotSpot's thread dump. */
  SIGQUIT(3),
  /** Illegal instruction. */
  SIGILL(4),
  /** Trace or breakpoint trap. */
  SIGTRAP(5),
  /** Abort, from abort(3); SIGIOT is its alias. */
  SIGABRT(6),
  /** Bus error: a bad memory access. */
  SIGBUS(7),
  /** Arithmetic exception. */
  SIGFPE(8),
  /** Kill: cannot be caught or ignored. */
  SIGKILL(9),
  /** User-defined signal 1. */
  SIGUSR1(10),
  /** Invalid memory reference. */
  SIGSEGV(11),
  /** User-defined signal 2; HotSpot's thread suspend and resume. */
  SIGUSR2(12),
  /** Write to a pipe with no reader. */
  SIGPIPE(13),
  /** Timer signal, from alarm(2). */
  SIGALRM(14),
  /** Termination: the polite stop that container engines send first. */
  SIGTERM(15),
  /** Stack fault on a coprocessor (unused). */
  SIGSTKFLT(16),
  /** A child stopped or ended. */
  SIGCHLD(17),
  /** Continue if stopped. */
  SIGCONT(18),
  /** Stop: cannot be caught or ignored. */
  SIGSTOP(19),
  /** Stop from the terminal (Ctrl-Z). */
  SIGTSTP(20),
  /** Terminal input for a background process. */
  SIGTTIN(21),
  /** Terminal output for a background process. */
  SIGTTOU(22),
  /** Urgent condition on a socket. */
  SIGURG(23),
  /** CPU time limit exceeded. */
  SIGXCPU(24),
  /** File size limit exceeded. */
  SIGXFSZ(25),
  /** Virtual alarm clock. */
  SIGVTALRM(26),
  /** Profiling timer expired. */
  SIGPROF(27),
  /** The terminal's window size changed. */
  SIGWINCH(28),
  /** I/O now possible; SIGPOLL is its alias. */
  SIGIO(29),
  /** Power failure. */
  SIGPWR(30),
  /** Bad system call. */
  SIGSYS(31);

  /** glibc's SIGRTMIN as seen by applications (the C library reserves 32 and 33). */
  public static final int SIGRTMIN = 34;
  /** The highest signal number on Linux x86_64 and aarch64. */
  public static final int SIGRTMAX = 64;

  private static final Signal[] BY_NUMBER = new Signal[32];

  static {
    for (Signal s : values()) {
      BY_NUMBER[s.number] = s;
    }
  }

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  /** {@return the kernel's number for this signal} */
  public int number() {
    return number;
  }

  /** {@return the name without the {@code SIG} prefix, as {@code sun.misc.Signal} wants it: {@code TERM}} */
  public String shortName() {
    return name().substring(3);
  }

  /**
   * The signal with this number.
   *
   * @param number the kernel's number
   * @return the signal
   * @throws IllegalArgumentException if {@code number} is not 1 to 31
   */
  public static Signal of(int number) {
    if (number < 1 || number > 31) {
      throw new IllegalArgumentException("not a standard signal number (1..31): " + number);
    }
    return BY_NUMBER[number];
  }

  /**
   * Parses {@code SIGTERM}, {@code TERM}, {@code term} or {@code 15}.
   *
   * @param text a name, with or without {@code SIG}, in any case, or a number
   * @return the signal
   * @throws IllegalArgumentException naming the text when it is no standard signal
   */
  public static Signal parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty signal name");
    }
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
      try {
        return of(Integer.parseInt(t));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a standard signal number (1..31): " + text);
      }
    }
    String full = t.startsWith("SIG") ? t : "SIG" + t;
    if (full.equals("SIGIOT")) {
      return SIGABRT;
    }
    if (full.equals("SIGPOLL")) {
      return SIGIO;
    }
    for (Signal s : values()) {
      if (s.name().equals(full)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown signal name: " + text);
  }

  /**
   * A readable name for any signal number: {@code SIGTERM}, {@code SIGRTMIN+2}, {@code signal 99}.
   *
   * @param number any number
   * @return the name, for a log line or a message
   */
  public static String nameOf(int number) {
    if (number >= 1 && number <= 31) {
      return BY_NUMBER[number].name();
    }
    if (number >= SIGRTMIN && number <= SIGRTMAX) {
      return number == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + (number - SIGRTMIN);
    }
    return "signal " + number;
  }
}
