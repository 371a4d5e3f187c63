package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.condition.OS.LINUX;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Example 3 in podman: containers/Dockerfile.launcher and Dockerfile.inapp built with
 * {@code podman build --pull=never} as they are (their {@code FROM eclipse-temurin:17-jre} is
 * this machine's JDK 17, see local-base-images.sh) and run: the exit code podman reports, the
 * graceful path of {@code podman stop -t N}, {@code podman kill -s HUP}, {@code podman run -t}
 * and the in-app image as PID 1. ContainerRecipesTest runs the same ENTRYPOINTs without an engine.
 */
@EnabledOnOs(LINUX)
@ExtendWith(PodmanExtension.class)
@Timeout(120)
class ContainerRecipesInPodmanTest {
  static final String LAUNCHER = "orphan-reaping-app:launcher";
  static final String INAPP = "orphan-reaping-app:inapp";
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static Podman podman;

  /** A child script for the launcher image and the exit code podman must report. */
  record ExitCase(String script, int expected) {}

  /** A command the launcher cannot run, its exit code and the end of its one line. */
  record ExecCase(String command, int expected, String says) {}

  /** A child for the graceful path, its exit code, and whether the launcher must escalate to SIGKILL. */
  record GraceCase(String what, String script, int expected, boolean escalates) {}

  static final List<ExitCase> EXIT_CASES = List.of(new ExitCase("exit 0", 0), new ExitCase("exit 1", 1), new ExitCase("exit 7", 7),
      new ExitCase("exit 42", 42), new ExitCase("exit 255", 255), new ExitCase("kill -TERM $$", 143), new ExitCase("kill -KILL $$", 137));
  static final List<ExecCase> EXEC_CASES = List.of(new ExecCase("/no/such/command", 127, "command not found"),
      new ExecCase("/app.jar", 126, "not executable"));
  static final List<GraceCase> GRACE_CASES = List.of(
      new GraceCase("child exits 0 on SIGTERM", "trap 'echo child: SIGTERM; exit 0' TERM; echo child: ready; while :; do sleep 0.2; done", 0, false),
      new GraceCase("child dies of SIGTERM", "echo child: ready; exec sleep 1000", 143, false),
      new GraceCase("child ignores SIGTERM", "trap '' TERM; echo child: ready; while :; do sleep 0.2; done", 137, true));
  private static final String HUP_SCRIPT = "trap 'echo child: got SIGHUP; exit 5' HUP; echo child: ready; while :; do sleep 0.2; done";
  private static final String IGNORES_TERM = "trap '' TERM; echo child: ready; while :; do sleep 0.2; done";

  /**
   * Builds the recipes, then starts every detached container of this class at once: most of
   * each test is waiting for a JVM to start, which they then do side by side.
   */
  @BeforeAll
  static void imagesAndContainers() throws IOException {
    podman = Podman.engine();
    podman.recipe("Dockerfile.launcher", LAUNCHER);
    podman.recipe("Dockerfile.inapp", INAPP);
    for (ExitCase c : EXIT_CASES) {
      podman.ok(run(podman.name("exit-" + c.expected()), "-d", "--entrypoint", launcherEntrypoint(List.of(), "sh", "-c", c.script()), LAUNCHER));
    }
    for (ExecCase c : EXEC_CASES) {
      podman.ok(run(podman.name("exec-" + c.expected()), "-d", "--entrypoint", launcherEntrypoint(List.of(), c.command()), LAUNCHER));
    }
    podman.ok(run(podman.name("usage"), "-d", LAUNCHER, "--orphans", "99"));
    podman.ok(run(podman.name("launcher-stop"), "-d", LAUNCHER));
    for (GraceCase c : GRACE_CASES) {
      podman.ok(run(podman.name("grace-" + c.expected()), "-d", "--entrypoint",
          launcherEntrypoint(List.of("-v", "--grace", "1s", "--kill-after", "1s"), "sh", "-c", c.script()), LAUNCHER));
    }
    podman.ok(run(podman.name("grace-cut"), "-d", "--entrypoint", launcherEntrypoint(List.of("-v", "--grace", "30s"), "sh", "-c", IGNORES_TERM), LAUNCHER));
    podman.ok(run(podman.name("hup"), "-d", "--entrypoint", launcherEntrypoint(List.of(), "sh", "-c", HUP_SCRIPT), LAUNCHER));
    podman.ok(run(podman.name("inapp-report"), "-d", INAPP, "--orphans", "6"));
    podman.ok(run(podman.name("inapp-stop"), "-d", INAPP));
  }

  /** Dockerfile.launcher's ENTRYPOINT up to its {@code --}, then {@code command}, as a JSON array for --entrypoint. */
  static String launcherEntrypoint(List<String> launcherOptions, String... command) throws IOException {
    List<String> entrypoint = ContainerRecipesTest.Dockerfile.parse(Built.module().resolve("containers/Dockerfile.launcher")).entrypoint;
    List<String> words = new ArrayList<>(entrypoint.subList(0, entrypoint.indexOf("--")));
    words.addAll(launcherOptions);
    words.add("--");
    words.addAll(List.of(command));
    return json(words);
  }

  static String json(List<String> words) {
    StringBuilder b = new StringBuilder("[");
    for (String w : words) {
      if (b.length() > 1) b.append(',');
      b.append('"').append(w.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append(']').toString();
  }

  private static List<String> run(String name, String... rest) {
    List<String> args = new ArrayList<>(List.of("run", "--name", name));
    args.addAll(podman.label());
    args.addAll(List.of(rest));
    return args;
  }

  static List<ExitCase> exitCases() {
    return EXIT_CASES;
  }

  static List<ExecCase> execCases() {
    return EXEC_CASES;
  }

  static List<GraceCase> graceCases() {
    return GRACE_CASES;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exitCases")
  void launcherImageExitsWithTheChildsStatus(ExitCase c) {
    String name = podman.name("exit-" + c.expected());
    assertEquals(c.expected(), podman.awaitExit(name, LIMIT), podman.logs(name));
    assertEquals(c.expected(), podman.exitCode(name));
    assertEquals("", podman.logs(name), "the launcher prints nothing at its default verbosity");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("execCases")
  void launcherImageExitsWithTinisCodeWhenTheCommandCannotRun(ExecCase c) {
    String name = podman.name("exec-" + c.expected());
    assertEquals(c.expected(), podman.awaitExit(name, LIMIT), podman.logs(name));
    List<String> lines = podman.logs(name).lines().toList();
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).startsWith("[FATAL supervisor4j (1)] exec " + c.command() + " failed: ") && lines.get(0).endsWith(c.says()), lines.get(0));
  }

  @Test
  void launcherImageAsBuiltPassesTheAppsOwnExitCodeThrough() {
    String name = podman.name("usage");
    assertEquals(2, podman.awaitExit(name, LIMIT), podman.logs(name)); // the app's code for a bad argument
    assertTrue(podman.logs(name).contains("--orphans"), podman.logs(name));
  }

  @Test
  void launcherImageAsBuiltStopsCleanlyOnPodmanStop() {
    String name = podman.name("launcher-stop");
    podman.awaitLog(name, "running until SIGTERM", LIMIT);
    Podman.Result stop = podman.ok("stop", "-t", "10", name);
    assertEquals(0, podman.exitCode(name), podman.logs(name));
    String log = podman.logs(name);
    assertTrue(log.contains("shutdown: clean"), log);
    assertTrue(stop.took().compareTo(Duration.ofSeconds(10)) < 0, "the app stopped before podman's SIGKILL: " + stop.describe());
  }

  /**
   * {@code podman stop -t 10} sends SIGTERM to PID 1, the launcher, and SIGKILL 10 s later. With
   * {@code --grace 1s --kill-after 1s} the launcher forwards SIGTERM, gives the child 1 s, then
   * SIGTERMs the tree and SIGKILLs it 1 s later (docs/shutdown.md); the exit code is the child's
   * status: its own code, 128+15 if SIGTERM killed it, 128+9 after the escalation's SIGKILL.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("graceCases")
  void podmanStopTakesTheLaunchersGracefulPath(GraceCase c) {
    String name = podman.name("grace-" + c.expected());
    podman.awaitLog(name, "child: ready", LIMIT);
    Podman.Result stop = podman.ok("stop", "-t", "10", name);
    String log = podman.logs(name);
    assertEquals(c.expected(), podman.exitCode(name), log);
    assertTrue(stop.took().compareTo(Duration.ofSeconds(8)) < 0, "the launcher ended before podman's SIGKILL at 10 s: " + stop.describe() + log);
    assertEquals(c.escalates(), log.contains("sending SIGKILL to"), log);
    if (c.escalates()) {
      assertTrue(log.contains("still alive 1s after SIGTERM (--grace); shutting the process tree down"), log);
      assertTrue(stop.took().compareTo(Duration.ofMillis(1900)) > 0, "grace + kill-after = 2 s: " + stop.describe());
    }
  }

  /** When {@code -t} is shorter than the launcher's sequence, podman's SIGKILL of PID 1 cuts it short: 137, nothing logged. */
  @Test
  void podmanStopKillsTheLauncherWhenItsTimeoutIsShorterThanTheGrace() {
    String name = podman.name("grace-cut");
    podman.awaitLog(name, "child: ready", LIMIT);
    Podman.Result stop = podman.ok("stop", "-t", "2", name);
    String log = podman.logs(name);
    assertEquals(137, podman.exitCode(name), log);
    assertFalse(log.contains("shutting the process tree down"), log);
    assertTrue(stop.took().compareTo(Duration.ofMillis(1900)) > 0 && stop.took().compareTo(Duration.ofSeconds(10)) < 0, stop.describe());
  }

  @Test
  void podmanKillHupIsForwardedToTheChild() {
    String name = podman.name("hup");
    podman.awaitLog(name, "child: ready", LIMIT);
    podman.ok("kill", "-s", "HUP", name);
    assertEquals(5, podman.awaitExit(name, Duration.ofSeconds(30)), podman.logs(name));
    assertTrue(podman.logs(name).contains("child: got SIGHUP"), podman.logs(name));
  }

  /** {@code podman run -t}: the child's process group is the terminal's foreground group (tpgid, /proc/PID/stat field 8). */
  @Test
  void podmanRunTHandsTheTerminalToTheChild() throws IOException {
    String report = "set -- $(cat /proc/$$/stat); echo \"child pid=$1 pgrp=$5 tpgid=$8\"; if test -t 0; then echo stdin is a terminal; else echo stdin is no terminal; fi";
    Podman.Result tty = podman.ok(run(podman.name("tty"), "-t", "--entrypoint", launcherEntrypoint(List.of(), "sh", "-c", report), LAUNCHER));
    Matcher m = Pattern.compile("child pid=(\\d+) pgrp=(\\d+) tpgid=(-?\\d+)").matcher(tty.out());
    assertTrue(m.find(), tty.describe());
    assertEquals(m.group(1), m.group(2), "the child leads its own process group: " + tty.describe());
    assertEquals(m.group(2), m.group(3), "the child's group owns the terminal: " + tty.describe());
    assertTrue(tty.out().contains("stdin is a terminal"), tty.describe());
    // The control: without -t there is no terminal to hand over.
    Podman.Result plain = podman.ok(run(podman.name("no-tty"), "--entrypoint", launcherEntrypoint(List.of(), "sh", "-c", report), LAUNCHER));
    assertTrue(plain.out().matches("(?s)child pid=\\d+ pgrp=\\d+ tpgid=-1\\s*stdin is no terminal\\s*"), plain.describe());
  }

  /**
   * {@code podman run -i -t} with an interactive shell behind the launcher, driven through a
   * pseudo-terminal ({@code script}): the shell reads the line typed at the terminal (a shell
   * in a background group would be stopped by SIGTTIN instead), and its exit code comes back.
   */
  @Test
  void interactiveShellBehindTheLauncherReadsTheTerminal() throws Exception {
    String name = podman.name("interactive");
    List<String> podmanRun = new ArrayList<>(List.of("podman"));
    podmanRun.addAll(run(name, "-i", "-t", "--entrypoint", launcherEntrypoint(List.of(), "sh", "-i"), LAUNCHER));
    String command = String.join(" ", podmanRun.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").toList());
    Process script = new ProcessBuilder("script", "-q", "-e", "-c", command, "/dev/null").redirectErrorStream(true).start();
    try {
      StringBuilder seen = new StringBuilder();
      InputStream in = script.getInputStream();
      OutputStream out = script.getOutputStream();
      await(in, seen, Pattern.compile("# "), Duration.ofSeconds(60));
      out.write("echo \"in the foreground: pgrp=$(cut -d' ' -f5 /proc/$$/stat) tpgid=$(cut -d' ' -f8 /proc/$$/stat)\"; exit 3\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      // The terminal echoes the typed line, which holds "in the foreground: " too: wait for
      // the shell's answer, with its numbers, up to the end of its line.
      Pattern answer = Pattern.compile("in the foreground: pgrp=(\\d+) tpgid=(\\d+)\\s");
      Matcher m = await(in, seen, answer, Duration.ofSeconds(30));
      assertTrue(script.waitFor(30, TimeUnit.SECONDS), seen.toString());
      podman.note("$ script -q -e -c \"" + command + "\"\n" + seen);
      assertEquals(3, script.exitValue(), seen.toString());
      assertEquals(m.group(1), m.group(2), seen.toString());
      assertEquals(3, podman.exitCode(name));
    } finally {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
  }

  private static Matcher await(InputStream in, StringBuilder seen, Pattern text, Duration limit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    byte[] buffer = new byte[4096];
    Matcher m;
    while (!(m = text.matcher(seen)).find()) {
      if (System.nanoTime() > deadline) fail("no '" + text + "' on the terminal within " + limit + ":\n" + seen);
      if (in.available() > 0) {
        int n = in.read(buffer);
        if (n < 0) fail("the terminal closed before '" + text + "':\n" + seen);
        seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      } else {
        Thread.sleep(50);
      }
    }
    return m;
  }

  @Test
  void inAppImageReapsOrphansAsPid1AndKeepsProcessStatuses() {
    String name = podman.name("inapp-report");
    assertEquals(0, podman.awaitExit(name, LIMIT), podman.logs(name));
    String out = podman.logs(name);
    assertTrue(out.contains("orphan-reaping app: pid 1, mode auto: PID 1 of its PID namespace, reaper of orphans: true"), out);
    assertTrue(Pattern.compile("orphans adopted: +ok +6 of 6").matcher(out).find(), out);
    assertTrue(Pattern.compile("orphans reaped: +ok +5: ").matcher(out).find(), out);
    assertTrue(Pattern.compile("zombies left: +ok +0").matcher(out).find(), out);
    assertTrue(Pattern.compile("ProcessBuilder exit codes: ok +\\d+=0, \\d+=1, \\d+=7, \\d+=42, \\d+=255").matcher(out).find(), out);
    assertTrue(out.contains("result: OK") && out.contains("shutdown: clean"), out);
  }

  @Test
  void inAppImageAsBuiltStopsCleanlyOnPodmanStop() {
    String name = podman.name("inapp-stop");
    podman.awaitLog(name, "running until SIGTERM", LIMIT);
    podman.ok("stop", "-t", "10", name);
    String log = podman.logs(name);
    assertEquals(0, podman.exitCode(name), log);
    assertTrue(log.contains("SIGTERM received; running shutdown hooks and exiting 0") && log.contains("shutdown: clean"), log);
  }
}
