package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The reaper as a child subreaper (no root, not PID 1), and its warning when it is neither. */
@EnabledOnOs(OS.LINUX)
class SubreaperTest {
  static final String NOT_REAPER_WARNING = "is neither PID 1 nor a child subreaper";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  @Timeout(60)
  void reapsOrphansOfAGrandchildAsSubreaper() throws Exception {
    int n = 20;
    try (ForkedProcess init = Forks.start(InitFixture.class,
        "--subreaper", "--wait-orphans", Integer.toString(n), "--", Fixtures.path("orphans"), Integer.toString(n))) {
      assertEquals(0, init.waitFor(TIMEOUT), init::describe);
      List<String> out = init.stdout();
      Set<String> orphans = pids(out, "orphan ");
      Set<String> reaped = out.stream().filter(l -> l.startsWith("reaped "))
          .map(l -> {
            assertTrue(l.endsWith(" exited 0"), l);
            return l.split(" ")[1];
          })
          .collect(Collectors.toSet());
      assertEquals(n, orphans.size(), init::describe);
      assertEquals(orphans, reaped, "every orphan of the grandchild, and nothing else, is reaped as adopted");
      assertFalse(orphans.containsAll(pids(out, "child ")), "the child itself is not counted as adopted");
      assertTrue(out.contains("zombies 0"), init::describe);
      assertTrue(init.stderr().stream().noneMatch(l -> l.contains(NOT_REAPER_WARNING)), init::describe);
    }
  }

  @Test
  @Timeout(60)
  void warnsOnceWhenNeitherPid1NorSubreaper() throws Exception {
    // Three reapers in one JVM: the first two started and closed, the third runs the child.
    try (ForkedProcess init = Forks.start(InitFixture.class, "--reapers", "3", "--", "true")) {
      assertEquals(0, init.waitFor(TIMEOUT), init::describe);
      List<String> err = init.stderr();
      // Exactly one line: the warning once, and nothing else (on JDK 25 no jnr/JDK WARNING lines either).
      assertEquals(1, err.size(), init::describe);
      String warning = err.get(0);
      assertTrue(warning.contains("process " + init.pid() + " " + NOT_REAPER_WARNING), warning);
      assertTrue(warning.contains("Fix: run it as PID 1"), warning);
      assertTrue(warning.contains("subreaper"), warning);
      assertTrue(init.stdout().contains("zombies 0"), init::describe);
    }
  }

  @Test
  @Timeout(60)
  void doesNotWarnAsSubreaper() throws Exception {
    try (ForkedProcess init = Forks.start(InitFixture.class, "--subreaper", "--", "true")) {
      assertEquals(0, init.waitFor(TIMEOUT), init::describe);
      assertEquals(List.of(), init.stderr(), init::describe);
    }
  }

  private static Set<String> pids(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim())
        .collect(Collectors.toSet());
  }
}
