package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ForwardTarget;
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
import io.github.supervisor4j.posix.LauncherOptions.Action;
import io.github.supervisor4j.posix.LauncherOptions.UsageException;
import io.github.supervisor4j.posix.log.LauncherLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

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
 * <p>Exit codes, all in one place ({@link #HELP} repeats them): the child's code; 128+N if
 * the child was killed by signal N; 0 for a code remapped by {@code -e}; 127 if the command
 * is not found, 126 if it is not executable; 1 for a usage error or a failure of the
 * launcher itself; 0 when pause mode ends on SIGINT or SIGTERM.
 */
public final class Launcher {
  static final int EXIT_USAGE = 1;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_PAUSE = 0;

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
      return EXIT_USAGE;
    }
    if (options.action == Action.HELP) return print(HELP.replace("@VERSION@", version()));
    if (options.action == Action.VERSION) return print("supervisor4j launcher " + version() + "\n");
    if (options.action == Action.LICENSE) return print(license());
    LauncherLog.setVerbosity(options.verbosity);
    try {
      selectLogProvider();
      if (!loadNativeLibrary()) return EXIT_FAILURE;
      return options.action == Action.PAUSE ? pause(options) : supervise(options);
    } catch (SupervisorException e) {
      LauncherLog.fatal(e.getMessage());
      return EXIT_FAILURE;
    } catch (RuntimeException | LinkageError e) {
      // A bug or an unexpected platform: still one line, the stack trace only at -vvv (trace).
      LauncherLog.fatal("unexpected failure: " + e);
      if (LauncherLog.enabled(LauncherLog.TRACE)) e.printStackTrace();
      return EXIT_FAILURE;
    }
  }

  private static int supervise(LauncherOptions options) {
    SignalForwarder forwarder = configureSignals(options);
    setParentDeathSignal(options);
    Reaper reaper = startReaper(options);
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
    SignalForwarder forwarder = new PosixSignalForwarder(options.forwarderConfig()).start();
    for (Signal s : new Signal[] {Signal.SIGTTIN, Signal.SIGTTOU}) {
      if (!options.rewrites.containsKey(s)) sun.misc.Signal.handle(new sun.misc.Signal(s.shortName()), sun.misc.SignalHandler.SIG_IGN);
    }
    return forwarder;
  }

  /** tini's -p: this process gets the signal when its parent dies, and forwards it if it can. */
  private static void setParentDeathSignal(LauncherOptions options) {
    if (options.parentDeathSignal != null) {
      Os.setParentDeathSignal(options.parentDeathSignal.number());
      LauncherLog.trace("parent death signal set to " + options.parentDeathSignal);
    }
  }

  /** The EXCLUSIVE reaper: the launcher owns every child it has and never uses ProcessBuilder. */
  private static Reaper startReaper(LauncherOptions options) {
    Reaper reaper = new PosixReaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE)
        .withSubreaper(options.subreaper).withWarnIfNotReaper(false), new ExclusiveStrategy());
    reaper.subscribe(p -> {
      if (p.adopted()) logReaped(p, options);
    });
    reaper.start();
    if (options.subreaper && Os.getpid() != 1) LauncherLog.trace("registered as child subreaper");
    return reaper;
  }

  private static void logReaped(ReapedProcess p, LauncherOptions options) {
    String line = "reaped zombie process " + p.pid() + " (" + p.status() + ")";
    if (options.warnOnReap) {
      LauncherLog.warn(line);
    } else if (options.action == Action.PAUSE) {
      LauncherLog.info(line);
    } else {
      LauncherLog.debug(line);
    }
  }

  /** tini's reaper_check, and k8s pause's "should be the first process" warning. */
  private static void checkReaping(Reaper reaper, Action action) {
    int pid = Os.getpid();
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

  private static SupervisedProcess spawn(Reaper reaper, LauncherOptions options) {
    ChildSpec spec = ChildSpec.of(options.command());
    spec = options.setsid ? spec.withNewSession(true) : spec.withNewProcessGroup(true).withForeground(true);
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
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<String> received = new AtomicReference<>();
    sun.misc.SignalHandler handler = s -> {
      received.compareAndSet(null, "SIG" + s.getName());
      stop.countDown();
    };
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
    setParentDeathSignal(options);
    Reaper reaper = startReaper(options);
    checkReaping(reaper, Action.PAUSE);
    LauncherLog.info("pause mode: reaping orphans until SIGINT or SIGTERM");
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LauncherLog.info("pause mode: received " + received.get() + ", exiting; reaped " + reaper.stats().adopted() + " orphans");
    return EXIT_PAUSE;
  }

  /**
   * Routes slf4j (used by the reaper and forwarder) to the tini-style lines of {@link
   * LauncherLog}, without slf4j's own notice about the explicit provider.
   */
  private static void selectLogProvider() {
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", "io.github.supervisor4j.posix.log.LauncherLogProvider");
      if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "WARN");
    }
  }

  /**
   * Loads jffi's native library, choosing where it unpacks first (see {@link JffiExtractDir}).
   * On failure prints one line that names the setting that fixes it.
   */
  private static boolean loadNativeLibrary() {
    // jffi's default memory access goes through sun.misc.Unsafe, whose memory methods JDK 24+
    // warns about on stderr at first use (JEP 471/498), four lines that only a command-line
    // option (--sun-misc-unsafe-memory-access=allow) silences. jffi's JNI implementation does
    // the same and the launcher makes few memory accesses, so use it everywhere.
    if (System.getProperty("jffi.unsafe.disabled") == null) System.setProperty("jffi.unsafe.disabled", "true");
    // jnr-ffi's default generates a class per native method with ASM at run time; its
    // reflective invoker costs less to start (measured: about 0.28 s against 0.35 s of CPU and
    // 51 against 56 MiB RSS for `-- true` on JDK 17), and the launcher makes few native calls.
    if (System.getProperty("jnr.ffi.asm.enabled") == null) System.setProperty("jnr.ffi.asm.enabled", "false");
    JffiExtractDir.Choice choice = JffiExtractDir.choose();
    LauncherLog.trace("jffi native library: " + choice.reason);
    try {
      Os.getpid();
      return true;
    } catch (LinkageError e) {
      LauncherLog.fatal("cannot load jffi's native library (" + choice.reason + "): " + oneLine(e)
          + ". Fix: give the JVM -Djffi.extract.dir=<a writable directory on a mount without noexec> "
          + "(e.g. JAVA_TOOL_OPTIONS=-Djffi.extract.dir=/var/tmp), or mount /tmp writable and exec-able");
      return false;
    }
  }

  private static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String m = String.valueOf(root.getMessage());
    int nl = m.indexOf('\n');
    String line = nl < 0 ? m : m.substring(0, nl);
    while (line.endsWith(".")) line = line.substring(0, line.length() - 1);
    return line;
  }

  private static int print(String text) {
    System.out.print(text);
    System.out.flush();
    return 0;
  }

  static String version() {
    String v = Launcher.class.getPackage().getImplementationVersion();
    return v != null ? v : "(development build)";
  }

  private static String license() {
    try (InputStream in = Launcher.class.getResourceAsStream("/META-INF/supervisor4j/LICENSE.txt")) {
      if (in != null) return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      // fall through
    }
    return "supervisor4j: licence text missing from this build\n";
  }

  static final String HELP = ""
      + "supervisor4j launcher @VERSION@: a PID 1 for containers (a drop-in for tini, with dumb-init's extras)\n"
      + "\n"
      + "Usage: java -jar supervisor-posix-launcher.jar [OPTIONS] [--] COMMAND [ARGS...]\n"
      + "       java -jar supervisor-posix-launcher.jar [OPTIONS] [--pause]      (Kubernetes pause mode)\n"
      + "       java -jar supervisor-posix-launcher.jar --help | --version | --license\n"
      + "\n"
      + "Runs COMMAND as its child, forwards signals to it, reaps zombies, and exits with the child's status.\n"
      + "With no COMMAND (or --pause) it runs no child: it reaps orphans and exits 0 on SIGINT or SIGTERM.\n"
      + "\n"
      + "Options (tini's):\n"
      + "  -s, --subreaper                  Register as a child subreaper (PR_SET_CHILD_SUBREAPER), for use when not PID 1.\n"
      + "  -p, --parent-death-signal SIG    Get SIG when the parent dies (PR_SET_PDEATHSIG), e.g. -p SIGTERM; forwarded like\n"
      + "                                   any other signal. Takes SIGTERM, TERM or 15.\n"
      + "  -g, --process-group              Forward signals to the child's process group instead of the child alone.\n"
      + "  -e, --remap-exit CODE            Exit 0 when the child's status is CODE (0 to 255). Repeatable.\n"
      + "  -w, --warn-on-reap               Warn about each reaped zombie that is not the main child.\n"
      + "  -v, --verbose                    More output; repeat up to 3 times (-vvv).\n"
      + "  -l, --license                    Print the licence and exit.\n"
      + "  -h, --help                       Print this help and exit.\n"
      + "      --version                    Print the version and exit.\n"
      + "Options (dumb-init's and ours):\n"
      + "  -r, --rewrite S:R                Forward signal R when S arrives; R = 0 drops S. S and R are numbers or names\n"
      + "                                   (-r 15:2, -r TERM:INT). Repeatable.\n"
      + "      --setsid                     Start the child in a new session (dumb-init's default) and forward signals to\n"
      + "                                   its whole process group. The child then has no controlling terminal.\n"
      + "  -c, --single-child               Forward signals to the child alone (the default), even if\n"
      + "                                   SUPERVISOR_KILL_PROCESS_GROUP or TINI_KILL_PROCESS_GROUP is set.\n"
      + "      --pause                      Pause mode, even if the environment would make it ambiguous; takes no COMMAND.\n"
      + "  --                               End of options; a command must follow.\n"
      + "Graceful shutdown (all off by default: tini's behaviour; DURATION is 500ms, 10s, 1m, 1h or 0):\n"
      + "      --grace DURATION             On SIGTERM or SIGINT: forward it, wait up to DURATION for the child, then SIGTERM\n"
      + "                                   every other remaining process (as PID 1: the whole PID namespace; else our own\n"
      + "                                   descendants, daemons and setsid escapees included), SIGKILL after --kill-after,\n"
      + "                                   reap them all and exit with the child's status. Without it, the child gets as\n"
      + "                                   long as it takes and the rest is stopped after it.\n"
      + "      --kill-after DURATION        Time between that SIGTERM and SIGKILL (default 2s).\n"
      + "      --on-child-exit exit|wait|terminate\n"
      + "                                   When the child exits while others live: exit at once (default, tini), wait\n"
      + "                                   for every other process to exit, or terminate them as above, then exit.\n"
      + "      --pre-stop-delay DURATION    Hold a received SIGTERM for DURATION before forwarding it (e.g. for Kubernetes\n"
      + "                                   to drain endpoints). SIGINT is never held.\n"
      + "  A bad DURATION or word is a usage error (exit 1).\n"
      + "\n"
      + "Environment variables (read after the options, as tini does):\n"
      + "  SUPERVISOR_SUBREAPER=1|0         As -s (1, true, yes or empty: on; 0, false, no: off unless -s is given).\n"
      + "  SUPERVISOR_KILL_PROCESS_GROUP=1|0  As -g (same values).\n"
      + "  SUPERVISOR_VERBOSITY=N           Verbosity: 0 fatal only, 1 warnings (default), 2 info, 3 debug, 4 trace.\n"
      + "                                   Overrides -v, as TINI_VERBOSITY does in tini.\n"
      + "  TINI_SUBREAPER, TINI_KILL_PROCESS_GROUP, TINI_VERBOSITY\n"
      + "                                   tini's names, honoured as tini does (the first two take effect whenever set);\n"
      + "                                   the SUPERVISOR_ name wins when both are set.\n"
      + "\n"
      + "Signals: every signal a JVM can catch is forwarded: SIGHUP SIGINT SIGTRAP SIGABRT SIGUSR1 SIGALRM SIGTERM SIGSTKFLT\n"
      + "SIGCONT SIGTSTP SIGURG SIGXCPU SIGVTALRM SIGPROF SIGWINCH SIGIO SIGPWR SIGSYS. Never forwarded: SIGCHLD; SIGTTIN and\n"
      + "SIGTTOU, which the launcher ignores as tini does; SIGQUIT (the JVM's thread dump), SIGUSR2, SIGPIPE, SIGXFSZ, SIGBUS,\n"
      + "SIGSEGV, SIGILL, SIGFPE (the JVM's own), SIGKILL and SIGSTOP. When stdin is the terminal, the child's process group\n"
      + "becomes its foreground group, so Ctrl-C and Ctrl-Z go straight to the child.\n"
      + "\n"
      + "Exit status:\n"
      + "  the child's exit code; 128+N if the child was killed by signal N; 0 if that code was remapped by -e;\n"
      + "  127 if COMMAND was not found; 126 if it was found but could not be executed;\n"
      + "  1 for a usage error (one line on stderr, e.g. --grace abc or --on-child-exit maybe) or a failure of the\n"
      + "  launcher itself;\n"
      + "  0 for --help, --version and --license, and when pause mode ends on SIGINT or SIGTERM.\n"
      + "\n"
      + "JVM options for a fast start (a jar cannot carry them): see docs/launcher.md, e.g.\n"
      + "  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -jar supervisor-posix-launcher.jar -- COMMAND\n";
}
