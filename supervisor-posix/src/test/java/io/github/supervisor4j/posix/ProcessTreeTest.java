package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.testing.ForkedProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The /proc walk and the pid-reuse-safe signalling, on real processes started from the test
 * JVM itself (no reaper runs here: the JDK reaps its own children).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class ProcessTreeTest {
  private final List<Process> started = new ArrayList<>();
  private final List<ForkedProcess> runs = new ArrayList<>();
  private final ProcessTree tree = new ProcessTree((int) ProcessHandle.current().pid(), ProcessTree.Scope.SUBTREE);

  @AfterEach
  void killStarted() {
    for (Process p : started) p.descendants().forEach(ProcessHandle::destroyForcibly);
    started.forEach(Process::destroyForcibly);
    runs.forEach(ForkedProcess::close);
  }

  /** Starts a shell with a background sleep and a setsid sleep, and returns the shell. */
  private ForkedProcess shellWithTwoSleeps(String extra) throws Exception {
    ForkedProcess sh = ForkedProcess.start(List.of("sh", "-c", "sleep 1000 & setsid sleep 1000 & " + extra + " echo started; wait"));
    runs.add(sh);
    sh.awaitEquals("started");
    return sh;
  }

  private Map<Integer, Proc.Stat> membersUnder(ForkedProcess sh) throws InterruptedException {
    // The shell's children may still be between fork and exec: wait until both are "sleep".
    for (int i = 0; i < 200; i++) {
      Map<Integer, Proc.Stat> under = tree.members().stream()
          .filter(m -> m.ppid() == sh.pid() || m.pid() == sh.pid())
          .collect(Collectors.toMap(Proc.Stat::pid, m -> m));
      if (under.values().stream().filter(m -> m.comm().equals("sleep")).count() >= 2) return under;
      Thread.sleep(10);
    }
    throw new AssertionError("the shell's sleeps never showed up in " + tree.members());
  }

  @Test
  void listsChildrenAndTheirChildrenWithCommandNames() throws Exception {
    ForkedProcess sh = shellWithTwoSleeps("");
    Map<Integer, Proc.Stat> under = membersUnder(sh);
    assertEquals("sh", under.get((int) sh.pid()).comm());
    List<Proc.Stat> sleeps = under.values().stream().filter(m -> m.ppid() == sh.pid()).collect(Collectors.toList());
    assertEquals(2, sleeps.size(), sleeps::toString);
    for (Proc.Stat m : sleeps) assertEquals("sleep", m.comm());
  }

  @Test
  void neverListsItselfNorItsParent() {
    int self = (int) ProcessHandle.current().pid();
    int parent = (int) ProcessHandle.current().parent().orElseThrow().pid();
    assertTrue(tree.members().stream().noneMatch(m -> m.pid() == self || m.pid() == parent));
  }

  @Test
  void signalsTheProcessItListed() throws Exception {
    ForkedProcess sh = shellWithTwoSleeps("");
    Proc.Stat sleep = membersUnder(sh).values().stream().filter(m -> m.comm().equals("sleep")).findFirst().orElseThrow();
    assertTrue(tree.signal(sleep, Signal.SIGKILL));
    awaitGoneOrZombie(sleep.pid());
    assertFalse(tree.signal(sleep, Signal.SIGKILL), "a dead process is not signalled again");
  }

  @Test
  void neverSignalsAPidWhoseStartTimeDiffersAsAfterPidReuse() throws Exception {
    ForkedProcess sh = shellWithTwoSleeps("");
    Proc.Stat sleep = membersUnder(sh).values().stream().filter(m -> m.comm().equals("sleep")).findFirst().orElseThrow();
    // The same pid as a process with another start time: what a recycled pid looks like.
    Proc.Stat recycled = new Proc.Stat(sleep.pid(), sleep.ppid(), 'S', sleep.startTime() + 1, "sleep");
    assertFalse(tree.signal(recycled, Signal.SIGKILL));
    Thread.sleep(50);
    Proc.Stat now = Proc.stat(sleep.pid()).orElse(null);
    assertEquals(sleep.startTime(), now.startTime());
    assertFalse(now.isZombie(), "the process was signalled although its start time differed");
  }

  @Test
  void refusesToSignalAProcessOutsideItsSubtreeEvenWhenAskedTo() throws Exception {
    ForkedProcess sh = shellWithTwoSleeps("");
    membersUnder(sh);
    Process outside = new ProcessBuilder("sleep", "1000").start();
    started.add(outside);
    ProcessTree shellsTree = new ProcessTree((int) sh.pid(), ProcessTree.Scope.SUBTREE);
    Proc.Stat stranger = Proc.stat((int) outside.pid()).orElse(null);
    assertFalse(shellsTree.signal(stranger, Signal.SIGKILL));
    assertFalse(outside.waitFor(100, TimeUnit.MILLISECONDS), "a process outside the subtree was killed");
    Proc.Stat own = shellsTree.members().stream().filter(m -> m.comm().equals("sleep")).findFirst().orElseThrow();
    assertTrue(shellsTree.signal(own, Signal.SIGKILL));
  }

  @Test
  void countsAZombieAsGoneForSignallingButStillAMember() throws Exception {
    // "sleep 0" exits at once, and its parent, which exec'd sleep 1000, never reaps it.
    Process p = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 1000").start();
    started.add(p);
    Proc.Stat zombie = null;
    for (int i = 0; i < 300 && zombie == null; i++) {
      zombie = tree.members().stream().filter(m -> m.ppid() == p.pid() && m.isZombie()).findFirst().orElse(null);
      if (zombie == null) Thread.sleep(10);
    }
    assertTrue(zombie != null, "no zombie under " + p.pid() + ": " + tree.members());
    int zpid = zombie.pid();
    assertTrue(tree.alive().stream().noneMatch(m -> m.pid() == zpid));
    assertFalse(tree.signal(zombie, Signal.SIGTERM));
  }

  @Test
  void describesProcessesByPidAndNameForTheLog() {
    List<Proc.Stat> many = new ArrayList<>();
    for (int i = 1; i <= 22; i++) many.add(new Proc.Stat(40 + i, 1, 'S', i, i == 1 ? "sleep" : "sh"));
    assertEquals("41 (sleep), 42 (sh)", ProcessTree.describe(many.subList(0, 2)));
    assertTrue(ProcessTree.describe(many).endsWith("60 (sh), ... (2 more)"), ProcessTree.describe(many));
  }

  @Test
  void readsCommandNamesWithSpacesAndParentheses() throws Exception {
    // comm is the executed file's name: a symlink with a nasty name gives a nasty comm.
    java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Paths.get("target/comm-test-" + ProcessHandle.current().pid()));
    java.nio.file.Path link = dir.resolve("x) y (z");
    java.nio.file.Files.createSymbolicLink(link, java.nio.file.Paths.get("/bin/sleep"));
    Process q = new ProcessBuilder(link.toString(), "1000").start();
    started.add(q);
    Proc.Stat m = null;
    for (int i = 0; i < 200; i++) {
      m = Proc.stat((int) q.pid()).orElse(null);
      if (m != null && m.comm().startsWith("x)")) break;
      Thread.sleep(10);
    }
    assertEquals("x) y (z", m.comm());
    assertEquals(ProcessHandle.current().pid(), m.ppid());
    q.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    java.nio.file.Files.delete(link);
    java.nio.file.Files.delete(dir);
  }

  private static void awaitGoneOrZombie(int pid) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      Proc.Stat m = Proc.stat(pid).orElse(null);
      if (m == null || m.isZombie()) return;
      Thread.sleep(10);
    }
    throw new AssertionError("process " + pid + " survived SIGKILL");
  }
}
