package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * containers/Dockerfile.launcher-jdk25-aot: FROM eclipse-temurin:25-jdk (Temurin 25 of this
 * machine), its RUN step trains an ahead-of-time cache of the launcher while the image is built,
 * and its ENTRYPOINT uses it. Start-up figures: bench/containers.sh (not a test).
 */
@EnabledOnOs(LINUX)
@ExtendWith(PodmanExtension.class)
@Timeout(120)
class Jdk25AotImageInPodmanTest {
  private static final String DOCKERFILE = "Dockerfile.launcher-jdk25-aot";
  private static Podman podman;
  private static String image;

  @BeforeAll
  static void build() {
    podman = Podman.engine();
    podman.temurin25();
    image = podman.recipe(DOCKERFILE, podman.name("launcher-jdk25-aot"));
  }

  /** The ENTRYPOINT's java options, with {@code extra} added: the command is replaced by {@code -- true}. */
  private static String launcher(String... extra) throws IOException {
    List<String> entrypoint = ContainerRecipesTest.Dockerfile.parse(Built.module().resolve("containers/" + DOCKERFILE)).entrypoint;
    List<String> words = new ArrayList<>(entrypoint.subList(0, entrypoint.indexOf("--")));
    words.addAll(1, List.of(extra));
    words.addAll(List.of("--", "true"));
    return ContainerRecipesInPodmanTest.json(words);
  }

  /** -XX:AOTMode=on makes a cache that cannot be used an error, instead of a silent start without it. */
  @Test
  void launcherStartsFromTheAotCacheTrainedAtBuildTime() throws IOException {
    List<String> args = new ArrayList<>(List.of("run", "--name", podman.name("aot-on")));
    args.addAll(podman.label());
    args.addAll(List.of("--entrypoint", launcher("-XX:AOTMode=on", "-Xlog:aot"), image));
    Podman.Result r = podman.podman(args);
    assertEquals(0, r.code(), r.describe());
    assertTrue(r.out().contains("Opened AOT cache /opt/supervisor4j/launcher.aot."), r.describe());
    assertTrue(r.out().contains("Using AOT-linked classes: true"), r.describe());
  }

  @Test
  void jdk25ImageRunsTheAppBehindTheLauncher() {
    String name = podman.name("aot-app");
    List<String> args = new ArrayList<>(List.of("run", "--name", name));
    args.addAll(podman.label());
    args.addAll(List.of(image, "--orphans", "4"));
    Podman.Result r = podman.podman(args);
    assertEquals(0, podman.exitCode(name), r.describe());
    assertTrue(r.out().contains("result: OK") && r.out().contains("shutdown: clean"), r.describe());
    // The launcher prints nothing on JDK 25 (the app's own JVM may warn about jffi's use of Unsafe).
    assertTrue(Pattern.compile("(?m)^\\[(WARN|ERROR|FATAL) +supervisor4j").matcher(r.both()).results().findAny().isEmpty(), r.describe());
  }
}
