package io.github.supervisor4j.examples;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ProcessGroup;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.Init;
import io.github.supervisor4j.InitConfig;
import io.github.supervisor4j.ReapedProcess;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.SupervisorException;
import io.github.supervisor4j.Supervisors;
import io.github.supervisor4j.TreeShutdown;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Example 1, the orphan-reaping app: a small JVM service that is the reaper of its container
 * (PID 1) or of its own subtree (child subreaper), the way a real app would use supervisor4j.
 *
 * <p>It installs the in-app init ({@link Supervisors#installInit(InitConfig)}: a cooperative
 * reaper plus SIGTERM handling), starts two workers through {@link Init#spawn}, runs a script
 * that leaves orphans behind, and at the same time runs {@link ProcessBuilder} children with
 * known exit codes. It then reports: the orphans adopted, the orphans reaped with their pids
 * and statuses, the zombies left (read from /proc), and whether every ProcessBuilder exit
 * code came back right (a naive {@code waitpid(-1)} reaper would have turned some into 0).
 *
 * <p>Without {@code --until-sigterm} it then shuts down by itself; with it, it waits for
 * SIGTERM. Either way the shutdown is the graceful one: the workers get SIGTERM and finish,
 * then {@link TreeShutdown} stops what is left of the tree (the daemon the script left
 * behind), and a last check finds no zombie. Exit code 0 if every check held, 1 if one did
 * not, 2 for bad arguments.
 */
public final class OrphanReapingApp {
  static final String MODE_ENV = "SUPERVISOR_EXAMPLE_MODE";
  private static final int EXIT_OK = 0;
  private static final int EXIT_CHECK_FAILED = 1;
  private static final int EXIT_USAGE = 2;
  private static final Duration WAIT_LIMIT = Duration.ofSeconds(30);
  private static final int[] PROCESS_BUILDER_CODES = {0, 1, 7, 42, 255};

  private static final String USAGE = String.join("\n",
      "usage: java -jar supervisor-examples-<version>-demo.jar [--mode auto|subreaper|pid1] [--orphans N] [--until-sigterm]",
      "  --mode subreaper  register as child subreaper (PR_SET_CHILD_SUBREAPER); no root needed",
      "  --mode pid1       require to be PID 1: run under `unshare --pid --fork --mount-proc` (root) or as a container's entrypoint",
      "  --mode auto       pid1 if this JVM is PID 1, else subreaper (the default; env " + MODE_ENV + " sets it too)",
      "  --orphans N       children the orphan script leaves behind, 2..50 (default 4, the last one a daemon)",
      "  --until-sigterm   keep running after the report until SIGTERM or SIGINT",
      "exit codes: 0 every check held; 1 a check failed; 2 bad arguments");

  enum Mode { AUTO, SUBREAPER, PID1 }

  private final Mode mode;
  private final int orphanCount;
  private final boolean untilSigterm;
  private final long self = ProcessHandle.current().pid();
  private final Map<Integer, ExitStatus> reapedOrphans = new ConcurrentHashMap<>();
  private final List<SupervisedProcess> workers = new ArrayList<>();
  private volatile Boolean roundPassed; // null until the round's report is out (a SIGTERM may come first)

  private OrphanReapingApp(Mode mode, int orphanCount, boolean untilSigterm) {
    this.mode = mode;
    this.orphanCount = orphanCount;
    this.untilSigterm = untilSigterm;
  }

  public static void main(String[] args) throws Exception {
    // JDK 24+ print four warnings when jffi (under jnr-ffi) first uses sun.misc.Unsafe's memory
    // methods (JEP 471/498); only a command-line option silences them, or this jffi property,
    // which makes jffi use JNI instead. The launcher sets it too. Not needed on JDK 17.
    if (System.getProperty("jffi.unsafe.disabled") == null) System.setProperty("jffi.unsafe.disabled", "true");
    OrphanReapingApp app;
    try {
      app = parse(args, System.getenv(MODE_ENV));
    } catch (IllegalArgumentException e) {
      System.err.println("orphan-reaping-app: " + e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    if (app == null) {
      System.out.println(USAGE);
      return;
    }
    System.exit(app.run());
  }

  /** The app for {@code args}, or null for {@code --help}. */
  static OrphanReapingApp parse(String[] args, String modeEnv) {
    Mode mode = modeEnv == null || modeEnv.isEmpty() ? Mode.AUTO : parseMode(MODE_ENV, modeEnv);
    int orphans = 4;
    boolean untilSigterm = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "-h":
        case "--help":
          return null;
        case "--until-sigterm":
          untilSigterm = true;
          break;
        case "--mode":
          mode = parseMode(arg, value(args, ++i, arg));
          break;
        case "--orphans":
          String n = value(args, ++i, arg);
          try {
            orphans = Integer.parseInt(n);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--orphans: not a number: " + n);
          }
          if (orphans < 2 || orphans > 50) throw new IllegalArgumentException("--orphans: must be 2..50: " + n);
          break;
        default:
          throw new IllegalArgumentException("unknown option: " + arg + " (see --help)");
      }
    }
    return new OrphanReapingApp(mode, orphans, untilSigterm);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) throw new IllegalArgumentException(option + ": missing value");
    return args[i];
  }

  private static Mode parseMode(String source, String text) {
    switch (text) {
      case "auto": return Mode.AUTO;
      case "subreaper": return Mode.SUBREAPER;
      case "pid1": return Mode.PID1;
      default: throw new IllegalArgumentException(source + ": expected auto, subreaper or pid1: " + text);
    }
  }

  private int run() throws InterruptedException {
    if (mode == Mode.PID1 && !Supervisors.isPid1()) {
      System.err.println("orphan-reaping-app: --mode pid1: this JVM is process " + self + ", not PID 1; run it as"
          + " `unshare --pid --fork --mount-proc java -jar <demo.jar> --mode pid1` (as root), or use --mode subreaper");
      return EXIT_USAGE;
    }
    Init init;
    try {
      // exitZeroOnSigterm: a graceful stop is a success for an orchestrator, not the JVM's 143.
      init = Supervisors.installInit(InitConfig.defaults().withSubreaper(true).withExitZeroOnSigterm(true));
    } catch (SupervisorException e) {
      System.err.println("orphan-reaping-app: " + e.getMessage());
      return EXIT_CHECK_FAILED;
    }
    init.reaper().subscribe(this::reaped);
    TreeShutdown tree = Supervisors.treeShutdown(init.reaper(), ShutdownConfig.defaults().withKillAfter(Duration.ofSeconds(2)));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(tree), "orphan-reaping-app-shutdown"));

    System.out.printf("orphan-reaping app: pid %d, mode %s: %s, reaper of orphans: %s%n", self,
        mode.name().toLowerCase(Locale.ROOT), Supervisors.isPid1() ? "PID 1 of its PID namespace" : "child subreaper (not PID 1)", init.reaper().isReaperOfOrphans());
    startWorkers(init);
    roundPassed = runOrphanRound(init);
    if (untilSigterm) {
      System.out.printf("running until SIGTERM: kill -TERM %d%n", self);
      new CountDownLatch(1).await();
    }
    return roundPassed.booleanValue() ? EXIT_OK : EXIT_CHECK_FAILED;
  }

  /** Two long-running workers through the spawn API, each in its own process group. */
  private void startWorkers(Init init) {
    for (int i = 1; i <= 2; i++) {
      SupervisedProcess w = init.spawn(ChildSpec.of("sh", "-c",
          "trap 'echo \"worker $$: SIGTERM, finishing\"; exit 0' TERM; while :; do { sleep 1; } 2>/dev/null; done").withProcessGroup(ProcessGroup.NEW));
      workers.add(w);
      System.out.printf("worker %d started through Init.spawn%n", w.pid());
    }
  }

  /**
   * Runs the orphan script and the ProcessBuilder children side by side, waits until every
   * orphan that exits by itself has been reaped, and prints the report. True if all held.
   */
  private boolean runOrphanRound(Init init) throws InterruptedException {
    Path pidFile;
    try {
      pidFile = Files.createTempFile("leave-orphans", ".txt");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SupervisedProcess script = init.spawn(ChildSpec.of("sh", "-c", script(), "leave-orphans.sh", pidFile.toString(),
        Integer.toString(orphanCount)));
    List<ProcessBuilderChild> pbChildren = startProcessBuilderChildren();
    ExitStatus scriptStatus = script.waitFor();
    System.out.printf("leave-orphans.sh (pid %d) %s; its children are orphans now%n", script.pid(), scriptStatus);

    Map<Integer, String> expected = readOrphans(pidFile);
    List<Integer> adopted = new ArrayList<>();
    for (int pid : expected.keySet()) {
      long parent = parentOf(pid);
      // Gone from /proc: reaped, by us if the reaper reports it (it may not have told us yet).
      if (parent == -1) awaitReaped(pid);
      if (parent == self || reapedOrphans.containsKey(pid)) {
        adopted.add(pid);
        System.out.printf("adopted orphan %d (%s)%n", pid,
            parent == self ? "its parent is now " + self + ", this JVM" : "already reaped by this JVM");
      } else {
        System.out.printf("orphan %d NOT adopted: its parent is %d%n", pid, parent);
      }
    }
    for (ProcessBuilderChild c : pbChildren) c.awaitExit();
    for (Map.Entry<Integer, String> e : expected.entrySet()) {
      if (!e.getValue().equals("daemon")) awaitReaped(e.getKey());
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      System.out.println("cannot delete " + pidFile + ": " + e);
    }

    System.out.println("---- report ----");
    boolean ok = scriptStatus.equals(ExitStatus.exited(0)) && expected.size() == orphanCount;
    ok &= line("orphans adopted", adopted.size() == expected.size(),
        adopted.size() + " of " + expected.size() + " " + adopted);
    List<String> reapedText = new ArrayList<>();
    boolean statusesRight = true;
    for (Map.Entry<Integer, String> e : expected.entrySet()) {
      if (e.getValue().equals("daemon")) continue;
      ExitStatus s = reapedOrphans.get(e.getKey());
      reapedText.add(e.getKey() + " " + (s == null ? "NOT REAPED" : s));
      statusesRight &= s != null && s.toString().equals(e.getValue());
    }
    ok &= line("orphans reaped", statusesRight, reapedText.size() + ": " + String.join(", ", reapedText));
    List<Integer> zombies = zombieChildren();
    ok &= line("zombies left", zombies.isEmpty(), zombies.size() + (zombies.isEmpty() ? "" : " " + zombies)
        + " (children of " + self + " in state Z, read from /proc)");
    boolean pbRight = pbChildren.stream().allMatch(ProcessBuilderChild::right);
    ok &= line("ProcessBuilder exit codes", pbRight, pbChildren.stream().map(ProcessBuilderChild::toString)
        .collect(Collectors.joining(", ")));
    long daemons = expected.values().stream().filter("daemon"::equals).count();
    System.out.printf("still running: %d workers, %d daemon left by the script (stopped at shutdown)%n",
        workers.stream().filter(SupervisedProcess::isAlive).count(), daemons);
    System.out.println("result: " + (ok ? "OK" : "FAILED"));
    return ok;
  }

  private static boolean line(String what, boolean ok, String text) {
    System.out.printf("%-26s %s  %s%n", what + ":", ok ? "ok  " : "FAIL", text);
    return ok;
  }

  /** The graceful shutdown, in a JVM shutdown hook: on SIGTERM, SIGINT and at the end of a run. */
  private void shutDown(TreeShutdown tree) {
    boolean ok = true;
    try {
      System.out.println("---- shutdown ----");
      for (SupervisedProcess w : workers) {
        if (w.isAlive()) w.signalGroup(Signal.SIGTERM); // after a SIGTERM, Init has already passed it on
      }
      for (SupervisedProcess w : workers) {
        Optional<ExitStatus> s = w.waitFor(Duration.ofSeconds(10));
        System.out.printf("worker %d %s%n", w.pid(), s.map(ExitStatus::toString).orElse("still running after 10s"));
        ok &= s.isPresent();
      }
      int left = tree.run();
      System.out.printf("TreeShutdown stopped %d process%s left in the tree%n", left, left == 1 ? "" : "es");
      List<Integer> zombies = zombieChildren();
      System.out.printf("zombies left: %d%s%n", zombies.size(), zombies.isEmpty() ? "" : " " + zombies);
      ok &= zombies.isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    } catch (RuntimeException e) {
      System.out.println("shutdown failed: " + e);
      ok = false;
    }
    System.out.println("shutdown: " + (ok ? "clean" : "NOT CLEAN"));
    System.out.flush();
    // A hook cannot change the exit code with System.exit; halt does, and skips nothing of ours.
    if (!ok || Boolean.FALSE.equals(roundPassed)) Runtime.getRuntime().halt(EXIT_CHECK_FAILED);
  }

  private void reaped(ReapedProcess p) {
    if (!p.adopted()) return; // our workers and the script: their status goes to their SupervisedProcess
    System.out.printf("reaped orphan %d: %s%n", p.pid(), p.status());
    reapedOrphans.putIfAbsent(p.pid(), p.status());
    synchronized (this) {
      notifyAll();
    }
  }

  /** Waits until the reaper has reported {@code pid}, at most {@link #WAIT_LIMIT}. */
  private synchronized void awaitReaped(int pid) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    for (long left = WAIT_LIMIT.toMillis(); !reapedOrphans.containsKey(pid) && left > 0;
        left = (deadline - System.nanoTime()) / 1_000_000) {
      wait(left);
    }
  }

  /**
   * ProcessBuilder children exiting with known codes while the orphans exit. Half are started
   * from a thread that ends right after start(): the JDK's own reaper then waits for a child of
   * the thread-group leader, the same list the orphans are on, which is where a careless
   * reaper steals exit statuses.
   */
  private static List<ProcessBuilderChild> startProcessBuilderChildren() throws InterruptedException {
    List<ProcessBuilderChild> children = new ArrayList<>();
    for (int i = 0; i < PROCESS_BUILDER_CODES.length; i++) {
      int code = PROCESS_BUILDER_CODES[i];
      ProcessBuilder pb = new ProcessBuilder("sh", "-c", "sleep 1; exit " + code).inheritIO();
      if (i % 2 == 0) {
        children.add(ProcessBuilderChild.start(pb, code));
      } else {
        ProcessBuilderChild[] holder = new ProcessBuilderChild[1];
        Thread t = new Thread(() -> holder[0] = ProcessBuilderChild.start(pb, code), "short-lived-starter");
        t.start();
        t.join();
        children.add(holder[0]);
      }
    }
    return children;
  }

  private static final class ProcessBuilderChild {
    final Process process;
    final int expected;
    int actual = -1;

    private ProcessBuilderChild(Process process, int expected) {
      this.process = process;
      this.expected = expected;
    }

    static ProcessBuilderChild start(ProcessBuilder pb, int expected) {
      try {
        return new ProcessBuilderChild(pb.start(), expected);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void awaitExit() throws InterruptedException {
      if (process.waitFor(WAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) actual = process.exitValue();
      System.out.printf("ProcessBuilder child %d: waitFor() = %s (expected %d)%n", process.pid(),
          actual < 0 ? "no exit" : Integer.toString(actual), expected);
    }

    boolean right() {
      return actual == expected;
    }

    @Override
    public String toString() {
      return process.pid() + "=" + (actual < 0 ? "?" : actual) + (right() ? "" : " (expected " + expected + ")");
    }
  }

  private static String script() {
    try (InputStream in = OrphanReapingApp.class.getResourceAsStream("leave-orphans.sh")) {
      if (in == null) throw new IllegalStateException("leave-orphans.sh missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** pid -> the status the script says it will end with ("exited 11", "killed by SIGTERM", "daemon"). */
  private static Map<Integer, String> readOrphans(Path file) {
    Map<Integer, String> out = new LinkedHashMap<>();
    try {
      for (String l : Files.readAllLines(file)) {
        int sp = l.indexOf(' ');
        if (sp > 0) out.put(Integer.parseInt(l.substring(0, sp)), l.substring(sp + 1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The parent pid of {@code pid} from /proc/pid/stat, or -1 if it is gone. */
  private static long parentOf(int pid) {
    String[] f = statFields(Path.of("/proc", Integer.toString(pid), "stat"));
    return f == null ? -1 : Long.parseLong(f[1]);
  }

  /** Processes in state Z whose parent is this JVM: the zombies only we could reap. */
  private List<Integer> zombieChildren() {
    List<Integer> out = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        String[] f = statFields(d.resolve("stat"));
        if (f != null && f[0].equals("Z") && Long.parseLong(f[1]) == self) out.add(Integer.parseInt(name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The fields of a stat file after the command name: state, ppid, ...; null if the process is gone. */
  private static String[] statFields(Path stat) {
    try {
      String s = Files.readString(stat);
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return null;
    }
  }
}
