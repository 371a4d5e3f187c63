package io.github.supervisor4j.posix;

import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.ShutdownConfig.OnChildExit;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.Subscription;
import io.github.supervisor4j.SupervisedProcess;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shutdown sequence around one main child, as the launcher runs it: one of this module's
 * entry points for programs built on it (see {@link Posix}). The launcher wires it in three
 * calls and then waits on it instead of on the child:
 *
 * <pre>{@code
 * ShutdownCoordinator shutdown = ShutdownCoordinator.install(config, reaper, forwarder);
 * SupervisedProcess child = reaper.spawn(spec);
 * forwarder.target(...);
 * shutdown.mainChild(child);
 * ExitStatus status = shutdown.awaitExit(); // then -e remapping, then exit(status.shellCode())
 * }</pre>
 *
 * <p>On SIGTERM or SIGINT (taken from the forwarder by its {@linkplain
 * PosixSignalForwarder.Interceptor interceptor} when {@link
 * ShutdownConfig#interceptsShutdownSignals()}): hold a SIGTERM for {@code preStopDelay};
 * forward the signal as the forwarder would (rewrites and {@code -g} apply); wait up to {@code
 * grace} for the main child (without a grace, as long as it takes); then SIGTERM every
 * remaining process of the {@link ProcessTree}, SIGKILL after {@code killAfter}, reap them all,
 * and return the main child's status. A further SIGTERM or SIGINT during the grace is
 * forwarded as usual; during the hold or the escalation it is ignored (logged).
 *
 * <p>When the main child exits first: {@link OnChildExit#EXIT} returns its status at once
 * (tini); {@link OnChildExit#WAIT} returns once every other process of the tree has exited and
 * been reaped, unless a SIGTERM or SIGINT arrives meanwhile, which starts the escalation;
 * {@link OnChildExit#TERMINATE} runs the escalation, then returns.
 *
 * <p>Thread-safe: the sequence runs on the thread that calls {@link #awaitExit()}; signals,
 * reaped processes and the child's exit only record what happened and wake that thread.
 */
public final class ShutdownCoordinator {
  private static final Logger log = LoggerFactory.getLogger(ShutdownCoordinator.class);
  /**
   * {@code --on-child-exit wait} can last hours. The tree empties when our last child is
   * reaped, which wakes us at once; only processes reaped by others (one that joined the
   * namespace from outside) need this re-read, so it can be slow: one /proc walk a second.
   */
  private static final long WAIT_POLL_NANOS = Duration.ofSeconds(1).toNanos();

  private enum Phase { RUNNING, HOLDING, GRACE, WAITING, STOPPING }

  private final ShutdownConfig config;
  private final ProcessTree tree;
  private final PosixSignalForwarder forwarder;
  private final Waker waker = new Waker();
  private final Escalation escalation;
  private final Object lock = new Object();
  private Subscription reaped;
  private Phase phase = Phase.RUNNING; // guarded by lock
  private Signal shutdownSignal; // guarded by lock
  private SupervisedProcess child; // guarded by lock
  private volatile ExitStatus childStatus;

  private ShutdownCoordinator(ShutdownConfig config, ProcessTree tree, PosixSignalForwarder forwarder) {
    this.config = config;
    this.tree = tree;
    this.forwarder = forwarder;
    this.escalation = new Escalation(tree, config.killAfter(), waker);
  }

  /**
   * Subscribes to {@code reaper}'s events and, if {@code config} needs it, takes SIGTERM and
   * SIGINT over from {@code forwarder}. Call before spawning the main child, so that a signal
   * that arrives meanwhile is not lost.
   *
   * @param config the durations and choices of the shutdown
   * @param reaper the running reaper, whose events it waits on
   * @param forwarder this module's running signal forwarder
   * @return the coordinator; then call {@link #mainChild} and {@link #awaitExit}
   * @throws IllegalArgumentException if {@code forwarder} is not this module's
   */
  public static ShutdownCoordinator install(ShutdownConfig config, Reaper reaper, SignalForwarder forwarder) {
    Objects.requireNonNull(config, "config == null");
    if (!(forwarder instanceof PosixSignalForwarder)) {
      throw new IllegalArgumentException("not a supervisor-posix signal forwarder: " + forwarder);
    }
    ShutdownCoordinator c = new ShutdownCoordinator(config, ProcessTree.ofThisProcess(), (PosixSignalForwarder) forwarder);
    c.reaped = reaper.subscribe(p -> c.waker.wake());
    if (config.interceptsShutdownSignals()) c.forwarder.intercept(EnumSet.of(Signal.SIGTERM, Signal.SIGINT), c::intercept);
    log.debug("shutdown of {} configured: {}", c.tree, config);
    return c;
  }

  /**
   * The main child, once spawned (and made the forwarder's target).
   *
   * @param child the main child
   * @throws IllegalStateException if it was set already
   */
  public void mainChild(SupervisedProcess child) {
    synchronized (lock) {
      if (this.child != null) throw new IllegalStateException("main child already set: " + this.child);
      this.child = Objects.requireNonNull(child, "child == null");
    }
    child.onExit().thenAccept(status -> {
      childStatus = status;
      waker.wake();
    });
  }

  /** Called by the forwarder, under its lock, for each received signal. */
  private boolean intercept(Signal signal) {
    if (signal != Signal.SIGTERM && signal != Signal.SIGINT) return false;
    synchronized (lock) {
      switch (phase) {
        case RUNNING:
        case WAITING:
          if (shutdownSignal == null) {
            shutdownSignal = signal;
            waker.wake();
          }
          return true;
        case GRACE:
          return false; // already forwarded once: forward this one too, as tini would
        default:
          log.info("{} received while the process tree is being shut down; ignored", signal);
          return true;
      }
    }
  }

  /**
   * Runs the sequence described above on the calling thread and returns the main child's
   * exit status.
   *
   * @return the main child's exit status
   * @throws IllegalStateException if {@link #mainChild} was not called
   * @throws InterruptedException if interrupted while waiting
   */
  public ExitStatus awaitExit() throws InterruptedException {
    SupervisedProcess main;
    synchronized (lock) {
      main = child;
    }
    if (main == null) throw new IllegalStateException("mainChild() was not called");
    try {
      waker.awaitUntil(() -> childStatus != null || signalled() != null, Waker.FOREVER, Waker.FOREVER);
      Signal signal = signalled();
      if (childStatus == null) {
        stopOnSignal(main, signal);
      } else if (signal == null && !afterChildExit(main)) {
        return childStatus;
      }
      setPhase(Phase.STOPPING);
      escalation.run();
      waker.awaitUntil(() -> childStatus != null, Waker.FOREVER, Waker.FOREVER);
      return childStatus;
    } finally {
      forwarder.stopIntercepting();
      reaped.close();
    }
  }

  /** Hold, forward, grace: returns with the child gone or the grace over. */
  private void stopOnSignal(SupervisedProcess main, Signal signal) throws InterruptedException {
    if (signal == Signal.SIGTERM && !config.preStopDelay().isZero()) {
      setPhase(Phase.HOLDING);
      log.info("holding {} for {} before forwarding it to child {} (--pre-stop-delay)", signal,
          Durations.format(config.preStopDelay()), main.pid());
      waker.awaitUntil(() -> childStatus != null, config.preStopDelay().toNanos(), Waker.FOREVER);
    }
    if (childStatus != null) return;
    setPhase(Phase.GRACE);
    forwarder.deliver(signal);
    Duration grace = config.grace().orElse(null);
    waker.awaitUntil(() -> childStatus != null, grace == null ? Waker.FOREVER : grace.toNanos(), Waker.FOREVER);
    if (childStatus == null) {
      log.warn("child {} still alive {} after {} (--grace); shutting the process tree down", main.pid(),
          Durations.format(grace), signal);
    } else {
      log.info("child {} {} after {}", main.pid(), childStatus, signal);
    }
  }

  /** Applies {@code --on-child-exit}; true if the rest must then be terminated. */
  private boolean afterChildExit(SupervisedProcess main) throws InterruptedException {
    OnChildExit action = config.onChildExit();
    if (action == OnChildExit.EXIT) return false;
    List<Proc.Stat> left = tree.members();
    if (left.isEmpty()) return false;
    if (action == OnChildExit.TERMINATE) {
      log.info("child {} {}; terminating the {} other processes (--on-child-exit terminate)", main.pid(), childStatus,
          left.size());
      return true;
    }
    log.info("child {} {}; waiting for {} other processes to exit (--on-child-exit wait): {}", main.pid(), childStatus,
        left.size(), ProcessTree.describe(left));
    setPhase(Phase.WAITING);
    waker.awaitUntil(() -> signalled() != null || tree.members().isEmpty(), Waker.FOREVER, WAIT_POLL_NANOS);
    if (signalled() == null) return false;
    log.info("{} received while waiting for the other processes; terminating them", signalled());
    return true;
  }

  private Signal signalled() {
    synchronized (lock) {
      return shutdownSignal;
    }
  }

  private void setPhase(Phase p) {
    synchronized (lock) {
      phase = p;
    }
  }
}
