package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The podman engine of the container tests (issue 12), one per test run.
 *
 * <p>The first {@link #engine()} checks that containers can run here and fails the calling
 * test with one line saying why if they cannot (never a skip): root, podman on the PATH, a
 * container that starts. It takes a machine-wide lock, so that two runs never fight over the
 * names the recipes fix ({@code pause-me}, the {@code supervisor4j-example} pod, the base
 * images' tags), removes what a crashed earlier run left, and imports the base images the
 * recipes name ({@code eclipse-temurin:17-jre}, {@code busybox:1.36}) with
 * supervisor-examples/containers/local-base-images.sh, once per run.
 *
 * <p>Everything a test creates carries the label {@value #LABEL} (images built from the base
 * images inherit it) and, but for the names the recipes fix, a name that starts with {@link
 * #prefix}. {@link #removeContainers()} removes the labelled containers and pods (after each
 * test class); {@link #close()} removes the images too, once at the end of the run ({@link
 * PodmanExtension}), whatever the outcome. Every podman call is bounded; a call that
 * overruns is killed and fails the test.
 */
final class Podman implements AutoCloseable {
  static final String LABEL = "io.github.supervisor4j.test";
  static final String KUBE_POD = "supervisor4j-example";
  static final Duration LIMIT = Duration.ofSeconds(90);
  private static final Path LOCK = Path.of("/run/lock/supervisor4j-container-tests.lock");
  private static final Duration LOCK_WAIT = Duration.ofMinutes(5);

  private static Podman engine;
  private static String unusable;

  /** {@code s4jtest-<run>-}: the start of every name a test makes up. */
  final String prefix;
  private final String run;
  private final Path transcript;
  private final Set<String> built = new HashSet<>();
  private final Set<String> pauseImagesBefore = new HashSet<>();
  private final Set<String> networksBefore = new HashSet<>();
  private final Process lock;
  private final Path work;
  private Duration baseImages = Duration.ZERO;
  private final Map<String, Duration> classes = new java.util.LinkedHashMap<>();
  private boolean closed;

  private Podman(Process lock) throws IOException {
    this.run = UUID.randomUUID().toString().substring(0, 6);
    this.prefix = "s4jtest-" + run + "-";
    this.lock = lock;
    this.work = Files.createTempDirectory("s4jtest-podman");
    Path target = Built.module().resolve("target");
    Files.createDirectories(target);
    this.transcript = target.resolve("podman-transcript.log");
    Files.writeString(transcript, "# podman commands of the container tests, run " + run + "\n");
  }

  /** The engine of this run; fails the calling test with one line if containers cannot run here. */
  static synchronized Podman engine() {
    if (unusable != null) fail(unusable);
    if (engine == null) {
      try {
        engine = start();
      } catch (AssertionError e) {
        unusable = e.getMessage();
        throw e;
      }
    }
    return engine;
  }

  static synchronized Podman current() {
    return engine;
  }

  private static Podman start() {
    if (!isRoot()) fail("the container tests need root: podman runs rootful here (CI runs as root)");
    try {
      Process p = new ProcessBuilder("podman", "--version").redirectErrorStream(true).start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) fail("`podman --version` failed: podman is broken here");
    } catch (IOException e) {
      fail("podman is not installed: apt-get install podman runc (.ci/run does, and writes its containers.conf)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
    Process lock = acquireLock();
    try {
      Podman podman = new Podman(lock);
      Runtime.getRuntime().addShutdownHook(new Thread(podman::close, "podman-clean-up"));
      podman.removeLeftovers();
      podman.importBaseImages();
      return podman;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Takes the machine-wide lock with flock(1), as bench/containers.sh does (Java's own file
   * locks are fcntl locks, which flock(2) does not see): a child holds it while it reads its
   * stdin, which this JVM keeps open until {@link #close()}, or until it dies.
   */
  private static Process acquireLock() {
    try {
      Files.createDirectories(LOCK.getParent());
      Process holder = new ProcessBuilder("flock", "-w", Long.toString(LOCK_WAIT.toSeconds()), LOCK.toString(),
          "sh", "-c", "echo locked; exec cat >/dev/null").redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String line = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
      if (!"locked".equals(line)) {
        holder.destroyForcibly();
        fail("another run of the container tests (or bench/containers.sh) has held " + LOCK + " for " + LOCK_WAIT
            + "; they cannot share pause-me and the base images");
      }
      return holder;
    } catch (IOException e) {
      return fail("cannot take " + LOCK + " with flock(1) (util-linux): " + e.getMessage());
    }
  }

  private static boolean isRoot() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The label that marks what this run creates, as podman options. */
  List<String> label() {
    return List.of("--label", LABEL + "=" + run);
  }

  /** A name for something a test creates: {@code s4jtest-<run>-what}. */
  String name(String what) {
    return prefix + what;
  }

  // ---- running podman ----

  /** What a command did: its exit code and output. */
  record Result(List<String> command, int code, String out, String err, Duration took) {
    String both() {
      return out + err;
    }

    String describe() {
      return "$ " + String.join(" ", command) + "\nexit " + code + " after " + took.toMillis() + " ms\n" + out + err;
    }
  }

  /** {@code podman args...}, bounded by {@link #LIMIT}. */
  Result podman(String... args) {
    return podman(LIMIT, Arrays.asList(args));
  }

  Result podman(List<String> args) {
    return podman(LIMIT, args);
  }

  Result podman(Duration limit, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(args);
    return exec(command, Map.of(), limit);
  }

  /** {@code podman args...} that must exit 0; fails with its output otherwise. */
  Result ok(String... args) {
    return ok(Arrays.asList(args));
  }

  Result ok(List<String> args) {
    Result r = podman(args);
    if (r.code() != 0) fail("podman failed:\n" + r.describe());
    return r;
  }

  /** Any command, bounded: killed and failed when it overruns {@code limit}. */
  Result exec(List<String> command, Map<String, String> env, Duration limit) {
    long t0 = System.nanoTime();
    try {
      Path out = Files.createTempFile(work, "out", ".txt");
      Path err = Files.createTempFile(work, "err", ".txt");
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().putAll(env);
      Process p = pb.start();
      boolean done = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      Result r = new Result(command, done ? p.exitValue() : -1, Files.readString(out), Files.readString(err),
          Duration.ofNanos(System.nanoTime() - t0));
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      note(r.describe());
      if (!done) fail("still running after " + limit + ", killed:\n" + r.describe());
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted: " + command);
    }
  }

  /** Appends to target/podman-transcript.log, the record of every command and what it printed. */
  synchronized void note(String text) {
    try {
      String t = text.length() > 6000 ? text.substring(0, 6000) + "\n[... " + (text.length() - 6000) + " more characters]\n" : text;
      Files.writeString(transcript, t.endsWith("\n") ? t : t + "\n", StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- containers ----

  /** What the container printed so far (stdout and stderr). */
  String logs(String container) {
    return podman("logs", container).both();
  }

  String inspect(String container, String format) {
    return ok("inspect", container, "--format", format).out().trim();
  }

  /** The exit code podman reports for a container that has exited. */
  int exitCode(String container) {
    return Integer.parseInt(inspect(container, "{{.State.ExitCode}}"));
  }

  /**
   * Waits until the container's log holds {@code text}, and returns the log; fails with the log
   * if it does not within {@code limit}, or if the container exits without printing it.
   */
  String awaitLog(String container, String text, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      String log = logs(container);
      if (log.contains(text)) return log;
      String status = inspect(container, "{{.State.Status}}");
      if (!status.equals("running") && !status.equals("created") && !status.equals("configured")) {
        String again = logs(container);
        if (again.contains(text)) return again;
        fail(container + " is " + status + " without printing '" + text + "':\n" + again);
      }
      if (System.nanoTime() > deadline) fail(container + " printed no '" + text + "' within " + limit + ":\n" + log);
      sleep(200);
    }
  }

  /** Waits for the container to exit ({@code podman wait}) and returns its exit code. */
  int awaitExit(String container, Duration limit) {
    Result r = podman(limit, List.of("wait", container));
    if (r.code() != 0) fail("podman wait " + container + ":\n" + r.describe());
    return Integer.parseInt(r.out().trim().lines().reduce((a, b) -> b).orElseThrow());
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  // ---- images ----

  private void importBaseImages() {
    long t0 = System.nanoTime();
    baseImage("busybox", "busybox:1.36");
    // The engine works at all? A container from the smallest image, before the JDK's.
    Result probe = podman("run", "--rm", "--label", LABEL + "=" + run, "busybox:1.36", "true");
    if (probe.code() != 0) {
      String why = probe.err().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit " + probe.code());
      fail("podman cannot run a container here: " + why + " (.ci/run's /etc/containers/containers.conf.d/50-supervisor4j.conf sets runtime runc, "
          + "cgroupfs and the ulimits this machine needs)");
    }
    baseImage("temurin17", "eclipse-temurin:17-jre");
    baseImages = Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Temurin 25's local stand-in, for the JDK 25 recipe (imported on first use). */
  synchronized void temurin25() {
    long t0 = System.nanoTime();
    baseImage("temurin25", "eclipse-temurin:25-jdk");
    baseImages = baseImages.plus(Duration.ofNanos(System.nanoTime() - t0));
  }

  private void baseImage(String which, String tag) {
    if (!built.add(tag)) return;
    Path script = Built.module().resolve("containers/local-base-images.sh");
    Result r = exec(List.of("bash", script.toString(), which + "=" + tag), Map.of("IMAGE_LABEL", LABEL + "=" + run), LIMIT);
    if (r.code() != 0) {
      built.remove(tag);
      fail("cannot make the local base image " + tag + ": " + r.err().lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("exit " + r.code()));
    }
  }

  /** A recipe of supervisor-examples/containers/, built as it is from the repository root, as {@code tag}. */
  String recipe(String dockerfile, String tag) {
    return build(tag, Built.module().resolve("containers").resolve(dockerfile), Built.root());
  }

  /** Whether this run has made the image {@code tag} already. */
  synchronized boolean has(String tag) {
    return built.contains(tag);
  }

  /** {@code podman build --pull=never -f dockerfile -t tag context}, once per run and tag. */
  synchronized String build(String tag, Path dockerfile, Path context) {
    if (built.contains(tag)) return tag;
    List<String> args = new ArrayList<>(List.of("build", "--pull=never", "-q"));
    args.addAll(label());
    args.addAll(List.of("-f", dockerfile.toString(), "-t", tag, context.toString()));
    ok(args);
    built.add(tag);
    return tag;
  }

  /** A fresh directory for a build context. */
  Path directory(String name) throws IOException {
    return Files.createDirectories(work.resolve(name));
  }

  // ---- clean-up ----

  /** Removes every container and pod of this run (and the pod of pod.yaml), running or not. */
  void removeContainers() {
    for (String pod : lines(podman("pod", "ps", "-q", "--filter", "label=" + LABEL))) podman("pod", "rm", "-f", "-t", "0", "-i", pod);
    if (podman("pod", "exists", KUBE_POD).code() == 0) podman("pod", "rm", "-f", "-t", "0", "-i", KUBE_POD);
    for (String c : lines(podman("ps", "-a", "-q", "--filter", "label=" + LABEL))) podman("rm", "-f", "-t", "0", "-i", "--depend", c);
  }

  /** Removes the container {@code name} (and those that depend on it) if this run made it. */
  void removeContainer(String name) {
    for (String c : lines(podman("ps", "-a", "-q", "--filter", "label=" + LABEL + "=" + run, "--filter", "name=^" + name + "$"))) {
      podman("rm", "-f", "-t", "0", "-i", "--depend", c);
    }
  }

  /** Removes everything a run left: containers, pods and the labelled images. */
  private void removeLeftovers() {
    for (String image : lines(podman("images", "-a", "--format", "{{.Repository}}:{{.Tag}}"))) {
      if (image.contains("podman-pause")) pauseImagesBefore.add(image);
    }
    networksBefore.addAll(lines(podman("network", "ls", "--format", "{{.Name}}")));
    removeContainers();
    removeImages();
  }

  /** Networks that appeared during the run: kube play makes podman-default-kube-network. */
  private void removeNetworks() {
    for (String network : lines(podman("network", "ls", "--format", "{{.Name}}"))) {
      if (!networksBefore.contains(network)) podman("network", "rm", "-f", network);
    }
  }

  private void removeImages() {
    List<String> images = new ArrayList<>(lines(podman("images", "-a", "-q", "--filter", "label=" + LABEL)));
    for (String image : lines(podman("images", "-a", "--format", "{{.Repository}}:{{.Tag}}"))) {
      // kube play and pod create build podman's own infra image if it is missing: ours then.
      if (image.contains("podman-pause") && !pauseImagesBefore.contains(image)) images.add(image);
    }
    if (!images.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("rmi", "-f", "-i"));
      args.addAll(new ArrayList<>(new java.util.LinkedHashSet<>(images)));
      podman(args);
    }
  }

  private static List<String> lines(Result r) {
    return r.out().lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  /** Records how long a container test class took, its images and clean-up included. */
  synchronized void classTook(String testClass, long nanos) {
    classes.merge(testClass, Duration.ofNanos(nanos), Duration::plus);
  }

  /** The time of the container test classes, and the part of it spent importing base images. */
  synchronized String took() {
    Duration all = classes.values().stream().reduce(Duration.ZERO, Duration::plus);
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "container tests: %.1f s in all (%d parts), of which %.1f s importing the base images:",
        all.toMillis() / 1e3, classes.size(), baseImages.toMillis() / 1e3));
    classes.forEach((c, d) -> b.append(String.format(Locale.ROOT, " %s %.1f s;", c, d.toMillis() / 1e3)));
    return b.toString();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    try {
      long t0 = System.nanoTime();
      removeContainers();
      removeImages();
      removeNetworks();
      classTook("final clean-up", System.nanoTime() - t0);
      String took = took();
      note("# " + took);
      System.out.println(took);
    } finally {
      try {
        lock.getOutputStream().close(); // the holder's cat ends, and flock with it
        lock.waitFor(10, TimeUnit.SECONDS);
        Files.walk(work).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // the lock goes with the process anyway
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
