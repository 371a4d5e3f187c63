package io.github.supervisor4j;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How to shut a process tree down: how long the main child gets after the shutdown signal
 * (the grace), how long the rest get between SIGTERM and SIGKILL, what to do when the main
 * child exits first, and how long to hold a SIGTERM before passing it on. Immutable; each
 * {@code with} method returns a copy.
 *
 * <p>Defaults keep tini's behaviour: no grace (wait for the main child as long as it takes,
 * signal nobody else), {@code killAfter} 2 s, {@link OnChildExit#EXIT}, no pre-stop delay.
 *
 * <p>The launcher's options map one to one: {@code --grace}, {@code --kill-after}, {@code
 * --on-child-exit}, {@code --pre-stop-delay}; {@link #withOption} parses them and fails with a
 * one-line message such as {@code --grace: not a duration: abc (use 500ms, 10s or 1m)}.
 */
public final class ShutdownConfig {
  /** The launcher option for {@link #withGrace}. */
  public static final String GRACE = "--grace";
  /** The launcher option for {@link #withKillAfter}. */
  public static final String KILL_AFTER = "--kill-after";
  /** The launcher option for {@link #withOnChildExit}. */
  public static final String ON_CHILD_EXIT = "--on-child-exit";
  /** The launcher option for {@link #withPreStopDelay}. */
  public static final String PRE_STOP_DELAY = "--pre-stop-delay";

  private static final Duration DEFAULT_KILL_AFTER = Duration.ofSeconds(2);

  private final Duration grace; // null: none
  private final Duration killAfter;
  private final OnChildExit onChildExit;
  private final Duration preStopDelay;

  /** What to do when the main child exits while other descendants still live. */
  public enum OnChildExit {
    /** Exit at once with the child's status, as tini does. */
    EXIT,
    /** Wait until every descendant has exited, then exit with the child's status. */
    WAIT,
    /** SIGTERM every remaining descendant, SIGKILL after {@code killAfter}, then exit. */
    TERMINATE;

    /**
     * Parses {@code exit}, {@code wait} or {@code terminate}, in any case.
     *
     * @param option the option being parsed, for the message
     * @param text the option's value
     * @return the value
     * @throws IllegalArgumentException with a one-line message naming the option and the text
     */
    public static OnChildExit parse(String option, String text) {
      String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
      for (OnChildExit v : values()) {
        if (v.name().equals(t)) return v;
      }
      throw new IllegalArgumentException(option + ": expected exit, wait or terminate: " + text);
    }

    /** {@return the option's word for this value: {@code exit}, {@code wait} or {@code terminate}} */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private ShutdownConfig(Duration grace, Duration killAfter, OnChildExit onChildExit, Duration preStopDelay) {
    this.grace = grace;
    this.killAfter = killAfter;
    this.onChildExit = onChildExit;
    this.preStopDelay = preStopDelay;
  }

  /** {@return the defaults described above: tini's behaviour} */
  public static ShutdownConfig defaults() {
    return new ShutdownConfig(null, DEFAULT_KILL_AFTER, OnChildExit.EXIT, Duration.ZERO);
  }

  /**
   * On SIGTERM or SIGINT, waits at most {@code grace} for the main child before the rest of the
   * tree is terminated.
   *
   * @param grace the main child's time to exit; by default it has all the time it needs
   * @return a copy with that grace
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public ShutdownConfig withGrace(Duration grace) {
    return new ShutdownConfig(checkNotNegative("grace", grace), killAfter, onChildExit, preStopDelay);
  }

  /**
   * Time between SIGTERM and SIGKILL for the descendants that remain.
   *
   * @param killAfter the time; the default is 2 s
   * @return a copy with that time
   * @throws IllegalArgumentException if {@code killAfter} is negative
   */
  public ShutdownConfig withKillAfter(Duration killAfter) {
    return new ShutdownConfig(grace, checkNotNegative("killAfter", killAfter), onChildExit, preStopDelay);
  }

  /**
   * What to do when the main child exits while other descendants still live.
   *
   * @param onChildExit the choice; the default is {@link OnChildExit#EXIT}
   * @return a copy with that choice
   */
  public ShutdownConfig withOnChildExit(OnChildExit onChildExit) {
    return new ShutdownConfig(grace, killAfter, Objects.requireNonNull(onChildExit, "onChildExit == null"), preStopDelay);
  }

  /**
   * Holds a received SIGTERM this long before forwarding it (SIGINT is never held), so that
   * for instance Kubernetes can take the pod out of its endpoints first.
   *
   * @param delay the time to hold it; the default is none
   * @return a copy with that delay
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public ShutdownConfig withPreStopDelay(Duration delay) {
    return new ShutdownConfig(grace, killAfter, onChildExit, checkNotNegative("preStopDelay", delay));
  }

  /**
   * Whether {@link #withOption} takes {@code option}.
   *
   * @param option a launcher option, such as {@code --grace}
   * @return true if it is one of {@link #GRACE}, {@link #KILL_AFTER}, {@link #ON_CHILD_EXIT}, {@link #PRE_STOP_DELAY}
   */
  public static boolean isOption(String option) {
    return GRACE.equals(option) || KILL_AFTER.equals(option) || ON_CHILD_EXIT.equals(option) || PRE_STOP_DELAY.equals(option);
  }

  /**
   * This config with one launcher option applied, e.g. {@code withOption("--grace", "10s")}.
   *
   * @param option one of the launcher options above
   * @param value its value, as written on the command line
   * @return a copy with the option applied
   * @throws IllegalArgumentException with a one-line message naming the option and the value
   */
  public ShutdownConfig withOption(String option, String value) {
    switch (Objects.requireNonNull(option, "option == null")) {
      case GRACE: return withGrace(parseDuration(option, value));
      case KILL_AFTER: return withKillAfter(parseDuration(option, value));
      case ON_CHILD_EXIT: return withOnChildExit(OnChildExit.parse(option, value));
      case PRE_STOP_DELAY: return withPreStopDelay(parseDuration(option, value));
      default: throw new IllegalArgumentException("not a shutdown option: " + option);
    }
  }

  /**
   * Parses a duration as the launcher takes it: a whole number with the unit {@code ms},
   * {@code s}, {@code m} or {@code h} ({@code 500ms}, {@code 10s}, {@code 1m}); a bare {@code 0}
   * needs no unit.
   *
   * @param option the option being parsed, for the message
   * @param text the duration as written
   * @return the duration
   * @throws IllegalArgumentException with a one-line message: {@code --grace: not a duration:
   *     abc (use 500ms, 10s or 1m)} or {@code --grace: must not be negative: -1}
   */
  public static Duration parseDuration(String option, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("-") && t.length() > 1 && Character.isDigit(t.charAt(1))) {
      throw new IllegalArgumentException(option + ": must not be negative: " + text);
    }
    int digits = 0;
    while (digits < t.length() && Character.isDigit(t.charAt(digits))) digits++;
    String unit = t.substring(digits);
    if (digits == 0 || (unit.isEmpty() && !t.chars().allMatch(c -> c == '0'))) {
      throw new IllegalArgumentException(option + ": not a duration: " + text + " (use 500ms, 10s or 1m)");
    }
    long amount;
    try {
      amount = Long.parseLong(t.substring(0, digits));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": too long: " + text);
    }
    try {
      switch (unit) {
        case "":
        case "ms": return Duration.ofMillis(amount);
        case "s": return Duration.ofSeconds(amount);
        case "m": return Duration.ofSeconds(Math.multiplyExact(amount, 60));
        case "h": return Duration.ofSeconds(Math.multiplyExact(amount, 3600));
        default: throw new IllegalArgumentException(option + ": not a duration: " + text + " (use 500ms, 10s or 1m)");
      }
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(option + ": too long: " + text);
    }
  }

  /**
   * A duration the way the options write it: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1500ms}.
   *
   * @param d the duration, whole milliseconds
   * @return the text, which {@link #parseDuration} reads back
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) return "0s";
    if (ms % 60_000 == 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }

  /** {@return the grace after a SIGTERM or SIGINT, or empty to wait for the main child as long as it takes} */
  public Optional<Duration> grace() {
    return Optional.ofNullable(grace);
  }

  /** {@return the time between SIGTERM and SIGKILL for the descendants that remain} */
  public Duration killAfter() {
    return killAfter;
  }

  /** {@return what to do when the main child exits first} */
  public OnChildExit onChildExit() {
    return onChildExit;
  }

  /** {@return how long a SIGTERM is held before it is passed on} */
  public Duration preStopDelay() {
    return preStopDelay;
  }

  /**
   * Whether SIGTERM and SIGINT must be handled by the shutdown sequence instead of being
   * forwarded straight away.
   *
   * @return true if some option differs from tini's default
   */
  public boolean interceptsShutdownSignals() {
    return grace != null || !preStopDelay.isZero() || onChildExit != OnChildExit.EXIT;
  }

  private static Duration checkNotNegative(String name, Duration d) {
    Objects.requireNonNull(d, name + " == null");
    if (d.isNegative()) throw new IllegalArgumentException(name + " < 0: " + d);
    return d;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ShutdownConfig)) return false;
    ShutdownConfig that = (ShutdownConfig) o;
    return Objects.equals(grace, that.grace) && killAfter.equals(that.killAfter) && onChildExit == that.onChildExit
        && preStopDelay.equals(that.preStopDelay);
  }

  @Override
  public int hashCode() {
    return Objects.hash(grace, killAfter, onChildExit, preStopDelay);
  }

  @Override
  public String toString() {
    return GRACE + " " + (grace == null ? "none" : format(grace)) + " " + KILL_AFTER + " " + format(killAfter) + " "
        + ON_CHILD_EXIT + " " + onChildExit.word() + " " + PRE_STOP_DELAY + " " + format(preStopDelay);
  }
}
