package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The public entry points supervisor-junit5 is built on ({@link Posix#descendants()}, {@link
 * Posix#commandLine}, {@link Posix#stop}), on real children of the test JVM. No subreaper here:
 * adopted orphans are exercised in supervisor-junit5's tests, whose JVM is one.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class PosixProcessEntryPointsTest {
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killStarted() {
    for (Process p : started) p.descendants().forEach(ProcessHandle::destroyForcibly);
    started.forEach(Process::destroyForcibly);
  }

  /** A shell that started one {@code sleep 1000} and waits for it, once both are there. */
  private Process shellWithSleep(String tag) throws Exception {
    Process sh = new ProcessBuilder("sh", "-c", "sleep 1000 & echo started; wait", "sh-" + tag).start();
    started.add(sh);
    assertEquals("started", new BufferedReader(new InputStreamReader(sh.getInputStream())).readLine());
    awaitChildNamed(sh, "sleep");
    return sh;
  }

  private static ProcessSnapshot awaitChildNamed(Process parent, String name) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      Optional<ProcessSnapshot> child = Posix.descendants().stream()
          .filter(p -> p.parentPid() == parent.pid() && p.name().equals(name)).findFirst();
      if (child.isPresent()) return child.get();
      Thread.sleep(10);
    }
    throw new AssertionError("no child " + name + " of " + parent.pid() + " in " + Posix.descendants());
  }

  private static Reaper cooperativeReaperWithoutSubreaper() {
    return Posix.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.COOPERATIVE).withSubreaper(false)
        .withWarnIfNotReaper(false));
  }

  @Test
  void descendantsListChildrenAndGrandchildrenWithStateNameAndAge() throws Exception {
    Process sh = shellWithSleep("a");
    List<ProcessSnapshot> all = Posix.descendants();
    ProcessSnapshot shell = all.stream().filter(p -> p.pid() == sh.pid()).findFirst().orElseThrow();
    ProcessSnapshot sleep = awaitChildNamed(sh, "sleep");
    assertEquals("sh", shell.name());
    assertEquals(ProcessHandle.current().pid(), shell.parentPid());
    assertEquals('S', sleep.state(), sleep::describeState);
    assertFalse(sleep.isZombie());
    assertTrue(sleep.age().compareTo(Duration.ofMinutes(1)) < 0, () -> "age " + sleep.age());
    assertTrue(all.stream().noneMatch(p -> p.pid() == ProcessHandle.current().pid()), "lists itself");
  }

  @Test
  void commandLineIsReadForTheSameProcessOnly() throws Exception {
    Process sh = shellWithSleep("b");
    ProcessSnapshot sleep = awaitChildNamed(sh, "sleep");
    assertEquals(List.of("sleep", "1000"), Posix.commandLine(sleep).orElseThrow());
    sh.descendants().forEach(ProcessHandle::destroyForcibly);
    sh.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    for (int i = 0; i < 500 && Posix.commandLine(sleep).isPresent(); i++) Thread.sleep(10);
    assertEquals(Optional.empty(), Posix.commandLine(sleep), "a process that has gone has no command line");
  }

  @Test
  void stopSignalsOnlyWhatTheSelectionPicksAndWaitsUntilItIsGone() throws Exception {
    Process doomed = shellWithSleep("doomed");
    Process spared = shellWithSleep("spared");
    ProcessSnapshot doomedSleep = awaitChildNamed(doomed, "sleep");
    try (Reaper reaper = cooperativeReaperWithoutSubreaper().start()) {
      // The doomed shell and its sleep: the sleep is picked by its parent, so a selection can follow a subtree.
      int terminated = Posix.stop(list -> list.stream()
          .filter(p -> p.pid() == doomed.pid() || p.parentPid() == doomed.pid()).collect(Collectors.toList()),
          Duration.ofSeconds(2), reaper);
      assertEquals(2, terminated);
    }
    assertTrue(doomed.waitFor(10, TimeUnit.SECONDS));
    assertTrue(Posix.descendants().stream().noneMatch(p -> p.isSameProcessAs(doomedSleep)), "the sleep is gone");
    assertTrue(spared.isAlive(), "a process the selection did not pick was hit");
    assertTrue(spared.descendants().findAny().isPresent(), "the spared shell's sleep was hit");
  }

  @Test
  void stopKillsWhatIgnoresSigtermAfterTheGrace() throws Exception {
    Process stubborn = new ProcessBuilder("sh", "-c", "trap '' TERM; echo started; while :; do sleep 0.05; done").start();
    started.add(stubborn);
    assertEquals("started", new BufferedReader(new InputStreamReader(stubborn.getInputStream())).readLine());
    long t0 = System.nanoTime();
    try (Reaper reaper = cooperativeReaperWithoutSubreaper().start()) {
      Posix.stop(list -> list.stream().filter(p -> p.pid() == stubborn.pid()).collect(Collectors.toList()),
          Duration.ofMillis(300), reaper);
    }
    assertTrue(stubborn.waitFor(10, TimeUnit.SECONDS));
    assertEquals(128 + 9, stubborn.exitValue(), "SIGKILL ends it");
    assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(300).toNanos(), "SIGKILL came before the grace ended");
  }
}
