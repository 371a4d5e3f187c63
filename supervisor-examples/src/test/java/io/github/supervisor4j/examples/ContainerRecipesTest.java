package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.condition.OS.LINUX;

import io.github.supervisor4j.testing.JavaCommand;
import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Example 3, without a container engine: each Dockerfile's ENTRYPOINT and CMD are parsed (JSON
 * arrays), each COPY destination is replaced by the file the build made at its COPY source,
 * and the resulting command line runs as PID 1 of a new PID namespace with a private /tmp, as
 * in a container; then it is stopped with SIGTERM, as {@code docker stop} does. The Kubernetes
 * manifest is parsed as YAML and checked for the shared PID namespace and for a shutdown that
 * fits in the grace period.
 */
@EnabledOnOs(LINUX)
@Timeout(120)
class ContainerRecipesTest {
  private static final Path CONTAINERS = Built.module().resolve("containers");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  @ParameterizedTest
  @CsvSource({
      "Dockerfile.launcher, child subreaper (not PID 1)",
      "Dockerfile.inapp,    pid 1, mode auto: PID 1 of its PID namespace",
  })
  void entrypointRunsAsPid1ReapsAndStopsWithExitZeroOnSigterm(String dockerfile, String appSays) throws Exception {
    PidNamespace.require();
    List<String> command = containerCommand(CONTAINERS.resolve(dockerfile));
    try (ForkedProcess container = start(PidNamespace.wrapWithPrivateTmp(command))) {
      container.await(l -> l.contains("running until SIGTERM"), "'running until SIGTERM'");
      String started = container.output();
      assertTrue(started.contains(appSays), started);
      assertTrue(started.contains("result: OK"), started);
      ProcessHandle pid1 = container.supervisor();
      assertTrue(pid1.destroy(), "SIGTERM to PID 1 (" + pid1.pid() + ")"); // as docker stop
      int code = container.waitFor(LIMIT);
      String out = container.output();
      assertEquals(0, code, out);
      assertTrue(out.contains("shutdown: clean"), out);
      assertFalse(out.contains("Exception"), out);
      assertFalse(out.lines().anyMatch(l -> l.startsWith("WARNING:")), "the jars' manifests keep the JDK quiet: " + out);
      assertEquals(List.of(), container.survivors(), out);
    }
  }

  @Test
  void launcherDockerfileKeepsTheEntrypointOfTheIssue() throws IOException {
    Dockerfile d = Dockerfile.parse(CONTAINERS.resolve("Dockerfile.launcher"));
    assertEquals(List.of("java", "-jar", "/supervisor-launcher.jar", "--", "java", "-jar", "/app.jar"), d.entrypoint);
  }

  @Test
  void podManifestSharesTheProcessNamespaceAndEndsItsShutdownWithinTheGracePeriod() throws IOException {
    Map<String, Object> pod = yaml(CONTAINERS.resolve("pod.yaml"));
    assertEquals("Pod", pod.get("kind"));
    Map<String, Object> spec = map(pod.get("spec"));
    assertEquals(Boolean.TRUE, spec.get("shareProcessNamespace"));
    int gracePeriod = assertInstanceOf(Integer.class, spec.get("terminationGracePeriodSeconds"));
    List<Map<String, Object>> launched = new ArrayList<>();
    for (Object c : (List<?>) spec.get("containers")) {
      Map<String, Object> container = map(c);
      List<?> command = (List<?>) container.get("command");
      if (command != null && command.contains("/supervisor-launcher.jar")) launched.add(container);
    }
    assertEquals(1, launched.size(), "one container runs the launcher");
    List<String> command = strings(launched.get(0).get("command"));
    // Not PID 1 in a shared PID namespace (pause is): the launcher must be a subreaper.
    assertTrue(command.subList(0, command.indexOf("--")).contains("-s"), command.toString());
    Duration shutdown = launcherShutdownTime(command);
    assertEquals(Duration.ofSeconds(25), shutdown, command.toString());
    assertTrue(shutdown.compareTo(Duration.ofSeconds(gracePeriod)) < 0,
        "--pre-stop-delay + --grace + --kill-after = " + shutdown + " must end before terminationGracePeriodSeconds " + gracePeriod);
  }

  /**
   * The manifest's launcher container, run outside Kubernetes as it would run in the pod: not
   * PID 1 (so with -s), its image's files mapped as for the Dockerfiles. After SIGTERM it holds
   * the signal for --pre-stop-delay, passes it to the app, which shuts down gracefully, and
   * exits 0 before the kubelet's SIGKILL would come.
   */
  @Test
  void podManifestLauncherContainerStopsWithExitZeroWithinTheGracePeriod() throws Exception {
    Map<String, Object> spec = map(yaml(CONTAINERS.resolve("pod.yaml")).get("spec"));
    int gracePeriod = (Integer) spec.get("terminationGracePeriodSeconds");
    Map<String, Object> batch = null;
    for (Object c : (List<?>) spec.get("containers")) {
      if ("batch".equals(map(c).get("name"))) batch = map(c);
    }
    assertEquals("orphan-reaping-app:launcher", batch.get("image"), "built from Dockerfile.launcher");
    List<String> words = new ArrayList<>(strings(batch.get("command")));
    words.addAll(strings(batch.get("args")));
    List<String> command = substitute(Dockerfile.parse(CONTAINERS.resolve("Dockerfile.launcher")), words);
    try (ForkedProcess container = start(command)) {
      container.await(l -> l.contains("running until SIGTERM"), "'running until SIGTERM'");
      assertTrue(container.supervisor().destroy(), "SIGTERM to the launcher"); // as the kubelet
      int code = container.waitFor(Duration.ofSeconds(gracePeriod));
      String out = container.output();
      assertEquals(0, code, out);
      assertTrue(out.contains("shutdown: clean"), out);
      assertEquals(List.of(), container.survivors(), out);
    }
  }

