package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code Supervisors.installInit()} in a forked JVM that is PID 1 of a namespace ({@link InAppFixture}). */
@EnabledOnOs(OS.LINUX)
class InAppInitTest {

  @ParameterizedTest(name = "exitZeroOnSigterm={0} exits {1}")
  @CsvSource({"false, 143", "true, 0"})
  @Timeout(60)
  void sigtermReachesSpawnedChildThenRunsShutdownHooks(boolean exitZero, int expectedExit) throws Exception {
    PidNamespace.require();
    List<String> cmd = PidNamespace.wrap(Forks.java(InAppFixture.class)
        .options("-D" + io.github.supervisor4j.InitConfig.EXIT_ZERO_ON_SIGTERM + "=" + exitZero)
        .args("serve", Fixtures.path("print_signals")).toList());
    try (ForkedProcess run = ForkedProcess.of(cmd).mergedOutput().start()) {
      run.await("serving");
      run.await("ready ");
      run.signal(15); // SIGTERM to the JVM, PID 1 inside, a host pid here
      run.awaitEquals("TERM");
      run.await("hook ran, child exited 0");
      assertEquals(expectedExit, run.waitFor(), run::describe);
    }
  }

  /**
   * Runs with a private /tmp, as a container has: the attach socket {@code /tmp/.java_pid1}
   * that jcmd uses would otherwise be shared with every other JVM that is PID 1 in some
   * namespace on this machine (other tests, other builds).
   */
  @Test
  @Timeout(90)
  void threadDumpJfrAndProcessHandleWorkAsPid1() throws Exception {
    PidNamespace.require();
    Path jfr = Paths.get("target", "inapp-features-" + ProcessHandle.current().pid() + ".jfr").toAbsolutePath();
    Files.deleteIfExists(jfr);
    List<String> out = runToEnd(PidNamespace.wrapWithPrivateTmp(
        Forks.java(InAppFixture.class).args("features", jfr.toString(), Fixtures.path("exit_code")).toList()));
    String all = String.join("\n", out);
    assertTrue(out.stream().anyMatch(l -> l.startsWith("Full thread dump")), "no thread dump after SIGQUIT:\n" + all);
    // The dump is printed by another thread on the same stdout, so a feature line may share a line with it.
    for (String feature : List.of("sigquit-sent", "jcmd-thread-print", "jfr", "processhandle-onexit", "processhandle-descendants")) {
      assertTrue(all.contains("feature " + feature + " ok"), feature + ":\n" + all);
    }
    assertTrue(Files.size(jfr) > 0);
    Files.delete(jfr);
  }

  @Test
  @Timeout(60)
  void refusesToInstallSignalHandlingUnderXrs() throws Exception {
    PidNamespace.require();
    String out = runToEnd(PidNamespace.wrap(Forks.java(InAppFixture.class).options("-Xrs").args("install").toList()), 3);
    assertTrue(out.contains("refused process 1: cannot install init: the JVM runs with -Xrs"), out);
  }

  /** Without --mount-proc the /proc children files speak of other pids: refuse rather than guess. */
  @Test
  @Timeout(60)
  void refusesWhenProcBelongsToAnotherPidNamespace() throws Exception {
    PidNamespace.require();
    List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child"));
    cmd.addAll(Forks.java(InAppFixture.class).args("install").toList());
    String out = runToEnd(cmd, 3);
    assertTrue(out.contains("refused process 1: the COOPERATIVE reap policy cannot run safely here: /proc belongs to another "
        + "PID namespace"), out);
  }

  @Test
  @Timeout(60)
  void reapsWithoutSignalHandlingUnderXrsWhenAskedTo() throws Exception {
    PidNamespace.require();
    List<String> out = runToEnd(PidNamespace.wrap(Forks.java(InAppFixture.class)
        .options("-Xrs", "-D" + io.github.supervisor4j.InitConfig.SIGNALS + "=none").args("install").toList()));
    assertTrue(out.stream().anyMatch(l -> l.startsWith("installed ") && l.contains("signals=[]")), String.join("\n", out));
  }

  /**
   * The agent opens java.lang itself, so the JDK's table is read by plain reflection without
   * --add-opens. The jar is the library jar this build made, with the classes of the class
   * path minus this module's own.
   */
  @ParameterizedTest
  @ValueSource(strings = {"", "=exitZeroOnSigterm"})
  @Timeout(60)
  void agentInstallsInitAndOpensJavaLang(String agentArgs) throws Exception {
    List<String> out = runToEnd(agentCommand("-javaagent:" + Forks.libraryJar() + agentArgs));
    String all = String.join("\n", out);
    assertTrue(out.stream().anyMatch(l -> l.startsWith("installed java.lang.ProcessHandleImpl.completions (reflection)")), all);
    assertTrue(all.contains("exitZeroOnSigterm=" + !agentArgs.isEmpty()), all);
  }

  @Test
  @Timeout(60)
  void agentRefusesAnUnknownArgumentInOneLine() throws Exception {
    String out = runToEnd(agentCommand("-javaagent:" + Forks.libraryJar() + "=bogus"), 2).trim();
    assertEquals("supervisor4j agent: unknown agent argument 'bogus' (known: exitZeroOnSigterm)", out);
  }

  private static List<String> agentCommand(String agent) {
    return List.of(io.github.supervisor4j.testing.JavaCommand.java(), Forks.NATIVE_ACCESS, agent, "-cp",
        String.join(java.io.File.pathSeparator, Forks.classPathWithoutOurClasses()), InAppFixture.class.getName(), "install");
  }

  /** The merged output of {@code cmd}, once it and everything holding its output are gone; it must exit 0. */
  private static List<String> runToEnd(List<String> cmd) throws Exception {
    return runToEnd(cmd, 0).lines().collect(java.util.stream.Collectors.toList());
  }

  /** The merged output of {@code cmd}, once it and everything holding its output are gone; it must exit {@code code}. */
  private static String runToEnd(List<String> cmd, int code) throws Exception {
    try (ForkedProcess p = ForkedProcess.of(cmd).mergedOutput().start()) {
      assertEquals(code, p.awaitEnd(), p::describe);
      return p.output();
    }
  }
}
