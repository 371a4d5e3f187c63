package io.github.supervisor4j.posix.launcher;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.ProcessGroup;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.ReapedProcess;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.SpawnException;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.SupervisorException;
import io.github.supervisor4j.posix.Posix;
import io.github.supervisor4j.posix.ShutdownCoordinator;
import io.github.supervisor4j.posix.launcher.LauncherOptions.Action;
import io.github.supervisor4j.posix.launcher.LauncherOptions.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

/**
 * The {@code java -jar} launcher: a drop-in for tini, with dumb-init's signal rewriting and
 * setsid mode, and a Kubernetes {@code pause} mode when there is no command.
 *
 * <p>Signals: every signal a JVM can catch ({@link io.github.supervisor4j.ForwarderConfig#forwardable()})
 * is forwarded to the child, or to its process group with {@code -g} or {@code --setsid},
 * except SIGCHLD (never forwarded) and SIGTTIN/SIGTTOU, which the launcher ignores as tini
 * does: once the child owns the terminal, a launcher that writes a log line must not be
 * stopped, nor loop on a caught SIGTTOU. The child gets them back at their defaults. SIGTSTP
 * is forwarded; the launcher itself never stops.
 *
 * <p>Graceful shutdown ({@code --grace}, {@code --kill-after}, {@code --on-child-exit},
 * {@code --pre-stop-delay}; docs/shutdown.md): a {@link ShutdownCoordinator} takes SIGTERM and
 * SIGINT over from the forwarder and returns the child's status once the sequence is over.
 * Without those options nothing changes: tini's behaviour.
 *
 * <p>It uses the API's types, {@link Posix} and {@link ShutdownCoordinator}, nothing else of
 * the library. Exit codes: {@link ExitCodes}.
 */
public final class Launcher {
  private Launcher() {}

  /**
   * Runs the launcher and exits the JVM with its exit code (see above).
   *
   * @param args the command line, as in {@code --help}
   */
  public static void main(String[] args) {
    int code = run(args);
    System.err.flush();
    System.out.flush();
    System.exit(code);
  }

  /** The whole story, as in tini's main(); returns the exit code. */
  static int run(String[] args) {
    LauncherOptions options;
    try {
      options = LauncherOptions.parse(args, System.getenv());
    } catch (UsageException e) {
      LauncherLog.fatal(e.getMessage());
      return ExitCodes.USAGE;
    }
    if (options.action == Action.HELP) return print(resource("help.txt").replace("@VERSION@", version()));
    if (options.action == Action.VERSION) return print("supervisor4j launcher " + version() + "\n");
    if (options.action == Action.LICENSE) return print(license());
    LauncherLog.setVerbosity(options.verbosity);
    try {
      selectLogProvider();
      loadNativeCode();
      return options.action == Action.PAUSE ? pause(options) : supervise(options);
    } catch (SupervisorException e) {
      LauncherLog.fatal(e.getMessage());
      return ExitCodes.FAILURE;
    } catch (OutOfMemoryError e) {
      // "unable to create native thread": a pids cgroup (a container's pids limit) or RLIMIT_NPROC
      // is full before the forwarder's or reaper's thread runs. HotSpot has said which thread.
      LauncherLog.fatal("cannot start: " + e.getMessage() + ". Fix: raise the container's pids limit (podman"
          + " --pids-limit, the pod's PID limit) or RLIMIT_NPROC; the launcher's JVM needs about 20 threads");
      return ExitCodes.FAILURE;
    } catch (RuntimeException | LinkageError e) {
      // A bug or an unexpected platform: still one line, the stack trace only at -vvvv (trace).
      LauncherLog.fatal("unexpected failure: " + e);
      if (LauncherLog.enabled(LauncherLog.TRACE)) e.printStackTrace();
      return ExitCodes.FAILURE;
    }
  }

  private static int supervise(LauncherOptions options) {
    SignalForwarder forwarder = configureSignals(options);
    setParentDeathSignal(options);
    Reaper reaper = startReaper(options);
    // Closed before the JVM exits: with a descendant still alive its thread sits in waitid, and
    // HotSpot's exit would wait up to 300 ms for it (PosixReaper.close says how it is woken).
    try (reaper) {
      checkReaping(reaper, options.action);
      ShutdownCoordinator shutdown = installShutdown(options, reaper, forwarder);
      SupervisedProcess child;
      try {
        child = spawn(reaper, options);
      } catch (SpawnException e) {
        LauncherLog.fatal(e.getMessage());
        return e.exitCode();
      }
      forwarder.target(forwardTarget(child, options));
      if (shutdown != null) shutdown.mainChild(child);
      return waitForChild(child, shutdown, options);
    }
  }

