package io.github.supervisor4j.junit5;

import io.github.supervisor4j.ExitStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the test JVM's reaper reaped while one test ran: the orphans of the test's processes
 * (a daemon's intermediate parent, a process whose parent died) that came back to the JVM and
 * exited. Handed to a test method of a {@link NoProcessLeaks} test that declares a parameter of
 * this type, to assert on its own code's orphans. Children started with {@code ProcessBuilder}
 * are not here: the JDK reaps those, and their {@code Process} has the status.
 *
 * <p>Read-only for the test; the reaper thread appends to it from the first {@code
 * @BeforeEach} to the end of the test's {@code @AfterEach} methods, and nothing after. Thread-safe.
 */
public final class ReapLog {
  private final List<Entry> entries = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  ReapLog() {}

  /**
   * One reaped process.
   *
   * @param pid its pid
   * @param command its name as the kernel kept it to the end ({@code comm}: the executable's
   *     base name, at most 15 bytes; a zombie has no command line left)
   * @param status how it ended
   * @param lived from its start to its reaping, to 10 ms
   */
  public record Entry(int pid, String command, ExitStatus status, Duration lived) {
    @Override
    public String toString() {
      return pid + " (" + command + ") " + status + " after " + Durations.format(lived);
    }
  }

  /** {@return the processes reaped so far, oldest first: a copy} */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * Waits until a process matching {@code which} has been reaped, or {@code timeout} has passed:
   * the reaping is asynchronous, on the reaper's thread.
   *
   * @param which the process to wait for
   * @param timeout how long at most
   * @return the first such process, or empty if none came in time
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized Optional<Entry> await(Predicate<? super Entry> which, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (Entry e : entries) {
        if (which.test(e)) return Optional.of(e);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) return Optional.empty();
      long ms = Math.max(1, left / 1_000_000);
      wait(ms);
    }
  }

  synchronized void add(Entry e) {
    if (closed) return;
    entries.add(e);
    notifyAll();
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }

  @Override
  public synchronized String toString() {
    return "ReapLog" + entries;
  }
}
