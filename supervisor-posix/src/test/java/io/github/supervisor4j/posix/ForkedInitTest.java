package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The foundation as a true PID 1, in a new PID namespace (root; CI fails rather than skips). */
@EnabledOnOs(OS.LINUX)
class ForkedInitTest {

  @Test
  @Timeout(120)
  void reapsTenThousandSimultaneousOrphansAsPid1AndLeavesNoZombie() throws Exception {
    PidNamespace.require();
    List<String> cmd = PidNamespace.wrap(Forks.java(InitFixture.class)
        .args("--wait-orphans", "10000", "--", Fixtures.path("orphans"), "10000").toList());
    try (ForkedProcess init = ForkedProcess.start(cmd)) {
      assertEquals(0, init.waitFor(Duration.ofSeconds(90)), init::describe);
      List<String> out = init.stdout();
      assertEquals(10000, out.stream().filter(l -> l.startsWith("orphan ")).count(), init::describe);
      assertEquals(10000, out.stream().filter(l -> l.startsWith("reaped ") && l.endsWith(" exited 0")).count(), init::describe);
      assertTrue(out.contains("zombies 0"), init::describe);
      assertTrue(init.stderr().stream().noneMatch(l -> l.contains(SubreaperTest.NOT_REAPER_WARNING)),
          "PID 1 must not warn; " + init.describe());
    }
  }

  @Test
  @Timeout(60)
  void doesNotWarnAsPid1() throws Exception {
    PidNamespace.require();
    try (ForkedProcess init = ForkedProcess.start(PidNamespace.wrap(Forks.java(InitFixture.class).args("--", "true").toList()))) {
      assertEquals(0, init.waitFor(Duration.ofSeconds(30)), init::describe);
      assertEquals(List.of(), init.stderr(), init::describe);
    }
  }
}
