package io.github.supervisor4j.posix;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisorException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.SignalHandler;

/**
 * The one place that installs and restores {@code sun.misc.Signal} handlers, for the
 * forwarder's Java path, the in-app init and the launcher's pause mode.
 *
 * <p>Not jnr-posix's {@code signal()}: that runs Java inside the real signal handler through a
 * weakly held closure, which is not async-signal-safe and silently stopped working after a GC.
 * HotSpot instead notes the signal in its own C handler and runs ours on a new Java thread
 * (one per signal), started by its "Signal Dispatcher" thread. Under {@code -Xrs} that thread
 * never starts and handlers install but never run: a silent loss of every signal, which
 * {@link #install} refuses instead.
 *
 * <p>Thread-safe: one instance is installed and closed under its owner's lock; {@link
 * #previous} may be read from handler threads.
 */
final class SignalHandlers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SignalHandlers.class);
  /** HotSpot's shutdown signals: JVM_RegisterSignal keeps them ignored if they were at start-up. */
  static final Set<Signal> SHUTDOWN_SIGNALS = EnumSet.of(Signal.SIGHUP, Signal.SIGINT, Signal.SIGTERM);

  private final Map<Signal, SignalHandler> previous;

  private SignalHandlers(Map<Signal, SignalHandler> previous) {
    this.previous = previous;
  }

  /**
   * Makes {@code handler} run (on a thread HotSpot starts for each delivery) for every signal
   * in {@code signals}, and remembers what it replaced.
   *
   * @param purpose what the handlers are for, for the messages: "forward signals"
   * @param fix what to do under {@code -Xrs}, for the message
   * @throws SupervisorException under {@code -Xrs}, or if HotSpot refuses a signal; handlers
   *     installed before the refusal are restored
   */
  static SignalHandlers install(Set<Signal> signals, Consumer<Signal> handler, String purpose, String fix) {
    if (!dispatcherRunning()) {
      throw new SupervisorException("process " + Os.getpid() + ": cannot " + purpose + ": the JVM runs with -Xrs, so Java "
          + "signal handlers never run (no Signal Dispatcher thread) and " + signals + " would be lost; " + fix);
    }
    SignalHandler java = s -> handler.accept(Signal.of(s.getNumber()));
    SignalHandlers installed = new SignalHandlers(new EnumMap<>(Signal.class));
    for (Signal s : signals) {
      try {
        SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal(s.shortName()), java);
        installed.previous.put(s, old);
        if (old == SignalHandler.SIG_IGN && SHUTDOWN_SIGNALS.contains(s)) warnIgnoredAtStart(s);
      } catch (IllegalArgumentException e) {
        installed.close();
        throw new SupervisorException("process " + Os.getpid() + ": cannot " + purpose + ": cannot catch " + s + ": " + e.getMessage(), e);
      }
    }
    return installed;
  }

  /** Ignores {@code signal} from now on (SIG_IGN), for good. */
  static void ignore(Signal signal) {
    sun.misc.Signal.handle(new sun.misc.Signal(signal.shortName()), SignalHandler.SIG_IGN);
  }

  /** The handler that {@code signal} had before {@link #install}, or null if it was not installed here. */
  SignalHandler previous(Signal signal) {
    synchronized (previous) {
      return previous.get(signal);
    }
  }

  /** Puts back every handler that {@link #install} replaced. Closing twice is harmless. */
  @Override
  public void close() {
    synchronized (previous) {
      previous.forEach((s, h) -> sun.misc.Signal.handle(new sun.misc.Signal(s.shortName()), h));
      previous.clear();
    }
  }

  /**
   * HotSpot does not install a handler for SIGHUP, SIGINT or SIGTERM if the JVM started with it
   * ignored (nohup; a script's {@code java ... &}, which ignores SIGINT; a parent's {@code trap
   * '' TERM}): it stays ignored and never reaches us. The JVM reports that only by returning
   * SIG_IGN as the previous handler, so say it instead of failing silently.
   */
  static void warnIgnoredAtStart(Signal s) {
    log.warn("{} was ignored when process {} started (nohup, or a background job of a script), and the JVM "
        + "keeps it ignored: it will not be forwarded. Start the JVM with {} at its default disposition", s, Os.getpid(), s);
  }

  /** True if HotSpot's "Signal Dispatcher" thread runs: false under {@code -Xrs}. */
  static boolean dispatcherRunning() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) root = root.getParent();
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    for (int i = 0; i < n; i++) {
      if ("Signal Dispatcher".equals(threads[i].getName())) return true;
    }
    return false;
  }
}
