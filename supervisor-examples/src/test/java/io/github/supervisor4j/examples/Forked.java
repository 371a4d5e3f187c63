package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A command started by a test, its standard output and error merged into a file. Every process
 * it starts inherits an environment token, so that a test can find any process left behind.
 */
final class Forked implements AutoCloseable {
  static final String TOKEN_VARIABLE = "SUPERVISOR4J_EXAMPLES_TEST_TOKEN";

  private final Process process;
  private final Path output;
  private final String token = UUID.randomUUID().toString();

  private Forked(List<String> command, Map<String, String> env) throws IOException {
    output = Files.createTempFile("supervisor4j-example", ".out");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().putAll(env);
    pb.environment().put(TOKEN_VARIABLE, token);
    process = pb.start();
  }

  static Forked start(List<String> command) throws IOException {
    return new Forked(command, Map.of());
  }

  static Forked start(List<String> command, Map<String, String> env) throws IOException {
    return new Forked(command, env);
  }

  /** Everything written so far. */
  String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the output holds {@code text}; fails with the output if it does not within {@code limit}. */
  void awaitOutput(String text, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!output().contains(text)) {
      if (!process.isAlive() && !output().contains(text)) fail("exited " + process.exitValue() + " before printing '" + text + "':\n" + output());
      if (System.nanoTime() > deadline) fail("no '" + text + "' within " + limit + ":\n" + output());
      Thread.sleep(20);
    }
  }

  /** The exit code; fails with the output if the command is still running after {@code limit}. */
  int waitFor(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) fail("still running after " + limit + ":\n" + output());
    return process.exitValue();
  }

  /**
   * The process that the command runs as PID 1 of its namespace: the child of {@code unshare
   * --fork} (through the exec of {@code sh}, same pid).
   */
  ProcessHandle pid1() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var child = process.toHandle().children().findFirst();
      if (child.isPresent()) return child.get();
      Thread.sleep(20);
    }
    return fail("unshare started no child:\n" + output());
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Pids of live processes (zombies aside) that inherited this run's token. */
  List<Long> leftBehind() {
    return ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> hasToken(p.pid())).filter(p -> !isZombie(p.pid())).map(ProcessHandle::pid).toList();
  }

  private boolean hasToken(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ"))).contains(TOKEN_VARIABLE + "=" + token);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isZombie(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    Files.deleteIfExists(output);
  }
}
