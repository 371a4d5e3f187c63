package io.github.supervisor4j.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The C fixture programs of src/test/c, compiled once per test JVM into target/fixtures with
 * the machine's gcc. Tests run them as real children: no mocked OS.
 */
final class Fixtures {
  private static final Path SOURCES = Paths.get("src/test/c").toAbsolutePath();
  private static final Path OUT = Paths.get("target/fixtures").toAbsolutePath();

  private Fixtures() {}

  /** The path of fixture {@code name} (print_signals, orphans, list_fds), compiled if needed. */
  static synchronized String path(String name) {
    Path bin = OUT.resolve(name);
    Path src = SOURCES.resolve(name + ".c");
    try {
      if (!Files.exists(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(src)) < 0) {
        Files.createDirectories(OUT);
        Process p = new ProcessBuilder(List.of("gcc", "-O2", "-Wall", "-o", bin.toString(), src.toString()))
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IllegalStateException("gcc failed for " + src + ":\n" + out);
        }
      }
      return bin.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
