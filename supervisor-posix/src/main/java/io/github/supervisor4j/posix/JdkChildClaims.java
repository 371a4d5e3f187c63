package io.github.supervisor4j.posix;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which children the JDK's own process reaper is responsible for: the {@link
 * CooperativeStrategy} never reaps those.
 *
 * <p>The exact answer is the JDK's private table {@code java.lang.ProcessHandleImpl.completions}
 * (pid to {@code ExitCompletion}). {@code ProcessBuilder.start()} puts the child's pid there
 * with {@code isReaping == true} before it returns, and the JDK's "process reaper" thread
 * removes it only after its {@code waitpid(pid)} returned (JDK 17
 * ProcessHandleImpl.completion). Entries with {@code isReaping == false} come from {@code
 * ProcessHandle.onExit()} of a process the JDK did not start; that watcher does not need the
 * zombie (it polls {@code /proc} or uses {@code waitid(WNOWAIT)}), and it polls until the zombie
 * is gone, so honouring it would deadlock the two of us. We read the table, in this order:
 *
 * <ol>
 *   <li>by reflection, when {@code java.lang} is open to us ({@code --add-opens
 *       java.base/java.lang=ALL-UNNAMED}, the manifest entry {@code Add-Opens: java.base/java.lang},
 *       or our agent, which opens it through {@code Instrumentation.redefineModule});
 *   <li>else through JNI in libs4jsig (src/main/c/s4jjdk.c), which the module system's access
 *       checks do not apply to: exact, no flag, no warning on any JDK;
 *   <li>else (no libs4jsig: another arch, a build without gcc) through {@code sun.misc.Unsafe}
 *       (module jdk.unsupported), exact too; JDK 24 and later warn about it on stderr, so then
 *       one line of ours names the flag that silences it;
 *   <li>else not at all: then {@link #heuristic()} applies, and one line of ours says what it
 *       lost under the stress test and which flag fixes it.
 * </ol>
 *
 * <p>Exact before silent: a lost exit status cannot be seen, a warning can. Measured under
 * StressFixture's load (docs/inapp.md: PID 1, 3,752 ProcessBuilder children among 5,000,
 * 10,000 orphans; JDK 17 and 25, with and without CPU hogs): the three table readers lost
 * nothing; the heuristic lost {@value #HEURISTIC_LOSS}.
 *
 * <p>Thread-safe: the table is a ConcurrentHashMap and is only read.
 */
abstract class JdkChildClaims {
  private static final Logger log = LoggerFactory.getLogger(JdkChildClaims.class);
  static final String ADD_OPENS = "--add-opens java.base/java.lang=ALL-UNNAMED";
  /** How long a zombie must stay unclaimed before the heuristic reaps it. */
  static final long HEURISTIC_SETTLE_NANOS = 20_000_000L;

  /**
   * Called once per batch of candidates, after the second read of the leader's list and
   * before {@link #admit} for each: a source that reads {@code /proc} takes its snapshot here.
   */
  void beginBatch() {}

  /** True if the JDK will reap {@code pid} itself, or may still do so. */
  abstract boolean claimed(int pid);

  /**
   * Decides for one zombie {@code pid} on the leader's second list, pinned by {@code fd}: the
   * pidfd to reap it through now, or empty to leave it for a later sweep. Takes {@code fd}: it
   * is returned, closed, or kept by this source; a descriptor returned is the caller's to close.
   * Exact sources admit every pid that is not {@linkplain #claimed claimed}.
   */
  OptionalInt admit(int pid, int fd) {
    if (claimed(pid)) {
      Os.close(fd);
      return OptionalInt.empty();
    }
    return OptionalInt.of(fd);
  }

  /** Called after each sweep: a source that holds candidates between sweeps drops those not seen in it. */
  void endSweep() {}

  /** Drops every candidate held between sweeps, and its descriptor. */
  void forget() {}

  /** How the answer is found, for logs. */
  abstract String describe();

  /**
   * System property for diagnosis and tests: one source ({@code reflection}, {@code jni},
   * {@code unsafe} or {@code heuristic}) forces it, silently, and fails if it is not usable;
   * several, comma-separated, are tried in that order as the default order is. Unset: {@link
   * #DEFAULT_ORDER}.
   */
  static final String SOURCE_PROPERTY = "supervisor4j.jdkChildClaims";
  static final List<String> DEFAULT_ORDER = List.of("reflection", "jni", "unsafe", "heuristic");
  /** What the heuristic lost under CooperativeStressTest's load (docs/inapp.md has the runs). */
  static final String HEURISTIC_LOSS = "1 to 19 of 18,760 ProcessBuilder exit statuses in 5 runs, more on busier CPUs";
  /** The JDK from which sun.misc.Unsafe's memory methods warn on first use (JEP 498). */
  private static final int UNSAFE_WARNS_FROM = 24;
  /** One line of ours per JVM at most, however many reapers start. */
  private static boolean warned; // guarded by JdkChildClaims.class

  /** The first source this JVM allows (class comment); one warning line if it is not silent and exact. */
  static JdkChildClaims detect() {
    String value = System.getProperty(SOURCE_PROPERTY, "").trim();
    List<String> order = value.isEmpty() ? DEFAULT_ORDER : List.of(value.split("\\s*,\\s*"));
    for (String name : order) {
      if (!DEFAULT_ORDER.contains(name)) {
        throw new IllegalArgumentException(SOURCE_PROPERTY + " must name reflection, jni, unsafe or heuristic: " + value);
      }
    }
    if (order.size() == 1) {
      try {
        return open(order.get(0));
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        throw new IllegalStateException(SOURCE_PROPERTY + "=" + value + " is not usable in this JVM: " + e, e);
      }
    }
    List<String> why = new ArrayList<>();
    for (String name : order) {
      JdkChildClaims c;
      try {
        c = open(name);
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        why.add(name + ": " + e.getMessage());
        continue;
      }
      if (name.equals("heuristic")) {
        warnOnce("process {}: cannot read the JDK's table of its children ({}), so the cooperative reaper guesses from "
            + "which pids the JDK's reaper threads wait for: under the stress test that lost {}. Fix: start the JVM with "
            + "{} (or the manifest entry 'Add-Opens: java.base/java.lang', or -javaagent:supervisor-posix.jar)",
            Os.getpid(), String.join("; ", why), HEURISTIC_LOSS, ADD_OPENS);
      } else if (name.equals("unsafe") && Runtime.version().feature() >= UNSAFE_WARNS_FROM) {
        warnOnce("process {}: reading the JDK's table of its children through sun.misc.Unsafe ({}), which this JDK warns "
            + "about above; exit statuses stay exact. To silence it: start the JVM with {} (or the manifest entry "
            + "'Add-Opens: java.base/java.lang', or -javaagent:supervisor-posix.jar)", Os.getpid(), String.join("; ", why), ADD_OPENS);
      } else if (!why.isEmpty()) {
        log.debug("reading the JDK's table of children: {} ({})", c.describe(), String.join("; ", why));
      }
      return c;
    }
    throw new IllegalStateException("no source of the JDK's table of children is usable: " + String.join("; ", why));
  }

  private static JdkChildClaims open(String name) throws ReflectiveOperationException {
    switch (name) {
      case "reflection": return reflective();
      case "jni": return viaJni();
      case "unsafe": return viaUnsafe();
      default: return heuristic();
    }
  }

  private static void warnOnce(String format, Object... args) {
    synchronized (JdkChildClaims.class) {
      if (warned) return;
      warned = true;
    }
    log.warn(format, args);
  }

  /**
   * Reads {@code completions} through JNI (libs4jsig's s4j_jdk_open and s4j_jdk_claimed).
   *
   * @throws IllegalStateException if libs4jsig is missing or cannot reach the table
   */
  static JdkChildClaims viaJni() {
    if (!NativeSignals.loaded()) throw new IllegalStateException("no JNI reader: " + NativeSignals.libraryReason());
    int err;
    synchronized (JdkChildClaims.class) { // s4j_jdk_open sets its globals unlocked: one caller at a time
      err = Jni.jdkOpen();
    }
    if (err != 0) throw new IllegalStateException("no JNI reader: s4j_jdk_open failed at step " + (-err));
    return new ViaJni();
  }

  /** Reads {@code completions} by reflection; needs java.lang open to this module. */
  static JdkChildClaims reflective() throws ReflectiveOperationException {
    Class<?> impl = Class.forName("java.lang.ProcessHandleImpl");
    Field table = impl.getDeclaredField("completions");
    table.setAccessible(true);
    Class<?> completion = Class.forName("java.lang.ProcessHandleImpl$ExitCompletion");
    Field reaping = completion.getDeclaredField("isReaping");
    reaping.setAccessible(true);
    Map<?, ?> map = (Map<?, ?>) table.get(null);
    return new Table(map, value -> {
      try {
        return reaping.getBoolean(value);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }, "java.lang.ProcessHandleImpl.completions (reflection)");
  }

  /** Reads {@code completions} through sun.misc.Unsafe, which needs no opened package. */
  @SuppressWarnings({"removal", "deprecation"})
  static JdkChildClaims viaUnsafe() throws ReflectiveOperationException {
    Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    theUnsafe.setAccessible(true); // jdk.unsupported opens sun.misc to everyone
    sun.misc.Unsafe unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
    Class<?> impl = Class.forName("java.lang.ProcessHandleImpl");
    Field table = impl.getDeclaredField("completions");
    Object base = unsafe.staticFieldBase(table);
    long offset = unsafe.staticFieldOffset(table);
    Map<?, ?> map = (Map<?, ?>) unsafe.getObjectVolatile(base, offset);
    if (map == null) throw new IllegalStateException("ProcessHandleImpl.completions is null");
    Class<?> completion = Class.forName("java.lang.ProcessHandleImpl$ExitCompletion");
    long reaping = unsafe.objectFieldOffset(completion.getDeclaredField("isReaping"));
    return new Table(map, value -> unsafe.getBoolean(value, reaping), "java.lang.ProcessHandleImpl.completions (sun.misc.Unsafe)");
  }

  /** No access to the table: watch which pids the JDK's reaper threads wait for ({@link WaitingThreads}). */
  static JdkChildClaims heuristic() {
    return new WaitingThreads();
  }

  private interface ReapingFlag {
    boolean isReaping(Object completion);
  }

  private static final class Table extends JdkChildClaims {
    private final Map<?, ?> completions;
    private final ReapingFlag flag;
    private final String description;

    Table(Map<?, ?> completions, ReapingFlag flag, String description) {
      this.completions = completions;
      this.flag = flag;
      this.description = description;
    }

    @Override
    boolean claimed(int pid) {
      Object completion = completions.get(Long.valueOf(pid));
      return completion != null && flag.isReaping(completion);
    }

    @Override
    String describe() {
      return description;
    }
  }

  /** {@code completions} read by s4j_jdk_claimed (s4jjdk.c), from the reaper thread. */
  private static final class ViaJni extends JdkChildClaims {
    /** A table that cannot be read counts as a claim: a zombie left is better than a status lost. */
    @Override
    boolean claimed(int pid) {
      int r = Jni.jdkClaimed(pid);
      if (r < 0) {
        log.error("process {}: s4j_jdk_claimed({}) failed at step {}; leaving that zombie to the JDK", Os.getpid(), pid, -r);
        return true;
      }
      return r == 1;
    }

    @Override
    String describe() {
      return "java.lang.ProcessHandleImpl.completions (JNI)";
    }
  }

  /**
   * A zombie counts as claimed while some thread of this JVM is blocked in {@code wait4} on its
   * pid. An unclaimed one is admitted only when it was seen unclaimed in two sweeps at least
   * {@link #HEURISTIC_SETTLE_NANOS} apart: the first sighting keeps its pidfd, which pins the
   * process, so the second is known to be the same process and not a newcomer with its pid.
   */
  private static final class WaitingThreads extends JdkChildClaims {
    private int[] waited = new int[0];
    /** Zombies seen unclaimed, with the pidfd that pins each and when they were first seen. */
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final Set<Integer> seen = new HashSet<>();
    private final Os.SigInfo info = new Os.SigInfo();

    private record Pending(int fd, long since) {}

    @Override
    void beginBatch() {
      waited = Proc.pidsWaitedFor();
    }

    @Override
    boolean claimed(int pid) {
      return Proc.contains(waited, pid);
    }

    @Override
    OptionalInt admit(int pid, int fd) {
      if (claimed(pid)) {
        drop(pid);
        Os.close(fd);
        return OptionalInt.empty();
      }
      seen.add(pid);
      Pending first = pending.get(pid);
      if (first != null && !isUnreaped(first.fd())) {
        // The JDK reaped the process seen first; fd pins a newer one with the same pid.
        drop(pid);
        first = null;
      }
      long now = System.nanoTime();
      if (first == null) {
        pending.put(pid, new Pending(fd, now));
        return OptionalInt.empty();
      }
      // first.fd pins a process that is still unreaped, so pid still names it: fd pins the same one.
      Os.close(fd);
      if (now - first.since() < HEURISTIC_SETTLE_NANOS) return OptionalInt.empty();
      pending.remove(pid);
      return OptionalInt.of(first.fd());
    }

    /** True while the process {@code fd} pins has exited but nobody has reaped it. */
    private boolean isUnreaped(int fd) {
      return Os.waitid(Os.P_PIDFD, fd, info, Os.WEXITED | Os.WNOHANG | Os.WNOWAIT);
    }

    @Override
    void endSweep() {
      for (Iterator<Map.Entry<Integer, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Integer, Pending> e = it.next();
        if (!seen.contains(e.getKey())) {
          Os.close(e.getValue().fd());
          it.remove();
        }
      }
      seen.clear();
    }

    @Override
    void forget() {
      pending.values().forEach(p -> Os.close(p.fd()));
      pending.clear();
      seen.clear();
    }

    private void drop(int pid) {
      Pending p = pending.remove(pid);
      if (p != null) Os.close(p.fd());
    }

    @Override
    String describe() {
      return "threads blocked in wait4 (/proc/self/task/*/syscall), " + HEURISTIC_SETTLE_NANOS / 1_000_000 + " ms settle time";
    }
  }
}
