package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.posix.Forks.Mode;
import io.github.supervisor4j.testing.ForkedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What --help, docs/launcher.md and docs/shutdown.md claim about the launcher, each claim run
 * end to end on the shipped jar (issue 13, item 7). print_signals prints every signal it gets,
 * one line each, so "not forwarded" is a line that never comes.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class LauncherClaimsTest {
  private static final Duration LONG = Duration.ofSeconds(40);

  private static String printSignals() {
    return Fixtures.path("print_signals");
  }

  /**
   * --help: "SIGQUIT (the JVM's thread dump), ... SIGPIPE ... (the JVM's own)" are never
   * forwarded. Sent for real: SIGQUIT prints HotSpot's thread dump, neither reaches the child,
   * and the launcher still forwards the next signal.
   */
  @Test
  void sigquitGivesAThreadDumpAndNeitherSigquitNorSigpipeIsForwarded() throws Exception {
    try (ForkedProcess run = Forks.launcher("-s", "--", printSignals())) {
      run.await("ready ");
      run.signal(Signal.SIGQUIT.number());
      run.await("Full thread dump");
      run.signal(Signal.SIGPIPE.number());
      run.signal(Signal.SIGUSR1.number()); // the marker: forwarded, and after the two above
      run.awaitEquals("USR1");
      run.signal(Signal.SIGTERM.number());
      assertEquals(0, run.awaitEnd(), run::describe);
      for (String s : List.of("QUIT", "PIPE")) assertFalse(run.stdout().contains(s), s + " reached the child: " + run);
    }
  }

  /**
   * SIGUSR2 is HotSpot's suspend/resume signal, never forwarded. Sent for real: JDK 17 crashes
   * on it (SR_handler on a thread HotSpot does not know, JDK-8288556; hs_err, exit 134), JDK 25
   * logs one line on stdout ("stray SR signal") and goes on. docs/launcher.md says so; this test fails
   * when a JDK changes either.
   */
  @Test
  void sigusr2IsNotForwardedAndCrashesJdk17ButNotJdk25(@TempDir Path dir) throws Exception {
    List<String> cmd = Forks.launcherCommand("-s", "--", printSignals());
    try (ForkedProcess run = ForkedProcess.of(cmd).directory(dir).start()) {
      run.await("ready ");
      run.signal(Signal.SIGUSR2.number());
      if (Runtime.version().feature() == 17) {
        assertEquals(128 + 6, run.waitFor(LONG), run::describe);
        assertTrue(run.stdout().stream().anyMatch(l -> l.contains("SR_handler")), run::describe);
      } else {
        run.await(l -> l.contains("stray SR signal"), "HotSpot's line (unified logging, on stdout)");
        run.signal(Signal.SIGUSR1.number());
        run.awaitEquals("USR1");
        run.signal(Signal.SIGTERM.number());
        assertEquals(0, run.awaitEnd(), run::describe);
      }
      assertFalse(run.stdout().contains("USR2"), "SIGUSR2 reached the child: " + run);
    }
  }

  /** docs/shutdown.md: "A second SIGTERM/SIGINT during the grace is forwarded as usual (tini does the same)." */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void aSecondSigtermDuringTheGraceIsForwardedToo(Mode mode) throws Exception {
    try (ForkedProcess run = Forks.supervisor(mode, Forks.launcherJava(), "-v", "--grace", "3s", "--kill-after", "300ms",
        "--", printSignals(), "--ignore-term")) {
      run.await("ready ");
      run.signal(Signal.SIGTERM.number());
      run.awaitEquals("TERM");
      run.signal(Signal.SIGTERM.number());
      run.awaitEquals("TERM");
      assertEquals(128 + 9, run.waitFor(LONG), run::describe);
      List<String> lines = run.stdout();
      int escalation = indexOf(lines, "sending SIGTERM to 1 process");
      assertTrue(escalation > 0, run::describe);
      assertEquals(2, lines.subList(0, escalation).stream().filter("TERM"::equals).count(), () -> "two forwarded before the escalation: " + run);
    }
  }

  /**
   * The main child that exits by itself while a SIGTERM is held (--pre-stop-delay) ends the
   * launcher at once with its status; the held SIGTERM is never forwarded (the shell would
   * then die of it: 143).
   */
  @Test
  void theMainChildExitingDuringThePreStopHoldEndsTheLauncherAtOnceWithItsStatus() throws Exception {
    try (ForkedProcess run = Forks.supervisor(Mode.SUBREAPER, Forks.launcherJava(), "-v", "--pre-stop-delay", "10s",
        "--", "sh", "-c", "echo started; read line; exit 3")) {
      run.await("started");
      run.signal(Signal.SIGTERM.number());
      run.await(l -> l.contains("holding SIGTERM for 10s"), "the hold");
      long sent = System.nanoTime();
      run.send("go");
      assertEquals(3, run.waitFor(LONG), run::describe);
      long took = TimeUnit.NANOSECONDS.toMillis(run.exitNanos() - sent);
      assertTrue(took < 8000, "exited " + took + " ms after the child, as if it had waited out the 10 s hold: " + run);
    }
  }

  /**
   * --setsid when the main child exits: dumb-init then sends SIGTERM to the child's process
   * group; we do as tini does and signal nobody (use --on-child-exit terminate for that),
   * which docs/launcher.md lists as a difference. Both sides are run.
   */
  @Test
  void withSetsidTheChildsGroupIsNotSignalledWhenTheChildExitsUnlikeDumbInit() throws Exception {
    String script = printSignals() + " & read line; exit 3";
    try (ForkedProcess ours = Forks.launcher("-s", "--setsid", "--", "sh", "-c", script)) {
      int left = ours.awaitPid("ready");
      ours.send("exit now");
      assertEquals(3, ours.waitFor(LONG), ours::describe);
      Thread.sleep(300); // a SIGTERM to the group would be printed by now
      assertEquals(List.of("ready " + left), ours.stdout(), "print_signals got a signal when the child exited: " + ours);
      assertTrue(ours.survivors().contains((long) left), () -> "print_signals was not left running: " + ours.survivors());
    }
    try (ForkedProcess dumbInit = ForkedProcess.start(List.of("dumb-init", "--", "sh", "-c", script))) {
      dumbInit.await("ready ");
      dumbInit.send("exit now");
      dumbInit.awaitEquals("TERM");
      assertEquals(3, dumbInit.awaitEnd(), dumbInit::describe);
    }
  }

  /**
   * -e N remaps exit code N to 0 and leaves every other code alone: all of 0..255, 4 launchers
   * at a time. Cheaply: the launchers share an AppCDS archive made by a first run
   * (docs/launcher.md), a third less CPU each; about 30 s on 2 idle cores.
   */
  @Test
  @Timeout(300)
  void remapsEachExitCodeWithEAndNoOtherEndToEnd(@TempDir Path dir) throws Exception {
    Path archive = dir.resolve("launcher.jsa");
    try (ForkedProcess training = ForkedProcess.start(Forks.launcherJava().options("-XX:ArchiveClassesAtExit=" + archive)
        .args("-s", "-e", "3", "--", "sh", "-c", "exit 3").toList())) {
      assertEquals(0, training.awaitEnd(), training::describe);
    }
    List<String> cds = Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int c = 0; c <= 255; c++) {
        int code = c;
        // Odd codes are remapped; even ones run with -e for the next code, which must not touch them.
        int remapped = code % 2 == 1 ? code : (code + 1) % 256;
        int expected = code % 2 == 1 ? 0 : code;
        results.add(pool.submit(() -> {
          try (ForkedProcess run = ForkedProcess.of(Forks.launcherJava().options(cds).args("-s", "-e", Integer.toString(remapped), "--",
              "sh", "-c", "exit " + code).toList()).timeout(Duration.ofSeconds(120)).start()) {
            int got = run.awaitEnd();
            return got == expected ? "" : "exit " + code + " with -e " + remapped + " gave " + got + ", expected " + expected;
          }
        }));
      }
      List<String> wrong = new ArrayList<>();
      for (Future<String> f : results) {
        String r = f.get(280, TimeUnit.SECONDS);
        if (!r.isEmpty()) wrong.add(r);
      }
      assertEquals(List.of(), wrong);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Socket activation through the launcher (docs/foundation.md): LISTEN_FDS=2 passes 3 and 4
   * and closes 5; LISTEN_FDS and LISTEN_PID reach the child unchanged (LISTEN_PID names the
   * launcher, not the child).
   */
  @Test
  void passesListenFdsAndListenPidThrough() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec 3</dev/null 4</dev/null 5</dev/null; exec \"$@\"", "sh"));
    cmd.addAll(Forks.launcherCommand("-s", "--", "sh", "-c", "echo \"LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID\"; exec "
        + Fixtures.path("list_fds")));
    try (ForkedProcess run = Forks.any(cmd, Map.of("LISTEN_FDS", "2", "LISTEN_PID", "4711"))) {
      assertEquals(0, run.awaitEnd(), run::describe);
      assertEquals("LISTEN_FDS=2 LISTEN_PID=4711", run.stdout().get(0), run::describe);
      assertEquals("fds 0 1 2 3 4", run.stdout().get(1), run::describe);
      assertEquals(List.of(), run.stderr(), run::describe);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"two", "-1", "70000"})
  void aBadListenFdsGetsOneWarningLineAndPassesNothing(String value) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "exec 3</dev/null; exec \"$@\"", "sh"));
    cmd.addAll(Forks.launcherCommand("-s", "--", Fixtures.path("list_fds")));
    try (ForkedProcess run = Forks.any(cmd, Map.of("LISTEN_FDS", value))) {
      assertEquals(0, run.awaitEnd(), run::describe);
      assertEquals("fds 0 1 2", run.stdout().get(0), run::describe);
      List<String> err = run.stderr();
      assertEquals(1, err.size(), run::describe);
      assertTrue(err.get(0).startsWith("[WARN  supervisor4j (") && err.get(0).contains("LISTEN_FDS=" + value + " is not a number"),
          run::describe);
    }
  }

  /** The fallback for kernels without pidfd_open (-Dsupervisor4j.pidfd=false) ends the same tree. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void withoutPidfdsTerminateStillEndsDaemonAndSetsidProcess(Mode mode) throws Exception {
    try (ForkedProcess run = Forks.supervisor(mode, Forks.launcherJava().options("-Dsupervisor4j.pidfd=false"), "-vvv",
        "--on-child-exit", "terminate", "--kill-after", "500ms", "--", Fixtures.path("daemons"), "7", "1000", "1000",
        "--daemon-ignores-term")) {
      int daemon = run.awaitPid("daemon");
      int session = run.awaitPid("session");
      assertEquals(7, run.waitFor(LONG), run::describe);
      String out = run.output();
      assertTrue(out.contains("pidfds disabled by -Dsupervisor4j.pidfd=false"), out);
      assertTrue(out.contains("sending SIGTERM to 2 processes") && out.contains(daemon + " (daemons)") && out.contains(session + " (daemons)"), out);
      assertTrue(out.contains("sending SIGKILL to 1 process still alive after 500ms: " + daemon + " (daemons)"), out);
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
    }
  }

  /** Under -Xrs no Java signal handler runs: the native path forwards all the same; the fallback refuses in one line. */
  @Test
  void underXrsTheNativePathForwardsAndTheFallbackRefusesInOneLine() throws Exception {
    try (ForkedProcess run = Forks.any(Forks.launcherJava().options("-Xrs").args("-s", "--", printSignals()).toList(), Map.of())) {
      run.await("ready ");
      run.signal(Signal.SIGUSR1.number());
      run.awaitEquals("USR1");
      run.signal(Signal.SIGTERM.number());
      run.awaitEquals("TERM");
      assertEquals(0, run.awaitEnd(), run::describe);
    }
    List<String> cmd = Forks.launcherJava().options("-Xrs", "-D" + NativeSignals.PROPERTY + "=false").args("-s", "--", "true").toList();
    try (ForkedProcess run = Forks.any(cmd, Map.of())) {
      assertEquals(1, run.awaitEnd(), run::describe);
      List<String> err = run.stderr();
      assertEquals(1, err.size(), run::describe);
      assertTrue(err.get(0).startsWith("[FATAL supervisor4j (") && err.get(0).contains("-Xrs"), run::describe);
    }
  }

  /**
   * The core-dump flag end to end: RLIMIT_CORE raised first (a failing ulimit fails the test),
   * the child dies of SIGSEGV with a core, the launcher exits 139 and says "(core dumped)".
   */
  @Test
  void reportsACoreDumpedChildAndExits139(@TempDir Path dir) throws Exception {
    String pattern = Files.readString(Paths.get("/proc/sys/kernel/core_pattern")).trim();
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "ulimit -c unlimited || { echo 'ulimit -c failed'; exit 99; }; exec \"$@\"", "sh"));
    cmd.addAll(Forks.launcherCommand("-s", "-v", "--", "sh", "-c", "kill -SEGV $$"));
    try (ForkedProcess run = ForkedProcess.of(cmd).directory(dir).start()) {
      int code = run.awaitEnd();
      assertTrue(code != 99, () -> "RLIMIT_CORE could not be raised: " + run);
      assertEquals(139, code, run::describe);
      assertTrue(run.stderr().stream().anyMatch(l -> l.contains("main child ") && l.endsWith(" killed by SIGSEGV (core dumped)")),
          () -> "core_pattern " + pattern + "; " + run);
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path core : files.filter(f -> f.getFileName().toString().startsWith("core")).collect(Collectors.toList())) Files.delete(core);
    }
  }

  /**
   * Started in the background of an interactive shell (`launcher ... &` under a real terminal),
   * the launcher's child does not take the terminal: the shell's group stays in the foreground
   * and keeps reading what is typed.
   */
  @Test
  void aLauncherStartedInTheBackgroundDoesNotTakeTheTerminal() throws Exception {
    String launcher = Forks.launcherCommand("-s", "--", "sh", "-c", "echo child $$; exec sleep 30").stream()
        .map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    try (ForkedProcess run = Forks.any(List.of("script", "-qec", "sh -i", "/dev/null"), Map.of("ENV", "/dev/null", "PS1", "$ "))) {
      run.send(launcher + " &");
      // The line may follow the shell's prompts ("# # child 123").
      String line = run.await(l -> l.matches(".*\\bchild [0-9]+"), "the child's pid");
      int child = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
      String[] f = statFields(child);
      assertTrue(!f[2].equals(f[5]), "the child's group " + f[2] + " is the terminal's foreground group " + f[5]);
      run.send("echo still-reading");
      run.await(l -> l.equals("still-reading"), "the shell's own echo");
      Os.kill(child, Signal.SIGKILL.number());
      run.send("exit 0");
      assertEquals(0, run.waitFor(LONG), run::describe);
    }
  }

  /** /proc/pid/stat after the command: state, ppid, pgrp, session, tty_nr, tpgid, ... */
  private static String[] statFields(int pid) throws Exception {
    String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) return i;
    }
    return -1;
  }
}
