package io.github.supervisor4j;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which signals a {@link SignalForwarder} catches, and how each is rewritten or dropped.
 * Immutable; each {@code with} method returns a copy.
 *
 * <p>Some signals can never be caught in a JVM, and asking for one fails at once with a
 * message that says why: SIGQUIT (HotSpot's thread dump), SIGUSR2 (HotSpot's thread
 * suspend/resume; JDK-8288556), SIGPIPE, SIGXFSZ and SIGBUS (HotSpot's own handlers would be
 * replaced), SIGSEGV, SIGILL and SIGFPE (HotSpot's crash and implicit-exception handlers),
 * SIGKILL and SIGSTOP (no process can catch them), and SIGCHLD (the reaper's business; it is
 * never forwarded).
 */
public final class ForwarderConfig {
  private static final Map<Signal, String> REFUSED = refused();

  private final Set<Signal> signals;
  private final Map<Signal, Optional<Signal>> rewrites;

  private ForwarderConfig(Set<Signal> signals, Map<Signal, Optional<Signal>> rewrites) {
    this.signals = signals;
    this.rewrites = rewrites;
  }

  private static Map<Signal, String> refused() {
    Map<Signal, String> m = new EnumMap<>(Signal.class);
    m.put(Signal.SIGQUIT, "HotSpot uses it for thread dumps");
    m.put(Signal.SIGUSR2, "HotSpot uses it to suspend and resume threads");
    m.put(Signal.SIGPIPE, "catching it would replace HotSpot's own handler");
    m.put(Signal.SIGXFSZ, "catching it would replace HotSpot's own handler");
    m.put(Signal.SIGBUS, "HotSpot needs it for its crash and memory-mapped file handling");
    m.put(Signal.SIGSEGV, "HotSpot needs it for implicit null checks and crash reports");
    m.put(Signal.SIGILL, "HotSpot needs it for crash reports");
    m.put(Signal.SIGFPE, "HotSpot needs it for implicit division checks");
    m.put(Signal.SIGKILL, "no process can catch it");
    m.put(Signal.SIGSTOP, "no process can catch it");
    m.put(Signal.SIGCHLD, "child exits are the reaper's business and are never forwarded");
    return Collections.unmodifiableMap(m);
  }

  /**
   * Why {@code signal} cannot be forwarded, or empty if it can.
   *
   * @param signal the signal
   * @return the reason, as in the list above
   */
  public static Optional<String> refusal(Signal signal) {
    return Optional.ofNullable(REFUSED.get(signal));
  }

  /** {@return every signal a JVM can forward: 1 to 31 less the refused ones listed above} */
  public static Set<Signal> forwardable() {
    Set<Signal> set = EnumSet.allOf(Signal.class);
    set.removeAll(REFUSED.keySet());
    return Collections.unmodifiableSet(set);
  }

  /**
   * Catches and forwards every {@linkplain #forwardable() forwardable} signal unchanged.
   *
   * @return the config
   */
  public static ForwarderConfig allForwardable() {
    return new ForwarderConfig(forwardable(), Collections.emptyMap());
  }

  /**
   * Catches exactly these signals and forwards them unchanged.
   *
   * @param signals the signals, at least one
   * @return the config
   * @throws IllegalArgumentException if {@code signals} is empty, or naming the first signal that cannot be caught, and why
   */
  public static ForwarderConfig of(Set<Signal> signals) {
    if (signals.isEmpty()) throw new IllegalArgumentException("no signals to forward");
    for (Signal s : signals) {
      checkCatchable(s);
    }
    return new ForwarderConfig(Collections.unmodifiableSet(EnumSet.copyOf(signals)), Collections.emptyMap());
  }

  /**
   * Catches exactly these signals; see {@link #of(Set)}.
   *
   * @param first a signal
   * @param rest more signals
   * @return the config
   */
  public static ForwarderConfig of(Signal first, Signal... rest) {
    return of(EnumSet.of(first, rest));
  }

  /**
   * Sends {@code to} when {@code from} arrives.
   *
   * @param from the signal received
   * @param to the signal sent instead
   * @return a copy with that rewrite
   * @throws IllegalArgumentException if {@code from} is not caught by this config, or {@code
   *     to} is SIGCHLD
   */
  public ForwarderConfig withRewrite(Signal from, Signal to) {
    Objects.requireNonNull(to, "to == null; use withDropped to drop a signal");
    if (to == Signal.SIGCHLD) throw new IllegalArgumentException("cannot rewrite " + from + " to SIGCHLD");
    return withRewrite(from, Optional.of(to));
  }

  /**
   * Swallows {@code signal}: it is caught but never forwarded.
   *
   * @param signal the signal to drop
   * @return a copy that drops it
   * @throws IllegalArgumentException if {@code signal} is not caught by this config
   */
  public ForwarderConfig withDropped(Signal signal) {
    return withRewrite(signal, Optional.empty());
  }

  private ForwarderConfig withRewrite(Signal from, Optional<Signal> to) {
    Objects.requireNonNull(from, "from == null");
    if (!signals.contains(from)) throw new IllegalArgumentException(from + " is not among the forwarded signals");
    Map<Signal, Optional<Signal>> m = new EnumMap<>(Signal.class);
    m.putAll(rewrites);
    m.put(from, to);
    return new ForwarderConfig(signals, Collections.unmodifiableMap(m));
  }

  /** {@return the signals caught} */
  public Set<Signal> signals() {
    return signals;
  }

  /**
   * What to send when {@code received} arrives.
   *
   * @param received a signal this config catches
   * @return itself, its rewrite, or empty to drop it
   */
  public Optional<Signal> translate(Signal received) {
    Optional<Signal> r = rewrites.get(received);
    return r != null ? r : Optional.of(received);
  }

  private static void checkCatchable(Signal s) {
    String why = REFUSED.get(Objects.requireNonNull(s, "signal == null"));
    if (why != null) throw new IllegalArgumentException(s + " cannot be forwarded: " + why);
  }

  @Override
  public String toString() {
    return "ForwarderConfig{signals=" + signals + ", rewrites=" + rewrites + "}";
  }
}
