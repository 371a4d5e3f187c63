package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class ForkedInitTest {

  @Test
  @Timeout(120)
  void reapsTenThousandSimultaneousOrphansAsPid1() throws Exception {
    PidNamespace.require();
    List<String> cmd = PidNamespace.wrap(TestJvm.command(InitFixture.class,
        "--wait-orphans", "10000", "--", Fixtures.path("orphans"), "10000"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = r.readLine()) != null) lines.add(line);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), () -> String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
    long reaped = lines.stream().filter(l -> l.startsWith("reaped ")).count();
    assertEquals(10000, reaped);
  }
}
