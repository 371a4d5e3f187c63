package io.github.supervisor4j.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A process started by a test (a forked JVM, the launcher, tini, a shell), with its stdout and
 * stderr, separate or merged, collected line by line as they arrive, each with the {@link
 * System#nanoTime()} of its arrival, so that a test waits for a line instead of sleeping.
 *
 * <p>Every wait is bounded: {@link #await}, {@link #waitFor} and {@link #awaitEnd} fail after a
 * timeout (the run's default, {@link #DEFAULT_TIMEOUT} unless the builder sets another) with
 * what was awaited and the output so far. A wait for a line also fails as soon as the stream
 * has ended without it.
 *
 * <p>Every process it starts, and every descendant of those that keeps its environment,
 * inherits {@link #TOKEN_VARIABLE} with a value unique to the run: {@link #survivors()} finds
 * them anywhere in /proc, whatever their parent, session or PID namespace. {@link #close()}
 * SIGKILLs the process, its descendants and the survivors, and never throws; a JVM shutdown
 * hook does the same for runs still open when the test JVM is ended (Surefire's fork timeout).
 *
 * <p>A command that starts with {@code unshare ... --fork} runs its command as the child of
 * unshare: {@link #supervisorPid()} is that child (in a new PID namespace, its PID 1), and
 * {@link #signal} goes there, since unshare passes no signal on.
 *
 * <p>Thread-safe. The output is kept whole; a run is meant for one test.
 */
public final class ForkedProcess implements AutoCloseable {
  /** The environment variable that marks every process of a run. */
  public static final String TOKEN_VARIABLE = "SUPERVISOR4J_TEST_TOKEN";
  /** How long an await or waitFor waits unless the builder or the call says otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final Set<ForkedProcess> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(ForkedProcess::close), "kill forked processes"));
  }

  /** Where a line came from; with merged output every line is {@code STDOUT}. */
  public enum Stream { STDOUT, STDERR }

  /** One line of output, and when it arrived ({@link System#nanoTime()}). */
  public record Line(Stream stream, String text, long nanos) {}

  private final List<String> command;
  private final Process process;
  private final Duration timeout;
  private final boolean merged;
  private final boolean forkedByUnshare;
  private final String token = UUID.randomUUID().toString();
  private final List<Line> lines = new ArrayList<>(); // guarded by this
  private final Map<Stream, BitSet> taken = Map.of(Stream.STDOUT, new BitSet(), Stream.STDERR, new BitSet()); // guarded by this
  private final Map<Stream, Thread> readers = new LinkedHashMap<>();
  private final CompletableFuture<Process> exited;
  private volatile long exitNanos;
  private volatile long supervisorPid;

  private ForkedProcess(Builder b) {
    command = List.copyOf(b.command);
    timeout = b.timeout;
    merged = b.merged;
    forkedByUnshare = isUnshareFork(command);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(merged);
    if (b.directory != null) pb.directory(b.directory.toFile());
    if (b.stdinNull) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    b.env.forEach((k, v) -> {
      if (v == null) pb.environment().remove(k);
      else pb.environment().put(k, v);
    });
    pb.environment().put(TOKEN_VARIABLE, token);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    OPEN.add(this);
    exited = process.onExit().thenApply(p -> {
      exitNanos = System.nanoTime();
      return p;
    });
    readers.put(Stream.STDOUT, read(process.getInputStream(), Stream.STDOUT));
    if (!merged) readers.put(Stream.STDERR, read(process.getErrorStream(), Stream.STDERR));
  }

  /** A builder for {@code command}. */
  public static Builder of(List<String> command) {
    return new Builder(command);
  }

  /** Starts {@code command} with separate stdout and stderr and the default timeout. */
  public static ForkedProcess start(List<String> command) {
    return of(command).start();
  }

  /** Options of a run; nouns that return {@code this}, then {@link #start()}. Not thread-safe. */
  public static final class Builder {
    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path directory;
    private boolean merged;
    private boolean stdinNull;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder(List<String> command) {
      if (command.isEmpty()) throw new IllegalArgumentException("command is empty");
      this.command = List.copyOf(command);
    }

    /** Sets {@code name} in the environment, or removes it if {@code value} is null. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** As {@link #env(String, String)} for each entry; a null value removes the variable. */
    public Builder env(Map<String, String> variables) {
      env.putAll(variables);
      return this;
    }

    /** Removes these variables from the inherited environment. */
    public Builder withoutEnv(String... names) {
      for (String n : names) env.put(n, null);
      return this;
    }

    public Builder directory(Path dir) {
      directory = dir;
      return this;
    }

    /** Stderr into stdout, one stream of lines in the order the process wrote them. */
    public Builder mergedOutput() {
      merged = true;
      return this;
    }

    /** Stdin from /dev/null instead of a pipe the test can write to. */
    public Builder stdinFromDevNull() {
      stdinNull = true;
      return this;
    }

    /** The default bound of every await and waitFor of the run. */
    public Builder timeout(Duration t) {
      if (t.isNegative() || t.isZero()) throw new IllegalArgumentException("timeout <= 0: " + t);
      timeout = t;
      return this;
    }

    public ForkedProcess start() {
      return new ForkedProcess(this);
    }
  }

  private static boolean isUnshareFork(List<String> command) {
    if (!Paths.get(command.get(0)).getFileName().toString().equals("unshare")) return false;
    for (String a : command.subList(1, command.size())) {
      if (a.equals("--fork") || a.equals("-f")) return true;
      if (!a.startsWith("-")) return false; // unshare's own options end at its command
    }
    return false;
  }

  private Thread read(InputStream in, Stream stream) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          long now = System.nanoTime();
          synchronized (this) {
            lines.add(new Line(stream, line, now));
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the pipe was closed under us: the run is being closed
      } finally {
        synchronized (this) {
          notifyAll();
        }
      }
    }, stream.name().toLowerCase() + " of " + process.pid());
    t.setDaemon(true);
    t.start();
    return t;
  }

  // ---- who -----------------------------------------------------------------------------

  /** The pid of the started process. */
  public long pid() {
    return process.pid();
  }

  /**
   * The process under test: the started process, or, for {@code unshare --fork}, its child
   * (the PID 1 of a new PID namespace), awaited within the run's timeout.
   */
  public long supervisorPid() {
    if (!forkedByUnshare) return process.pid();
    if (supervisorPid != 0) return supervisorPid;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> child = process.toHandle().children().findFirst();
      if (child.isPresent()) return supervisorPid = child.get().pid();
      if (!process.isAlive()) break;
      pause(5);
    }
    return fail("unshare " + process.pid() + " started no child within " + timeout + "; " + describe());
  }

  /** {@link #supervisorPid()} as a handle. */
  public ProcessHandle supervisor() {
    long pid = supervisorPid();
    return ProcessHandle.of(pid).orElseGet(() -> fail("process " + pid + " is gone; " + describe()));
  }

  /** Sends signal number {@code signal} to {@link #supervisorPid()} with kill(1). */
  public void signal(int signal) {
    kill(supervisorPid(), signal);
  }

  /**
   * Sends signal number {@code signal} to {@code pid} with kill(1) (a negative pid is a process
   * group); fails if kill does not exit 0 within 10 s.
   */
  public static void kill(long pid, int signal) {
    if (signal <= 0) throw new IllegalArgumentException("signal <= 0: " + signal);
    List<String> cmd = List.of("kill", "-" + signal, "--", Long.toString(pid));
    try {
      Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!k.waitFor(10, TimeUnit.SECONDS)) {
        k.destroyForcibly();
        fail(String.join(" ", cmd) + " did not exit within 10 s");
      }
      String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (k.exitValue() != 0) fail(String.join(" ", cmd) + " exited " + k.exitValue() + ": " + out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while running " + cmd);
    }
  }

  // ---- output --------------------------------------------------------------------------

  /**
   * Waits for the first line on {@code stream} that matches and was not returned by an earlier
   * await, and returns it. Lines that do not match stay for later awaits, so lines of a process
   * and of its children may interleave in any order.
   *
   * @throws AssertionError after {@code limit}, or once the stream has ended, naming what was
   *     awaited and showing the output
   */
  public Line awaitLine(Stream stream, Predicate<String> matching, String what, Duration limit) throws InterruptedException {
    if (merged && stream == Stream.STDERR) throw new IllegalStateException("stderr is merged into stdout in this run");
    long deadline = System.nanoTime() + limit.toNanos();
    BitSet used = taken.get(stream);
    synchronized (this) {
      int scanned = 0;
      while (true) {
        for (; scanned < lines.size(); scanned++) {
          Line l = lines.get(scanned);
          if (l.stream() == stream && !used.get(scanned) && matching.test(l.text())) {
            used.set(scanned);
            return l;
          }
        }
        // The reader appends under this lock before it ends, so every line it read was scanned.
        if (!readers.get(stream).isAlive()) {
          awaitOtherStreams(TimeUnit.MILLISECONDS.toNanos(500)); // so that the message shows them whole
          fail("no " + stream.name().toLowerCase() + " line " + what + ": the stream ended (" + state() + "); " + describe());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) fail("no " + stream.name().toLowerCase() + " line " + what + " within " + limit + " (" + state() + "); " + describe());
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    }
  }

  /** The next stdout (or merged) line that matches, with its time of arrival, within the run's timeout. */
  public Line awaitLine(Predicate<String> matching, String what) throws InterruptedException {
    return awaitLine(Stream.STDOUT, matching, what, timeout);
  }

  /** Under this lock: waits up to {@code nanos} for every reader to end. */
  private void awaitOtherStreams(long nanos) throws InterruptedException {
    long end = System.nanoTime() + nanos;
    while (readers.values().stream().anyMatch(Thread::isAlive) && System.nanoTime() < end) {
      TimeUnit.MILLISECONDS.timedWait(this, 10);
    }
  }

  /** The text of the next stdout (or merged) line that matches, within the run's timeout. */
  public String await(Predicate<String> matching, String what) throws InterruptedException {
    return awaitLine(Stream.STDOUT, matching, what, timeout).text();
  }

  /** The next stdout (or merged) line that starts with {@code prefix}. */
  public String await(String prefix) throws InterruptedException {
    return await(l -> l.startsWith(prefix), "starting with '" + prefix + "'");
  }

  /** The next stdout (or merged) line that is exactly {@code text}. */
  public String awaitEquals(String text) throws InterruptedException {
    return await(text::equals, "'" + text + "'");
  }

  /** The next stderr line that matches, within the run's timeout. */
  public String awaitErr(Predicate<String> matching, String what) throws InterruptedException {
    return awaitLine(Stream.STDERR, matching, what, timeout).text();
  }

  /** The next stderr line that contains {@code text}. */
  public String awaitErr(String text) throws InterruptedException {
    return awaitErr(l -> l.contains(text), "containing '" + text + "'");
  }

  /** The number after {@code prefix} in the next stdout line "prefix N ...": "ready 12" gives 12. */
  public int awaitPid(String prefix) throws InterruptedException {
    String line = await(prefix + " ");
    String rest = line.substring(prefix.length() + 1).trim().split(" ")[0];
    try {
      return Integer.parseInt(rest);
    } catch (NumberFormatException e) {
      return fail("no number after '" + prefix + "' in line '" + line + "'; " + describe());
    }
  }

  /** Stdout (or merged output) so far. */
  public List<String> stdout() {
    return texts(Stream.STDOUT);
  }

  /** Stderr so far (empty if merged). */
  public List<String> stderr() {
    return texts(Stream.STDERR);
  }

  /** Stdout (or merged output) so far, one string with a newline after each line. */
  public String output() {
    StringBuilder sb = new StringBuilder();
    for (String l : stdout()) sb.append(l).append('\n');
    return sb.toString();
  }

  private synchronized List<String> texts(Stream stream) {
    List<String> out = new ArrayList<>();
    for (Line l : lines) {
      if (l.stream() == stream) out.add(l.text());
    }
    return out;
  }

  /** Every line so far, in order of arrival, with the stream and time of each. */
  public synchronized List<Line> lines() {
    return new ArrayList<>(lines);
  }

  // ---- input ---------------------------------------------------------------------------

  /** The process's stdin (a pipe, unless {@link Builder#stdinFromDevNull()}). */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Writes {@code line} and a newline to stdin, and flushes. */
  public void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Closes stdin: the process reads end of file. */
  public void closeStdin() throws IOException {
    process.getOutputStream().close();
  }

  // ---- the end -------------------------------------------------------------------------

  /** Waits for the exit and returns the exit code; fails after the run's timeout. */
  public int waitFor() throws InterruptedException {
    return waitFor(timeout);
  }

  /**
   * Waits for the exit and returns the exit code; fails with the output after {@code limit}.
   * Then waits a little for the lines the process wrote before it exited: until both streams
   * end, or, where something left behind holds them open, until no line has come for 100 ms (1 s
   * at most). Use {@link #awaitEnd()} where every line must be in.
   */
  public int waitFor(Duration limit) throws InterruptedException {
    int code;
    try {
      code = exited.get(limit.toNanos(), TimeUnit.NANOSECONDS).exitValue();
    } catch (TimeoutException e) {
      return fail("still running after " + limit + "; " + describe());
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
    settle();
    return code;
  }

  private synchronized void settle() throws InterruptedException {
    long quiet = TimeUnit.MILLISECONDS.toNanos(100);
    long end = exitNanos + TimeUnit.SECONDS.toNanos(1);
    while (readers.values().stream().anyMatch(Thread::isAlive)) {
      long now = System.nanoTime();
      long last = lines.isEmpty() ? exitNanos : Math.max(exitNanos, lines.get(lines.size() - 1).nanos());
      if (now - last >= quiet || now >= end) return;
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(quiet, end - now));
    }
  }

  /**
   * Waits for the exit, then for stdout and stderr to end (every holder of the pipes, the
   * process and anything it left behind, has gone), and returns the exit code. Fails after the
   * run's timeout for each.
   */
  public int awaitEnd() throws InterruptedException {
    int code = waitFor();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread r : readers.values()) {
      r.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (r.isAlive()) fail("output still open " + timeout + " after the exit: a process left behind holds it; " + describe());
    }
    return code;
  }

  /** Stdout (or merged output), once {@link #awaitEnd()} has seen the end. */
  public List<String> stdoutAtEnd() throws InterruptedException {
    awaitEnd();
    return stdout();
  }

  /** Stderr, once {@link #awaitEnd()} has seen the end. */
  public List<String> stderrAtEnd() throws InterruptedException {
    awaitEnd();
    return stderr();
  }

  /** {@link System#nanoTime()} when the exit was seen; fails if the process has not exited. */
  public long exitNanos() {
    if (!exited.isDone()) fail("still running; " + describe());
    return exitNanos;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Live processes (zombies aside) of this run, wherever they are now: pids from /proc. */
  public List<Long> survivors() {
    byte[] needle = (TOKEN_VARIABLE + "=" + token + "\0").getBytes(StandardCharsets.US_ASCII);
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Paths.get("/proc"))) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) continue;
        try {
          if (indexOf(Files.readAllBytes(p.resolve("environ")), needle) >= 0 && !isZombie(p)) out.add(Long.parseLong(name));
        } catch (IOException | SecurityException e) {
          // gone meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return out;
  }

  private static boolean isZombie(Path proc) throws IOException {
    String stat = Files.readString(proc.resolve("stat"));
    int end = stat.lastIndexOf(')');
    return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
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

  /**
   * SIGKILLs the process, its descendants and every survivor of the run, and waits briefly for
   * them. Never throws: a failing test's own error is the one to see.
   */
  @Override
  public void close() {
    try {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      for (int round = 0; round < 3; round++) {
        List<Long> left = survivors();
        if (left.isEmpty()) break;
        for (long pid : left) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        pause(20);
      }
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // nothing to add to the test's own outcome
    } finally {
      OPEN.remove(this);
    }
  }

  // ---- messages ------------------------------------------------------------------------

  private String state() {
    return process.isAlive() ? "process " + process.pid() + " running" : "process " + process.pid() + " exited " + process.exitValue();
  }

  /** The command, its state and the last 60 lines of each stream, for assertion messages. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.join(" ", shortened(command))).append(" (").append(state()).append(")");
    for (Stream s : merged ? List.of(Stream.STDOUT) : List.of(Stream.STDOUT, Stream.STDERR)) {
      List<String> t = texts(s);
      sb.append("\n").append(merged ? "output" : s.name().toLowerCase()).append(":");
      if (t.size() > 60) sb.append("\n  ... ").append(t.size() - 60).append(" lines before");
      for (String l : t.subList(Math.max(0, t.size() - 60), t.size())) sb.append("\n  ").append(l);
    }
    return sb.toString();
  }

  /** The class path of a forked JVM is long and says nothing: cut long words. */
  private static List<String> shortened(List<String> words) {
    List<String> out = new ArrayList<>();
    for (String w : words) out.add(w.length() > 120 ? w.substring(0, 60) + "..." + w.substring(w.length() - 40) : w);
    return out;
  }

  @Override
  public String toString() {
    return describe();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
