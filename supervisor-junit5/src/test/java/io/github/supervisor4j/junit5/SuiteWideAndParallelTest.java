package io.github.supervisor4j.junit5;

import static io.github.supervisor4j.junit5.TestKitRuns.assertNothingLeft;
import static io.github.supervisor4j.junit5.TestKitRuns.onlyFailure;
import static io.github.supervisor4j.junit5.TestKitRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.junit5.fixtures.LeakFixtures;
import io.github.supervisor4j.junit5.fixtures.ParallelFixtures;
import io.github.supervisor4j.junit5.fixtures.Spawn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.AssertionFailedError;

/**
 * The suite-wide switch (extension auto-detection and {@value NoProcessLeaksExtension#ENABLED}),
 * and what parallel execution does: annotated classes run alone and are checked exactly; the
 * suite-wide check refuses classes that would not.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SuiteWideAndParallelTest {
  private static final String AUTODETECT = "junit.jupiter.extensions.autodetection.enabled";
  private static final Map<String, String> PARALLEL = Map.of("junit.jupiter.execution.parallel.enabled", "true",
      "junit.jupiter.execution.parallel.mode.default", "concurrent",
      "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
      "junit.jupiter.execution.parallel.config.strategy", "fixed",
      "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");

  @BeforeEach
  void forgetRuns() {
    ParallelFixtures.RAN.clear();
  }

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> m = new java.util.HashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  @Test
  void autodetectionWithTheSwitchChecksAnUnannotatedClass() throws Exception {
    EngineExecutionResults r = run(Map.of(AUTODETECT, "true", NoProcessLeaksExtension.ENABLED, "true"), LeakFixtures.Unannotated.class);
    Throwable t = onlyFailure(r);
    assertInstanceOf(AssertionFailedError.class, t);
    assertTrue(t.getMessage().contains(": sleep 3013 (sleeping"), t::getMessage);
    assertNothingLeft("sleep", "3013");
  }

  @Test
  void autodetectionWithoutTheSwitchChecksNothing() throws Exception {
    try {
      EngineExecutionResults r = run(Map.of(AUTODETECT, "true"), LeakFixtures.Unannotated.class);
      r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
      assertTrue("RSD".indexOf(Spawn.state(Spawn.awaitCommandLine("sleep", "3013"))) >= 0, "an unchecked test's process was stopped");
    } finally {
      ProcessHandle.of(Spawn.awaitCommandLine("sleep", "3013")).ifPresent(ProcessHandle::destroyForcibly);
    }
    assertNothingLeft("sleep", "3013");
  }

  @Test
  void anAnnotatedClassUnderAutodetectionIsCheckedOnce() throws Exception {
    EngineExecutionResults r = run(Map.of(AUTODETECT, "true", NoProcessLeaksExtension.ENABLED, "true"), LeakFixtures.UndestroyedProcess.class);
    Throwable t = onlyFailure(r);
    assertTrue(t.getMessage().startsWith("1 process started by this test"), t::getMessage);
    assertEquals(0, t.getSuppressed().length, "reported twice");
    assertNothingLeft("sleep", "3003");
  }

  @Test
  void anAnnotatedClassUnderAutodetectionStillGetsItsReapLog() {
    run(Map.of(AUTODETECT, "true", NoProcessLeaksExtension.ENABLED, "true"), LeakFixtures.ReapsOrphans.class).testEvents()
        .assertStatistics(s -> s.succeeded(1).failed(0));
  }

  @Test
  void theFixturesDoOverlapWhenNothingIsChecked() {
    run(PARALLEL, ParallelFixtures.UncheckedA.class, ParallelFixtures.UncheckedB.class).testEvents()
        .assertStatistics(s -> s.succeeded(3));
    assertTrue(anyOverlap(ParallelFixtures.RAN), "parallel execution ran nothing at once: this test proves nothing");
  }

  @Test
  void annotatedClassesRunAloneAndEachLeakIsBlamedOnItsOwnTest() throws Exception {
    EngineExecutionResults r = run(PARALLEL, ParallelFixtures.CheckedLeaky.class, ParallelFixtures.CheckedHoldsAProcessWhileItRuns.class,
        ParallelFixtures.UncheckedA.class);
    r.testEvents().assertStatistics(s -> s.started(6).succeeded(5).failed(1));
    Throwable t = onlyFailure(r);
    assertTrue(t.getMessage().startsWith("1 process started by this test"), t::getMessage);
    assertTrue(t.getMessage().contains(": sleep 3020 (sleeping"), t::getMessage);
    assertFalse(t.getMessage().contains("3021"), t::getMessage);
    assertFalse(checkedOverlapped(ParallelFixtures.RAN), "a checked test overlapped another test");
    assertNothingLeft("sleep", "3020");
    assertNothingLeft("sleep", "3021");
  }

  @Test
  void theSuiteWideCheckRefusesAClassThatWouldRunAlongsideOthers() throws Exception {
    EngineExecutionResults r = run(with(PARALLEL, AUTODETECT, "true", NoProcessLeaksExtension.ENABLED, "true"),
        LeakFixtures.Unannotated.class, ParallelFixtures.CheckedLeaky.class);
    Throwable t = TestKitRuns.onlyFailedContainer(r);
    assertInstanceOf(ExtensionConfigurationException.class, t);
    assertEquals("supervisor4j.processLeaks.enabled=true cannot check " + LeakFixtures.Unannotated.class.getName()
        + " while junit.jupiter.execution.parallel.enabled=true: a process cannot be tied to one of several tests running "
        + "at once. Annotate the class with @NoProcessLeaks (JUnit then runs it alone), or run the suite without parallel "
        + "execution", t.getMessage());
    // The annotated class still ran, alone, and was checked.
    assertTrue(onlyFailure(r).getMessage().contains(": sleep 3020 (sleeping"));
    assertNothingLeft("sleep", "3013");
    assertNothingLeft("sleep", "3020");
  }

  /** True if a test of a Checked* class ran at the same time as any other test. */
  private static boolean checkedOverlapped(List<ParallelFixtures.Ran> runs) {
    for (ParallelFixtures.Ran a : runs) {
      for (ParallelFixtures.Ran b : runs) {
        if (a != b && a.test().startsWith("Checked") && a.start() < b.end() && b.start() < a.end()) {
          System.err.println("overlap: " + a + " and " + b);
          return true;
        }
      }
    }
    return false;
  }

  private static boolean anyOverlap(List<ParallelFixtures.Ran> runs) {
    List<ParallelFixtures.Ran> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).start() < sorted.get(i - 1).end()) {
        System.err.println("overlap: " + sorted.get(i - 1) + " and " + sorted.get(i));
        return true;
      }
    }
    return false;
  }
}
