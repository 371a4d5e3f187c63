package io.github.supervisor4j.posix.launcher;

import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.ShutdownConfig.OnChildExit;
import java.time.Duration;
import java.util.Locale;

/**
 * The command-line grammar of the graceful-shutdown options, {@code --grace}, {@code
 * --kill-after}, {@code --on-child-exit} and {@code --pre-stop-delay}: each sets one value of a
 * {@link ShutdownConfig}. Every bad value is one line that names the option and the text, such
 * as {@code --grace: not a duration: abc (use 500ms, 10s or 1m)}.
 */
final class ShutdownOptions {
  static final String GRACE = "--grace";
  static final String KILL_AFTER = "--kill-after";
  static final String ON_CHILD_EXIT = "--on-child-exit";
  static final String PRE_STOP_DELAY = "--pre-stop-delay";

  private ShutdownOptions() {}

  /** True if {@code option} is one of the four. */
  static boolean isOption(String option) {
    return GRACE.equals(option) || KILL_AFTER.equals(option) || ON_CHILD_EXIT.equals(option) || PRE_STOP_DELAY.equals(option);
  }

  /**
   * {@code config} with one option applied, e.g. {@code apply(config, "--grace", "10s")}.
   *
   * @throws IllegalArgumentException with a one-line message naming the option and the value
   */
  static ShutdownConfig apply(ShutdownConfig config, String option, String value) {
    switch (option) {
      case GRACE: return config.withGrace(parseDuration(option, value));
      case KILL_AFTER: return config.withKillAfter(parseDuration(option, value));
      case ON_CHILD_EXIT: return config.withOnChildExit(parseOnChildExit(option, value));
      case PRE_STOP_DELAY: return config.withPreStopDelay(parseDuration(option, value));
      default: throw new IllegalArgumentException("not a shutdown option: " + option);
    }
  }

  /**
   * {@code exit}, {@code wait} or {@code terminate}, in any case.
   *
   * @throws IllegalArgumentException with a one-line message naming the option and the text
   */
  static OnChildExit parseOnChildExit(String option, String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    for (OnChildExit v : OnChildExit.values()) {
      if (v.name().equals(t)) return v;
    }
    throw new IllegalArgumentException(option + ": expected exit, wait or terminate: " + text);
  }

  /**
   * A whole number with the unit {@code ms}, {@code s}, {@code m} or {@code h} ({@code 500ms},
   * {@code 10s}, {@code 1m}); a bare {@code 0} needs no unit.
   *
   * @throws IllegalArgumentException with a one-line message: {@code --grace: not a duration:
   *     abc (use 500ms, 10s or 1m)} or {@code --grace: must not be negative: -1}
   */
  static Duration parseDuration(String option, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("-") && t.length() > 1 && Character.isDigit(t.charAt(1))) {
      throw new IllegalArgumentException(option + ": must not be negative: " + text);
    }
    int digits = 0;
    while (digits < t.length() && Character.isDigit(t.charAt(digits))) digits++;
    String unit = t.substring(digits);
    if (digits == 0 || (unit.isEmpty() && !allZeros(t))) {
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

  /** A plain loop, not a stream: each lambda costs start-up time (docs/launcher.md). */
  private static boolean allZeros(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != '0') return false;
    }
    return true;
  }
}
