package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ExitStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The waiting side of a spawned child, as the reaper thread completes it: {@link
 * PosixSupervisedProcess#reaped} is what PosixReaper calls once waitid has returned the child's
 * status (the processes themselves are in LauncherTest, ForkedInitTest and the examples). Here,
 * a thread of the test plays the reaper, and no process is signalled: the pid is never used.
 */
@Timeout(30)
class PosixSupervisedProcessTest {
  private static final ExitStatus THREE = ExitStatus.exited(3);

  private static PosixSupervisedProcess child() {
    return new PosixSupervisedProcess(Integer.MAX_VALUE, List.of("true"), true);
  }

  /** The reaper thread's call, a little later, as it comes in real use. */
  private static Thread reapLater(PosixSupervisedProcess child, ExitStatus status) {
    Thread reaper = new Thread(() -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
      child.reaped(status);
    });
    reaper.start();
    return reaper;
  }

  @Test
  void waitForReturnsTheStatusTheReaperSets() throws Exception {
    PosixSupervisedProcess child = child();
    assertTrue(child.isAlive());
    Thread reaper = reapLater(child, THREE);
    assertEquals(THREE, child.waitFor());
    reaper.join(10_000);
    assertFalse(child.isAlive());
    assertEquals(Optional.empty(), child.toHandle(), "a reaped pid may be another process's: no handle");
  }

  @Test
  void timedWaitForEndsEmptyAtItsTimeoutAndWithTheStatusOnceReaped() throws Exception {
    PosixSupervisedProcess child = child();
    long start = System.nanoTime();
    assertEquals(Optional.empty(), child.waitFor(Duration.ofMillis(100)));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "returned before its timeout");
    assertEquals(Optional.empty(), child.waitFor(Duration.ZERO));
    Thread reaper = reapLater(child, THREE);
    assertEquals(Optional.of(THREE), child.waitFor(Duration.ofSeconds(20)));
    reaper.join(10_000);
    assertEquals(Optional.of(THREE), child.waitFor(Duration.ZERO), "once reaped, no wait at all");
  }

  @Test
  void onExitAskedBeforeTheExitCompletesWithItAndEachCallerHasItsOwnCopy() throws Exception {
    PosixSupervisedProcess child = child();
    CompletableFuture<ExitStatus> first = child.onExit();
    CompletableFuture<ExitStatus> second = child.onExit();
    assertFalse(first.isDone());
    first.cancel(false); // a caller's own copy: changes nothing for the others, nor the child
    Thread reaper = reapLater(child, THREE);
    assertEquals(THREE, second.get(20, TimeUnit.SECONDS));
    reaper.join(10_000);
    assertTrue(first.isCancelled());
    assertEquals(THREE, child.waitFor());
  }

  @Test
  void onExitAskedAfterTheExitIsDoneAndTheFirstStatusStays() throws Exception {
    PosixSupervisedProcess child = child();
    child.reaped(THREE);
    child.reaped(ExitStatus.exited(4)); // the reaper reaps a pid once; should it say so twice, the first holds
    CompletableFuture<ExitStatus> exit = child.onExit();
    assertTrue(exit.isDone());
    assertEquals(THREE, exit.get());
    assertEquals(THREE, child.waitFor());
  }
}
