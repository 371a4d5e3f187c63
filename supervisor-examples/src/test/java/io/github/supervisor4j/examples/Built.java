package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

/** Where the build put what the examples run: the repository, the demo jar, the launcher jar. */
final class Built {
  private Built() {}

  /** The repository root (the tests run in supervisor-examples/). */
  static Path root() {
    return Paths.get("").toAbsolutePath().getParent();
  }

  static Path module() {
    return Paths.get("").toAbsolutePath();
  }

  /** The shaded demo jar, the README's main-job command. */
  static Path demoJar() {
    return jar(module().resolve("target"), "supervisor-examples-", "-demo.jar");
  }

  /** The launcher jar of supervisor-posix (issue 3). */
  static Path launcherJar() {
    return jar(root().resolve("supervisor-posix/target"), "supervisor-posix-", "-launcher.jar");
  }

  private static Path jar(Path dir, String prefix, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(suffix))
          .findFirst().orElseThrow();
    } catch (IOException | RuntimeException e) {
      return fail("no " + prefix + "*" + suffix + " in " + dir + ": these tests run after `package` (mvn verify)");
    }
  }
}
