package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.Subscription;
import io.github.supervisor4j.SupervisorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The entry points of supervisor-posix beyond the portable API ({@link
 * io.github.supervisor4j.Supervisors}), for programs built directly on this module: the
 * launcher uses these, {@link ShutdownCoordinator} and the API's types, and nothing else of the
 * module; supervisor-junit5 uses these, {@link ProcessSnapshot} and the API's types. They are
 * Linux-only and may change between minor versions; an application should use {@code
 * Supervisors}.
 *
 * <p>Thread-safe: every method is.
 */
public final class Posix {
  private Posix() {}

  /**
   * A new, unstarted reaper, as {@code Supervisors.reaper} gives, without the ServiceLoader
   * look-up.
   *
   * @param config the policy and settings
   * @return the reaper; call {@link Reaper#start()}
   * @throws io.github.supervisor4j.UnavailableException if the config's policy cannot run safely here
   */
  public static Reaper reaper(ReaperConfig config) {
    return new PosixReaper(config);
  }

  /**
   * As {@link #reaper(ReaperConfig)}, and {@code beforeReap} is told of each adopted process
   * (an orphan, not a child from {@code Reaper.spawn}) right before it is reaped, as /proc shows
   * it then: a zombie, with its name, parent and start time but no command line. It runs on
   * the reaper thread, before that process's {@link io.github.supervisor4j.ReapedProcess} event,
   * so it must be quick; an exception from it is logged and counted as a listener failure.
   * Costs one /proc read per adopted process. Only {@link io.github.supervisor4j.ReapPolicy#COOPERATIVE}
   * can tell before it reaps; under EXCLUSIVE {@code beforeReap} is never called.
   *
   * @param config the policy and settings
   * @param beforeReap told of each adopted process about to be reaped
   * @return the reaper; call {@link Reaper#start()}
   * @throws io.github.supervisor4j.UnavailableException if the config's policy cannot run safely here
   */
  public static Reaper reaper(ReaperConfig config, Consumer<ProcessSnapshot> beforeReap) {
    return new PosixReaper(config, Objects.requireNonNull(beforeReap, "beforeReap == null"));
  }

  /**
   * Every process this process is responsible for, zombies included, itself excluded: as PID 1
   * of a PID namespace every other process in it, else its descendants (adopted orphans,
   * double-forked daemons and {@code setsid} escapees included when this process is a child
   * subreaper; never a process outside its subtree). Empty when /proc belongs to another PID
   * namespace (one warning says so). Reads /proc: three small files per process listed, and
   * nothing for processes outside the subtree.
   *
   * @return the processes, a new list
   */
  public static List<ProcessSnapshot> descendants() {
    return snapshots(ProcessTree.ofThisProcess().members());
  }

  /**
   * The command line of {@code process} now, if it is still that process (same pid and start
   * time) and has one.
   *
   * @param process a snapshot from {@link #descendants()} or a reaper's {@code beforeReap}
   * @return its arguments; empty for a zombie, a kernel thread, or a process that has gone
   */
  public static Optional<List<String>> commandLine(ProcessSnapshot process) {
    List<String> args = Proc.commandLine(process.pid());
    // Read after the arguments: if the pid still has the same start time, they were that process's.
    Optional<Proc.Stat> now = Proc.stat(process.pid());
    if (args.isEmpty() || now.isEmpty() || now.get().startTime() != process.startTicks()) return Optional.empty();
    return Optional.of(List.copyOf(args));
  }

  /**
   * Stops the descendants that {@code selection} picks, as a shutdown's escalation does: SIGTERM
   * to each one alive (and SIGCONT to a stopped one, so that it can act on it), SIGKILL to those
   * still alive {@code killAfter} later, then a wait until all of them are reaped (bounded: 5 s
   * past the SIGKILL, then a warning names what is left). {@code selection} is applied to each
   * fresh listing of {@link #descendants()} (so a process forked meanwhile is judged too) and
   * may only drop entries. Each signal goes through a pidfd after a start-time check and a
   * check that the target still descends from this process, so a recycled pid or a process
   * outside the subtree is never hit. Waits wake on each process {@code reaper} reaps, and
   * re-list every 50 ms for processes reaped by others (the JDK, their own parents).
   *
   * @param selection picks, from each listing, the processes to stop
   * @param killAfter how long SIGTERM gets before SIGKILL
   * @param reaper the reaper whose reaping wakes the waits
   * @return how many processes got SIGTERM
   * @throws InterruptedException if interrupted while waiting; what was sent stays sent
   */
  public static int stop(UnaryOperator<List<ProcessSnapshot>> selection, Duration killAfter, Reaper reaper)
      throws InterruptedException {
    Objects.requireNonNull(selection, "selection == null");
    if (killAfter.isNegative()) throw new IllegalArgumentException("killAfter < 0: " + killAfter);
    ProcessTree tree = ProcessTree.ofThisProcess().selecting(members -> {
      List<ProcessSnapshot> picked = selection.apply(snapshots(members));
      Set<ProcessSnapshot> keep = new HashSet<>(picked);
      List<Proc.Stat> out = new ArrayList<>();
      for (Proc.Stat m : members) {
        if (keep.contains(ProcessSnapshot.of(m, 0))) out.add(m);
      }
      return out;
    });
    Waker waker = new Waker();
    Subscription reaped = reaper.subscribe(p -> waker.wake());
    try {
      return new Escalation(tree, killAfter, waker).run();
    } finally {
      reaped.close();
    }
  }

