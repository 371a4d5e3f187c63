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

  /** Sends {@code sent} to {@code to} with kill(2) and reports the outcome. */
  static Outcome send(Signal received, Signal sent, ForwardTarget to) {
    int errno;
    try {
      errno = Os.kill(Os.killArgument(to), sent) ? 0 : Os.ESRCH;
    } catch (SystemCallException e) {
      errno = e.errno();
    }
    return report(received, Optional.of(sent), to, errno);
  }

  /**
   * Logs what became of {@code received}: dropped ({@code sent} empty), forwarded ({@code errno}
   * 0), target gone (ESRCH) or failed.
   */
  static Outcome report(Signal received, Optional<Signal> sent, ForwardTarget to, int errno) {
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
}
