package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write-up's experiment in podman (example 2 with a real engine; pod-experiment.sh is the
 * same without one): containers/Dockerfile.pause, our launcher in pause mode, is {@code pause-me};
 * a JVM service, a shell and containers/zombie_demo.c's image join it with
 * {@code --pid=container:pause-me}. The same experiment with a PID 1 that does not reap shows
 * that its checks can fail.
 */
@EnabledOnOs(LINUX)
@ExtendWith(PodmanExtension.class)
@Timeout(150)
class SeedExperimentInPodmanTest {
  private static Podman podman;
  private static String zombieDemo;

  @BeforeAll
  static void images() throws Exception {
    podman = Podman.engine();
    podman.recipe("Dockerfile.inapp", "orphan-reaping-app:inapp");
    zombieDemo = zombieDemoImage(podman);
  }

  /** containers/zombie_demo.c, compiled static, in containers/Dockerfile.zombie_demo's FROM scratch image. */
  static String zombieDemoImage(Podman podman) throws IOException {
    if (podman.has(podman.name("zombie_demo"))) return podman.name("zombie_demo");
    Path context = podman.directory("zombie_demo");
    Path source = Built.module().resolve("containers/zombie_demo.c");
    Podman.Result gcc = podman.exec(List.of("gcc", "-Os", "-Wall", "-Werror", "-static", source.toString(), "-o",
        context.resolve("zombie_demo").toString()), java.util.Map.of(), Duration.ofSeconds(60));
    assertEquals(0, gcc.code(), "gcc -static (needs gcc and the static C library, libc6-dev):\n" + gcc.describe());
    return podman.build(podman.name("zombie_demo"), Built.module().resolve("containers/Dockerfile.zombie_demo"), context);
  }

  @Test
  void launcherAsPauseMeIsPid1OfThePodReapsZombieDemosOrphansAndStopsWithExitZero() {
    String pauseMe = podman.recipe("Dockerfile.pause", podman.name("pause-me"));
    SeedExperiment e = new SeedExperiment(podman, pauseMe, "java -jar /supervisor-launcher.jar --pause -v", zombieDemo,
        Duration.ofSeconds(15)).run();
    assertEquals(List.of(), e.failed, e.transcript());
    assertEquals(11, e.passed.size(), e.transcript());
    assertTrue(e.passed.contains("pause-me exited 0"), e.transcript());
  }

  /** The negative control: the same steps, with a pause-me that reaps nothing ({@link NonReapingPause}). */
  @Test
  void experimentFailsItsReapChecksWhenPid1DoesNotReap() throws IOException {
    Path context = podman.directory("non-reaping-pause");
    writeJar(context.resolve("non-reaping-pause.jar"), NonReapingPause.class);
    Files.writeString(context.resolve("Dockerfile"), "FROM eclipse-temurin:17-jre\n"
        + "COPY non-reaping-pause.jar /non-reaping-pause.jar\n"
        + "ENTRYPOINT [\"java\", \"-jar\", \"/non-reaping-pause.jar\"]\n");
    String image = podman.build(podman.name("non-reaping-pause"), context.resolve("Dockerfile"), context);
    SeedExperiment e = new SeedExperiment(podman, image, "java -jar /non-reaping-pause.jar", zombieDemo, Duration.ofSeconds(3)).run();
    assertEquals(3, e.failed.size(), e.transcript());
    assertTrue(e.failed.stream().anyMatch(f -> f.matches("pause-me's log does not say 'reaped zombie process \\d+ \\(killed by SIGKILL\\)'.*")), e.transcript());
    assertTrue(e.failed.stream().anyMatch(f -> f.matches("pause-me's log does not say 'reaped zombie process \\d+ \\(exited 0\\)'.*")), e.transcript());
    assertTrue(e.failed.stream().anyMatch(f -> f.startsWith("2 zombie(s) left for PID 1")), e.transcript());
    assertTrue(e.passed.contains("pause-me exited 0"), e.transcript());
  }

  private static void writeJar(Path jar, Class<?> main) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
    String entry = main.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
         InputStream in = main.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
    }
  }
}
