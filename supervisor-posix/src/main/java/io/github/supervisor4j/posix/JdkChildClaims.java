package io.github.supervisor4j.posix;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
 * is gone, so honouring it would deadlock the two of us. We read the table:
 *
 * <ol>
 *   <li>by reflection, when {@code java.lang} is open to us ({@code --add-opens
 *       java.base/java.lang=ALL-UNNAMED}, the manifest entry {@code Add-Opens: java.base/java.lang},
 *       or our agent, which opens it through {@code Instrumentation.redefineModule});
 *   <li>else through {@code sun.misc.Unsafe} (module jdk.unsupported), which reads a static
 *       field without an access check;
 *   <li>else not at all: then {@link #heuristic()} applies, and one warning says which flag
 *       fixes it.
 * </ol>
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
   * System property that forces a source, for diagnosis and tests: {@code reflection}, {@code
   * unsafe} or {@code heuristic}. Unset: the best this JVM allows.
   */
  static final String SOURCE_PROPERTY = "supervisor4j.jdkChildClaims";

  /** The best source this JVM allows, logging a warning if it is only the heuristic. */
  static JdkChildClaims detect() {
    String forced = System.getProperty(SOURCE_PROPERTY, "");
    try {
      switch (forced) {
        case "reflection": return reflective();
        case "unsafe": return viaUnsafe();
        case "heuristic": return heuristic();
        case "": break;
        default: throw new IllegalArgumentException(SOURCE_PROPERTY + " must be reflection, unsafe or heuristic: " + forced);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(SOURCE_PROPERTY + "=" + forced + " is not usable in this JVM: " + e, e);
    }
    Throwable reflection;
    try {
      return reflective();
    } catch (ReflectiveOperationException | RuntimeException e) {
      reflection = e;
    }
    try {
      JdkChildClaims c = viaUnsafe();
      log.debug("reading the JDK's table of children through sun.misc.Unsafe ({} would avoid it): {}", ADD_OPENS, reflection.toString());
      return c;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.warn("process {}: cannot read java.lang.ProcessHandleImpl.completions ({}; {}). The cooperative reaper falls "
          + "back to watching which pids the JDK's reaper threads wait for, which is weaker: a ProcessBuilder child "
          + "whose starting thread has exited and whose JDK reaper thread is held off the CPU for more than 20 ms "
          + "after the child exits can lose its exit status. Fix: start the JVM with {} (or the manifest entry "
          + "'Add-Opens: java.base/java.lang', or -javaagent with supervisor-posix)",
          Os.getpid(), reflection, e, ADD_OPENS);
      return heuristic();
    }
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
