package io.github.supervisor4j.posix;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SystemCallException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of every shutdown: SIGTERM to every process of a {@link ProcessTree} still alive,
 * SIGKILL after {@code killAfter} to whatever survived, then wait until all are reaped.
 *
 * <p>Waiting is driven by the {@link Waker}, which the reaper's listener wakes on each reaped
 * process: the last live process of the tree is normally our own child, so its exit is a reap
 * event. Processes reaped by someone else (a grandchild reaped by its own parent, a {@code
 * ProcessBuilder} child reaped by the JDK, a process that joined the namespace from outside)
 * produce no event, so waits also re-read the tree every 50 ms ({@link #POLL_NANOS}).
 *
 * <p>A zombie counts as gone for signalling but not for the end: {@link #run()} returns once
 * the tree is empty, or after {@link #REAP_BOUND} past the SIGKILL for processes that even
 * SIGKILL cannot end (uninterruptible sleep), with a warning naming them.
 */
final class Escalation {
  private static final Logger log = LoggerFactory.getLogger(Escalation.class);
  static final long POLL_NANOS = Duration.ofMillis(50).toNanos();
  /** How long to wait for the reaping after SIGKILL before giving up with a warning. */
  static final Duration REAP_BOUND = Duration.ofSeconds(5);

  private final ProcessTree tree;
  private final Duration killAfter;
  private final Waker waker;

  Escalation(ProcessTree tree, Duration killAfter, Waker waker) {
    this.tree = tree;
    this.killAfter = killAfter;
    this.waker = waker;
  }

  /**
   * Terminates, kills and waits, as described above.
   *
   * @return the number of processes that got SIGTERM
   */
  int run() throws InterruptedException {
    long start = System.nanoTime();
    List<Proc.Stat> alive = tree.alive();
    int terminated = alive.size();
    if (!alive.isEmpty()) {
      log.info("sending SIGTERM to {} ({}): {}", count(alive), tree, ProcessTree.describe(alive));
      record("SIGTERM", alive, start);
      signalAll(alive, Signal.SIGTERM);
      for (Proc.Stat m : alive) {
        // A stopped process would keep SIGTERM pending until the SIGKILL: wake it so that it can
        // handle it, as systemd does.
        if (m.isStopped()) signalOne(m, Signal.SIGCONT);
      }
      alive = awaitNoneAlive(System.nanoTime() + killAfter.toNanos());
    }
    long giveUp = System.nanoTime() + REAP_BOUND.toNanos();
    boolean first = true;
    while (!alive.isEmpty() && System.nanoTime() - giveUp < 0) {
      if (first) {
        log.warn("sending SIGKILL to {} still alive after {}: {}", count(alive), Durations.format(killAfter),
            ProcessTree.describe(alive));
      } else {
        // Forked while we were signalling, or not yet dead: a second round catches them.
        log.warn("sending SIGKILL to {} still alive: {}", count(alive), ProcessTree.describe(alive));
      }
      first = false;
      record("SIGKILL", alive, start);
      signalAll(alive, Signal.SIGKILL);
      alive = awaitNoneAlive(Math.min(giveUp, System.nanoTime() + Duration.ofMillis(500).toNanos()));
    }
    List<Proc.Stat> left = awaitReaped(giveUp);
    record(left.isEmpty() ? "DONE" : "GAVE_UP", left, start);
    return terminated;
  }

  /** The {@code io.github.supervisor4j.ShutdownEscalation} JFR event, if a recording wants it. */
  private static void record(String step, List<Proc.Stat> members, long start) {
    if (!Flight.recording() || !ShutdownEscalationEvent.enabled()) return;
    int[] pids = new int[members.size()];
    for (int i = 0; i < pids.length; i++) pids[i] = members.get(i).pid();
    ShutdownEscalationEvent.commit(step, pids, System.nanoTime() - start);
  }

  /** Waits until no member is alive (zombies count as gone) or the deadline; returns those alive then. */
  private List<Proc.Stat> awaitNoneAlive(long deadline) throws InterruptedException {
    return waker.awaitUntil(tree::alive, List::isEmpty, deadline - System.nanoTime(), POLL_NANOS);
  }

  /** Waits until the tree is empty, zombies reaped, or the deadline, which is then logged; returns those left. */
  private List<Proc.Stat> awaitReaped(long deadline) throws InterruptedException {
    List<Proc.Stat> left = waker.awaitUntil(tree::members, List::isEmpty, deadline - System.nanoTime(), POLL_NANOS);
    if (!left.isEmpty()) {
      log.warn("giving up on {} not reaped {} after SIGKILL: {}", count(left), Durations.format(REAP_BOUND), ProcessTree.describe(left));
    }
    return left;
  }

  /** Waits up to {@code timeout} for every member to exit by itself; returns those alive then. */
  List<Proc.Stat> awaitNoneAlive(Duration timeout) throws InterruptedException {
    return waker.awaitUntil(tree::alive, List::isEmpty, timeout.toNanos(), POLL_NANOS);
  }

  private void signalAll(List<Proc.Stat> members, Signal signal) {
    for (Proc.Stat m : members) {
      signalOne(m, signal);
    }
  }

  private void signalOne(Proc.Stat m, Signal signal) {
    try {
      if (!tree.signal(m, signal)) log.debug("process {} exited before {} could be sent", m, signal);
    } catch (SystemCallException e) {
      log.error("cannot send {} to process {}: {}", signal, m, e.getMessage());
    }
  }

  private static String count(List<?> members) {
    return members.size() == 1 ? "1 process" : members.size() + " processes";
  }
}
