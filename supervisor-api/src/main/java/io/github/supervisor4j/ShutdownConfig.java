package io.github.supervisor4j;

import java.time.Duration;
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
 * The launcher's options {@code --grace}, {@code --kill-after}, {@code --on-child-exit} and
 * {@code --pre-stop-delay} set the same four values.
 */
public final class ShutdownConfig {
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
    TERMINATE
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
   * @throws NullPointerException if {@code onChildExit} is null
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
    return "ShutdownConfig{grace=" + (grace == null ? "none" : grace) + ", killAfter=" + killAfter + ", onChildExit="
        + onChildExit + ", preStopDelay=" + preStopDelay + "}";
  }
}
