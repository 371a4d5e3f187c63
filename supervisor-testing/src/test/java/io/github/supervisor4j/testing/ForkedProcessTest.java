package io.github.supervisor4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The runner's own promises, on real processes: what a failing await says, signals, survivors, close. */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class ForkedProcessTest {

  @Test
  void awaitFailsAsSoonAsTheStreamEndsAndShowsBothStreams() {
    try (ForkedProcess p = ForkedProcess.start(List.of("sh", "-c", "echo one; echo two >&2; exit 3"))) {
      AssertionError e = assertThrows(AssertionError.class, () -> p.await("three"));
      assertTrue(e.getMessage().contains("no stdout line starting with 'three': the stream ended"), e.getMessage());
      assertTrue(e.getMessage().contains("stdout:\n  one") && e.getMessage().contains("stderr:\n  two"), e.getMessage());
    }
  }

  @Test
  void awaitFailsAfterItsBoundWhileTheProcessRuns() {
    try (ForkedProcess p = ForkedProcess.of(List.of("sleep", "30")).timeout(Duration.ofMillis(300)).start()) {
      long t0 = System.nanoTime();
      AssertionError e = assertThrows(AssertionError.class, () -> p.await("never"));
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
      assertTrue(e.getMessage().contains("within PT0.3S") && e.getMessage().contains("running"), e.getMessage());
      assertThrows(AssertionError.class, p::waitFor);
    }
  }

  @Test
  void eachLineIsReturnedByOneAwaitOnlyAndCarriesItsArrivalTime() throws Exception {
    try (ForkedProcess p = ForkedProcess.of(List.of("sh", "-c", "echo x 1; echo y; echo x 2 >&2; echo x 3")).mergedOutput().start()) {
      assertEquals("x 1", p.await("x "));
      assertEquals("x 2", p.await("x "));
      assertEquals("x 3", p.await("x "));
      assertEquals(0, p.awaitEnd());
      List<ForkedProcess.Line> lines = p.lines();
      assertEquals(4, lines.size(), p::describe);
      for (int i = 1; i < lines.size(); i++) assertTrue(lines.get(i - 1).nanos() <= lines.get(i).nanos());
    }
  }

  @Test
  void signalReachesTheProcessAndWaitForGivesItsExitCode() throws Exception {
    try (ForkedProcess p = ForkedProcess.start(List.of("sh", "-c",
        "trap 'echo got USR1; exit 3' USR1; echo ready; while :; do sleep 0.05; done"))) {
      p.await("ready");
      p.signal(10); // SIGUSR1
      p.awaitEquals("got USR1");
      assertEquals(3, p.waitFor());
    }
  }

  @Test
  void survivorsFindsAProcessThatLeftTheTreeAndCloseKillsIt() throws Exception {
    long orphan;
    ForkedProcess p = ForkedProcess.start(List.of("sh", "-c", "setsid sleep 300 > /dev/null 2>&1 & echo $!"));
    try {
      orphan = Long.parseLong(p.await(l -> l.matches("[0-9]+"), "the orphan's pid"));
      assertEquals(0, p.waitFor());
      assertEquals(List.of(orphan), p.survivors(), "the orphan, re-parented, in its own session");
    } finally {
      p.close();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false) && isLive(orphan)) {
      assertTrue(System.nanoTime() < deadline, "close() left " + orphan + " alive");
      Thread.sleep(10);
    }
  }

  @Test
  void supervisorPidIsThePid1BehindUnshareFork() throws Exception {
    PidNamespace.require();
    try (ForkedProcess p = ForkedProcess.start(PidNamespace.wrap(List.of("sh", "-c", "echo pid $$; exec sleep 30")))) {
      assertEquals(1, p.awaitPid("pid"));
      long pid1 = p.supervisorPid();
      assertNotEquals(p.pid(), pid1);
      String status = Files.readString(Paths.get("/proc/" + pid1 + "/status"));
      assertTrue(status.lines().anyMatch(l -> l.startsWith("NSpid:") && l.endsWith("\t1")), status);
      p.signal(9);
      // unshare (util-linux 2.38) exits 1 here ("sigprocmask unblock failed"), not 128+9.
      assertNotEquals(0, p.waitFor(), p::describe);
      assertTrue(ProcessHandle.of(pid1).isEmpty() || !isLive(pid1), "PID 1 was killed");
    }
  }

  /**
   * A test that JUnit times out is interrupted in its wait; try-with-resources then closes the
   * run, and nothing it started is left, not even a process in a session of its own.
   */
  @Test
  void anInterruptedWaitLeavesNoProcessBehind() throws Exception {
    long[] orphan = new long[1];
    Throwable[] thrown = new Throwable[1];
    Thread test = new Thread(() -> {
      try (ForkedProcess p = ForkedProcess.start(List.of("sh", "-c", "setsid sleep 300 > /dev/null 2>&1 & echo $!; exec sleep 300"))) {
        orphan[0] = Long.parseLong(p.await(l -> l.matches("[0-9]+"), "the pid"));
        p.waitFor(Duration.ofSeconds(60)); // interrupted here, as by @Timeout
      } catch (Throwable t) {
        thrown[0] = t;
      }
    });
    test.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (orphan[0] == 0 && System.nanoTime() < deadline) Thread.sleep(10);
    assertTrue(orphan[0] != 0, "the run never printed its orphan's pid");
    test.interrupt();
    test.join(20_000);
    assertTrue(thrown[0] instanceof InterruptedException, "the wait ended by the interrupt: " + thrown[0]);
    awaitGone(orphan[0]);
  }

  /** Surefire ends a hung test JVM (forkedProcessTimeoutInSeconds); its shutdown hook then kills what its runs started. */
  @Test
  void aTestJvmThatIsEndedLeavesNoProcessBehind() throws Exception {
    List<String> cmd = List.of(JavaCommand.java(), "-cp", System.getProperty("java.class.path"), Holder.class.getName());
    try (ForkedProcess holder = ForkedProcess.start(cmd)) {
      long orphan = Long.parseLong(holder.await(l -> l.matches("[0-9]+"), "the pid"));
      holder.signal(15);
      assertEquals(128 + 15, holder.waitFor(), holder::describe);
      awaitGone(orphan);
    }
  }

  /** A JVM with an open run whose process left the tree; it waits to be ended. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      ForkedProcess p = ForkedProcess.start(List.of("sh", "-c", "setsid sleep 300 > /dev/null 2>&1 & echo $!"));
      System.out.println(p.await(l -> l.matches("[0-9]+"), "the pid"));
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  private static void awaitGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (isLive(pid)) {
      assertTrue(System.nanoTime() < deadline, "process " + pid + " was left alive");
      Thread.sleep(10);
    }
  }

  private static boolean isLive(long pid) {
    try {
      String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
