package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardEvent;
import io.github.supervisor4j.ForwardEvent.Outcome;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.Subscription;
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

/**
 * The Linux {@link SignalForwarder}: one forwarding rule, applied on one of two {@link
 * SignalPath}s, libs4jsig's C handler ({@link NativeSignalPath}, the default) or {@code
 * sun.misc.Signal} ({@link JavaSignalPath}, the fallback).
 *
 * <p>The rule, for each received signal S, in this order: closed, ignore it; taken over by the
 * {@link Interceptor} (the shutdown sequence), leave it to that; no target yet, hold it (up to
 * {@value #MAX_HELD}) until {@link #target(ForwardTarget)}; dropped by the config, drop it;
 * else send the config's translation of S to the target and report the outcome ({@link
 * Forwarding}). The C handler applies the same rule from the actions this class {@linkplain
 * SignalPath#route routes} to it (hand to Java, drop, or send signal R) and leaves the cases
 * that need Java (interception, holding) to {@link #received}; the Java path runs all of it in
 * {@link #received}, serialised under {@link #lock} to keep the order of delivery.
 */
final class PosixSignalForwarder implements SignalForwarder {
  private static final Logger log = LoggerFactory.getLogger(PosixSignalForwarder.class);
  /** Standard signals do not queue in the kernel either; this bounds what we hold per start. */
  private static final int MAX_HELD = 64;

  private final ForwarderConfig config;
  private final Object lock = new Object();
  private final Queue<Held> held = new ArrayDeque<>(); // guarded by lock
  private final List<Consumer<ForwardEvent>> listeners = new CopyOnWriteArrayList<>();
  private ForwardTarget target; // guarded by lock
  private boolean started; // guarded by lock
  private boolean closed; // guarded by lock
  private Interceptor interceptor; // guarded by lock
  private Set<Signal> intercepted = EnumSet.noneOf(Signal.class); // guarded by lock
  private SignalPath path; // guarded by lock; non-null once started

  /**
   * Looks at each received signal before it is forwarded and may take it over: the shutdown
   * sequence ({@link ShutdownCoordinator}) holds SIGTERM for the pre-stop delay and owns what
   * happens after it. Called under the forwarder's lock, so it must not block.
   */
  interface Interceptor {
    /** True to take {@code received} over: it is then neither forwarded nor held. */
    boolean intercept(Signal received);
  }

  /** A signal received before there was a target, and when ({@link System#nanoTime()}). */
  private record Held(Signal signal, long receivedAt) {}

  PosixSignalForwarder(ForwarderConfig config) {
    this.config = config;
  }

  @Override
  public SignalForwarder start() {
    synchronized (lock) {
      if (closed) throw new IllegalStateException("signal forwarder is closed");
      if (started) return this;
      Map<Signal, Integer> actions = new EnumMap<>(Signal.class);
      for (Signal s : config.signals()) actions.put(s, action(s));
      Optional<NativeSignalPath> fast = NativeSignalPath.start(actions, this);
      path = fast.isPresent() ? fast.get() : JavaSignalPath.start(config.signals(), this);
      started = true;
      return this;
    }
  }

  /** The rule for {@code s} as an action for the C handler: hand to Java, drop, or send as signal R. */
  private int action(Signal s) {
    if (intercepted.contains(s)) return S4jSig.TO_JAVA;
    Optional<Signal> sent = config.translate(s);
    return sent.isEmpty() ? S4jSig.DROP : sent.get().number();
  }

  /** True while this forwarder forwards in libs4jsig's C handler (the fast path). */
  boolean isNative() {
    synchronized (lock) {
      return path != null && path.isNative();
    }
  }

  /**
   * Applies the rule to {@code signal}: for every signal on the Java path (on the thread HotSpot
   * made for it), and for those the C handler left to Java.
   */
  void received(Signal signal) {
    long at = System.nanoTime();
    synchronized (lock) {
      if (closed) return;
      if (interceptor != null && interceptor.intercept(signal)) {
        Forwarding.record(signal, Optional.empty(), Optional.ofNullable(target), Outcome.INTERCEPTED, 0, false);
        emit(new ForwardEvent(signal, Optional.empty(), Optional.ofNullable(target), Outcome.INTERCEPTED));
        return;
      }
      deliver(signal, at);
    }
  }

  /**
   * What the C handler already did with {@code signal}: reported, and emitted as an event.
   *
   * @param latencyNanos the handler's own time from entry until kill(2) returned
   */
  void forwardedInHandler(Signal signal, Optional<Signal> sent, ForwardTarget to, int errno, long latencyNanos) {
    synchronized (lock) {
      if (closed) return;
    }
    emit(new ForwardEvent(signal, sent, Optional.of(to), Forwarding.report(signal, sent, to, errno, latencyNanos, true)));
  }

  /**
   * Installs the one interceptor, for {@code signals} only. On the native path only these
   * signals leave the C handler's fast path for Java.
   */
  void intercept(Set<Signal> signals, Interceptor interceptor) {
    if (interceptor == null) throw new NullPointerException("interceptor == null");
    reroute(EnumSet.copyOf(signals), interceptor);
  }

  /** Removes the interceptor: every signal follows the config again. */
  void stopIntercepting() {
    reroute(EnumSet.noneOf(Signal.class), null);
  }

  private void reroute(Set<Signal> signals, Interceptor interceptor) {
    synchronized (lock) {
      this.interceptor = interceptor;
      intercepted = signals;
      if (path != null) {
        for (Signal s : config.signals()) path.route(s, action(s));
      }
    }
  }

  /**
   * The rule after the interceptor: holds {@code signal} while there is no target, else drops
   * it or forwards its translation, as configured.
   */
  void deliver(Signal signal) {
    deliver(signal, System.nanoTime());
  }

  private void deliver(Signal signal, long receivedAt) {
    synchronized (lock) {
      if (closed) return;
      if (target == null) {
        if (held.size() < MAX_HELD) held.add(new Held(signal, receivedAt));
        log.debug("{} received before there is a child; holding it", signal);
        Forwarding.record(signal, Optional.empty(), Optional.empty(), Outcome.HELD, 0, false);
        emit(new ForwardEvent(signal, Optional.empty(), Optional.empty(), Outcome.HELD));
        return;
      }
      forward(signal, target, receivedAt);
    }
  }

  private void forward(Signal signal, ForwardTarget to, long receivedAt) {
    Optional<Signal> sent = config.translate(signal);
    Outcome outcome = sent.isPresent()
        ? Forwarding.send(signal, sent.get(), to, receivedAt)
        : Forwarding.report(signal, sent, to, 0, System.nanoTime() - receivedAt, false);
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
      if (path != null) path.retarget(target);
      Held h;
      while ((h = held.poll()) != null) {
        forward(h.signal(), target, h.receivedAt());
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
      if (path != null) path.close();
    }
  }
}
