package io.github.supervisor4j.posix;

import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.Subscription;
import io.github.supervisor4j.TreeShutdown;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-app {@link TreeShutdown}: the JVM itself is the "main child", already shutting down
 * when its hooks run, so the sequence is: a grace for the descendants to exit by themselves
 * (the app's own hooks may be stopping them), then the {@link Escalation}.
 *
 * <p>The tree is read when {@link #run()} starts, not at construction: a JVM that became PID 1
 * of a namespace, or a subreaper, keeps that role for its life, and so does the scope.
 */
final class PosixTreeShutdown implements TreeShutdown {
  private static final Logger log = LoggerFactory.getLogger(PosixTreeShutdown.class);

  private final Reaper reaper;
  private final ShutdownConfig config;
  private final Object lock = new Object();
  private Thread hook; // guarded by lock

  PosixTreeShutdown(Reaper reaper, ShutdownConfig config) {
    this.reaper = Objects.requireNonNull(reaper, "reaper == null");
    this.config = Objects.requireNonNull(config, "config == null");
  }

  @Override
  public int run() throws InterruptedException {
    ProcessTree tree = ProcessTree.ofThisProcess();
    Waker waker = new Waker();
    Escalation escalation = new Escalation(tree, config.killAfter(), waker);
    Subscription reaped = reaper.subscribe(p -> waker.wake());
    try {
      List<Proc.Stat> alive = tree.alive();
      int count = alive.size();
      Duration grace = config.grace().orElse(Duration.ZERO);
      if (!alive.isEmpty() && !grace.isZero()) {
        log.info("waiting up to {} (the grace) for {} processes ({}) to exit before SIGTERM: {}", Durations.format(grace),
            alive.size(), tree, ProcessTree.describe(alive));
        escalation.awaitNoneAlive(grace);
      }
      escalation.run();
      return count;
    } finally {
      reaped.close();
    }
  }

  @Override
  public Subscription installShutdownHook() {
    Thread t = new Thread(this::runInHook, "supervisor4j-tree-shutdown");
    synchronized (lock) {
      if (hook != null) throw new IllegalStateException("shutdown hook already installed");
      hook = t;
    }
    Runtime.getRuntime().addShutdownHook(t);
    return () -> {
      synchronized (lock) {
        if (hook != t) return;
        hook = null;
      }
      try {
        Runtime.getRuntime().removeShutdownHook(t);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook runs, as it should.
      }
    };
  }

  private void runInHook() {
    try {
      run();
    } catch (InterruptedException e) {
      log.warn("shutdown of the descendants of process {} interrupted", Os.getpid());
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("shutdown of the descendants of process {} failed: {}", Os.getpid(), e.toString(), e);
    }
  }
}
