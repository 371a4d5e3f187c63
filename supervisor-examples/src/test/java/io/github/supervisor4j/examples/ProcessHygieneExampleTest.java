package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import io.github.supervisor4j.Init;
import io.github.supervisor4j.Supervisors;
import io.github.supervisor4j.junit5.NoProcessLeaks;
import io.github.supervisor4j.junit5.ReapLog;
import io.github.supervisor4j.junit5.RunAsPid1;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;

/**
 * Example 5, supervisor-junit5 in a test suite: the README's "in your tests on Linux CI". The
 * class is checked for process leaks: each test must stop what it starts, and the orphans its
 * code leaves are reaped by the test JVM (a subreaper) and handed to the test in a {@link
 * ReapLog}. The last test runs as PID 1 of a fresh PID namespace, where the code under test
 * (the in-app init) must reap every orphan of the namespace.
 */
@EnabledOnOs(LINUX)
@Timeout(120)
@NoProcessLeaks
class ProcessHygieneExampleTest {
  /** The script of example 1: three orphans that exit with 11, SIGTERM and 13, and a daemon. */
  private static final Path SCRIPT = Paths.get("src/main/resources/io/github/supervisor4j/examples/leave-orphans.sh");

  @Test
  void theOrphansOfAScriptAreReapedWithTheirStatuses(ReapLog reaped) throws Exception {
    Path out = Files.createTempFile("leave-orphans", ".txt");
    try {
      Process sh = new ProcessBuilder("sh", SCRIPT.toString(), out.toString(), "4").inheritIO().start();
      assertEquals(0, sh.waitFor(30, TimeUnit.SECONDS) ? sh.exitValue() : -1);
      for (String exited : List.of("11", "13")) {
        assertTrue(reaped.await(e -> e.status().exited() && e.status().code() == Integer.parseInt(exited), Duration.ofSeconds(20))
            .isPresent(), () -> "no orphan exited " + exited + ": " + reaped);
      }
      assertTrue(reaped.await(e -> e.status().killed() && e.status().signalNumber() == 15, Duration.ofSeconds(20)).isPresent(),
          () -> "no orphan killed by SIGTERM: " + reaped);
      // The script's daemon does not end by itself: a good test stops what it started.
      stopDaemon(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static void stopDaemon(Path out) throws Exception {
    String line = Files.readAllLines(out).stream().filter(l -> l.endsWith(" daemon")).findFirst().orElseThrow();
    ProcessHandle daemon = ProcessHandle.of(Long.parseLong(line.split(" ")[0])).orElseThrow();
    daemon.destroy();
    daemon.onExit().get(10, TimeUnit.SECONDS);
  }

  @Test
  @RunAsPid1
  void asPid1TheInAppInitLeavesNoZombieInTheNamespace() throws Exception {
    assertEquals(1, ProcessHandle.current().pid());
    try (Init init = Supervisors.installInit()) {
      Process sh = new ProcessBuilder("sh", "-c", "for i in 1 2 3 4 5; do (sleep 0.2; exit $i) & done; exit 0").start();
      assertEquals(0, sh.waitFor(10, TimeUnit.SECONDS) ? sh.exitValue() : -1);
      Process seven = new ProcessBuilder("sh", "-c", "exit 7").start();
      assertEquals(7, seven.waitFor(), "the JDK kept its child's exit status");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && init.reaper().stats().reaped() < 5) Thread.sleep(10);
      assertEquals(5, init.reaper().stats().reaped(), "orphans reaped by PID 1");
      assertEquals(0, zombies(), "zombies left in the namespace");
    }
  }

  private static long zombies() throws Exception {
    try (Stream<Path> pids = Files.list(Paths.get("/proc"))) {
      return pids.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
        try {
          String stat = Files.readString(p.resolve("stat"));
          return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (Exception e) {
          return false;
        }
      }).count();
    }
  }
}
