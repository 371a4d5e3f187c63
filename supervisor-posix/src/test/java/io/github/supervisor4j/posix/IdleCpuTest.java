package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.testing.ForkedProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The reaper thread blocks in the kernel while idle: its CPU time over 10 s, read from
 * /proc/[pid]/task/[tid]/stat, stays under 50 ms. Two fixture JVMs are measured over the same
 * 10 s: one with a sleeping child (the thread blocks in waitid), one with no child at all
 * (waitid has nothing to wait for, so the thread rechecks once a second).
 */
@EnabledOnOs(OS.LINUX)
class IdleCpuTest {
  /** The thread's name as /proc shows it: comm is cut to 15 characters. */
  private static final String COMM = "supervisor4j-reaper".substring(0, 15);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long IDLE_MS = 10_000;
  private static final long LIMIT_MS = 50;

  @Test
  @Timeout(60)
  void reaperThreadUsesUnder50msOfCpuWhileIdleFor10s() throws Exception {
    long ticksPerSecond = clockTicks();
    try (ForkedProcess withChild = Forks.start(InitFixture.class, "--subreaper", "--", "sleep", "600");
         ForkedProcess noChild = Forks.start(InitFixture.class, "--subreaper")) {
      withChild.await("target child ");
      noChild.await("idle");
      Path a = reaperThread(withChild.pid());
      Path b = reaperThread(noChild.pid());
      long a0 = cpuTicks(a);
      long b0 = cpuTicks(b);
      TimeUnit.MILLISECONDS.sleep(IDLE_MS); // the measurement window itself, not a wait for a condition
      long aMs = (cpuTicks(a) - a0) * 1000 / ticksPerSecond;
      long bMs = (cpuTicks(b) - b0) * 1000 / ticksPerSecond;
      String aCall = syscall(a);
      String bCall = syscall(b);
      System.out.printf("reaper thread CPU over %d ms idle: with a sleeping child %d ms (in syscall %s), "
          + "with no child %d ms (in syscall %s); clock tick %d ms%n", IDLE_MS, aMs, aCall, bMs, bCall, 1000 / ticksPerSecond);
      String waitid = waitidNumber();
      assertAll(
          () -> assertTrue(aMs < LIMIT_MS, "with a sleeping child: " + aMs + " ms"),
          () -> assertTrue(bMs < LIMIT_MS, "with no child: " + bMs + " ms"),
          () -> {
            if (waitid != null) assertEquals(waitid, aCall, "blocked in waitid while the child sleeps");
          });
      withChild.signal(Signal.SIGTERM.number());
      assertEquals(128 + 15, withChild.waitFor(WAIT), "SIGTERM was forwarded to sleep; " + withChild.describe());
    }
  }

  /** /proc/[pid]/task/[tid] of the thread named supervisor4j-reaper. */
  private static Path reaperThread(long pid) throws IOException {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/" + pid + "/task"))) {
      for (Path t : tasks) {
        if (Files.readString(t.resolve("comm")).trim().equals(COMM)) return t;
      }
    }
    throw new AssertionError("no thread " + COMM + " in process " + pid);
  }

  /** utime + stime, fields 14 and 15 of stat; comm may hold spaces, so count after the last ')'. */
  private static long cpuTicks(Path task) throws IOException {
    String stat = Files.readString(task.resolve("stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** The number of the system call the thread is blocked in (first word of /proc/.../syscall). */
  private static String syscall(Path task) throws IOException {
    return Files.readString(task.resolve("syscall")).trim().split(" ")[0];
  }

  private static String waitidNumber() {
    switch (System.getProperty("os.arch")) {
      case "amd64": return "247";
      case "aarch64": return "95";
      default: return null;
    }
  }

  private static long clockTicks() throws Exception {
    Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    assertEquals(0, p.waitFor());
    return Long.parseLong(out);
  }
}
