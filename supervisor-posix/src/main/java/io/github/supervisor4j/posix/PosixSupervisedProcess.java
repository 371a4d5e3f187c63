package io.github.supervisor4j.posix;

import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisedProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A child started by {@link PosixReaper#spawn}; its future is completed by the reaper thread. */
final class PosixSupervisedProcess implements SupervisedProcess {
  private static final Logger log = LoggerFactory.getLogger(PosixSupervisedProcess.class);

  private final int pid;
  private final List<String> command;
  private final boolean ownGroup;
  private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

  PosixSupervisedProcess(int pid, List<String> command, boolean ownGroup) {
    this.pid = pid;
    this.command = command;
    this.ownGroup = ownGroup;
  }

  void reaped(ExitStatus status) {
    exit.complete(status);
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
    return exit.copy();
  }

  @Override
  public ExitStatus waitFor() throws InterruptedException {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("exit future of child " + pid + " failed", e.getCause());
    }
  }

  @Override
  public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("exit future of child " + pid + " failed", e.getCause());
    }
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
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
    if (!exit.isDone()) Forwarding.send(signal, signal, ownGroup ? ForwardTarget.processGroup(pid) : ForwardTarget.pid(pid), receivedAt);
  }

  private void send(int target, Signal signal) {
    // Once reaped, the pid may belong to another process: never signal it.
    if (exit.isDone()) return;
    if (!Os.kill(target, signal)) log.debug("child {} exited before {} could be sent", pid, signal);
  }

  @Override
  public Optional<ProcessHandle> toHandle() {
    return exit.isDone() ? Optional.empty() : ProcessHandle.of(pid);
  }

  @Override
  public String toString() {
    return "child " + pid + " (" + String.join(" ", command) + ")";
  }
}
