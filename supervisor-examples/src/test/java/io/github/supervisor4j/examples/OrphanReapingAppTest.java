package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import io.github.supervisor4j.testing.JavaCommand;
import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Example 1 run as a user runs it: {@code java -jar} on the demo jar, as a child subreaper and
 * as PID 1 of a PID namespace. The app checks itself and says so; the test also reads its
 * report line by line and looks for processes left behind (by an environment token) once it
 * has exited.
 */
@EnabledOnOs(LINUX)
@Timeout(120)
class OrphanReapingAppTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);

  enum Where {
    SUBREAPER, PID1;

    List<String> command(String... appArgs) {
      List<String> cmd = new ArrayList<>(List.of(JavaCommand.java(), "-jar", Built.demoJar().toString()));
      if (this == PID1) cmd.addAll(List.of("--mode", "pid1"));
      cmd.addAll(List.of(appArgs));
      if (this == PID1) {
        PidNamespace.require();
        return PidNamespace.wrapWithPrivateTmp(cmd);
      }
      return cmd;
    }
  }

  @ParameterizedTest
  @EnumSource(Where.class)
  void reapsEveryOrphanKeepsEveryProcessBuilderCodeAndEndsByItself(Where where) throws Exception {
    try (ForkedProcess app = start(where.command(), Map.of())) {
      int code = app.waitFor(LIMIT);
      String out = app.output();
      assertEquals(0, code, out);
      assertTrue(out.contains(where == Where.PID1 ? "pid 1, mode pid1: PID 1 of its PID namespace" : "child subreaper (not PID 1)"), out);
      assertReport(out);
      assertTrue(out.contains("TreeShutdown stopped 1 process left in the tree"), out);
      assertTrue(out.contains("shutdown: clean"), out);
      assertEquals(List.of(), app.survivors(), out);
    }
  }

  @ParameterizedTest
  @EnumSource(Where.class)
  void shutsDownGracefullyOnSigterm(Where where) throws Exception {
    try (ForkedProcess app = start(where.command("--until-sigterm"), Map.of())) {
      app.await(l -> l.contains("running until SIGTERM"), "'running until SIGTERM'");
      ProcessHandle jvm = app.supervisor();
      assertTrue(jvm.destroy(), "SIGTERM to " + jvm.pid()); // ProcessHandle.destroy() sends SIGTERM
      int code = app.waitFor(LIMIT);
      String out = app.output();
      assertEquals(0, code, out);
      assertReport(out);
      List<String> workers = lines(out, "worker (\\d+) started through Init.spawn");
      assertEquals(2, workers.size(), out);
      for (String w : workers) {
        assertTrue(out.contains("worker " + w + ": SIGTERM, finishing"), out);
        assertTrue(out.contains("worker " + w + " exited 0"), out);
      }
      assertTrue(out.contains("TreeShutdown stopped 1 process left in the tree"), out);
      assertTrue(out.contains("shutdown: clean"), out);
      assertEquals(List.of(), app.survivors(), out);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--mode foo          |                | orphan-reaping-app: --mode: expected auto, subreaper or pid1: foo",
      "--orphans 1         |                | orphan-reaping-app: --orphans: must be 2..50: 1",
      "--orphans x         |                | orphan-reaping-app: --orphans: not a number: x",
      "--frobnicate        |                | orphan-reaping-app: unknown option: --frobnicate (see --help)",
      "--mode              |                | orphan-reaping-app: --mode: missing value",
      "--mode pid1         |                | orphan-reaping-app: --mode pid1: this JVM is process ",
      "''                  | pid1           | orphan-reaping-app: --mode pid1: this JVM is process ",
      "''                  | sideways       | orphan-reaping-app: SUPERVISOR_EXAMPLE_MODE: expected auto, subreaper or pid1: sideways",
  })
  void refusesBadArgumentsWithOneLineAndExitCode2(String args, String modeEnv, String message) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JavaCommand.java(), "-jar", Built.demoJar().toString()));
    if (!args.isBlank()) cmd.addAll(List.of(args.trim().split(" ")));
    Map<String, String> env = modeEnv == null ? Map.of() : Map.of(OrphanReapingApp.MODE_ENV, modeEnv);
    try (ForkedProcess app = start(cmd, env)) {
      int code = app.waitFor(LIMIT);
      String out = app.output();
      assertEquals(2, code, out);
      assertTrue(out.startsWith(message), out);
      assertEquals(1, out.lines().count(), out);
    }
  }

  /** {@code command} with {@code env}, output merged, stdin from /dev/null, every wait bounded by {@link #LIMIT}. */
  private static ForkedProcess start(List<String> command, Map<String, String> env) {
    return ForkedProcess.of(command).env(env).mergedOutput().stdinFromDevNull().timeout(LIMIT).start();
  }

  /** The report's lines, and the reaped statuses against what leave-orphans.sh says each child does. */
  private static void assertReport(String out) {
    // The demo jar's manifest carries Add-Opens and Enable-Native-Access: no JDK warning, on 17 or 25.
    assertFalse(out.lines().anyMatch(l -> l.startsWith("WARNING:")), out);
    assertTrue(Pattern.compile("orphans adopted:\\s+ok\\s+4 of 4 ").matcher(out).find(), out);
    assertTrue(Pattern.compile("orphans reaped:\\s+ok\\s+3: \\d+ exited 11, \\d+ killed by SIGTERM, \\d+ exited 13").matcher(out).find(), out);
    assertTrue(Pattern.compile("zombies left:\\s+ok\\s+0 ").matcher(out).find(), out);
    assertTrue(Pattern.compile("ProcessBuilder exit codes:\\s+ok\\s+\\d+=0, \\d+=1, \\d+=7, \\d+=42, \\d+=255\\n").matcher(out).find(), out);
    assertTrue(out.contains("result: OK"), out);
    List<String> adopted = lines(out, "adopted orphan (\\d+) ");
    List<String> reaped = lines(out, "reaped orphan (\\d+): ");
    assertEquals(4, adopted.size(), out);
    assertEquals(adopted.stream().sorted().toList(), reaped.stream().sorted().toList(), "every adopted orphan is reaped once:\n" + out);
    assertFalse(out.contains("Exception"), out);
  }

  private static List<String> lines(String out, String regex) {
    Matcher m = Pattern.compile("(?m)^" + regex).matcher(out);
    List<String> found = new ArrayList<>();
    while (m.find()) found.add(m.group(1));
    return found;
  }
}
