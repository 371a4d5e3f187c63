package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ForwarderConfigTest {
  /** The signals the issue says must be refused, and SIGCHLD, which is the reaper's. */
  private static final Set<Signal> REFUSED = EnumSet.of(Signal.SIGQUIT, Signal.SIGUSR2, Signal.SIGPIPE,
      Signal.SIGXFSZ, Signal.SIGBUS, Signal.SIGSEGV, Signal.SIGILL, Signal.SIGFPE, Signal.SIGKILL,
      Signal.SIGSTOP, Signal.SIGCHLD);

  static Stream<Signal> refused() {
    return REFUSED.stream();
  }

  static Stream<Signal> forwardable() {
    return EnumSet.complementOf(EnumSet.copyOf(REFUSED)).stream();
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refusesSignalNamingItAndTheReason(Signal s) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForwarderConfig.of(s));
    String why = ForwarderConfig.refusal(s).orElseThrow();
    assertEquals(s + " cannot be forwarded: " + why, e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertTrue(why.length() > 10, why);
  }

  @ParameterizedTest
  @MethodSource("refused")
  void refusesSignalAmongOthers(Signal s) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForwarderConfig.of(EnumSet.of(Signal.SIGTERM, s, Signal.SIGHUP)));
    assertTrue(e.getMessage().startsWith(s + " cannot be forwarded: "), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("forwardable")
  void acceptsEveryOtherSignal(Signal s) {
    assertEquals(Optional.empty(), ForwarderConfig.refusal(s));
    assertEquals(Set.of(s), ForwarderConfig.of(s).signals());
    assertEquals(Optional.of(s), ForwarderConfig.of(s).translate(s));
  }

  @Test
  void forwardableIsOneTo31LessTheRefused() {
    assertEquals(EnumSet.complementOf(EnumSet.copyOf(REFUSED)), ForwarderConfig.forwardable());
    assertEquals(20, ForwarderConfig.forwardable().size());
    assertEquals(ForwarderConfig.forwardable(), ForwarderConfig.allForwardable().signals());
  }

  @Test
  void refusesAnEmptySet() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForwarderConfig.of(EnumSet.noneOf(Signal.class)));
    assertEquals("no signals to forward", e.getMessage());
  }

  @Test
  void rewriteSendsAnotherSignalAndLeavesTheRestAlone() {
    ForwarderConfig c = ForwarderConfig.allForwardable().withRewrite(Signal.SIGTERM, Signal.SIGINT);
    assertEquals(Optional.of(Signal.SIGINT), c.translate(Signal.SIGTERM));
    assertEquals(Optional.of(Signal.SIGHUP), c.translate(Signal.SIGHUP));
    assertEquals(Optional.of(Signal.SIGINT), c.translate(Signal.SIGINT));
  }

  @Test
  void rewriteMayTargetASignalTheJvmCannotCatch() {
    // Sending SIGQUIT or SIGKILL to the child is fine; only catching them in the JVM is not.
    ForwarderConfig c = ForwarderConfig.of(Signal.SIGTERM).withRewrite(Signal.SIGTERM, Signal.SIGQUIT);
    assertEquals(Optional.of(Signal.SIGQUIT), c.translate(Signal.SIGTERM));
  }

  @Test
  void dropSwallowsTheSignal() {
    ForwarderConfig c = ForwarderConfig.allForwardable().withDropped(Signal.SIGHUP);
    assertEquals(Optional.empty(), c.translate(Signal.SIGHUP));
    assertTrue(c.signals().contains(Signal.SIGHUP), "a dropped signal is still caught");
    assertEquals(Optional.of(Signal.SIGTERM), c.translate(Signal.SIGTERM));
  }

  @Test
  void laterRewriteOrDropReplacesTheEarlierOne() {
    ForwarderConfig c = ForwarderConfig.allForwardable().withRewrite(Signal.SIGTERM, Signal.SIGINT).withDropped(Signal.SIGTERM);
    assertEquals(Optional.empty(), c.translate(Signal.SIGTERM));
    c = c.withRewrite(Signal.SIGTERM, Signal.SIGHUP);
    assertEquals(Optional.of(Signal.SIGHUP), c.translate(Signal.SIGTERM));
  }

  @Test
  void withMethodsReturnCopies() {
    ForwarderConfig base = ForwarderConfig.allForwardable();
    base.withDropped(Signal.SIGHUP);
    assertEquals(Optional.of(Signal.SIGHUP), base.translate(Signal.SIGHUP));
  }

  @ParameterizedTest
  @CsvSource({"SIGUSR1, SIGTERM", "SIGQUIT, SIGTERM"})
  void rewriteOfASignalNotCaughtIsRefused(Signal from, Signal to) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForwarderConfig.of(Signal.SIGTERM).withRewrite(from, to));
    assertEquals(from + " is not among the forwarded signals", e.getMessage());
  }

  @Test
  void dropOfASignalNotCaughtIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForwarderConfig.of(Signal.SIGTERM).withDropped(Signal.SIGHUP));
    assertEquals("SIGHUP is not among the forwarded signals", e.getMessage());
  }

  @Test
  void rewriteToSigchldIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForwarderConfig.allForwardable().withRewrite(Signal.SIGTERM, Signal.SIGCHLD));
    assertEquals("cannot rewrite SIGTERM to SIGCHLD", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(value = Signal.class, names = {"SIGTERM", "SIGHUP"})
  void signalsSetIsUnmodifiable(Signal s) {
    assertThrows(UnsupportedOperationException.class, () -> ForwarderConfig.of(s).signals().add(Signal.SIGINT));
  }
}
