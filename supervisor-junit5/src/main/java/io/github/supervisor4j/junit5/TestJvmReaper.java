package io.github.supervisor4j.junit5;

import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.ReapedProcess;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.SupervisorException;
import io.github.supervisor4j.posix.Posix;
import io.github.supervisor4j.posix.ProcessSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The test JVM's one reaper: started by the first checked test, it makes the JVM a child
 * subreaper and reaps with {@link ReapPolicy#COOPERATIVE}, until the JVM exits (a subreaper
 * that stopped reaping would leave the orphans of later tests as zombies). Each reaped orphan
 * goes, with the name /proc showed right before the reap, to every {@link ReapLog} open then.
 *
 * <p>Thread-safe. If the reaper cannot run here (not Linux, a kernel before 5.4, a /proc of
 * another PID namespace), every checked test fails with that one line.
 */
final class TestJvmReaper {
  private static TestJvmReaper instance; // guarded by TestJvmReaper.class
  private static String unavailable; // guarded by TestJvmReaper.class

  private final Reaper reaper;
  private final Map<Integer, ProcessSnapshot> aboutToBeReaped = new ConcurrentHashMap<>();
  private final List<ReapLog> open = new CopyOnWriteArrayList<>();

  private TestJvmReaper() {
    reaper = Posix.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.COOPERATIVE).withSubreaper(true)
        .withWarnIfNotReaper(false), p -> aboutToBeReaped.put(p.pid(), p));
    reaper.subscribe(this::reaped);
    reaper.start();
  }

  /**
   * The running reaper, started on first use.
   *
   * @throws ExtensionConfigurationException with one line if it cannot run here
   */
  static synchronized TestJvmReaper get() {
    if (instance != null) return instance;
    if (unavailable == null) {
      String os = System.getProperty("os.name", "");
      if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
        unavailable = "@NoProcessLeaks needs Linux (its /proc and pidfds); this is " + os;
      } else {
        try {
          instance = new TestJvmReaper();
          return instance;
        } catch (SupervisorException | LinkageError e) {
          unavailable = "@NoProcessLeaks cannot reap in this JVM: " + e.getMessage();
        }
      }
    }
    throw new ExtensionConfigurationException(unavailable);
  }

  Reaper reaper() {
    return reaper;
  }

  void open(ReapLog log) {
    open.add(log);
  }

  void close(ReapLog log) {
    open.remove(log);
    log.close();
  }

  private void reaped(ReapedProcess p) {
    ProcessSnapshot seen = aboutToBeReaped.remove(p.pid());
    ReapLog.Entry entry = new ReapLog.Entry(p.pid(), seen == null ? "?" : seen.name(), p.status(),
        seen == null ? Duration.ZERO : seen.age());
    for (ReapLog log : open) log.add(entry);
  }
}
