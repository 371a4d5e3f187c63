package io.github.supervisor4j.junit5;

import io.github.supervisor4j.posix.Posix;
import io.github.supervisor4j.posix.ProcessSnapshot;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One checked test (or class), from before its first {@code @BeforeEach} (or {@code @BeforeAll})
 * to after its last {@code @AfterEach} (or {@code @AfterAll}): what was there when it began,
 * and at the end, what it left, reported and stopped.
 *
 * <p>A process is the test's if it is in the JVM's subtree now, was not there when the test
 * began (pid and start time), and neither it nor any ancestor below the JVM is a process that
 * was there then, or one with an allowed name. A zombie whose parent is the JVM itself is not
 * counted: the JDK (for a {@code Process}) or the reaper (for an orphan) is about to reap it.
 *
 * <p>Not thread-safe: used by the thread that runs the test's callbacks.
 */
final class TestWindow {
  /** How long processes that are on their way out (a destroy() without waitFor()) get before they count. */
  static final Duration SETTLE = Duration.ofMillis(500);
  private static final long SETTLE_POLL_MILLIS = 5;

  private final String subject;
  private final CheckSettings settings;
  private final TestJvmReaper reaper;
  private final Set<ProcessSnapshot> before;
  private final int jvm = Posix.pid();
  final ReapLog log = new ReapLog();

  /**
   * @param subject what the report calls the test: {@code "test"} or {@code "class Foo"}
   */
  TestWindow(String subject, CheckSettings settings, TestJvmReaper reaper) {
    this.subject = subject;
    this.settings = settings;
    this.reaper = reaper;
    this.before = new HashSet<>(Posix.descendants());
    reaper.open(log);
  }

  /** True if a leak fails the test, false if it only warns. */
  boolean fails() {
    return settings.fail;
  }

  /**
   * Ends the window: lists what the test left, stops it, and returns the report; empty if it
   * left nothing.
   */
  Optional<String> close() throws InterruptedException {
    reaper.close(log);
    List<ProcessSnapshot> left = leftBehind(Posix.descendants());
    long settleUntil = System.nanoTime() + SETTLE.toNanos();
    while (!left.isEmpty() && System.nanoTime() - settleUntil < 0) {
      Thread.sleep(SETTLE_POLL_MILLIS);
      left = leftBehind(Posix.descendants());
    }
    if (left.isEmpty()) return Optional.empty();
    List<String> lines = new ArrayList<>();
    for (ProcessSnapshot p : left) lines.add(describe(p));
    Posix.stop(this::leftBehind, settings.grace, reaper.reaper());
    List<ProcessSnapshot> survivors = leftBehind(Posix.descendants());
    StringBuilder b = new StringBuilder();
    b.append(left.size() == 1 ? "1 process" : left.size() + " processes").append(" started by this ").append(subject)
        .append(left.size() == 1 ? " was" : " were").append(" still there after it ended")
        .append(" (@NoProcessLeaks stopped ").append(left.size() == 1 ? "it" : "them")
        .append(": SIGTERM, SIGKILL after ").append(Durations.format(settings.grace)).append("):");
    for (String line : lines) b.append("\n  ").append(line);
    if (!survivors.isEmpty()) {
      b.append("\n  still there after SIGKILL:");
      for (ProcessSnapshot p : survivors) b.append("\n    ").append(describe(p));
    }
    return Optional.of(b.toString());
  }

  /** {@code pid 1234: sleep 300 (sleeping, lived 1.52 s, parent 1200)}; a zombie has only its name: {@code [sh]}. */
  private static String describe(ProcessSnapshot p) {
    String command = Posix.commandLine(p).map(TestWindow::join).orElse("[" + p.name() + "]");
    return "pid " + p.pid() + ": " + command + " (" + p.describeState() + ", lived " + Durations.format(p.age())
        + ", parent " + p.parentPid() + ")";
  }

  private static String join(List<String> args) {
    String s = String.join(" ", args);
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /** The test's processes among {@code now}: see the class comment. */
  List<ProcessSnapshot> leftBehind(List<ProcessSnapshot> now) {
    Map<Integer, ProcessSnapshot> byPid = new HashMap<>();
    for (ProcessSnapshot p : now) byPid.put(p.pid(), p);
    Map<Integer, Boolean> owned = new HashMap<>();
    List<ProcessSnapshot> out = new ArrayList<>();
    for (ProcessSnapshot p : now) {
      if (p.isZombie() && p.parentPid() == jvm) continue;
      if (isTheTests(p, byPid, owned)) out.add(p);
    }
    return out;
  }

  /** True unless {@code p} or an ancestor below the JVM was there before or has an allowed name; memoised in {@code owned}. */
  private boolean isTheTests(ProcessSnapshot p, Map<Integer, ProcessSnapshot> byPid, Map<Integer, Boolean> owned) {
    List<ProcessSnapshot> chain = new ArrayList<>();
    Boolean verdict = null;
    ProcessSnapshot at = p;
    while (at != null) {
      Boolean known = owned.get(at.pid());
      if (known != null) {
        verdict = known;
        break;
      }
      chain.add(at);
      if (before.contains(at) || isAllowed(at)) {
        verdict = false;
        break;
      }
      if (at.parentPid() == jvm || chain.size() > 4096) {
        verdict = true;
        break;
      }
      at = byPid.get(at.parentPid());
    }
    if (verdict == null) verdict = true; // its parent has just gone: it is an orphan on its way to the JVM
    for (ProcessSnapshot c : chain) owned.put(c.pid(), verdict);
    return verdict;
  }

  private boolean isAllowed(ProcessSnapshot p) {
    if (settings.allowed.isEmpty()) return false;
    if (settings.allowed.contains(p.name())) return true;
    Optional<List<String>> args = Posix.commandLine(p);
    if (args.isEmpty() || args.get().isEmpty()) return false;
    String first = args.get().get(0);
    return settings.allowed.contains(first) || (!first.isEmpty() && settings.allowed.contains(Paths.get(first).getFileName().toString()));
  }
}