  /**
   * The graceful-shutdown sequence of --grace, --kill-after, --on-child-exit and
   * --pre-stop-delay (docs/shutdown.md), installed before the spawn so that a SIGTERM that
   * arrives meanwhile is taken over, not lost. Null when none of them changes tini's behaviour
   * (SIGTERM and SIGINT forwarded at once, exit when the child does): the coordinator would
   * then only wait for the child, and its /proc reading and classes would cost start-up time.
   */
  private static ShutdownCoordinator installShutdown(LauncherOptions options, Reaper reaper, SignalForwarder forwarder) {
    if (!options.hasShutdownOptions()) return null;
    ShutdownConfig config = options.shutdownConfig();
    if (!config.interceptsShutdownSignals()) return null;
    return ShutdownCoordinator.install(config, reaper, forwarder);
  }

  /**
   * Catches every forwardable signal before the child exists, so that one received meanwhile
   * is held and delivered once it does. SIGTTIN and SIGTTOU are ignored (see the class comment).
   */
  private static SignalForwarder configureSignals(LauncherOptions options) {
    SignalForwarder forwarder = Posix.signalForwarder(options.forwarderConfig()).start();
    for (Signal s : EnumSet.of(Signal.SIGTTIN, Signal.SIGTTOU)) {
      if (!options.rewrites.containsKey(s)) Posix.ignore(s);
    }
    return forwarder;
  }

  /** tini's -p: this process gets the signal when its parent dies, and forwards it if it can. */
  private static void setParentDeathSignal(LauncherOptions options) {
    if (options.parentDeathSignal != null) {
      Posix.setParentDeathSignal(options.parentDeathSignal);
      LauncherLog.trace("parent death signal set to " + options.parentDeathSignal);
    }
  }

