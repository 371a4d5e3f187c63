package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.SupervisorException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The entry points of supervisor-posix beyond the portable API ({@link
 * io.github.supervisor4j.Supervisors}), for programs built directly on this module: the
 * launcher uses these, {@link ShutdownCoordinator} and the API's types, and nothing else of the
 * module. They are Linux-only and may change between minor versions; an application should use
 * {@code Supervisors}.
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
   * A new, unstarted signal forwarder, as {@code Supervisors.signalForwarder} gives.
   *
   * @param config the signals and their rewrites
   * @return the forwarder; call {@link SignalForwarder#start()}
   */
  public static SignalForwarder signalForwarder(ForwarderConfig config) {
    return new PosixSignalForwarder(config);
  }

  /**
   * Loads the native code (jffi's stub, and through it libc) now rather than at the first call
   * that needs it, so that a failure can be reported before anything has started.
   *
   * @throws SupervisorException with one line that says why and names the setting that fixes it
   */
  public static void loadNativeCode() {
    try {
      Os.getpid();
    } catch (LinkageError e) {
      // A thread jffi's loading needs could not start (a full pids limit): not about where it
      // unpacks, so passed on as it is for the caller to say so (the launcher does).
      for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
        if (t instanceof OutOfMemoryError) throw (OutOfMemoryError) t;
      }
      throw new SupervisorException("cannot load jffi's native library (" + JffiSetup.decision() + "): " + firstLine(e)
          + ". Fix: give the JVM -D" + JffiSetup.EXTRACT_DIR + "=<a writable directory on a mount without noexec> "
          + "(e.g. JAVA_TOOL_OPTIONS=-D" + JffiSetup.EXTRACT_DIR + "=/var/tmp), or mount /tmp writable and exec-able");
    }
  }

  /** {@return where jffi unpacks its native stub and why: for a diagnostic line} */
  public static String nativeCodeLocation() {
    return JffiSetup.decision();
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