  @Test
  void shutdownTimeCountsPreStopDelayGraceAndKillAfter() {
    assertEquals(Duration.ofSeconds(2), launcherShutdownTime(List.of("java", "-jar", "/supervisor-launcher.jar", "--", "app")));
    assertEquals(Duration.ofSeconds(36), launcherShutdownTime(List.of("java", "-jar", "/supervisor-launcher.jar",
        "--pre-stop-delay", "5s", "--grace", "30s", "--kill-after", "1000ms", "--", "app")));
  }

  /**
   * The longest a SIGTERM can keep the launcher running: pre-stop delay, then the grace, then
   * kill-after before the SIGKILL (docs/shutdown.md; kill-after defaults to 2s). Durations in
   * the forms the manifests use (5s, 1000ms, 1m); the launcher's own parser of them is tested
   * in supervisor-posix's ShutdownOptionsTest.
   */
  static Duration launcherShutdownTime(List<String> command) {
    Duration preStop = Duration.ZERO;
    Duration grace = Duration.ZERO;
    Duration killAfter = Duration.ofSeconds(2);
    int end = command.indexOf("--");
    for (int i = 0; i + 1 < end; i++) {
      switch (command.get(i)) {
        case "--pre-stop-delay": preStop = duration(command.get(++i)); break;
        case "--grace": grace = duration(command.get(++i)); break;
        case "--kill-after": killAfter = duration(command.get(++i)); break;
        default: break;
      }
    }
    return preStop.plus(grace).plus(killAfter);
  }

  private static Duration duration(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text);
    if (!m.matches()) throw new AssertionError("not a duration as the manifests write them: " + text);
    long n = Long.parseLong(m.group(1));
    return m.group(2).equals("ms") ? Duration.ofMillis(n) : m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
  }

  /** {@code command}, output merged, stdin from /dev/null, every wait bounded by {@link #LIMIT}. */
  static ForkedProcess start(List<String> command) {
    return ForkedProcess.of(command).mergedOutput().stdinFromDevNull().timeout(LIMIT).start();
  }

  /** ENTRYPOINT followed by CMD, with each COPY destination replaced by its built source, and "java" by the test's java. */
  static List<String> containerCommand(Path dockerfile) throws IOException {
    Dockerfile d = Dockerfile.parse(dockerfile);
    List<String> words = new ArrayList<>(d.entrypoint);
    words.addAll(d.cmd);
    return substitute(d, words);
  }

  /** {@code words} with each of {@code d}'s COPY destinations replaced by its built source, and "java" by the test's java. */
  private static List<String> substitute(Dockerfile d, List<String> words) {
    List<String> out = new ArrayList<>();
    for (String w : words) {
      if (w.equals("java")) {
        out.add(JavaCommand.java());
      } else if (d.copies.containsKey(w)) {
        Path built = Built.root().resolve(d.copies.get(w));
        assertTrue(Files.isRegularFile(built), "the Dockerfile copies " + built + ", which the build did not make");
        out.add(built.toString());
      } else {
        out.add(w);
      }
    }
    return out;
  }

  /** The instructions of a Dockerfile these tests need: exec-form ENTRYPOINT and CMD, and COPY (destination -> source). */
  static final class Dockerfile {
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    final Map<String, String> copies = new LinkedHashMap<>();

    static Dockerfile parse(Path file) throws IOException {
      Dockerfile d = new Dockerfile();
      for (String line : instructions(Files.readAllLines(file))) {
        String[] parts = line.trim().split("\\s+", 2);
        if (parts.length < 2 || parts[0].startsWith("#")) continue;
        switch (parts[0]) {
          case "ENTRYPOINT": d.entrypoint = jsonArray(file, parts[1]); break;
          case "CMD": d.cmd = jsonArray(file, parts[1]); break;
          case "COPY": {
            String[] srcDest = parts[1].split("\\s+");
            d.copies.put(srcDest[srcDest.length - 1], srcDest[0]);
            break;
          }
          default: break;
        }
      }
      if (d.entrypoint.isEmpty()) fail(file + " has no exec-form ENTRYPOINT");
      return d;
    }

    /** The lines joined where one ends with a backslash (an instruction continued on the next line). */
    private static List<String> instructions(List<String> lines) {
      List<String> out = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : lines) {
        if (current.length() == 0 && line.trim().startsWith("#")) continue;
        String trimmed = line.stripTrailing();
        if (trimmed.endsWith("\\")) {
          current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        } else {
          out.add(current.append(line).toString());
          current.setLength(0);
        }
      }
      if (current.length() > 0) out.add(current.toString());
      return out;
    }

    /** The exec form is a JSON array of strings; JSON is YAML, so SnakeYAML parses it. */
    private static List<String> jsonArray(Path file, String text) {
      if (!text.startsWith("[")) fail(file + ": not the exec form (a JSON array): " + text);
      return strings(new Yaml().load(text));
    }
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      return map(new Yaml().load(r));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) assertInstanceOf(Map.class, o);
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    for (Object e : assertInstanceOf(List.class, o)) out.add(assertInstanceOf(String.class, e));
    return out;
  }
}
