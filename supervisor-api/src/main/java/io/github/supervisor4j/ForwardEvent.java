package io.github.supervisor4j;

import java.util.Optional;

/**
 * What a {@link SignalForwarder} did with one received signal.
 *
 * @param received the signal that arrived
 * @param sent the signal sent, after any rewrite; empty if dropped or not yet sent
 * @param target where it went; empty if no target existed yet
 * @param outcome what happened
 */
public record ForwardEvent(Signal received, Optional<Signal> sent, Optional<ForwardTarget> target, Outcome outcome) {

  /** What happened to a received signal. */
  public enum Outcome {
    /** Sent to the target. */
    FORWARDED,
    /** Dropped by the configuration. */
    DROPPED,
    /** No target yet: held, and sent once {@link SignalForwarder#target(ForwardTarget)} is called. */
    HELD,
    /** The target no longer existed (ESRCH): logged as a warning. */
    TARGET_GONE,
    /** kill failed for another reason: logged as an error. */
    FAILED,
    /**
     * Taken over by the shutdown sequence ({@link ShutdownConfig}): a SIGTERM or SIGINT that is
     * held for the pre-stop delay, or that arrived while the tree is already being shut down.
     */
    INTERCEPTED
  }
}
