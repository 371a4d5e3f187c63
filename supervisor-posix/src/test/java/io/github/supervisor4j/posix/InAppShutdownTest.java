package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.posix.Forks.Mode;
import io.github.supervisor4j.testing.ForkedProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The in-app {@link io.github.supervisor4j.TreeShutdown} as a JVM shutdown hook, in an app
 * ({@link InAppShutdownFixture}) that is PID 1 of a namespace or a subreaper, with the default
 * COOPERATIVE reaper: a spawned child that ignores SIGTERM, a double-forked daemon and a setsid
 * process it adopted, and a child started with ProcessBuilder, whose status the JDK keeps.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class InAppShutdownTest {

  @ParameterizedTest
  @EnumSource(Mode.class)
  void sigtermToTheAppTerminatesThenKillsItsChildrenAndAdoptedOrphans(Mode mode) throws Exception {
    try (ForkedProcess run = Forks.supervisor(mode, Forks.java(InAppShutdownFixture.class).options("-XX:-UsePerfData"), "--grace", "500ms", "--kill-after", "1s", "--jdk-child",
        "--", Fixtures.path("print_signals"), "--ignore-term",
        "--", Fixtures.path("daemons"), "0", "1000", "1000")) {
      int stubborn = run.awaitPid("ready");
      int daemon = run.awaitPid("daemon");
      int session = run.awaitPid("session");
      int jdkChild = run.awaitPid("jdk child");
      run.awaitEquals("ready");
      // The daemons main exited 0 at once; its daemon and setsid child are now the app's orphans.
      run.await("reaped ");
      long sent = System.nanoTime();
      run.signal(Signal.SIGTERM.number());
      assertEquals(143, run.waitFor(Duration.ofSeconds(40)), run::output);
      long took = TimeUnit.NANOSECONDS.toMillis(run.exitNanos() - sent);
      String out = run.output();
      assertTrue(took >= 1500, "exited " + took + " ms after SIGTERM, before grace 500ms + kill-after 1s:\n" + out);
      assertTrue(out.contains("sending SIGTERM to 4 processes"), out);
      assertTrue(out.contains(stubborn + " (print_signals)") && out.contains(daemon + " (daemons)")
          && out.contains(session + " (daemons)") && out.contains(jdkChild + " (sleep)"), out);
      // Terminated with the others, and reaped by the JDK, never by the COOPERATIVE reaper, so
      // Process.exitValue() is the real status. (With EXCLUSIVE this is a race that the JDK,
      // blocked in waitpid on that pid, usually wins for one child: CooperativeStressTest
      // shows the stolen statuses over thousands.)
      assertTrue(out.contains("jdk child " + jdkChild + " exit 143"), out);
      assertTrue(!out.contains("reaped " + jdkChild + " "), out);
      assertTrue(out.contains("sending SIGKILL to 1 process still alive after 1s: " + stubborn + " (print_signals)"), out);
      assertTrue(out.contains("reaped " + stubborn + " killed by SIGKILL"), out);
      assertTrue(out.contains("reaped " + daemon + " killed by SIGTERM") && out.contains("reaped " + session + " killed by SIGTERM"), out);
      assertTrue(!out.contains("giving up"), out);
      assertTrue(run.survivors().isEmpty(), () -> "left behind: " + run.survivors());
    }
  }
}
