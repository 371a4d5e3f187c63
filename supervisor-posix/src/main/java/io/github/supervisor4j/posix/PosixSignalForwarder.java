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
 * The Linux {@link SignalForwarder}: libs4jsig's C handler when it is available, else
 * {@code sun.misc.Signal}.
 *
 * <p><b>Native path</b> (the default; {@link NativeSignals}): our C handler, installed with
 * sigaction, forwards the signal with kill(2) inside the handler, as soon as the kernel
 * delivers it to any thread (kill is async-signal-safe), and writes a record of what it did to
 * a pipe. The thread "supervisor4j signal forwarder" reads the records (blocked in read(2), no
 * polling) to log, emit {@link ForwardEvent}s and run what must run in Java: signals that
 * arrive before there is a target (held, then delivered by {@link #target(ForwardTarget)}),
 * and those an {@link Interceptor} may take over. HotSpot's dispatch, a new Java thread per
 * signal (docs/bench.md: p50 ~0.15 ms, p99 one scheduler tick), is not on the forwarding path.
 * It also works under {@code -Xrs}, where no Java signal handler ever runs.
 *
 * <p><b>Fallback</b> ({@code -Dsupervisor4j.nativeSignals=false}, no library for this
 * platform, or another forwarder of this JVM holds the native one): {@code sun.misc.Signal}.
 * Not jnr-posix's {@code signal()}: that runs Java inside the real signal handler via a
 * weakly held closure, which is not async-signal-safe and silently stopped working after a GC
 * (FACTS.md). HotSpot instead notes the signal in its handler and runs ours on a new Java
 * thread, so forwarding is serialised here under {@link #lock} to keep the order of delivery.
 * Refused under {@code -Xrs}.
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
  private Set<Signal> intercepted = EnumSet.noneOf(Signal.class); // guarded by lock
  private S4jSig s4j; // guarded by lock; non-null while the native path is in use
  private final Set<Signal> installed = EnumSet.noneOf(Signal.class); // guarded by lock; native path
  private Thread reader; // guarded by lock; native path
  private Thread exitHook; // guarded by lock; native path

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
      S4jSig n = NativeSignals.claim(this);
      if (n != null) {
        startNative(n);
      } else {
        if (NativeSignals.failed()) {
          log.warn("process {}: signal fast path unavailable, forwarding with sun.misc.Signal (slower): {}", Os.getpid(), NativeSignals.reason());
        } else {
          log.debug("process {}: forwarding signals with sun.misc.Signal: {}", Os.getpid(), NativeSignals.reason());
        }
        startJava();
      }
      started = true;
      return this;
    }
  }

  private void startJava() {
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
  }

  /** Opens the record pipe, sets each signal's action, installs the C handler, starts the reader. */
  private void startNative(S4jSig n) {
    int fd = n.s4j_open();
    if (fd < 0) {
      NativeSignals.release(this);
      throw Os.failure("pipe2 (libs4jsig)", -fd, Os.getpid());
    }
    s4j = n;
    try {
      for (Signal s : config.signals()) {
        n.s4j_set_action(s.number(), action(s));
        // As HotSpot does for sun.misc.Signal (JVM_RegisterSignal): an ignored shutdown
        // signal stays ignored, so `nohup` and `trap '' TERM` keep their meaning.
        if (SHUTDOWN_SIGNALS.contains(s) && n.s4j_disposition(s.number()) == S4jSig.DISPOSITION_IGNORED) {
          warnIgnoredAtStart(s);
          continue;
        }
        int errno = n.s4j_install(s.number());
        if (errno != 0) throw new SupervisorException("cannot catch " + s + ": " + Os.failure("sigaction(" + s + ")", errno, Os.getpid()).getMessage());
        installed.add(s);
      }
    } catch (RuntimeException e) {
      closeNative();
      Os.close(fd);
      throw e;
    }
    reader = new Thread(() -> readRecords(n, fd), "supervisor4j signal forwarder");
    reader.setDaemon(true);
    reader.start();
    // HotSpot's exit (VM_Exit::wait_for_threads_in_native_to_block) waits up to 300 ms for
    // every thread that is in native code, and the reader always is (in read(2)): measured, a
    // launcher's `-- true` took ~420 ms instead of ~100 ms. At exit, stop the records (the C
    // handler goes on forwarding; only events stop) and let the reader leave.
    exitHook = new Thread(this::stopRecords, "supervisor4j signal forwarder exit");
    try {
      Runtime.getRuntime().addShutdownHook(exitHook);
    } catch (IllegalStateException e) {
      exitHook = null; // started while the JVM exits: nothing left to delay
    }
    log.debug("process {}: forwarding {} in libs4jsig's signal handler", Os.getpid(), installed);
  }

  /** At JVM exit: closes the record pipe, so that the reader thread returns from read(2) and ends. */
  private void stopRecords() {
    Thread r;
    synchronized (lock) {
      if (s4j == null) return;
      s4j.s4j_close();
      r = reader;
    }
    try {
      r.join(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the C handler does with {@code s}: hand it to Java, drop it, or forward it as a signal. */
  private int action(Signal s) {
    if (intercepted.contains(s)) return S4jSig.TO_JAVA;
    Optional<Signal> sent = config.translate(s);
    return sent.isEmpty() ? S4jSig.DROP : sent.get().number();
  }

  /** True while this forwarder forwards in libs4jsig's C handler (the fast path). */
  boolean isNative() {
    synchronized (lock) {
      return s4j != null;
    }
  }

  /** The reader thread: one record per signal the C handler saw, until the pipe is closed. */
  private void readRecords(S4jSig n, int fd) {
    long buffer = Os.Arena.allocateForever(S4jSig.RECORD_SIZE);
    jnr.ffi.Pointer record = jnr.ffi.Pointer.wrap(Os.RUNTIME, buffer);
    try {
      while (true) {
        long got;
        try {
          got = Os.read(fd, record, S4jSig.RECORD_SIZE);
        } catch (SystemCallException e) {
          log.error("process {}: signal forwarder stops: {}", Os.getpid(), e.getMessage());
          return;
        }
        if (got == 0) return; // close(): the write end is gone
        if (got != S4jSig.RECORD_SIZE) {
          log.error("process {}: short record of {} bytes from libs4jsig; ignored", Os.getpid(), got);
          continue;
        }
        try {
          handle(Signal.of(record.getInt(0)), record.getInt(4), record.getInt(8), record.getInt(12), record.getInt(16));
        } catch (RuntimeException e) {
          log.error("process {}: signal record {} not handled", Os.getpid(), record.getInt(0), e);
        }
      }
    } finally {
      Os.close(fd);
      com.kenai.jffi.MemoryIO.getInstance().freeMemory(buffer);
    }
  }

  /** One record: what the C handler did with {@code signal}. */
  private void handle(Signal signal, int sent, int errno, int flags, int killArgument) {
    if ((flags & (S4jSig.JAVA | S4jSig.HELD)) != 0) {
      received(signal);
      return;
    }
    synchronized (lock) {
      if (closed) return;
    }
    ForwardTarget to = killArgument < 0 ? ForwardTarget.processGroup(-killArgument) : ForwardTarget.pid(killArgument);
    Optional<Signal> as = (flags & S4jSig.DROPPED) != 0 ? Optional.empty() : Optional.of(Signal.of(sent));
    report(signal, as, to, errno);
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

  /** Installs the one interceptor for every signal, or removes it with null. */
  void intercept(Interceptor interceptor) {
    intercept(config.signals(), interceptor);
  }

  /**
   * Installs the one interceptor, for {@code signals} only, or removes it with null. On the
   * native path only these signals leave the C handler's fast path for Java.
   */
  void intercept(Set<Signal> signals, Interceptor interceptor) {
    synchronized (lock) {
      this.interceptor = interceptor;
      intercepted = interceptor == null ? EnumSet.noneOf(Signal.class) : EnumSet.copyOf(signals);
      if (s4j != null) {
        for (Signal s : config.signals()) s4j.s4j_set_action(s.number(), action(s));
      }
    }
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
    int errno = 0;
    if (sent.isPresent()) {
      try {
        errno = Os.kill(to.killArgument(), sent.get().number());
      } catch (SystemCallException e) {
        errno = e.errno();
      }
    }
    report(signal, sent, to, errno);
  }

  /**
   * Logs and emits what became of {@code received}, on either path: dropped ({@code sent}
   * empty), forwarded ({@code errno} 0), target gone (ESRCH, a warning) or failed.
   */
  private void report(Signal received, Optional<Signal> sent, ForwardTarget to, int errno) {
    Outcome outcome;
    if (sent.isEmpty()) {
      log.debug("{} dropped, not forwarded to {}", received, to);
      outcome = Outcome.DROPPED;
    } else if (errno == 0) {
      if (log.isDebugEnabled()) log.debug("forwarded {} to {}{}", sent.get(), to, sent.get() == received ? "" : " (rewritten from " + received + ")");
      outcome = Outcome.FORWARDED;
    } else if (errno == Os.ESRCH) {
      log.warn("{} exited before {} could be forwarded", to, sent.get());
      outcome = Outcome.TARGET_GONE;
    } else {
      log.error("forwarding {} to {}: {}", sent.get(), to,
          Os.failure("kill(" + to.killArgument() + ", " + sent.get() + ")", errno, to.id()).getMessage());
      outcome = Outcome.FAILED;
    }
    emit(new ForwardEvent(received, sent, Optional.of(to), outcome));
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
      if (s4j != null) s4j.s4j_set_target(target.killArgument());
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
      closeNative();
    }
  }

  /** Restores what the C handler replaced and closes the record pipe, which ends the reader. */
  private void closeNative() {
    if (s4j == null) return;
    for (Signal s : installed) {
      int errno = s4j.s4j_restore(s.number());
      if (errno != 0) log.error("process {}: restoring {}: {}", Os.getpid(), s, Os.failure("sigaction(" + s + ")", errno, Os.getpid()).getMessage());
    }
    installed.clear();
    long lost = s4j.s4j_close();
    if (exitHook != null && Thread.currentThread() != exitHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs anyway, and finds the pipe closed
      }
    }
    exitHook = null;
    reader = null;
    if (lost > 0) log.warn("process {}: {} signal records were lost to a full pipe: their events were not emitted, and a held or intercepted signal among them was not delivered", Os.getpid(), lost);
    s4j = null;
    NativeSignals.release(this);
  }

  private void restoreHandlers() {
    previous.forEach((s, h) -> sun.misc.Signal.handle(new sun.misc.Signal(s.shortName()), h));
    previous.clear();
  }
}