  private static List<ProcessSnapshot> snapshots(List<Proc.Stat> members) {
    long uptime = Proc.uptimeTicks();
    List<ProcessSnapshot> out = new ArrayList<>(members.size());
    for (Proc.Stat m : members) out.add(ProcessSnapshot.of(m, uptime));
    return out;
  }

  /**
   * A new, unstarted signal forwarder, as {@code Supervisors.signalForwarder} gives.
   *
   * @param config the signals and their rewrites
   * @return the forwarder; call {@link SignalForwarder#start()}
   */
  public static SignalForwarder signalForwarder(ForwarderConfig config) {
    return new PosixSignalForwarder(config);
  }

  /**
   * Loads the native code (libs4jsig, or where it cannot load jffi's stub, and through either
   * libc) now rather than at the first call that needs it, so that a failure can be reported
   * before anything has started.
   *
   * @throws SupervisorException with one line that says why and names the setting that fixes it
   */
  public static void loadNativeCode() {
    try {
      Os.getpid();
    } catch (LinkageError e) {
      // A thread jffi's loading needs could not start (a full pids limit): not about where native
      // code is unpacked, so passed on as it is for the caller to say so (the launcher does).
      // A -Dsupervisor4j.libc that cannot work here (Os's IllegalArgumentException): its own
      // line, for where native code is unpacked has nothing to do with it.
      for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
        if (t instanceof OutOfMemoryError) throw (OutOfMemoryError) t;
        if (t instanceof IllegalArgumentException) throw new SupervisorException("cannot load supervisor4j's native code: " + t.getMessage());
      }
      String s4j = NativeSignals.libraryReason();
      throw new SupervisorException("cannot load supervisor4j's native code (" + JffiSetup.decision() + "): " + firstLine(e)
          + (s4j != null && !s4j.equals(firstLine(e)) ? "; " + s4j : "")
          + ". Fix: give the JVM -D" + JffiSetup.EXTRACT_DIR + "=<a writable directory on a mount without noexec> "
          + "(e.g. JAVA_TOOL_OPTIONS=-D" + JffiSetup.EXTRACT_DIR + "=/var/tmp), or mount /tmp writable and exec-able");
    }
  }

  /** {@return which binding calls the C library, and where native code is unpacked and why: for a diagnostic line} */
  public static String nativeCodeLocation() {
    return Os.binding() + "; " + JffiSetup.decision();
  }

  /** {@return this process's pid, from getpid(2)} */
  public static int pid() {
    return Os.getpid();
  }

  /**
   * tini's {@code -p}: this process gets {@code signal} when its parent dies
   * (PR_SET_PDEATHSIG).
   *
   * @param signal the signal to get
   * @throws io.github.supervisor4j.SystemCallException if the kernel refuses
   */
  public static void setParentDeathSignal(Signal signal) {
    Os.setParentDeathSignal(signal);
  }

  /**
   * Ignores {@code signal} from now on (SIG_IGN); a child started afterwards gets it back at SIG_DFL.
   *
   * @param signal the signal to ignore
   */
  public static void ignore(Signal signal) {
    SignalHandlers.ignore(signal);
  }

  /**
   * Catches {@code signals} from now on, until the latch is closed: Kubernetes' pause, which
   * waits for SIGINT or SIGTERM, installs this before it says it is ready.
   *
   * @param signals the signals to catch
   * @return the latch, to await the first of them and to close
   * @throws SupervisorException if the JVM cannot catch them (under {@code -Xrs})
   */
  public static SignalLatch catchSignals(Set<Signal> signals) {
    return new SignalLatch(signals);
  }

  /** Signals caught by {@link #catchSignals}; {@link #close()} puts their previous handlers back. */
  public static final class SignalLatch implements AutoCloseable {
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final AtomicReference<Signal> first = new AtomicReference<>();
    private final SignalHandlers handlers;

    private SignalLatch(Set<Signal> signals) {
      handlers = SignalHandlers.install(signals, s -> {
        first.compareAndSet(null, s);
        arrived.countDown();
      }, "wait for " + signals, "remove -Xrs");
    }

    /**
     * Blocks until one of the signals has arrived (at once if one already has) and returns the first.
     *
     * @return the first signal that arrived
     * @throws InterruptedException if interrupted while waiting
     */
    public Signal await() throws InterruptedException {
      arrived.await();
      return first.get();
    }

    @Override
    public void close() {
      handlers.close();
    }
  }

  private static String firstLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = String.valueOf(root.getMessage());
    int nl = m.indexOf('\n');
    String line = nl < 0 ? m : m.substring(0, nl);
    while (line.endsWith(".")) line = line.substring(0, line.length() - 1);
    return line;
  }
}
