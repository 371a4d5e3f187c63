package io.github.supervisor4j;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link Supervisors#installInit(InitConfig)} makes this JVM a correct PID 1. Immutable;
 * each {@code with} method returns a copy.
 *
 * <p>Defaults ({@link #defaults()}): register as child subreaper when not PID 1; catch
 * SIGTERM, SIGINT and SIGHUP, pass each to the children started through {@link Init#spawn}
 * and then to the JVM's own handler (shutdown hooks, exit 128+signal); keep exit code 143 on
 * SIGTERM. {@link #fromSystemProperties()} reads the same settings from system properties:
 *
 * <ul>
 *   <li>{@value #EXIT_ZERO_ON_SIGTERM}{@code =true}: exit 0 instead of 143 after SIGTERM;
 *   <li>{@value #SUBREAPER}{@code =false}: do not register as child subreaper;
 *   <li>{@value #SIGNALS}{@code =TERM,INT,HUP,USR1}: the signals forwarded ({@code none} for
 *       none, which is what a JVM started with {@code -Xrs} needs).
 * </ul>
 */
public final class InitConfig {
  /** The system property for {@link #withExitZeroOnSigterm}. */
  public static final String EXIT_ZERO_ON_SIGTERM = "supervisor4j.exitZeroOnSigterm";
  /** The system property for {@link #withSubreaper}. */
  public static final String SUBREAPER = "supervisor4j.subreaper";
  /** The system property for {@link #withSignals}: signal names, comma-separated, or {@code none}. */
  public static final String SIGNALS = "supervisor4j.signals";

  private final boolean subreaper;
  private final Set<Signal> signals;
  private final boolean exitZeroOnSigterm;

  private InitConfig(boolean subreaper, Set<Signal> signals, boolean exitZeroOnSigterm) {
    this.subreaper = subreaper;
    this.signals = signals;
    this.exitZeroOnSigterm = exitZeroOnSigterm;
  }

  /** {@return the defaults described above} */
  public static InitConfig defaults() {
    return new InitConfig(true, Collections.unmodifiableSet(EnumSet.of(Signal.SIGTERM, Signal.SIGINT, Signal.SIGHUP)), false);
  }

  /**
   * The defaults, changed by the system properties described above.
   *
   * @return the config
   * @throws IllegalArgumentException naming the property whose value is not understood
   */
  public static InitConfig fromSystemProperties() {
    InitConfig c = defaults();
    String zero = System.getProperty(EXIT_ZERO_ON_SIGTERM);
    if (zero != null) c = c.withExitZeroOnSigterm(parseBoolean(EXIT_ZERO_ON_SIGTERM, zero));
    String sub = System.getProperty(SUBREAPER);
    if (sub != null) c = c.withSubreaper(parseBoolean(SUBREAPER, sub));
    String signals = System.getProperty(SIGNALS);
    if (signals != null) {
      Set<Signal> set = EnumSet.noneOf(Signal.class);
      try {
        if (!signals.trim().equalsIgnoreCase("none")) {
          for (String name : signals.split(",")) set.add(Signal.parse(name.trim()));
        }
        c = c.withSignals(set);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(SIGNALS + ": " + e.getMessage(), e);
      }
    }
    return c;
  }

  private static boolean parseBoolean(String property, String value) {
    if (value.equalsIgnoreCase("true")) return true;
    if (value.equalsIgnoreCase("false")) return false;
    throw new IllegalArgumentException(property + " must be true or false: " + value);
  }

  /**
   * Whether to register as child subreaper (PR_SET_CHILD_SUBREAPER) when not PID 1.
   *
   * @param subreaper true to register; the default is true
   * @return a copy with that setting
   */
  public InitConfig withSubreaper(boolean subreaper) {
    return new InitConfig(subreaper, signals, exitZeroOnSigterm);
  }

  /**
   * The signals caught and passed on; empty for none.
   *
   * @param signals the signals
   * @return a copy with those signals
   * @throws IllegalArgumentException naming a signal a JVM cannot catch ({@link
   *     ForwarderConfig#refusal})
   */
  public InitConfig withSignals(Set<Signal> signals) {
    Set<Signal> copy = EnumSet.noneOf(Signal.class);
    for (Signal s : signals) {
      Objects.requireNonNull(s, "signal == null");
      ForwarderConfig.refusal(s).ifPresent(why -> {
        throw new IllegalArgumentException(s + " cannot be forwarded: " + why);
      });
      copy.add(s);
    }
    return new InitConfig(subreaper, Collections.unmodifiableSet(copy), exitZeroOnSigterm);
  }

  /**
   * Whether SIGTERM ends the JVM with exit code 0 (after the shutdown hooks ran) instead of
   * the JVM's 143, for orchestrators that count 143 as a failure.
   *
   * @param exitZero true for exit code 0; the default is false
   * @return a copy with that setting
   */
  public InitConfig withExitZeroOnSigterm(boolean exitZero) {
    return new InitConfig(subreaper, signals, exitZero);
  }

  /** {@return true if the JVM registers as child subreaper when not PID 1} */
  public boolean subreaper() {
    return subreaper;
  }

  /** {@return the signals caught and passed on} */
  public Set<Signal> signals() {
    return signals;
  }

  /** {@return true if SIGTERM ends the JVM with exit code 0} */
  public boolean exitZeroOnSigterm() {
    return exitZeroOnSigterm;
  }

  @Override
  public String toString() {
    return "InitConfig{subreaper=" + subreaper + ", signals=" + signals + ", exitZeroOnSigterm=" + exitZeroOnSigterm + "}";
  }
}
