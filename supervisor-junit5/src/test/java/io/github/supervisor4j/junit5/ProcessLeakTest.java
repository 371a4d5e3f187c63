package io.github.supervisor4j.junit5;

import static io.github.supervisor4j.junit5.TestKitRuns.assertNothingLeft;
import static io.github.supervisor4j.junit5.TestKitRuns.onlyFailure;
import static io.github.supervisor4j.junit5.TestKitRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.junit5.fixtures.LeakFixtures;
import io.github.supervisor4j.junit5.fixtures.Spawn;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.AssertionFailedError;

/**
 * {@link NoProcessLeaks} on the fixture classes of {@link LeakFixtures}, run through the JUnit
 * Platform TestKit in this JVM: each leak fails its test with the right message and leaves
 * nothing on the machine (checked in /proc); clean classes pass; pre-existing processes are not
 * blamed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ProcessLeakTest {
  private static final long JVM = ProcessHandle.current().pid();

  /** The failure of the one failed test, as a leak report: checks the header and returns the message. */
  private static String leakReport(EngineExecutionResults results, int processes) {
    Throwable t = onlyFailure(results);
    assertInstanceOf(AssertionFailedError.class, t, () -> "not a leak report: " + t);
    String m = t.getMessage();
    assertTrue(m.startsWith((processes == 1 ? "1 process" : processes + " processes") + " started by this test "),
        () -> "header of: " + m);
    return m;
  }

  private static void assertLine(String message, String regex) {
    assertTrue(Pattern.compile("^  " + regex + "$", Pattern.MULTILINE).matcher(message).find(),
        () -> "no line matching '" + regex + "' in:\n" + message);
  }

  @Test
  void failsOnADoubleForkedDaemonNamingItsPidCommandLineAndAge() throws Exception {
    String m = leakReport(run(LeakFixtures.DoubleForkedDaemon.class), 1);
    // Re-parented to the test JVM, its subreaper.
    assertLine(m, "pid \\d+: sleep 3001 \\(sleeping, lived [0-9.]+ m?s, parent " + JVM + "\\)");
    assertTrue(m.contains("SIGTERM, SIGKILL after 2.00 s"), m);
    assertNothingLeft("sleep", "3001");
  }

  @Test
  void failsOnASetsidDaemon() throws Exception {
    String m = leakReport(run(LeakFixtures.SetsidDaemon.class), 1);
    assertLine(m, "pid \\d+: sleep 3002 \\(sleeping, lived [0-9.]+ m?s, parent " + JVM + "\\)");
    assertNothingLeft("sleep", "3002");
  }

  @Test
  void failsOnAProcessNeverDestroyed() throws Exception {
    String m = leakReport(run(LeakFixtures.UndestroyedProcess.class), 1);
    assertLine(m, "pid \\d+: sleep 3003 \\(sleeping, lived [0-9.]+ m?s, parent " + JVM + "\\)");
    assertNothingLeft("sleep", "3003");
  }

  @Test
  void failsOnAZombieAndTheProcessThatDoesNotReapIt() throws Exception {
    String m = leakReport(run(LeakFixtures.Zombie.class), 2);
    assertLine(m, "pid (\\d+): sleep 3004 \\(sleeping, lived [0-9.]+ m?s, parent " + JVM + "\\)");
    assertLine(m, "pid \\d+: \\[sleep\\] \\(zombie, lived [0-9.]+ m?s, parent \\d+\\)");
    assertNothingLeft("sleep", "3004");
  }

  @Test
  void failsOnAStoppedProcessAndStillStopsIt() throws Exception {
    String m = leakReport(run(LeakFixtures.StoppedProcess.class), 1);
    assertLine(m, "pid \\d+: sleep 3005 \\(stopped, lived [0-9.]+ m?s, parent " + JVM + "\\)");
    assertNothingLeft("sleep", "3005");
  }

  @Test
  void passesTestsThatCleanUpEvenWithoutWaiting() throws Exception {
    EngineExecutionResults r = run(LeakFixtures.Clean.class);
    r.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
    assertNothingLeft("sleep", "3006");
  }

  @Test
  void doesNotBlameAServerFromBeforeAllNorTheWorkerItForks() throws Exception {
    EngineExecutionResults r = run(LeakFixtures.PreExistingServer.class);
    r.allEvents().assertStatistics(s -> s.failed(0));
    r.testEvents().assertStatistics(s -> s.succeeded(1));
    assertNothingLeft("sleep", "3007");
  }

  @Test
  void failsTheClassForAProcessFromBeforeAllThatAfterAllForgot() throws Exception {
    EngineExecutionResults r = run(LeakFixtures.ClassLevelLeak.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    Throwable t = TestKitRuns.onlyFailedContainer(r);
    assertTrue(t.getMessage().startsWith("1 process started by this class ClassLevelLeak was still there"), t::getMessage);
    assertLine(t.getMessage(), "pid \\d+: sleep 3008 \\(sleeping, lived [0-9.]+ m?s, parent " + JVM + "\\)");
    assertNothingLeft("sleep", "3008");
  }

  @Test
  void warnsInsteadOfFailingWhenAskedAndStillStops() throws Exception {
    EngineExecutionResults r = run(LeakFixtures.WarnOnly.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    assertTrue(r.allEvents().reportingEntryPublished().stream().anyMatch(e -> e.getPayload(
        org.junit.platform.engine.reporting.ReportEntry.class).orElseThrow().getKeyValuePairs().get("supervisor4j.processLeaks")
        .contains("sleep 3009")), "no report entry");
    assertNothingLeft("sleep", "3009");
  }

  @Test
  void warnModeAlsoComesFromTheConfigurationParameter() throws Exception {
    EngineExecutionResults r = run(Map.of(NoProcessLeaksExtension.ON_LEAK, "warn"), LeakFixtures.UndestroyedProcess.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    assertNothingLeft("sleep", "3003");
  }

  @Test
  void neitherBlamesNorStopsAProcessWithAnAllowedName() throws Exception {
    try {
      EngineExecutionResults r = run(LeakFixtures.AllowedByName.class);
      r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
      assertTrue("RSD".indexOf(Spawn.state(Spawn.awaitCommandLine("sleep", "3010"))) >= 0, "the allowed process was stopped");
    } finally {
      ProcessHandle.of(Spawn.awaitCommandLine("sleep", "3010")).ifPresent(ProcessHandle::destroyForcibly);
    }
    assertNothingLeft("sleep", "3010");
  }

  @Test
  void allowedNamesAlsoComeFromTheConfigurationParameter() throws Exception {
    try {
      EngineExecutionResults r = run(Map.of(NoProcessLeaksExtension.ALLOWED, "ssh-agent, sleep"), LeakFixtures.DoubleForkedDaemon.class);
      r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    } finally {
      ProcessHandle.of(Spawn.awaitCommandLine("sleep", "3001")).ifPresent(ProcessHandle::destroyForcibly);
    }
    assertNothingLeft("sleep", "3001");
  }

  @Test
  void killsAProcessThatIgnoresSigtermAfterTheGrace() throws Exception {
    long t0 = System.nanoTime();
    String m = leakReport(run(LeakFixtures.IgnoresSigterm.class), 1);
    assertTrue(m.contains("SIGKILL after 300 ms"), m);
    assertLine(m, "pid \\d+: sleep 3011 \\(sleeping, lived [0-9.]+ m?s, parent " + JVM + "\\)");
    assertNothingLeft("sleep", "3011");
    assertTrue(System.nanoTime() - t0 > 300_000_000L, "ended before the grace");
  }

  @Test
  void graceComesFromTheConfigurationParameterAndABadOneIsOneLine() throws Exception {
    String m = leakReport(run(Map.of(NoProcessLeaksExtension.GRACE, "100ms"), LeakFixtures.UndestroyedProcess.class), 1);
    assertTrue(m.contains("SIGKILL after 100 ms"), m);
    assertNothingLeft("sleep", "3003");
    Throwable bad = TestKitRuns.onlyFailedContainer(run(Map.of(NoProcessLeaksExtension.GRACE, "soon"), LeakFixtures.Clean.class));
    assertInstanceOf(ExtensionConfigurationException.class, bad);
    assertEquals("supervisor4j.processLeaks.grace: not a duration: soon (use 500ms, 2s or 1m)", bad.getMessage());
  }

  @Test
  void aMethodAnnotationChecksThatMethodOnly() throws Exception {
    EngineExecutionResults r = run(LeakFixtures.MethodLevel.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
    assertNothingLeft("sleep", "3012");
  }

  @Test
  void aTestThatTimesOutAndLeavesItsThreadInterruptedIsStillCheckedAndCleanedUp() throws Exception {
    EngineExecutionResults r = run(LeakFixtures.TimesOut.class);
    r.testEvents().assertStatistics(s -> s.failed(1));
    for (org.junit.platform.testkit.engine.Execution e : r.testEvents().executions().failed().list()) {
      Throwable t = e.getTerminationInfo().getExecutionResult().getThrowable().orElseThrow();
      String all = t + " " + java.util.Arrays.toString(t.getSuppressed());
      assertTrue(all.contains("started by this test was still there"), all);
    }
    assertNothingLeft("sleep", "3014");
  }

  @Test
  void handsTheTestWhatTheReaperReapedDuringIt() throws Exception {
    EngineExecutionResults r = run(LeakFixtures.ReapsOrphans.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
  }
}
