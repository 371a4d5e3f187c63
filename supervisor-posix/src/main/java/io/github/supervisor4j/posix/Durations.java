package io.github.supervisor4j.posix;

import java.time.Duration;

/** Durations as log lines say them. */
final class Durations {
  private Durations() {}

  /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1500ms}: the way the launcher's options write them. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) return "0s";
    if (ms % 60_000 == 0) return ms / 60_000 + "m";
    if (ms % 1000 == 0) return ms / 1000 + "s";
    return ms + "ms";
  }
}
