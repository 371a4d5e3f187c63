package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisorException;
import io.github.supervisor4j.SystemCallException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path: libs4jsig's C handler, installed with sigaction, forwards each signal with
 * kill(2) inside the handler as soon as the kernel delivers it to any thread (kill is
 * async-signal-safe), by the rule the forwarder last {@linkplain #route routed} to it, and writes
 * a {@link S4jSig.Record} of what it did to a pipe. The thread "supervisor4j signal forwarder"
 * reads the records (blocked in read(2), no polling) and hands each to the forwarder: those the
 * C handler left to Java (held, or to be intercepted) to its rule, the others only to be
 * reported. HotSpot's dispatch, a new Java thread per signal, is not on the forwarding path,
 * and it works under {@code -Xrs}, where no Java signal handler ever runs.
 *
 * <p>Called under the forwarder's lock; the reader thread calls the forwarder without it.
 */
final class NativeSignalPath implements SignalPath {
  private static final Logger log = LoggerFactory.getLogger(NativeSignalPath.class);

  private final S4jSig s4j;
  private final PosixSignalForwarder forwarder;
  private final Set<Signal> installed = EnumSet.noneOf(Signal.class);
  private final int readFd;
  private Thread reader;
  private Thread exitHook;
  private boolean closed;

  private NativeSignalPath(S4jSig s4j, PosixSignalForwarder forwarder, int readFd) {
    this.s4j = s4j;
    this.forwarder = forwarder;
    this.readFd = readFd;
  }

  /**
   * Takes libs4jsig for {@code forwarder} and installs its handler for each signal of {@code
   * actions}, with that action; empty if the library is unavailable here (the reason is logged).
   *
   * @throws SupervisorException if the library is there but cannot be set up
   */
  static Optional<NativeSignalPath> start(Map<Signal, Integer> actions, PosixSignalForwarder forwarder) {
    S4jSig s4j = NativeSignals.claim(forwarder);
    if (s4j == null) {
      if (NativeSignals.failed()) {
        log.warn("process {}: signal fast path unavailable, forwarding with sun.misc.Signal (slower): {}", Os.getpid(), NativeSignals.reason());
      } else {
        log.debug("process {}: forwarding signals with sun.misc.Signal: {}", Os.getpid(), NativeSignals.reason());
      }
      return Optional.empty();
    }
    int fd = s4j.s4j_open();
    if (fd < 0) {
      NativeSignals.release(forwarder);
      throw Os.failure("pipe2 (libs4jsig)", -fd, Os.getpid());
    }
    NativeSignalPath path = new NativeSignalPath(s4j, forwarder, fd);
    try {
      for (Map.Entry<Signal, Integer> a : actions.entrySet()) path.install(a.getKey(), a.getValue());
    } catch (RuntimeException e) {
      path.close();
      throw e;
    }
    path.startReader();
    log.debug("process {}: forwarding {} in libs4jsig's signal handler", Os.getpid(), path.installed);
    return Optional.of(path);
  }

  private void install(Signal s, int action) {
    s4j.s4j_set_action(s.number(), action);
    // As HotSpot does for sun.misc.Signal (JVM_RegisterSignal): an ignored shutdown signal
    // stays ignored, so `nohup` and `trap '' TERM` keep their meaning.
    if (SignalHandlers.SHUTDOWN_SIGNALS.contains(s) && s4j.s4j_disposition(s.number()) == S4jSig.DISPOSITION_IGNORED) {
      SignalHandlers.warnIgnoredAtStart(s);
      return;
    }
    int errno = s4j.s4j_install(s.number());
    if (errno != 0) {
      throw new SupervisorException("process " + Os.getpid() + ": cannot catch " + s + ": sigaction(" + s + ") failed: " + Os.describe(errno));
    }
    installed.add(s);
  }

  private void startReader() {
    reader = new Thread("supervisor4j signal forwarder") {
      @Override
      public void run() {
        readRecords();
      }
    };
    reader.setDaemon(true);
    reader.start();
    // HotSpot's exit (VM_Exit::wait_for_threads_in_native_to_block) waits up to 300 ms for
    // every thread that is in native code, and the reader always is (in read(2)): measured, a
    // launcher's `-- true` took ~420 ms instead of ~100 ms. At exit, stop the records (the C
    // handler goes on forwarding; only events stop) and let the reader leave.
    exitHook = new Thread("supervisor4j signal forwarder exit") {
      @Override
      public void run() {
        stopRecords();
      }
    };
    try {
      Runtime.getRuntime().addShutdownHook(exitHook);
    } catch (IllegalStateException e) {
      exitHook = null; // started while the JVM exits: nothing left to delay
    }
  }

  @Override
  public void route(Signal signal, int action) {
    s4j.s4j_set_action(signal.number(), action);
  }

  @Override
  public void retarget(ForwardTarget target) {
    s4j.s4j_set_target(Os.killArgument(target));
  }

  @Override
  public boolean isNative() {
    return true;
  }

  /** The reader thread: one record per signal the C handler saw, until the pipe is closed. */
  private void readRecords() {
    long buffer = Os.Arena.allocateForever(S4jSig.Record.SIZE);
    try {
      while (true) {
        long got;
        try {
          got = Os.read(readFd, buffer, S4jSig.Record.SIZE);
        } catch (SystemCallException e) {
          log.error("process {}: signal forwarder stops: {}", Os.getpid(), e.getMessage());
          return;
        }
        if (got == 0) return; // closed: the write end is gone
        if (got != S4jSig.Record.SIZE) {
          log.error("process {}: short record of {} bytes from libs4jsig; ignored", Os.getpid(), got);
          continue;
        }
        S4jSig.Record r = S4jSig.Record.read(buffer);
        try {
          handle(r);
        } catch (RuntimeException e) {
          log.error("process {}: signal record {} not handled", Os.getpid(), r, e);
        }
      }
    } finally {
      Os.close(readFd);
      Os.Arena.free(buffer);
    }
  }

  private void handle(S4jSig.Record r) {
    Signal signal = Signal.of(r.signal());
    if (r.isForJava()) {
      forwarder.received(signal);
      return;
    }
    ForwardTarget to = r.target() < 0 ? ForwardTarget.processGroup(-r.target()) : ForwardTarget.pid(r.target());
    Optional<Signal> sent = (r.flags() & S4jSig.Record.DROPPED) != 0 ? Optional.empty() : Optional.of(Signal.of(r.sent()));
    forwarder.forwardedInHandler(signal, sent, to, r.error(), r.latencyNanos());
  }

  /** At JVM exit: closes the record pipe, so that the reader thread returns from read(2) and ends. */
  private void stopRecords() {
    Thread r;
    synchronized (this) {
      if (closed) return;
      s4j.s4j_close();
      r = reader;
    }
    try {
      r.join(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Restores what the C handler replaced and closes the record pipe, which ends the reader. */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    for (Signal s : installed) {
      int errno = s4j.s4j_restore(s.number());
      if (errno != 0) log.error("process {}: restoring {}: sigaction({}) failed: {}", Os.getpid(), s, s, Os.describe(errno));
    }
    installed.clear();
    long lost = s4j.s4j_close();
    if (reader == null) Os.close(readFd); // the reader closes it otherwise
    if (exitHook != null && Thread.currentThread() != exitHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs anyway, and finds the path closed
      }
    }
    if (lost > 0) {
      log.warn("process {}: {} signal records were lost to a full pipe: their events were not emitted, and a held or "
          + "intercepted signal among them was not delivered", Os.getpid(), lost);
    }
    NativeSignals.release(forwarder);
  }
}
