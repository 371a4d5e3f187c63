package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ReapListener;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.ReapedProcess;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ReaperStats;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Subscription;
import io.github.supervisor4j.SystemCallException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux {@link Reaper}: one daemon thread runs the {@link ReapStrategy} of its config's
 * policy and reports each reaped process to the child it belongs to and to the listeners.
 *
 * <p>Children from {@link #spawn} are registered under {@link #lock} in the same critical
 * section as the posix_spawn call. The reaper thread takes the same lock before it looks a
 * reaped pid up, so a child that exits (and is reaped) before spawn has even returned is
 * still matched to its {@link SupervisedProcess}: its status is never lost.
 *
 * <p>Each wake-up: the strategy blocks until a child exits, the reaper hands it a snapshot of
 * the spawned pids not yet reaped, and the strategy reaps and reports through {@link
 * #reaped}, which answers only whether to go on. The reaper is that {@link ReapStrategy.Report}
 * itself (a package-private interface, so no caller outside can report to it): one class fewer
 * to load before the launcher's child starts than an adapter would be (issue 14).
 */
final class PosixReaper implements Reaper, ReapStrategy.Report {
  private static final Logger log = LoggerFactory.getLogger(PosixReaper.class);
  private static final AtomicBoolean warned = new AtomicBoolean();

  private final ReaperConfig config;
  private final ReapStrategy strategy;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition childAdded = lock.newCondition();
  private final Map<Integer, PosixSupervisedProcess> children = new HashMap<>(); // guarded by lock
  private final List<ReapListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong reaped = new AtomicLong();
  private final AtomicLong adopted = new AtomicLong();
  private final AtomicLong wakeups = new AtomicLong();
  private final AtomicLong listenerFailures = new AtomicLong();
  /** Bumped by each spawn, so that {@link #idle} never sleeps through a spawn it raced with. */
  private volatile long spawns;
  private volatile State state = State.NEW;
  private Thread thread; // guarded by lock
  /**
   * True while the reaper thread is in, or about to enter, the strategy's blocking wait. It
   * sets this before it checks the state, and {@link #close} sets the state before it reads
   * this (both volatile): so either the thread sees the close, or close sees it waiting.
   */
  private volatile boolean waiting;
  /** The child {@link #close} made to end that wait, for the reaper thread to reap; 0 if none. Guarded by lock. */
  private int wakeChild;

  private enum State { NEW, RUNNING, CLOSED }

  private static final int[] NONE = new int[0];
  /** Told of each adopted process right before it is reaped; null: nobody asked (no /proc read). */
  private final Consumer<ProcessSnapshot> beforeReap;

  /**
   * A new, unstarted reaper with the strategy of {@code config}'s policy.
   *
   * @throws io.github.supervisor4j.UnavailableException if the policy cannot run safely here
   */
  PosixReaper(ReaperConfig config) {
    this(config, null);
  }

  /**
   * As {@link #PosixReaper(ReaperConfig)}; {@code beforeReap}, if not null, is told on the
   * reaper thread of each adopted process the strategy is about to reap, as /proc shows it
   * then (one /proc read per such process; only COOPERATIVE can say so before reaping).
   */
  PosixReaper(ReaperConfig config, Consumer<ProcessSnapshot> beforeReap) {
    this.config = config;
    this.strategy = strategyFor(config.policy());
    this.beforeReap = beforeReap;
  }

  /** The strategy is about to reap adopted {@code pid}: tells {@code beforeReap} what /proc shows of it. */
  @Override
  public void reaping(int pid) {
    if (beforeReap == null) return;
    Proc.Stat stat = Proc.stat(pid).orElse(null);
    if (stat == null) return;
    try {
      beforeReap.accept(ProcessSnapshot.of(stat, Proc.uptimeTicks()));
    } catch (RuntimeException e) {
      listenerFailures.incrementAndGet();
      log.error("before-reap listener failed for process {}", stat, e);
    }
  }

  private static ReapStrategy strategyFor(ReapPolicy policy) {
    // Not a switch, which on an enum compiles to a class of its own to load (issue 14).
    if (policy == ReapPolicy.EXCLUSIVE) return new ExclusiveStrategy();
    if (policy == ReapPolicy.COOPERATIVE) return new CooperativeStrategy(JdkChildClaims.detect());
    throw new UnsupportedOperationException("reap policy " + policy + " is not implemented");
  }

  @Override
  public Reaper start() {
    lock.lock();
    try {
      if (state == State.CLOSED) throw new IllegalStateException("reaper is closed");
      if (state == State.RUNNING) return this;
      int pid = Os.getpid();
      if (config.subreaper() && pid != 1) Os.setChildSubreaper();
      if (config.warnIfNotReaper()) warnIfNotReaper(pid);
      thread = new Thread("supervisor4j-reaper") {
        @Override
        public void run() {
          PosixReaper.this.run();
        }
      };
      thread.setDaemon(true);
      state = State.RUNNING;
      thread.start();
      log.debug("reaper started in process {} with policy {}", pid, config.policy());
      return this;
    } finally {
      lock.unlock();
    }
  }

  private void warnIfNotReaper(int pid) {
    if (pid != 1 && !Os.isChildSubreaper() && warned.compareAndSet(false, true)) {
      log.warn("process {} is neither PID 1 nor a child subreaper: orphans of its children go to another "
          + "process and zombies may pile up. Fix: run it as PID 1 (the container's ENTRYPOINT), or register "
          + "a subreaper (ReaperConfig.withSubreaper(true), launcher -s, SUPERVISOR_SUBREAPER=1)", pid);
    }
  }

  private void run() {
    try {
      while (isOpen()) {
        long spawnsBefore = spawns;
        if (!awaitExit()) {
          idle(spawnsBefore);
          continue;
        }
        wakeups.incrementAndGet();
        if (isOpen()) strategy.reap(spawnedPids(), this);
      }
      reapWakeChild();
    } catch (RuntimeException | Error e) {
      log.error("reaper thread of process {} died; zombies will no longer be reaped", Os.getpid(), e);
      throw e;
    } finally {
      strategy.release();
    }
  }

  /** The strategy's blocking wait, unless closed (see {@link #waiting}); false also once closed. */
  private boolean awaitExit() {
    waiting = true;
    try {
      return isOpen() && strategy.awaitExit();
    } finally {
      waiting = false;
    }
  }

  /** Reaps the child that {@link #close} made to end the wait, if it made one; never another. */
  private void reapWakeChild() {
    int child;
    lock.lock(); // held by close() until the child exists and is noted
    try {
      child = wakeChild;
      wakeChild = 0;
    } finally {
      lock.unlock();
    }
    if (child > 0) Os.reap(child);
  }

  /**
   * No child at all, so waitid has nothing to block on (ECHILD). Our own spawns wake us at
   * once; a process that joins a PID namespace from outside (nsenter) and leaves an orphan to
   * us as its PID 1 is seen within {@link ReapStrategy#idleRecheckMillis()}. This costs one
   * waitid per period, only while there is no child at all.
   */
  private void idle(long spawnsBefore) {
    lock.lock();
    try {
      if (isOpen() && spawns == spawnsBefore) childAdded.await(strategy.idleRecheckMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state = State.CLOSED;
    } finally {
      lock.unlock();
    }
  }

  private boolean isOpen() {
    return state == State.RUNNING;
  }

  /** The strategy's report of one reaped process; false once closed, to stop the sweep. */
  @Override
  public boolean reaped(int pid, ExitStatus status) {
    long now = System.nanoTime();
    PosixSupervisedProcess child;
    lock.lock();
    try {
      child = children.remove(pid);
    } finally {
      lock.unlock();
    }
    reaped.incrementAndGet();
    // Per reap, in an orphan storm of thousands: nothing is built (no boxed pid, no event) that
    // nobody reads (issue 14).
    if (child == null) {
      adopted.incrementAndGet();
      if (log.isDebugEnabled()) log.debug("reaped process {}: {}", pid, status);
    } else {
      if (log.isDebugEnabled()) log.debug("reaped {}: {}", child, status);
      child.reaped(status);
    }
    if (!listeners.isEmpty()) tell(new ReapedProcess(pid, status, child == null, now));
    if (Flight.recording() && ReapEvent.enabled()) ReapEvent.commit(pid, child == null ? null : child.command(), status, config.policy().name());
    return isOpen();
  }

  private void tell(ReapedProcess event) {
    for (ReapListener l : listeners) {
      try {
        l.reaped(event);
      } catch (RuntimeException e) {
        listenerFailures.incrementAndGet();
        log.error("reap listener failed for process {} ({})", event.pid(), event.status(), e);
      }
    }
  }

  /**
   * Stops reaping, and the reaper thread with it. A thread blocked in waitid(2) (there are
   * children, none has exited) is woken by a child of our own that exits at once, which it
   * reaps: else it would stay in native code until some child exits, and HotSpot's exit waits
   * up to 300 ms for a thread in native code (the launcher's exit with a descendant still
   * alive). Without libs4jsig (jffi's binding) that thread ends when it next wakes.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      state = State.CLOSED;
      childAdded.signalAll();
      if (waiting && wakeChild == 0) wakeChild = Os.spawnExitingChild();
    } catch (SystemCallException e) {
      log.debug("process {}: reaper closed, but its thread stays in waitid until a child exits: {}", Os.getpid(), e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ReapPolicy policy() {
    return config.policy();
  }

  @Override
  public Subscription subscribe(ReapListener listener) {
    if (listener == null) throw new NullPointerException("listener == null");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public ReaperStats stats() {
    return new ReaperStats(reaped.get(), adopted.get(), wakeups.get(), listenerFailures.get());
  }

  @Override
  public SupervisedProcess spawn(ChildSpec spec) {
    lock.lock();
    try {
      if (state != State.RUNNING) throw new IllegalStateException("reaper is not running: start() it before spawning");
      int pid = Spawner.spawn(spec);
      PosixSupervisedProcess child = new PosixSupervisedProcess(pid, spec.command(), spec.processGroup().isOwnGroup());
      children.put(pid, child);
      spawns++;
      childAdded.signalAll();
      log.debug("started {}", child);
      return child;
    } finally {
      lock.unlock();
    }
  }

  /** The pids of the children spawned here and not yet reaped, sorted. */
  private int[] spawnedPids() {
    lock.lock();
    try {
      if (children.isEmpty()) return NONE;
      int[] pids = new int[children.size()];
      int i = 0;
      for (int pid : children.keySet()) pids[i++] = pid;
      // One child is the launcher's case: no sort, whose first call on JDK 22+ makes a lambda
      // (DualPivotQuicksort's) on the way to reaping it.
      if (pids.length > 1) Arrays.sort(pids);
      return pids;
    } finally {
      lock.unlock();
    }
  }

  /** The children spawned here and not yet reaped, for signal forwarding. */
  List<PosixSupervisedProcess> liveChildren() {
    lock.lock();
    try {
      return new ArrayList<>(children.values());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isReaperOfOrphans() {
    return Os.getpid() == 1 || Os.isChildSubreaper();
  }
}
