package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.testing.ForkedProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Signals sent to a forked InitFixture JVM reach its print_signals child, which prints the
 * name of each signal it receives. Lines of print_signals are one word; the fixture's own
 * lines ({@code forward ...}, {@code child ...}) have several.
 */
@EnabledOnOs(OS.LINUX)
class SignalForwardingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * One fixture JVM receives every forwardable signal in turn (SIGTERM last, as it ends
   * print_signals); each signal is sent only after the previous one was printed, because
   * standard signals do not queue. One dynamic test per signal reports what arrived.
   */
  @TestFactory
  @Timeout(120)
  Stream<DynamicTest> forwardsEachForwardableSignalToTheChild() throws Exception {
    List<Signal> order = new ArrayList<>(ForwarderConfig.forwardable());
    order.remove(Signal.SIGTERM);
    order.add(Signal.SIGTERM);
    Map<Signal, String> received = new LinkedHashMap<>();
    int exit;
    List<String> printed;
    try (ForkedProcess init = Forks.start(InitFixture.class, "--", Fixtures.path("print_signals"))) {
      init.await("ready ");
      init.await("target child ");
      for (Signal s : order) {
        init.signal(s.number());
        String line;
        try {
          line = init.await(SignalForwardingTest::isPrintedSignal, "printed by print_signals after " + s);
        } catch (AssertionError e) {
          line = "nothing within " + WAIT;
        }
        received.put(s, line);
      }
      exit = init.waitFor(WAIT);
      printed = init.stdout().stream().filter(SignalForwardingTest::isPrintedSignal).map(SignalForwardingTest::normalized)
          .collect(java.util.stream.Collectors.toList());
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Signal s : order) {
      tests.add(dynamicTest(s + " reaches the child", () -> assertEquals(s.shortName(), normalized(received.get(s)))));
    }
    int code = exit;
    tests.add(dynamicTest("the child exits 0 on SIGTERM and init with it", () -> assertEquals(0, code)));
    // print_signals prints every delivery (sigwaitinfo): a signal forwarded twice would be a line more.
    List<String> expected = order.stream().map(Signal::shortName).collect(java.util.stream.Collectors.toList());
    tests.add(dynamicTest("each signal is forwarded exactly once", () -> assertEquals(expected, printed)));
    return tests.stream();
  }

  @Test
  @Timeout(60)
  void rewritesAndDropsSignals() throws Exception {
    try (ForkedProcess init = Forks.start(InitFixture.class,
        "--rewrite", "USR1:WINCH", "--drop", "HUP", "--", Fixtures.path("print_signals"))) {
      init.await("ready ");
      init.await("target child ");
      init.signal(Signal.SIGHUP.number());
      init.await("forward SIGHUP DROPPED");
      init.signal(Signal.SIGUSR1.number());
      assertEquals("forward SIGUSR1 FORWARDED SIGWINCH", init.await("forward SIGUSR1"));
      assertEquals("WINCH", init.await(SignalForwardingTest::isPrintedSignal, "WINCH"),
          "the first signal the child sees is the rewritten USR1, so HUP was dropped");
      init.signal(Signal.SIGTERM.number());
      assertEquals(0, init.waitFor(WAIT), init::describe);
      List<String> printed = init.stdout().stream().filter(SignalForwardingTest::isPrintedSignal).toList();
      assertEquals(List.of("WINCH", "TERM"), printed, init::describe);
    }
  }

  @Test
  @Timeout(60)
  void forwardsToTheProcessGroupReachingAGrandchild() throws Exception {
    String script = "\"$0\" & wait"; // sh (the child) starts print_signals (the grandchild) in its group
    try (ForkedProcess init = Forks.start(InitFixture.class,
        "--group", "--", "sh", "-c", script, Fixtures.path("print_signals"))) {
      String child = init.await("child ").substring("child ".length());
      String grandchild = init.await("ready ").substring("ready ".length());
      assertNotEquals(child, grandchild);
      assertEquals("target process group " + child, init.await("target "));
      init.signal(Signal.SIGTERM.number());
      assertEquals("forward SIGTERM FORWARDED SIGTERM", init.await("forward SIGTERM"));
      assertEquals("TERM", init.await(SignalForwardingTest::isPrintedSignal, "TERM from the grandchild"));
      assertEquals(128 + 15, init.waitFor(WAIT), "sh, the child, was killed by SIGTERM too; " + init.describe());
    }
  }

  @Test
  @Timeout(60)
  void holdsASignalThatArrivesBeforeTheTargetAndDeliversItLater() throws Exception {
    try (ForkedProcess init = Forks.start(InitFixture.class,
        "--target-on-input", "--", Fixtures.path("print_signals"))) {
      init.await("ready ");
      init.signal(Signal.SIGUSR1.number());
      init.await("forward SIGUSR1 HELD");
      assertFalse(init.stdout().stream().anyMatch(SignalForwardingTest::isPrintedSignal), init::describe);
      init.send("target now");
      assertEquals("forward SIGUSR1 FORWARDED SIGUSR1", init.await("forward SIGUSR1 FORWARDED"));
      init.await("target child ");
      assertEquals("USR1", init.await(SignalForwardingTest::isPrintedSignal, "USR1"));
      init.signal(Signal.SIGTERM.number());
      assertEquals(0, init.waitFor(WAIT), init::describe);
    }
  }

  @Test
  @Timeout(60)
  void warnsWhenTheTargetIsAlreadyGoneInsteadOfFailing() throws Exception {
    // The child exits at once and leaves an orphan, which keeps the init running.
    try (ForkedProcess init = Forks.start(InitFixture.class,
        "--subreaper", "--wait-orphans", "1", "--", "sh", "-c", "sleep 60 & echo orphan $!")) {
      String child = init.await("target child ").substring("target child ".length());
      String orphan = init.await("orphan ").substring("orphan ".length());
      init.await("exit exited 0");
      init.signal(Signal.SIGUSR1.number());
      assertEquals("forward SIGUSR1 TARGET_GONE SIGUSR1", init.await("forward SIGUSR1"));
      Os.kill(Integer.parseInt(orphan), Signal.SIGKILL.number());
      assertEquals("reaped " + orphan + " killed by SIGKILL", init.await("reaped "));
      assertEquals(0, init.waitFor(WAIT), init::describe);
      assertTrue(init.stderr().stream().anyMatch(l -> l.contains("WARN") && l.contains("child " + child + " exited before SIGUSR1 could be forwarded")),
          init::describe);
    }
  }

  @Test
  @Timeout(60)
  void refusesAnExcludedSignalWithAOneLineError() throws Exception {
    try (ForkedProcess init = Forks.start(InitFixture.class, "--signals", "TERM,QUIT", "--", "true")) {
      assertEquals(2, init.waitFor(WAIT), init::describe);
      assertEquals(List.of("InitFixture: SIGQUIT cannot be forwarded: HotSpot uses it for thread dumps"), init.stderr());
    }
  }

  @Test
  @Timeout(60)
  void fallbackRefusesToStartUnderXrsWhereJavaHandlersNeverRun() throws Exception {
    // The native path forwards under -Xrs (NativeSignalsTest); sun.misc.Signal cannot.
    List<String> jvm = List.of("-Xrs", "-D" + NativeSignals.PROPERTY + "=false");
    try (ForkedProcess init = Forks.start(InitFixture.class, jvm, List.of("--subreaper", "--", "true"))) {
      assertEquals(1, init.waitFor(WAIT), init::describe);
      List<String> err = init.stderr();
      assertEquals(1, err.size(), init::describe);
      assertTrue(err.get(0).contains("cannot forward signals: the JVM runs with -Xrs"), init::describe);
    }
  }

  private static boolean isPrintedSignal(String line) {
    return !line.isEmpty() && line.indexOf(' ') < 0 && line.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  }

  /** sigabbrev_np says POLL for SIGIO. */
  private static String normalized(String printed) {
    try {
      return Signal.parse(printed).shortName();
    } catch (IllegalArgumentException e) {
      return printed;
    }
  }
}
