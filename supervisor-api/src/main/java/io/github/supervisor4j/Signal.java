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
  SIGHUP(1), SIGINT(2), SIGQUIT(3), SIGILL(4), SIGTRAP(5), SIGABRT(6), SIGBUS(7), SIGFPE(8),
  SIGKILL(9), SIGUSR1(10), SIGSEGV(11), SIGUSR2(12), SIGPIPE(13), SIGALRM(14), SIGTERM(15),
  SIGSTKFLT(16), SIGCHLD(17), SIGCONT(18), SIGSTOP(19), SIGTSTP(20), SIGTTIN(21), SIGTTOU(22),
  SIGURG(23), SIGXCPU(24), SIGXFSZ(25), SIGVTALRM(26), SIGPROF(27), SIGWINCH(28), SIGIO(29),
  SIGPWR(30), SIGSYS(31);

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

  /** The kernel's number for this signal. */
  public int number() {
    return number;
  }

  /** The name without the {@code SIG} prefix, as {@code sun.misc.Signal} wants it: {@code TERM}. */
  public String shortName() {
    return name().substring(3);
  }

  /**
   * The signal with this number.
   *
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

  /** A readable name for any signal number: {@code SIGTERM}, {@code SIGRTMIN+2}, {@code signal 99}. */
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
