package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
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
    List<String> cmd = PidNamespace.wrap(TestJvm.command(InAppFixture.class,
        List.of("-D" + io.github.supervisor4j.InitConfig.EXIT_ZERO_ON_SIGTERM + "=" + exitZero),
        List.of("serve", Fixtures.path("print_signals"))));
    Process unshare = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    CompletableFuture.runAsync(() -> pump(unshare, lines));
    awaitLines(lines, "serving", "ready ");
    long jvm = unshare.children().findFirst().orElseThrow().pid(); // PID 1 inside, a host pid here
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(jvm)).start().waitFor());
    awaitLines(lines, "TERM");
    awaitLines(lines, "hook ran, child exited 0");
    assertTrue(unshare.waitFor(30, TimeUnit.SECONDS));
    assertEquals(expectedExit, unshare.exitValue());
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
    List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child",
        "sh", "-c", PidNamespace.mountPrivateTmp("") + " && exec \"$0\" \"$@\""));
    cmd.addAll(TestJvm.command(InAppFixture.class, "features", jfr.toString(), Fixtures.path("exit_code")));
    List<String> out = runToEnd(cmd);
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
    Process p = new ProcessBuilder(PidNamespace.wrap(TestJvm.command(InAppFixture.class, List.of("-Xrs"), List.of("install"))))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("refused process 1: cannot install init: the JVM runs with -Xrs"), out);
  }

  /** Without --mount-proc the /proc children files speak of other pids: refuse rather than guess. */
  @Test
  @Timeout(60)
  void refusesWhenProcBelongsToAnotherPidNamespace() throws Exception {
    PidNamespace.require();
    List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child"));
    cmd.addAll(TestJvm.command(InAppFixture.class, "install"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("refused process 1: the COOPERATIVE reap policy cannot run safely here: /proc belongs to another "
        + "PID namespace"), out);
  }

  @Test
  @Timeout(60)
  void reapsWithoutSignalHandlingUnderXrsWhenAskedTo() throws Exception {
    PidNamespace.require();
    List<String> out = runToEnd(PidNamespace.wrap(TestJvm.command(InAppFixture.class,
        List.of("-Xrs", "-D" + io.github.supervisor4j.InitConfig.SIGNALS + "=none"), List.of("install"))));
    assertTrue(out.stream().anyMatch(l -> l.startsWith("installed ") && l.contains("signals=[]")), String.join("\n", out));
  }

  /** The agent opens java.lang itself, so the JDK's table is read by plain reflection without --add-opens. */
  @ParameterizedTest
  @ValueSource(strings = {"", "=exitZeroOnSigterm"})
  @Timeout(60)
  void agentInstallsInitAndOpensJavaLang(String agentArgs, @TempDir Path tmp) throws Exception {
    Path agent = tmp.resolve("agent.jar");
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().putValue("Premain-Class", InitAgent.class.getName());
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(agent), mf)) {
      // The classes come from the test class path; the jar only names the agent.
    }
    List<String> out = runToEnd(TestJvm.command(InAppFixture.class,
        List.of("-javaagent:" + agent + agentArgs), List.of("install")));
    String all = String.join("\n", out);
    assertTrue(out.stream().anyMatch(l -> l.startsWith("installed java.lang.ProcessHandleImpl.completions (reflection)")), all);
    assertTrue(all.contains("exitZeroOnSigterm=" + !agentArgs.isEmpty()), all);
  }

  @Test
  @Timeout(60)
  void agentRefusesAnUnknownArgumentInOneLine(@TempDir Path tmp) throws Exception {
    Path agent = tmp.resolve("agent.jar");
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().putValue("Premain-Class", InitAgent.class.getName());
    new JarOutputStream(Files.newOutputStream(agent), mf).close();
    Process p = new ProcessBuilder(TestJvm.command(InAppFixture.class, List.of("-javaagent:" + agent + "=bogus"), List.of("install")))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    assertEquals("supervisor4j agent: unknown agent argument 'bogus' (known: exitZeroOnSigterm)", out);
  }

  private static List<String> runToEnd(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = r.readLine()) != null) lines.add(line);
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    return lines;
  }

  private static void pump(Process p, LinkedBlockingQueue<String> lines) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = r.readLine()) != null) lines.add(line);
    } catch (IOException e) {
      lines.add("pump failed: " + e);
    }
  }

  /** Waits until a line starting with each prefix has been read, in any order. */
  private static void awaitLines(LinkedBlockingQueue<String> lines, String... prefixes) throws InterruptedException {
    List<String> missing = new ArrayList<>(List.of(prefixes));
    List<String> seen = new ArrayList<>();
    while (!missing.isEmpty()) {
      String line = lines.poll(30, TimeUnit.SECONDS);
      if (line == null) throw new AssertionError("no line starting with " + missing + "; saw " + seen);
      seen.add(line);
      missing.removeIf(line::startsWith);
    }
  }
}