  /** The EXCLUSIVE reaper: the launcher owns every child it has and never uses ProcessBuilder. */
  private static Reaper startReaper(LauncherOptions options) {
    Reaper reaper = Posix.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE)
        .withSubreaper(options.subreaper).withWarnIfNotReaper(false));
    // The verbosity is fixed at start: a launcher that will never print a reaped orphan does not
    // listen at all, so that the reaper builds no event per reap.
    if (LauncherLog.enabled(reapLogLevel(options))) {
      reaper.subscribe(p -> {
        if (p.adopted()) logReaped(p, options);
      });
    }
    reaper.start();
    if (options.subreaper && Posix.pid() != 1) LauncherLog.trace("registered as child subreaper");
    return reaper;
  }

  /** The level of the line for each reaped orphan: WARN with -w, INFO in pause mode, else DEBUG. */
  private static int reapLogLevel(LauncherOptions options) {
    return options.warnOnReap ? LauncherLog.WARN : options.action == Action.PAUSE ? LauncherLog.INFO : LauncherLog.DEBUG;
  }

  private static void logReaped(ReapedProcess p, LauncherOptions options) {
    int level = reapLogLevel(options);
    String line = "reaped zombie process " + p.pid() + " (" + p.status() + ")";
    if (level == LauncherLog.WARN) {
      LauncherLog.warn(line);
    } else if (level == LauncherLog.INFO) {
      LauncherLog.info(line);
    } else {
      LauncherLog.debug(line);
    }
  }

  /** tini's reaper_check, and k8s pause's "should be the first process" warning. */
  private static void checkReaping(Reaper reaper, Action action) {
    int pid = Posix.pid();
    if (!reaper.isReaperOfOrphans()) {
      LauncherLog.warn("supervisor4j (process " + pid + ") is not running as PID 1 and isn't registered as a child subreaper: "
          + "zombie processes will not be re-parented to it, so zombie reaping won't work. To fix the problem, use the -s option "
          + "or set the environment variable SUPERVISOR_SUBREAPER=1 (or TINI_SUBREAPER) to register it as a child subreaper, "
          + "or run it as PID 1.");
    } else if (action == Action.PAUSE && pid != 1) {
      LauncherLog.warn("pause mode: process " + pid + " is not PID 1 of its PID namespace, so it reaps only orphans of its own "
          + "descendants; run it as the first process of the pod or container.");
    }
  }

  /** tini's child: its own group, which takes the terminal; dumb-init's with --setsid: a new session. */
  private static SupervisedProcess spawn(Reaper reaper, LauncherOptions options) {
    // tini's execvp("") fails with ENOENT: exit 127, one line (the API refuses an empty name).
    if (options.command().get(0).isEmpty()) {
      throw new SpawnException("exec  failed: ENOENT (No such file or directory): command not found", SpawnException.NOT_FOUND);
    }
    ChildSpec spec = ChildSpec.of(options.command())
        .withProcessGroup(options.setsid ? ProcessGroup.NEW_SESSION : ProcessGroup.NEW_FOREGROUND);
    SupervisedProcess child = reaper.spawn(spec);
    LauncherLog.info("spawned child process '" + spec.command().get(0) + "' with pid " + child.pid());
    return child;
  }

  private static ForwardTarget forwardTarget(SupervisedProcess child, LauncherOptions options) {
    boolean group = !options.singleChild && (options.processGroup || options.setsid);
    return group ? ForwardTarget.processGroup(child.pid()) : ForwardTarget.pid(child.pid());
  }

  /**
   * Without {@code shutdown}, returns at once when the main child exits, as tini does: other
   * descendants are not waited for. With it, returns when its sequence ends.
   */
  private static int waitForChild(SupervisedProcess child, ShutdownCoordinator shutdown, LauncherOptions options) {
    ExitStatus status;
    try {
      status = shutdown != null ? shutdown.awaitExit() : child.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SupervisorException("interrupted while waiting for child " + child.pid());
    }
    int code = options.remap(status.shellCode());
    LauncherLog.info("main child " + child.pid() + " " + status + (code != status.shellCode() ? ", remapped to 0 by -e" : ""));
    return code;
  }

  /**
   * Kubernetes' pause: no child; reap every orphan, and exit 0 on SIGINT or SIGTERM. Other
   * signals keep the JVM's defaults (as PID 1, the kernel drops those it has no handler for).
   */
  private static int pause(LauncherOptions options) {
    try (Posix.SignalLatch stop = Posix.catchSignals(EnumSet.of(Signal.SIGINT, Signal.SIGTERM))) {
      setParentDeathSignal(options);
      try (Reaper reaper = startReaper(options)) { // closed before the exit, as in supervise
        checkReaping(reaper, Action.PAUSE);
        LauncherLog.info("pause mode: reaping orphans until SIGINT or SIGTERM");
        Signal received = stop.await();
        LauncherLog.info("pause mode: received " + received + ", exiting; reaped " + reaper.stats().adopted() + " orphans");
        return ExitCodes.OK;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SupervisorException("pause mode: interrupted");
    }
  }

  /**
   * Routes slf4j (used by the reaper and forwarder) to the tini-style lines of {@link
   * LauncherLog} when the launcher runs from a class path, without slf4j's own notice about the
   * explicit provider. The launcher jar needs none of it: its org.slf4j.LoggerFactory makes
   * {@link LauncherLogger}s itself (src/launcher/java). The name is a string, not {@code
   * LauncherLogProvider.class.getName()}, which would load the provider and slf4j's interfaces
   * in the launcher jar too (GracefulShutdownTest runs the launcher from a class path, through this name).
   */
  private static void selectLogProvider() {
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", "io.github.supervisor4j.posix.launcher.LauncherLogProvider");
      if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "WARN");
    }
  }

  /** Loads the native code now, so that a failure is one line before anything started. */
  private static void loadNativeCode() {
    // With -Dsupervisor4j.libc=jnr: jnr-ffi's default generates a class per native method with
    // ASM at run time; its reflective invoker costs less to start (measured: about 0.28 s against
    // 0.35 s of CPU and 51 against 56 MiB RSS for `-- true` on JDK 17).
    if (System.getProperty("jnr.ffi.asm.enabled") == null) System.setProperty("jnr.ffi.asm.enabled", "false");
    Posix.loadNativeCode();
    LauncherLog.trace("native code: " + Posix.nativeCodeLocation());
  }

  private static int print(String text) {
    System.out.print(text);
    System.out.flush();
    return ExitCodes.OK;
  }

  static String version() {
    String v = Launcher.class.getPackage().getImplementationVersion();
    return v != null ? v : "(development build)";
  }

  private static String license() {
    String text = resource("/META-INF/supervisor4j/LICENSE.txt");
    return text.isEmpty() ? "supervisor4j: licence text missing from this build\n" : text;
  }

  /** A text resource of the jar (relative names are next to this class); empty if missing. */
  private static String resource(String name) {
    try (InputStream in = Launcher.class.getResourceAsStream(name)) {
      if (in != null) return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // fall through
    }
    return "";
  }
}
