package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Dockerfile.launcher-tuned (issue 14): its ENTRYPOINT carries the launcher JVM options that
 * bench/run measures as "recommended" and the README recommends, and it runs as a container's
 * PID 1 would, outside Docker (there is no engine here).
 */
@EnabledOnOs(OS.LINUX)
class TunedLauncherRecipeTest {
  private static final Path DOCKERFILE = Built.module().resolve("containers").resolve("Dockerfile.launcher-tuned");
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @Test
  void carriesTheOptionsThatBenchRunMeasuresAndTheReadmeRecommends() throws IOException {
    List<String> entrypoint = ContainerRecipesTest.Dockerfile.parse(DOCKERFILE).entrypoint;
    List<String> options = entrypoint.subList(1, entrypoint.indexOf("-jar"));
    String benchRun = Files.readString(Built.root().resolve("bench").resolve("run"));
    String line = benchRun.lines().filter(l -> l.startsWith("REC_OPTS=\"")).findFirst().orElseThrow();
    assertEquals(List.of(line.substring("REC_OPTS=\"".length(), line.length() - 1).split(" ")), options);
    String readme = Files.readString(Built.root().resolve("README.md"));
    for (String o : options) assertTrue(readme.contains("\"" + o + "\""), "README's recipe lacks " + o);
    String dockerfile = Files.readString(DOCKERFILE);
    for (String o : options) assertTrue(dockerfile.contains("#   " + o), "no reason given for " + o);
  }

  @Test
  void runsAsPid1ReapsAndStopsWithExitZeroOnSigterm() throws Exception {
    PidNamespace.require();
    List<String> command = ContainerRecipesTest.containerCommand(DOCKERFILE);
    try (ForkedProcess container = ContainerRecipesTest.start(PidNamespace.wrapWithPrivateTmp(command))) {
      container.await(l -> l.contains("running until SIGTERM"), "'running until SIGTERM'");
      String started = container.output();
      assertTrue(started.contains("result: OK"), started);
      assertTrue(container.supervisor().destroy(), "SIGTERM to PID 1"); // as docker stop
      assertEquals(0, container.waitFor(LIMIT), container.output());
      String out = container.output();
      assertTrue(out.contains("shutdown: clean"), out);
      assertFalse(out.contains("Exception") || out.contains("warning"), out);
      assertEquals(List.of(), container.survivors(), out);
    }
  }
}
