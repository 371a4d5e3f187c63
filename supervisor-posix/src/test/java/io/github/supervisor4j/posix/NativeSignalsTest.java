package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.testing.ForkedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signal fast path (libs4jsig) and its fallback (sun.misc.Signal). SignalForwardingTest,
 * LauncherTest and GracefulShutdownTest run on the fast path, the default; these tests pin
 * down that it is really active where CI runs, and that the fallback still forwards.
 */
@EnabledOnOs(OS.LINUX)
class NativeSignalsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** CI runs here: a build without gcc, or a library that fails to load, must fail, not fall back. */
  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
  void nativePathIsAvailableOnLinuxX8664() {
    assertEquals("linux-x86_64", Platform.CURRENT.nativeDirectory());
    assertNotNull(NativeSignals.binding(), NativeSignals::reason);
  }

  /**
   * Both paths, each in a forked init JVM: the path is the one asked for, a signal that comes
   * before the target is held and delivered, and later ones are forwarded.
   */
  @ParameterizedTest(name = "nativeSignals={0}")
  @ValueSource(booleans = {true, false})
  @Timeout(60)
  void forwardsOnTheChosenPathHoldingASignalUntilTheTargetExists(boolean nativeSignals) throws Exception {
    List<String> jvm = List.of("-D" + NativeSignals.PROPERTY + "=" + nativeSignals);
    try (ForkedProcess init = Forks.start(InitFixture.class, jvm,
        List.of("--print-path", "--target-on-input", "--", Fixtures.path("print_signals")))) {
      assertEquals("signals " + (nativeSignals ? "native" : "java"), init.await("signals "), init::describe);
      init.await("ready ");
      init.signal(Signal.SIGUSR1.number());
      init.await("forward SIGUSR1 HELD");
      init.send("target now");
      assertEquals("forward SIGUSR1 FORWARDED SIGUSR1", init.await("forward SIGUSR1 FORWARDED"));
      assertEquals("USR1", init.await(NativeSignalsTest::isPrintedSignal, "USR1"), init::describe);
      init.signal(Signal.SIGWINCH.number());
      assertEquals("forward SIGWINCH FORWARDED SIGWINCH", init.await("forward SIGWINCH"));
      assertEquals("WINCH", init.await(NativeSignalsTest::isPrintedSignal, "WINCH"), init::describe);
      init.signal(Signal.SIGTERM.number());
      assertEquals(0, init.waitFor(WAIT), init::describe);
    }
  }

  /**
   * Under -Xrs HotSpot runs no Java signal handler, so the fallback refuses to start (see
   * SignalForwardingTest); the C handler needs no Java to forward, and its reader thread is our own.
   */
  @Test
  @Timeout(60)
  void nativePathForwardsUnderXrs() throws Exception {
    try (ForkedProcess init = Forks.start(InitFixture.class, List.of("-Xrs"),
        List.of("--print-path", "--", Fixtures.path("print_signals")))) {
      assertEquals("signals native", init.await("signals "), init::describe);
      init.await("ready ");
      init.await("target child ");
      init.signal(Signal.SIGUSR1.number());
      assertEquals("USR1", init.await(NativeSignalsTest::isPrintedSignal, "USR1"), init::describe);
      init.signal(Signal.SIGTERM.number());
      assertEquals("TERM", init.await(NativeSignalsTest::isPrintedSignal, "TERM"), init::describe);
      assertEquals(0, init.waitFor(WAIT), init::describe);
    }
  }

  /**
   * In this JVM, without sending a signal: the C handler replaces SIGWINCH's disposition and
   * close() puts the old one back; a second forwarder meanwhile takes the fallback (the library
   * has one state), and once the first is closed a new one gets the fast path again.
   */
  @Test
  @EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
  void closeRestoresTheDispositionAndFreesTheFastPathForTheNextForwarder() {
    S4jSig lib = NativeSignals.binding();
    assertNotNull(lib, NativeSignals::reason);
    int winch = Signal.SIGWINCH.number();
    int before = lib.s4j_disposition(winch);
    ForwarderConfig config = ForwarderConfig.of(EnumSet.of(Signal.SIGWINCH));
    List<PosixSignalForwarder> opened = new ArrayList<>();
    try {
      PosixSignalForwarder first = open(config, opened);
      assertTrue(first.isNative());
      assertEquals(3, lib.s4j_disposition(winch), "libs4jsig's handler is installed");
      PosixSignalForwarder second = open(config, opened);
      assertFalse(second.isNative(), "the library is held by the first forwarder");
      second.close();
      first.close();
      assertEquals(before, lib.s4j_disposition(winch), "the disposition before start() is back");
      PosixSignalForwarder third = open(config, opened);
      assertTrue(third.isNative(), NativeSignals::reason);
    } finally {
      opened.forEach(PosixSignalForwarder::close);
    }
    assertEquals(before, lib.s4j_disposition(winch));
  }

  private static PosixSignalForwarder open(ForwarderConfig config, List<PosixSignalForwarder> opened) {
    PosixSignalForwarder f = new PosixSignalForwarder(config);
    opened.add(f);
    f.start();
    return f;
  }

  private static boolean isPrintedSignal(String line) {
    return !line.isEmpty() && line.indexOf(' ') < 0 && line.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  }
}
