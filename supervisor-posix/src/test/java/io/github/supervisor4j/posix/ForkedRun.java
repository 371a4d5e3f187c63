package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.supervisor4j.Signal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A supervisor (the launcher, or an in-app fixture) run as a real process, as PID 1 of a new
 * PID namespace or as a subreaper, with its output (stdout and stderr merged) collected line by line with the
 * {@link System#nanoTime()} at which each line arrived.
 *
 * <p>Every process it starts inherits the environment variable {@link #TOKEN_VARIABLE} with a
 * value unique to this run, so {@link #survivors()} can find each one still alive afterwards,
 * whatever its pid namespace, session or parent; {@link #close()} SIGKILLs them.
 */
final class ForkedRun implements AutoCloseable {
  static final String TOKEN_VARIABLE = "S4J_SHUTDOWN_TEST_TOKEN";

  /** How the supervisor under test runs. */
  enum Mode { PID1, SUBREAPER }

  record Line(String text, long nanos) {}

  private final Process process;
  private final String token = UUID.randomUUID().toString();
  private final List<Line> lines = new ArrayList<>(); // guarded by itself
  private volatile long exitNanos;
  private final Thread reader;

  private ForkedRun(List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put(TOKEN_VARIABLE, token);
    process = pb.start();
    process.onExit().thenRun(() -> exitNanos = System.nanoTime());
    reader = new Thread(this::read, "output of " + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Runs {@code main} with {@code args} in a new JVM, in {@code mode}; PID1 needs namespaces. */
  static ForkedRun start(Mode mode, Class<?> main, String... args) throws IOException {
    List<String> a = new ArrayList<>();
    if (mode == Mode.SUBREAPER) a.add("--subreaper");
    a.addAll(List.of(args));
    List<String> cmd = TestJvm.command(main, List.of("-XX:-UsePerfData"), a);
    if (mode == Mode.PID1) {
      PidNamespace.require();
      cmd = PidNamespace.wrap(cmd);
    }
    return new ForkedRun(cmd);
  }

  /** Runs {@code main} with {@code args} in a new JVM, neither PID 1 nor subreaper. */
  static ForkedRun startPlain(Class<?> main, String... args) throws IOException {
    return new ForkedRun(TestJvm.command(main, List.of("-XX:-UsePerfData"), List.of(args)));
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (lines) {
          lines.add(new Line(line, System.nanoTime()));
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
  }

  /** The first line, in order of arrival, that matches {@code p}; fails after {@code timeout}. */
  Line await(Predicate<String> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lines) {
      int i = 0;
      while (true) {
        for (; i < lines.size(); i++) {
          if (p.test(lines.get(i).text())) return lines.get(i);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) fail("no matching line within " + timeout + "; output so far:\n" + output());
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
    }
  }

  /** The first line that starts with {@code prefix}. */
  Line await(String prefix) throws InterruptedException {
    return await(l -> l.startsWith(prefix), Duration.ofSeconds(30));
  }

  /** The number after {@code prefix} in the first line that starts with it: "child 12" gives 12. */
  int awaitPid(String prefix) throws InterruptedException {
    return Integer.parseInt(await(prefix + " ").text().substring(prefix.length() + 1).split(" ")[0]);
  }

  /** Waits for the exit and returns its code; fails after {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) fail("still running after " + timeout + ":\n" + output());
    while (exitNanos == 0) Thread.onSpinWait();
    return process.exitValue();
  }

  /** {@link System#nanoTime()} when the process exited. */
  long exitNanos() {
    return exitNanos;
  }

  /**
   * Sends {@code signal} to the supervisor: the JVM itself, also when it is PID 1 behind
   * unshare (which does not pass signals on).
   */
  void signal(Signal signal) throws InterruptedException {
    Os.kill(supervisorPid(), signal.number());
  }

  private int supervisorPid() throws InterruptedException {
    if (!process.info().command().orElse("").endsWith("unshare")) return (int) process.pid();
    for (int i = 0; i < 1000; i++) {
      List<ProcessHandle> children = process.children().collect(java.util.stream.Collectors.toList());
      if (!children.isEmpty()) return (int) children.get(0).pid();
      Thread.sleep(10);
    }
    throw new AssertionError("unshare " + process.pid() + " has no child");
  }

  /** Everything printed so far. */
  String output() {
    synchronized (lines) {
      StringBuilder sb = new StringBuilder();
      for (Line l : lines) sb.append(l.text()).append('\n');
      return sb.toString();
    }
  }

  /** The lines printed so far. */
  List<String> lines() {
    synchronized (lines) {
      List<String> out = new ArrayList<>();
      for (Line l : lines) out.add(l.text());
      return out;
    }
  }

  /**
   * The lines printed, once the output is closed: the process and every other holder of its
   * stdout and stderr have exited. Fails after 10 s.
   */
  List<String> linesAfterExit() throws InterruptedException {
    reader.join(10_000);
    if (reader.isAlive()) fail("output still open 10 s after the exit:\n" + output());
    return lines();
  }

  /** Live processes (not zombies) that this run started, wherever they ended up. */
  List<Integer> survivors() {
    byte[] needle = (TOKEN_VARIABLE + "=" + token + "\0").getBytes(StandardCharsets.US_ASCII);
    List<Integer> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Paths.get("/proc"))) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          byte[] env = Files.readAllBytes(p.resolve("environ"));
          if (indexOf(env, needle) >= 0) {
            Proc.Stat m = Proc.stat(Integer.parseInt(name)).orElse(null);
            if (m != null && !m.isZombie()) out.add(m.pid());
          }
        } catch (IOException | SecurityException e) {
          // gone, or not ours to read
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    for (int pid : survivors()) Os.kill(pid, Signal.SIGKILL.number());
  }
}
