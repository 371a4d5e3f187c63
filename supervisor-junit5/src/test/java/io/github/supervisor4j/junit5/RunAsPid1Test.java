package io.github.supervisor4j.junit5;

import static io.github.supervisor4j.junit5.TestKitRuns.assertNothingLeft;
import static io.github.supervisor4j.junit5.TestKitRuns.onlyFailure;
import static io.github.supervisor4j.junit5.TestKitRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.junit5.fixtures.Pid1Fixtures;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * {@link RunAsPid1} on the fixtures of {@link Pid1Fixtures}, through the TestKit: bodies see pid
 * 1; their failures, exceptions, aborts and time-outs come out intact; lifecycle methods and
 * fields behave as documented; no namespace means a failure of one line, or an abort if asked.
 * Needs root or user namespaces: never skipped (the fixtures fail if no namespace can be made).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class RunAsPid1Test {
  @BeforeEach
  void carryAProperty() {
    System.setProperty("pid1.fixture.property", "carried");
    Pid1Fixtures.EVENTS.clear();
  }

  @AfterEach
  void dropTheProperty() {
    System.clearProperty("pid1.fixture.property");
  }

  @Test
  void theBodyRunsAsPid1OfItsOwnNamespaceWithTheTestJvmsProperties() {
    EngineExecutionResults r = run(Pid1Fixtures.SeesPid1.class);
    r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
  }

  /**
   * A user who is not root gets an unprivileged user namespace, where the kernel allows one (it
   * does here; CI runs as root, so this takes that path on purpose).
   */
  @Test
  void withoutRootTheBodyRunsInAnUnprivilegedUserNamespace() throws Throwable {
    PidNamespaces.Result ns = PidNamespaces.probe("unshare", false);
    assertTrue(ns.available(), ns::whyNot);
    assertEquals(List.of("unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--kill-child"), ns.prefix());
    Pid1Run.run(ns.prefix(), Pid1Fixtures.SeesPid1.class.getDeclaredMethod("isPid1WithItsOwnProc"), Pid1Fixtures.SeesPid1.class);
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(AssertionFailedError.class, () -> Pid1Run.run(ns.prefix(),
        Pid1Fixtures.Fails.class.getDeclaredMethod("failsAnAssertion"), Pid1Fixtures.Fails.class));
    assertEquals("pid 1 says ==> expected: <1> but was: <2>", t.getMessage());
  }

  @Test
  void anAssertionFailureComesBackWithItsMessageAndStackTrace() {
    Throwable t = onlyFailure(run(Pid1Fixtures.Fails.class));
    assertInstanceOf(AssertionFailedError.class, t);
    assertEquals("pid 1 says ==> expected: <1> but was: <2>", t.getMessage());
    assertTrue(Arrays.stream(t.getStackTrace()).anyMatch(e -> e.getMethodName().equals("failsAnAssertion")
        && e.getClassName().equals(Pid1Fixtures.Fails.class.getName())), () -> Arrays.toString(t.getStackTrace()));
  }

  @Test
  void anExceptionComesBackWithItsClassMessageCauseAndStackTrace() {
    Throwable t = onlyFailure(run(Pid1Fixtures.Throws.class));
    assertInstanceOf(IllegalStateException.class, t);
    assertEquals("thrown as pid 1", t.getMessage());
    assertInstanceOf(ArithmeticException.class, t.getCause());
    assertEquals("the cause", t.getCause().getMessage());
    assertEquals("throwsAnException", t.getStackTrace()[0].getMethodName());
  }

  @Test
  void anUnserialisableExceptionComesBackAsAnAssertionErrorNamingIt() {
    Throwable t = onlyFailure(run(Pid1Fixtures.ThrowsUnserialisable.class));
    assertEquals(AssertionError.class, t.getClass());
    assertEquals(Pid1Fixtures.ThrowsUnserialisable.Unserialisable.class.getName() + ": held a thread", t.getMessage());
    assertEquals("throwsSomethingThatCannotCrossJvms", t.getStackTrace()[0].getMethodName());
  }

  @Test
  void anAbortedAssumptionAbortsTheTest() {
    EngineExecutionResults r = run(Pid1Fixtures.Aborts.class);
    r.testEvents().assertStatistics(s -> s.aborted(1).failed(0));
    Throwable t = r.testEvents().aborted().list().get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertInstanceOf(TestAbortedException.class, t);
    assertEquals("Assumption failed: not today", t.getMessage());
  }

  @Test
  void aTimeoutFailsTheTestAndKillsTheWholeNamespace() throws Exception {
    long t0 = System.nanoTime();
    Throwable t = onlyFailure(run(Pid1Fixtures.TimesOut.class));
    assertInstanceOf(TimeoutException.class, t);
    assertEquals("sleepsPastItsTimeout() timed out after 3 seconds", t.getMessage());
    assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "took too long to give up");
    assertNothingLeft("sleep", "3030");
  }

  @Test
  void aBodyThatExitsTheJvmFailsWithTheExitCode() {
    Throwable t = onlyFailure(run(Pid1Fixtures.ExitsTheJvm.class));
    assertInstanceOf(AssertionFailedError.class, t);
    assertEquals("the @RunAsPid1 JVM for callsSystemExit() ended with exit code 3 before the body returned", t.getMessage());
  }

  @Test
  void lifecycleMethodsRunInTheTestJvmAndTheBodySeesANewInstance() {
    EngineExecutionResults r = run(Pid1Fixtures.Lifecycle.class);
    r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    long self = ProcessHandle.current().pid();
    assertEquals(List.of("beforeEach in pid " + self, "afterEach in pid " + self + " sees initialised, set",
        "beforeEach in pid " + self, "afterEach in pid " + self + " sees initialised, set"), Pid1Fixtures.EVENTS);
  }

  @Test
  void aMethodWithParametersIsRefusedInOneLine() {
    Throwable t = onlyFailure(run(Pid1Fixtures.TakesAParameter.class));
    assertInstanceOf(ExtensionConfigurationException.class, t);
    assertEquals("@RunAsPid1 cannot pass parameters to another JVM: withParameter takes 1; use fields initialised by the "
        + "class itself", t.getMessage());
  }

  @Test
  void withoutANamespaceTheTestFailsWithOneLineThatSaysWhy() {
    Throwable t = onlyFailure(run(Map.of(RunAsPid1Extension.UNSHARE, "/nonexistent/unshare"), Pid1Fixtures.SeesPid1.class));
    assertInstanceOf(AssertionFailedError.class, t);
    assertTrue(t.getMessage().startsWith("@RunAsPid1 cannot make a PID namespace here: '/nonexistent/unshare "), t::getMessage);
    assertTrue(t.getMessage().contains("cannot start"), t::getMessage);
    assertEquals(1, t.getMessage().lines().count(), t::getMessage);
  }

  @Test
  void withoutANamespaceTheTestAbortsWhenAskedWithTheSameLine() {
    EngineExecutionResults r = run(Map.of(RunAsPid1Extension.UNSHARE, "/nonexistent/unshare", RunAsPid1Extension.UNAVAILABLE, "abort"),
        Pid1Fixtures.SeesPid1.class);
    r.testEvents().assertStatistics(s -> s.aborted(1).failed(0));
    Throwable t = r.testEvents().aborted().list().get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertTrue(t.getMessage().startsWith("@RunAsPid1 cannot make a PID namespace here: "), t::getMessage);
  }
}
