package io.github.supervisor4j.posix;

import io.github.supervisor4j.posix.launcher.Launcher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.posix.Forks.Mode;
import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The launcher's shutdown sequence ({@link ShutdownCoordinator}, behind {@link Launcher}'s
 * {@code --grace}, {@code --kill-after}, {@code --on-child-exit} and {@code --pre-stop-delay})
 * on real processes, as PID 1 of a PID namespace and as a subreaper: a forked JVM runs {@link
 * Launcher#main} from the test class path, as {@link LauncherTest} does. {@code -v} makes it
 * log at INFO, where the escalation's lines are.
 *
 * <p>Durations are asserted from below only where the behaviour promises a wait (a lower
 * bound is a fact of the sequence); upper bounds are generous, only telling "promptly" from
 * "after the grace", never a wall-clock budget.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class GracefulShutdownTest {
  private static final Duration LONG = Duration.ofSeconds(40);

  private static String printSignals() {
    return Fixtures.path("print_signals");
  }

  private static String daemons() {
    return Fixtures.path("daemons");
  }

  private static long millisSince(long nanos, long later) {
    return TimeUnit.NANOSECONDS.toMillis(later - nanos);
  }

  /** The launcher, at INFO (-v), in {@code mode} (which adds --subreaper for SUBREAPER). */
  private static ForkedProcess launcher(Mode mode, String... args) {
    String[] a = new String[args.length + 1];
    a[0] = "-v";
    System.arraycopy(args, 0, a, 1, args.length);
    return Forks.supervisor(mode, Forks.launcherJava(), a);
  }

  /** The launcher's INFO line "spawned child process 'sleep' with pid 12", once the child runs. */
  private static ForkedProcess.Line awaitSpawned(ForkedProcess run) throws InterruptedException {
    return run.awaitLine(l -> l.contains("] spawned child process "), "the launcher's 'spawned child process'");
  }

  @ParameterizedTest(name = "{0}: {1} to {2} gives {3}")
  @CsvSource({
      "PID1, SIGTERM, sleep, 143",
      "SUBREAPER, SIGTERM, sleep, 143",
      "SUBREAPER, SIGINT, sleep, 130",
      "PID1, SIGTERM, print_signals, 0"})
  void childThatExitsOnTheSignalEndsTheSupervisorPromptlyWithItsStatus(Mode mode, Signal signal, String child, int code)
      throws Exception {
    String cmd = child.equals("sleep") ? "sleep" : printSignals();
    try (ForkedProcess run = launcher(mode, "--grace", "30s", "--", cmd, "1000")) {
      awaitSpawned(run);
      if (child.equals("print_signals")) run.await("ready ");
      long sent = System.nanoTime();
      run.signal(signal.number());
      assertEquals(code, run.waitFor(LONG), run::output);
      long took = millisSince(sent, run.exitNanos());
      assertTrue(took < 20_000, "took " + took + " ms, as if it had waited for the 30s grace:\n" + run.output());
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
    }
  }

  @Test
  void remapsTheChildsStatusWithEAfterTheShutdownAsWithout() throws Exception {
    try (ForkedProcess run = launcher(Mode.SUBREAPER, "-e", "143", "--grace", "30s", "--", "sleep", "1000")) {
      awaitSpawned(run);
      run.signal(Signal.SIGTERM.number());
      assertEquals(0, run.waitFor(LONG), run::output);
      assertTrue(run.output().contains(" killed by SIGTERM, remapped to 0 by -e"), run::output);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void withGroupTheSignalReachesTheChildsWholeProcessGroup(Mode mode) throws Exception {
    try (ForkedProcess run = launcher(mode, "-g", "--grace", "30s", "--kill-after", "300ms",
        "--", "sh", "-c", printSignals() + " --ignore-term & wait")) {
      run.await("ready ");
      run.signal(Signal.SIGTERM.number());
      // The shell dies of SIGTERM (143). print_signals, in its group, ignores it and prints it
      // before the escalation that follows is even logged; without -g it would see SIGTERM only
      // from the escalation, after that log line.
      assertEquals(143, run.waitFor(LONG), run::output);
      List<String> lines = run.stdout();
      int term = lines.indexOf("TERM");
      int escalation = -1;
      for (int i = 0; i < lines.size() && escalation < 0; i++) {
        if (lines.get(i).contains("sending SIGTERM to 1 process")) escalation = i;
      }
      assertTrue(term >= 0 && escalation > term, run::output);
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void childIgnoringSigtermIsKilledOnceGraceAndKillAfterHavePassed(Mode mode) throws Exception {
    try (ForkedProcess run = launcher(mode, "--grace", "1s", "--kill-after", "1s", "--",
        printSignals(), "--ignore-term")) {
      int child = run.awaitPid("ready");
      // The scan must see what runs now: the child, the supervisor JVM and, for PID1, unshare.
      assertEquals(mode == Mode.PID1 ? 3 : 2, run.survivors().size(), "the scan for survivors is blind");
      long sent = System.nanoTime();
      run.signal(Signal.SIGTERM.number());
      assertEquals(128 + 9, run.waitFor(LONG), run::output);
      long took = millisSince(sent, run.exitNanos());
      assertTrue(took >= 2000, "SIGKILL came after " + took + " ms, before grace 1s + kill-after 1s:\n" + run.output());
      assertTrue(took < 30_000, "took " + took + " ms:\n" + run.output());
      List<String> lines = run.stdout();
      assertEquals(2, lines.stream().filter(l -> l.equals("TERM")).count(), "forwarded SIGTERM, then the tree's SIGTERM:\n" + run.output());
      assertTrue(lines.stream().anyMatch(l -> l.endsWith("sending SIGKILL to 1 process still alive after 1s: " + child + " (print_signals)")),
          run::output);
      // As PID 1 the kernel kills the namespace when we exit, so look at what we saw before that.
      assertTrue(!run.output().contains("giving up"), run::output);
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void terminateEndsDaemonAndSetsidProcessAndExitsWithTheChildsStatus(Mode mode) throws Exception {
    try (ForkedProcess run = launcher(mode, "--on-child-exit", "terminate", "--kill-after", "500ms",
        "--", daemons(), "7", "1000", "1000", "--daemon-ignores-term")) {
      int daemon = run.awaitPid("daemon");
      int session = run.awaitPid("session");
      assertEquals(7, run.waitFor(LONG), run::output);
      String out = run.output();
      assertTrue(out.contains("sending SIGTERM to 2 processes"), out);
      assertTrue(out.contains(daemon + " (daemons)") && out.contains(session + " (daemons)"), out);
      assertTrue(out.contains("sending SIGKILL to 1 process still alive after 500ms: " + daemon + " (daemons)"), out);
      assertTrue(!out.contains(" done"), out);
      assertTrue(!out.contains("giving up"), out);
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sigtermWhileWaitingForTheOthersTerminatesThem(Mode mode) throws Exception {
    try (ForkedProcess run = launcher(mode, "--on-child-exit", "wait", "--kill-after", "500ms",
        "--", daemons(), "7", "1000", "1000", "--daemon-ignores-term")) {
      run.await(l -> l.contains("waiting for 2 other processes to exit (--on-child-exit wait)"), "the wait for the other processes");
      run.signal(Signal.SIGTERM.number());
      assertEquals(7, run.waitFor(LONG), run::output);
      String out = run.output();
      assertTrue(out.contains("SIGTERM received while waiting for the other processes; terminating them"), out);
      assertTrue(out.contains("sending SIGTERM to 2 processes") && out.contains("sending SIGKILL to 1 process"), out);
      assertTrue(!out.contains("giving up"), out);
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void waitExitsOnlyAfterDaemonAndSetsidProcessHaveExited(Mode mode) throws Exception {
    try (ForkedProcess run = launcher(mode, "--on-child-exit", "wait",
        "--", daemons(), "7", "2", "1")) {
      int daemon = run.awaitPid("daemon");
      int session = run.awaitPid("session");
      assertEquals(7, run.waitFor(LONG), run::output);
      List<String> lines = run.stdout();
      int exitLine = -1;
      for (int i = 0; i < lines.size() && exitLine < 0; i++) {
        if (lines.get(i).contains("] main child ") && lines.get(i).endsWith(" exited 7")) exitLine = i;
      }
      assertTrue(exitLine >= 0, run::output);
      assertTrue(lines.indexOf("daemon " + daemon + " done") >= 0 && lines.indexOf("daemon " + daemon + " done") < exitLine, run::output);
      assertTrue(lines.indexOf("session " + session + " done") >= 0 && lines.indexOf("session " + session + " done") < exitLine, run::output);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void exitLeavesAtOnceWithoutWaitingForDaemons(Mode mode) throws Exception {
    try (ForkedProcess run = launcher(mode, "--on-child-exit", "exit",
        "--", daemons(), "7", "30", "30")) {
      long started = run.awaitLine(l -> l.startsWith("session "), "the session's line").nanos();
      assertEquals(7, run.waitFor(LONG), run::output);
      long took = millisSince(started, run.exitNanos());
      assertTrue(took < 20_000, "took " + took + " ms, as if it had waited for the 30 s daemons:\n" + run.output());
      assertTrue(!run.output().contains(" done"), run::output);
      if (mode == Mode.SUBREAPER) {
        // Left to our parent's side of the tree, as tini leaves them; a PID 1's end kills its namespace.
        assertEquals(2, run.survivors().size(), run::output);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void preStopDelayHoldsSigtermBeforeTheChildSeesIt(Mode mode) throws Exception {
    try (ForkedProcess run = launcher(mode, "--pre-stop-delay", "1s", "--grace", "10s",
        "--", printSignals())) {
      run.await("ready ");
      long sent = System.nanoTime();
      run.signal(Signal.SIGTERM.number());
      long seen = run.awaitLine(l -> l.equals("TERM"), "TERM from the child").nanos();
      assertTrue(millisSince(sent, seen) >= 1000, "the child saw SIGTERM " + millisSince(sent, seen) + " ms after it was sent");
      assertEquals(0, run.waitFor(LONG), run::output);
      assertTrue(run.output().contains("holding SIGTERM for 1s before forwarding it to child"), run::output);
    }
  }

  @Test
  void subreaperNeverSignalsAProcessOutsideItsSubtree() throws Exception {
    // The sibling shares the supervisor's process group and session: kill(0), kill(-pgid) or a
    // walk of all of /proc would reach it.
    try (ForkedProcess sibling = ForkedProcess.start(List.of(printSignals()));
         ForkedProcess run = launcher(Mode.SUBREAPER, "--grace", "500ms", "--kill-after", "500ms",
        "--", daemons(), "0", "1000", "1000", "--stay", "--daemon-ignores-term")) {
      sibling.await("ready ");
      run.await("session ");
      run.signal(Signal.SIGTERM.number());
      assertEquals(143, run.waitFor(LONG), run::output);
      assertTrue(run.output().contains("sending SIGKILL to 1 process"), run::output);
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
      assertTrue(sibling.isAlive(), "the sibling outside the subtree was killed");
      Thread.sleep(100); // a signal sent to the sibling would be printed by now
      assertEquals(1, sibling.stdout().size(), () -> "the sibling received a signal: " + sibling.describe());
    }
  }

  @Test
  void pid1WithTheHostsProcSignalsNobodyButTheMainChild() throws Exception {
    // unshare without --mount-proc: the supervisor is PID 1 but /proc shows the host's pids,
    // where "every process but 1" would be every process of the machine.
    PidNamespace.require();
    List<String> cmd = new java.util.ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child"));
    cmd.addAll(Forks.launcherJava()
        .args("--on-child-exit", "terminate", "--", daemons(), "7", "1000", "1000").toList());
    try (ForkedProcess run = ForkedProcess.of(cmd).mergedOutput().start()) {
      assertEquals(7, run.waitFor(LONG), run::describe);
      run.awaitEnd();
      String out = run.output();
      assertTrue(out.contains("cannot use /proc, which shows another PID namespace"), out);
      assertTrue(!out.contains("sending SIG"), out);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--grace -1 | --grace: must not be negative: -1",
      "--grace abc | --grace: not a duration: abc (use 500ms, 10s or 1m)",
      "--grace=abc | --grace: not a duration: abc (use 500ms, 10s or 1m)",
      "--on-child-exit maybe | --on-child-exit: expected exit, wait or terminate: maybe",
      "--kill-after 5 | --kill-after: not a duration: 5 (use 500ms, 10s or 1m)",
      "--pre-stop-delay=1x | --pre-stop-delay: not a duration: 1x (use 500ms, 10s or 1m)"})
  void badValueGivesOneLineAndTheUsageExitCode(String option, String message) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(option.split(" ")));
    args.addAll(List.of("--", "true"));
    try (ForkedProcess run = Forks.plain(Forks.launcherJava(), args.toArray(new String[0]))) {
      assertEquals(1, run.waitFor(LONG), run::output); // usage error
      List<String> lines = run.stdoutAtEnd();
      assertEquals(1, lines.size(), run::output);
      assertTrue(lines.get(0).startsWith("[FATAL supervisor4j (") && lines.get(0).endsWith(")] " + message), run::output);
    }
  }
}
