package io.github.supervisor4j.posix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process started by a test, whose stdout and stderr lines are collected as they come so that
 * a test can wait for a line instead of sleeping. {@link #close()} kills it and its descendants.
 */
final class Running implements AutoCloseable {
  private final Process process;
  private final List<String> out = new ArrayList<>(); // guarded by this
  private final List<String> err = new ArrayList<>(); // guarded by this
  private final Thread outReader;
  private final Thread errReader;
  private final java.util.BitSet taken = new java.util.BitSet(); // guarded by this: stdout lines returned by await

  private Running(Process process) {
    this.process = process;
    outReader = reader(process.getInputStream(), out, "stdout");
    errReader = reader(process.getErrorStream(), err, "stderr");
  }

  static Running start(List<String> command) {
    return start(new ProcessBuilder(command));
  }

  static Running start(ProcessBuilder pb) {
    try {
      return new Running(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + pb.command(), e);
    }
  }

  private Thread reader(InputStream in, List<String> lines, String name) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (this) {
            lines.add(line);
            notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, "reader " + name + " of " + process.pid());
    t.setDaemon(true);
    t.start();
    return t;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Waits for the first stdout line that matches and was not returned by an earlier await, and
   * returns it. Lines of the process and of its children interleave, so earlier lines that do
   * not match stay available to later awaits.
   *
   * @throws AssertionError naming what was awaited and all output, after {@code timeout}
   */
  synchronized String await(Predicate<String> matching, String what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = taken.nextClearBit(0); i < out.size(); i = taken.nextClearBit(i + 1)) {
        if (matching.test(out.get(i))) {
          taken.set(i);
          return out.get(i);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
        throw new AssertionError("no line " + what + " within " + timeout + "; " + describe());
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** As {@link #await(Predicate, String, Duration)} for a line starting with {@code prefix}. */
  String await(String prefix, Duration timeout) throws InterruptedException {
    return await(l -> l.startsWith(prefix), "starting with '" + prefix + "'", timeout);
  }

  /** Writes one line to the process's stdin. */
  void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Waits for the exit and for both streams to end; returns the exit code. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout + "; " + describe());
    }
    outReader.join(timeout.toMillis());
    errReader.join(timeout.toMillis());
    return process.exitValue();
  }

  synchronized List<String> stdout() {
    return new ArrayList<>(out);
  }

  synchronized List<String> stderr() {
    return new ArrayList<>(err);
  }

  /** The output so far, for assertion messages. */
  synchronized String describe() {
    return "stdout:\n  " + String.join("\n  ", tail(out)) + "\nstderr:\n  " + String.join("\n  ", tail(err));
  }

  private static List<String> tail(List<String> lines) {
    return lines.subList(Math.max(0, lines.size() - 40), lines.size());
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
