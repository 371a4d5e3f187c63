package io.github.supervisor4j.posix;

import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisedProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child started by {@link PosixReaper#spawn}; the reaper thread sets its status.
 *
 * <p>Waiting is this object's monitor, and the {@link #onExit()} future is made only when asked
 * for: the launcher waits with {@link #waitFor()} and never asks, and CompletableFuture's and
 * ForkJoinPool's classes and static set-up were about 2 ms of its start-up on JDK 17 (issue 14).
 */
final class PosixSupervisedProcess implements SupervisedProcess {
  private static final Logger log = LoggerFactory.getLogger(PosixSupervisedProcess.class);

  private final int pid;
  private final List<String> command;
  private final boolean ownGroup;
  /** Null until reaped; set once, under this object's monitor. */
  private volatile ExitStatus status;
  /** The future behind {@link #onExit()}, made at the first call before the exit; guarded by this. */
  private CompletableFuture<ExitStatus> exit;

  PosixSupervisedProcess(int pid, List<String> command, boolean ownGroup) {
    this.pid = pid;
    this.command = command;
    this.ownGroup = ownGroup;
  }

  void reaped(ExitStatus reapedStatus) {
    CompletableFuture<ExitStatus> future;
    synchronized (this) {
      if (status != null) return;
      status = reapedStatus;
      future = exit;
      notifyAll();
    }
    // Outside the monitor: the future's dependent actions run here, on the reaper thread.
    if (future != null) future.complete(reapedStatus);
  }

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public List<String> command() {
    return command;
  }

  @Override
  public CompletableFuture<ExitStatus> onExit() {
    synchronized (this) {
      if (status == null) {
        if (exit == null) exit = new CompletableFuture<>();
        // A copy: a caller that completes or cancels it changes nothing here.
        return exit.copy();
      }
    }
    return CompletableFuture.completedFuture(status);
  }

  @Override
  public ExitStatus waitFor() throws InterruptedException {
    synchronized (this) {
      while (status == null) wait();
      return status;
    }
  }

  @Override
  public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    long start = System.nanoTime();
    synchronized (this) {
      for (long left = nanos; status == null; left = nanos - (System.nanoTime() - start)) {
        if (left <= 0) return Optional.empty();
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return Optional.of(status);
    }
  }

  @Override
  public boolean isAlive() {
    return status == null;
  }

  @Override
  public void signal(Signal signal) {
    send(pid, signal);
  }

  @Override
  public void signalGroup(Signal signal) {
    if (!ownGroup) throw new IllegalStateException("child " + pid + " was not started in its own process group");
    send(-pid, signal);
  }

  /**
   * Forwards {@code signal}, received at {@code receivedAt} ({@link System#nanoTime()}), to the
   * child's own group if it has one, else to the child, unless it was reaped.
   */
  void forward(Signal signal, long receivedAt) {
    if (status == null) Forwarding.send(signal, signal, ownGroup ? ForwardTarget.processGroup(pid) : ForwardTarget.pid(pid), receivedAt);
  }

  private void send(int target, Signal signal) {
    // Once reaped, the pid may belong to another process: never signal it.
    if (status != null) return;
    if (!Os.kill(target, signal)) log.debug("child {} exited before {} could be sent", pid, signal);
  }

  @Override
  public Optional<ProcessHandle> toHandle() {
    return status != null ? Optional.empty() : ProcessHandle.of(pid);
  }

  @Override
  public String toString() {
    return "child " + pid + " (" + String.join(" ", command) + ")";
  }
}
