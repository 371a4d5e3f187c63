package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardEvent.Outcome;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SystemCallException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What became of one received signal passed to one target, on every path: the C handler's
 * (only reported here), the forwarder's Java path and the in-app init's. One log line per
 * outcome, as tini's: ESRCH is a warning ("child 1234 exited before SIGTERM could be
 * forwarded"), any other failure an error with the errno.
 */
final class Forwarding {
  private static final Logger log = LoggerFactory.getLogger(Forwarding.class);

  private Forwarding() {}

  /**
   * Sends {@code sent} to {@code to} with kill(2) from Java and reports the outcome.
   *
   * @param receivedAt {@link System#nanoTime()} when our handler saw {@code received}, for the
   *     latency of the JFR event
   */
  static Outcome send(Signal received, Signal sent, ForwardTarget to, long receivedAt) {
    int errno;
    try {
      errno = Os.kill(Os.killArgument(to), sent) ? 0 : Os.ESRCH;
    } catch (SystemCallException e) {
      errno = e.errno();
    }
    return report(received, Optional.of(sent), to, errno, System.nanoTime() - receivedAt, false);
  }

  /**
   * Logs what became of {@code received}: dropped ({@code sent} empty), forwarded ({@code errno}
   * 0), target gone (ESRCH) or failed; and records it as a JFR event ({@link #record}).
   *
   * @param latencyNanos from our handler seeing the signal to kill(2) returning
   * @param inHandler true if libs4jsig's C handler called kill(2), false if Java did
   */
  static Outcome report(Signal received, Optional<Signal> sent, ForwardTarget to, int errno, long latencyNanos, boolean inHandler) {
    Outcome outcome = outcome(received, sent, to, errno);
    record(received, sent, Optional.of(to), outcome, latencyNanos, inHandler);
    return outcome;
  }

  private static Outcome outcome(Signal received, Optional<Signal> sent, ForwardTarget to, int errno) {
    if (sent.isEmpty()) {
      log.debug("{} dropped, not forwarded to {}", received, to);
      return Outcome.DROPPED;
    }
    Signal s = sent.get();
    if (errno == 0) {
      if (log.isDebugEnabled()) log.debug("forwarded {} to {}{}", s, to, s == received ? "" : " (rewritten from " + received + ")");
      return Outcome.FORWARDED;
    }
    if (errno == Os.ESRCH) {
      log.warn("{} exited before {} could be forwarded", to, s);
      return Outcome.TARGET_GONE;
    }
    log.error("forwarding {} to {}: kill({}, {}) failed: {}", s, to, Os.killArgument(to), s, Os.describe(errno));
    return Outcome.FAILED;
  }

  /** The {@code io.github.supervisor4j.SignalForward} JFR event, if a recording wants it. */
  static void record(Signal received, Optional<Signal> sent, Optional<ForwardTarget> to, Outcome outcome, long latencyNanos,
      boolean inHandler) {
    if (Flight.recording() && SignalForwardEvent.enabled()) {
      SignalForwardEvent.commit(received.name(), sent.isPresent() ? sent.get().name() : "", to.isPresent() ? to.get().toString() : "",
          outcome.name(), latencyNanos, inHandler);
    }
  }
}
