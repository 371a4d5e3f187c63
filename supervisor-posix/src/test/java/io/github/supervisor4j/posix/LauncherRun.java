package io.github.supervisor4j.posix;

import io.github.supervisor4j.posix.launcher.Launcher;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.supervisor4j.Signal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One launcher (or tini, or anything) started by a test, with its stdout and stderr collected
 * line by line on two threads so that a test can await a line instead of sleeping.
 *
 * <p>Made with {@link #launcher}, which forks a JVM running {@link Launcher} on the test class
 * path; {@link #inPidNamespace} runs it as PID 1 of a new PID namespace.
 */
final class LauncherRun implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final boolean namespaced;
  private final Thread outReader;
  private final Thread errReader;

  private LauncherRun(Process process, boolean namespaced) {
    this.process = process;
    this.namespaced = namespaced;
    outReader = collect(process.getInputStream(), out);
    errReader = collect(process.getErrorStream(), err);
  }

  /** The java command that runs the launcher with {@code args}. */
  static List<String> launcherCommand(String... args) {
    // -XX:-UsePerfData: two JVMs that are each PID 1 of their own namespace share
    // /tmp/hsperfdata_root/1, and the second prints a warning on stdout about it.
    return TestJvm.command(Launcher.class, List.of("-XX:-UsePerfData"), List.of(args));
  }

  static LauncherRun launcher(String... args) throws IOException {
    return start(launcherCommand(args), Map.of(), false);
  }

  static LauncherRun launcher(Map<String, String> env, String... args) throws IOException {
    return start(launcherCommand(args), env, false);
  }

  /** The launcher as PID 1 of a new PID namespace (the caller has checked {@link PidNamespace#require()}). */
  static LauncherRun inPidNamespace(String... args) throws IOException {
    return start(PidNamespace.wrap(launcherCommand(args)), Map.of(), true);
  }

  /** Any command; {@code env} entries with a null value are removed. */
  static LauncherRun start(List<String> command, Map<String, String> env, boolean namespaced) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    for (String name : List.of("SUPERVISOR_SUBREAPER", "SUPERVISOR_KILL_PROCESS_GROUP", "SUPERVISOR_VERBOSITY",
        "TINI_SUBREAPER", "TINI_KILL_PROCESS_GROUP", "TINI_VERBOSITY")) {
      pb.environment().remove(name);
    }
    env.forEach((k, v) -> {
      if (v == null) pb.environment().remove(k);
      else pb.environment().put(k, v);
    });
    return new LauncherRun(pb.start(), namespaced);
  }

  private static Thread collect(InputStream in, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "collect");
    t.setDaemon(true);
    t.start();
    return t;
  }

  OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Waits for a stdout line matching {@code p} and returns it. */
  String awaitOut(Predicate<String> p) throws InterruptedException {
    return await(out, p, "stdout");
  }

  /** Waits for a stderr line matching {@code p} and returns it. */
  String awaitErr(Predicate<String> p) throws InterruptedException {
    return await(err, p, "stderr");
  }

  private String await(List<String> lines, Predicate<String> p, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    synchronized (lines) {
      while (true) {
        for (String l : lines) {
          if (p.test(l)) return l;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) fail("no matching line on " + what + " within " + TIMEOUT + "; " + this);
        TimeUnit.NANOSECONDS.timedWait(lines, left);
      }
    }
  }

  /** Waits for the exit, then for both streams to be read to their end. Returns the exit code. */
  int exitCode() throws InterruptedException {
    assertTrue(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), () -> "did not exit within " + TIMEOUT + "; " + this);
    return process.exitValue();
  }

  List<String> out() {
    synchronized (out) {
      return new ArrayList<>(out);
    }
  }

  List<String> err() {
    synchronized (err) {
      return new ArrayList<>(err);
    }
  }

  /** Stdout and stderr once both are closed (the process and every holder of the pipes are gone). */
  List<String> errAfterExit() throws InterruptedException {
    exitCode();
    awaitClosed();
    return err();
  }

  /** Both readers reach EOF once every holder of the pipes (the process, any orphan) is gone. */
  private void awaitClosed() throws InterruptedException {
    outReader.join(TIMEOUT.toMillis());
    errReader.join(TIMEOUT.toMillis());
    assertTrue(!outReader.isAlive() && !errReader.isAlive(), () -> "output still open " + TIMEOUT + " after exit; " + this);
  }

  /**
   * The host pid of the launcher: the process itself, or, inside a PID namespace, the one
   * child of {@code unshare --fork}.
   */
  long launcherPid() throws Exception {
    long pid = process.pid();
    if (!namespaced) return pid;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String children = Files.readString(Paths.get("/proc/" + pid + "/task/" + pid + "/children")).trim();
      if (!children.isEmpty()) return Long.parseLong(children.split(" ")[0]);
      Thread.sleep(5);
    }
    throw new AssertionError("unshare started no child; " + this);
  }

  /** Sends {@code signal} to the launcher (kill(2) from the test JVM; it reaps nothing). */
  void signal(Signal signal) throws Exception {
    Os.kill((int) launcherPid(), signal.number());
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public String toString() {
    return "stdout " + out() + " stderr " + err();
  }
}
