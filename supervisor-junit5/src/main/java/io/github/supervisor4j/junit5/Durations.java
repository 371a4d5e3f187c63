package io.github.supervisor4j.junit5;

import java.time.Duration;
import java.util.Locale;

/** The duration grammar of the options ({@code 500ms}, {@code 2s}, {@code 1m}), and how messages write durations. */
final class Durations {
  private Durations() {}

  /**
   * {@code 500ms}, {@code 2s}, {@code 1m}, or a bare number of milliseconds.
   *
   * @throws IllegalArgumentException one line naming {@code what} and the text
   */
  static Duration parse(String what, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) return nonNegative(what, text, Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim())));
      if (t.endsWith("s")) return nonNegative(what, text, Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000)));
      if (t.endsWith("m")) return nonNegative(what, text, Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()) * 60));
      return nonNegative(what, text, Duration.ofMillis(Long.parseLong(t)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": not a duration: " + text + " (use 500ms, 2s or 1m)");
    }
  }

  private static Duration nonNegative(String what, String text, Duration d) {
    if (d.isNegative()) throw new IllegalArgumentException(what + ": negative duration: " + text);
    return d;
  }

  /** {@code 1.25 s}, {@code 40 ms}, {@code 3 min 5 s}: for a human reading a failure. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) return ms + " ms";
    if (ms < 60_000) return String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
    return (ms / 60_000) + " min " + (ms % 60_000) / 1000 + " s";
  }
}
