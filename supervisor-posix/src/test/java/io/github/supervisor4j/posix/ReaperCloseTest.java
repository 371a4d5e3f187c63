package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.supervisor4j.testing.ForkedProcess;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Reaper.close()} ends the reaper thread even while it is blocked in waitid with a child
 * alive (woken by a child of its own that exits at once), and that child is reaped: no zombie
 * is left. Before, the thread stayed in waitid until some child exited, and HotSpot's exit waits
 * up to 300 ms for a thread in native code: the launcher's exit with a descendant still alive.
 */
@EnabledOnOs(OS.LINUX)
class ReaperCloseTest {

  @ParameterizedTest
  @ValueSource(strings = {"EXCLUSIVE", "COOPERATIVE"})
  @Timeout(60)
  void closeEndsAReaperThreadBlockedInWaitidAndLeavesNoZombie(String policy) throws Exception {
    try (ForkedProcess run = Forks.start(ReaperCloseFixture.class, policy)) {
      assertEquals(0, run.waitFor(), run::toString);
      assertEquals(List.of("reaper thread ended: true", "zombie children: 0"), run.stdoutAtEnd(), run::toString);
    }
  }
}
