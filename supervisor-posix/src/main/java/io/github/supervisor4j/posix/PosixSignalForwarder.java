package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardEvent;
import io.github.supervisor4j.ForwardEvent.Outcome;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.Subscription;
import io.github.supervisor4j.SupervisorException;
import io.github.supervisor4j.SystemCallException;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.SignalHandler;

/**
 * The Linux {@link SignalForwarder}, on {@code sun.misc.Signal}.
 *
 * <p>Not on jnr-posix's {@code signal()}: that runs Java inside the real signal handler via a
 * weakly held closure, which is not async-signal-safe and silently stopped working after a GC
 * (FACTS.md). HotSpot instead notes the signal in its handler and runs ours on a new Java
 * thread, so forwarding is serialised here under {@link #lock} to keep the order of delivery.
 */
final class PosixSignalForwarder implements SignalForwarder {
  private static final Logger log = LoggerFactory.getLogger(PosixSignalForwarder.class);
  /** Standard signals do not queue in the kernel either; this bounds what we hold per start. */
  private static final int MAX_HELD = 64;

  /** HotSpot's shutdown signals: JVM_RegisterSignal keeps them ignored if they were at start-up. */
  private static final Set<Signal> SHUTDOWN_SIGNALS = EnumSet.of(Signal.SIGHUP, Signal.SIGINT, Signal.SIGTERM);

  private final ForwarderConfig config;
  private final Object lock = new Object();
  private final Map<Signal, SignalHandler> previous = new EnumMap<>(Signal.class); // guarded by lock
  private final Queue<Signal> held = new ArrayDeque<>(); // guarded by lock
  private final List<Consumer<ForwardEvent>> listeners = new CopyOnWriteArrayList<>();
  private ForwardTarget target; // guarded by lock
  private boolean started; // guarded by lock
  private boolean closed; // guarded by lock
  private volatile Interceptor interceptor;

  /**
   * Looks at each received signal before it is forwarded and may take it over: the shutdown
   * sequence ({@link ShutdownCoordinator}) holds SIGTERM for the pre-stop delay and owns what
   * happens after it. Called under the forwarder's lock, so it must not block.
   */
  interface Interceptor {
    /** True to take {@code received} over: it is then neither forwarded nor held. */
    boolean intercept(Signal received);
  }

  PosixSignalForwarder(ForwarderConfig config) {
    this.config = config;
  }

  @Override
  public SignalForwarder start() {
    synchronized (lock) {
      if (closed) throw new IllegalStateException("signal forwarder is closed");
      if (started) return this;
      if (!HotSpotSignals.dispatcherRunning()) {
        throw new SupervisorException("cannot forward signals: the JVM runs with -Xrs, so Java signal handlers never run "
            + "(no Signal Dispatcher thread); remove -Xrs");
      }
      SignalHandler handler = s -> received(Signal.of(s.getNumber()));
      for (Signal s : config.signals()) {
        try {
          SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal(s.shortName()), handler);
          previous.put(s, old);
          if (old == SignalHandler.SIG_IGN && SHUTDOWN_SIGNALS.contains(s)) warnIgnoredAtStart(s);
        } catch (IllegalArgumentException e) {
          restoreHandlers();
          throw new SupervisorException("cannot catch " + s + ": " + e.getMessage(), e);
        }
      }
      started = true;
      return this;
    }
  }

  /**
   * HotSpot does not install a handler for SIGHUP, SIGINT or SIGTERM if the JVM started with it
   * ignored (nohup; a script's {@code java ... &}, which ignores SIGINT; a parent's {@code trap
   * '' TERM}): it stays ignored and is never forwarded. sun.misc.Signal reports that only by
   * returning SIG_IGN as the previous handler, so say it here instead of failing silently.
   */
  private static void warnIgnoredAtStart(Signal s) {
    log.warn("{} was ignored when process {} started (nohup, or a background job of a script), and the JVM "
        + "keeps it ignored: it will not be forwarded. Start the JVM with {} at its default disposition", s,
        ProcessHandle.current().pid(), s);
  }

  /** Handles one received signal; runs on the thread HotSpot made for it. */
  void received(Signal signal) {
    synchronized (lock) {
      if (closed) return;
      Interceptor i = interceptor;
      if (i != null && i.intercept(signal)) {
        emit(new ForwardEvent(signal, Optional.empty(), Optional.ofNullable(target), Outcome.INTERCEPTED));
        return;
      }
      deliver(signal);
    }
  }

  /** Installs the one interceptor, or removes it with null. */
  void intercept(Interceptor interceptor) {
    this.interceptor = interceptor;
  }

  /**
   * Forwards {@code signal} as if it had just been received and not intercepted: rewritten as
   * configured, to the target, or held until there is one.
   */
  void deliver(Signal signal) {
    synchronized (lock) {
      if (closed) return;
      if (target == null) {
        if (held.size() < MAX_HELD) held.add(signal);
        log.debug("{} received before there is a child; holding it", signal);
        emit(new ForwardEvent(signal, Optional.empty(), Optional.empty(), Outcome.HELD));
        return;
      }
      forward(signal, target);
    }
  }

  private void forward(Signal signal, ForwardTarget to) {
    Optional<Signal> sent = config.translate(signal);
    if (sent.isEmpty()) {
      log.debug("{} dropped, not forwarded to {}", signal, to);
      emit(new ForwardEvent(signal, sent, Optional.of(to), Outcome.DROPPED));
      return;
    }
    Outcome outcome;
    try {
      if (Os.kill(to.killArgument(), sent.get().number()) == Os.ESRCH) {
        log.warn("{} exited before {} could be forwarded", to, sent.get());
        outcome = Outcome.TARGET_GONE;
      } else {
        if (log.isDebugEnabled()) log.debug("forwarded {} to {}{}", sent.get(), to, sent.get() == signal ? "" : " (rewritten from " + signal + ")");
        outcome = Outcome.FORWARDED;
      }
    } catch (SystemCallException e) {
      log.error("forwarding {} to {}: {}", sent.get(), to, e.getMessage());
      outcome = Outcome.FAILED;
    }
    emit(new ForwardEvent(signal, sent, Optional.of(to), outcome));
  }

  private void emit(ForwardEvent event) {
    for (Consumer<ForwardEvent> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        log.error("forward listener failed for {}", event.received(), e);
      }
    }
  }

  @Override
  public void target(ForwardTarget target) {
    if (target == null) throw new NullPointerException("target == null");
    synchronized (lock) {
      this.target = target;
      Signal s;
      while ((s = held.poll()) != null) {
        forward(s, target);
      }
    }
  }

  @Override
  public Optional<ForwardTarget> target() {
    synchronized (lock) {
      return Optional.ofNullable(target);
    }
  }

  @Override
  public Subscription subscribe(Consumer<ForwardEvent> listener) {
    if (listener == null) throw new NullPointerException("listener == null");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) return;
      closed = true;
      held.clear();
      restoreHandlers();
    }
  }

  private void restoreHandlers() {
    previous.forEach((s, h) -> sun.misc.Signal.handle(new sun.misc.Signal(s.shortName()), h));
    previous.clear();
  }
}
