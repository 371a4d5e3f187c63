package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.Init;
import io.github.supervisor4j.InitConfig;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisedProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.SignalHandler;

/**
 * The Linux {@link Init}: one per JVM, held in {@link #current}.
 *
 * <p>Signals: HotSpot already handles SIGTERM, SIGINT and SIGHUP (shutdown hooks, then exit
 * 128+signal). We do not replace that; we put our handler in front of it ({@link
 * SignalHandlers} keeps the previous one), and ours first forwards the signal to every live
 * child started through {@link #spawn} (to its own process group if it has one; {@link
 * Forwarding} logs the outcome), then calls the previous handler, so the hooks still run. The
 * one exception is {@link InitConfig#exitZeroOnSigterm()}: then SIGTERM ends in {@code
 * System.exit(0)}, which runs the same hooks and exits 0. A signal with no JVM handler
 * (SIG_DFL), such as SIGUSR1, is only passed on: as PID 1 the kernel would have ignored it
 * anyway.
 *
 * <p>SIGQUIT is never taken: HotSpot's thread dump keeps working. Under {@code -Xrs} Java
 * signal handlers never run, so asking for signals there fails at once, before anything has
 * started (see {@link #install}).
 */
final class PosixInit implements Init {
  private static final Logger log = LoggerFactory.getLogger(PosixInit.class);
  private static PosixInit current; // guarded by PosixInit.class

  private final InitConfig config;
  private final PosixReaper reaper;
  private SignalHandlers handlers; // guarded by this; null without signals
  private boolean closed; // guarded by this

  private PosixInit(InitConfig config, PosixReaper reaper) {
    this.config = config;
    this.reaper = reaper;
  }

  static synchronized Init install(InitConfig config) {
    if (current != null) {
      if (!current.config.toString().equals(config.toString())) {
        log.warn("process {}: init already installed with {}; ignoring {}", Os.getpid(), current.config, config);
      }
      return current;
    }
    int pid = Os.getpid();
    if (Os.gettid() == pid) {
      log.warn("process {}: init installed on the primordial thread (tid == pid). Children started by ProcessBuilder on "
          + "this thread belong to the thread-group leader at once and could lose their exit status to the reaper "
          + "before ProcessBuilder.start() returns; run main on another thread (the java launcher does)", pid);
    }
    PosixInit init = new PosixInit(config,
        new PosixReaper(ReaperConfig.defaults().withPolicy(ReapPolicy.COOPERATIVE).withSubreaper(config.subreaper())));
    init.installHandlers();
    try {
      init.reaper.start();
    } catch (RuntimeException e) {
      init.close();
      throw e;
    }
    current = init;
    log.debug("process {}: init installed with {}", pid, config);
    return init;
  }

  private synchronized void installHandlers() {
    if (config.signals().isEmpty()) return;
    handlers = SignalHandlers.install(config.signals(), this::received, "install init",
        "remove -Xrs, or set -D" + InitConfig.SIGNALS + "=none to reap without signal handling (as PID 1 the JVM then "
            + "ignores SIGTERM and only SIGKILL stops it)");
  }

  /** Runs on the thread HotSpot starts for each signal. */
  private void received(Signal signal) {
    long at = System.nanoTime();
    SignalHandler next;
    synchronized (this) {
      if (closed) return;
      next = handlers.previous(signal);
    }
    for (PosixSupervisedProcess child : reaper.liveChildren()) child.forward(signal, at);
    if (signal == Signal.SIGTERM && config.exitZeroOnSigterm()) {
      log.info("process {}: SIGTERM received; running shutdown hooks and exiting 0 ({}=true)", Os.getpid(),
          InitConfig.EXIT_ZERO_ON_SIGTERM);
      System.exit(0);
      return;
    }
    if (next == null || next == SignalHandler.SIG_IGN) return;
    if (next == SignalHandler.SIG_DFL) {
      if (SignalHandlers.SHUTDOWN_SIGNALS.contains(signal)) System.exit(128 + signal.number());
      return;
    }
    next.handle(new sun.misc.Signal(signal.shortName()));
  }

  @Override
  public Reaper reaper() {
    return reaper;
  }

  @Override
  public SupervisedProcess spawn(ChildSpec spec) {
    return reaper.spawn(spec);
  }

  @Override
  public InitConfig config() {
    return config;
  }

  @Override
  public void close() {
    synchronized (PosixInit.class) {
      synchronized (this) {
        if (closed) return;
        closed = true;
        if (handlers != null) handlers.close();
      }
      reaper.close();
      if (current == this) current = null;
    }
  }
}
