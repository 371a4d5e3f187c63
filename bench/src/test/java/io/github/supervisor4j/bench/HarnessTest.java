package io.github.supervisor4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.io.IOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The harness's own instruments measure what they claim: each workload helper runs under a
 * real PID 1 of a real PID namespace and its report is checked against what must hold
 * (every orphan reaped, no signal lost, the command really was PID 1). Times are never
 * asserted. Needs root and gcc; skipped without root, failed in CI (CI=true) without it
 * (PidNamespace's rule). CI runs it after the main build (.ci/run).
 */
@EnabledOnOs(LINUX)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HarnessTest {
  private static Path bin;

  @BeforeAll
  static void compileHelpers() throws Exception {
    PidNamespace.require(); // root, to make PID namespaces: skipped locally without, failed in CI
    bin = Files.createTempDirectory("supervisor4j-bench-test");
    Path sources = Path.of(System.getProperty("user.dir")).resolve("c");
    for (String name : List.of("ns1", "drain", "sigrtt", "idle", "waitloop", "exitwith")) {
      run(List.of("gcc", "-O2", "-o", bin.resolve(name).toString(), sources.resolve(name + ".c").toString()));
    }
  }

  @AfterAll
  static void deleteHelpers() throws IOException {
    if (bin == null) return;
    try (var files = Files.list(bin)) {
      for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
    }
    Files.delete(bin);
  }

  @Test
  void ns1RunsTheCommandAsPid1AndReportsItsRusage() throws Exception {
    String out = run(List.of(ns1(), "-r", "sh", "-c", "echo pid=$$"));
    assertEquals("1", field(out, "pid"));
    assertTrue(Long.parseLong(field(out, "wall_us")) > 0, out);
    assertTrue(Long.parseLong(field(out, "maxrss_kb")) > 0, out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tini", "catatonit", "dumb-init"})
  void drainCountsEveryOrphanUntilPid1HasReapedThemAll(String init) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ns1(), init));
    if (init.equals("dumb-init")) cmd.add("--single-child");
    cmd.addAll(List.of("--", bin.resolve("drain").toString(), "300"));
    String out = run(cmd);
    assertEquals("300", field(out, "n"), out);
    assertEquals("0", field(out, "left"), out);
    int zombies = Integer.parseInt(field(out, "max_zombies"));
    assertTrue(zombies >= 0 && zombies <= 300, out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tini", "catatonit"})
  void signalRoundTripLosesNoSignal(String init) throws Exception {
    String out = run(List.of(ns1(), init, "--", bin.resolve("sigrtt").toString(), "200"));
    assertEquals("200", field(out, "n"), out);
    assertEquals("0", field(out, "lost"), out);
  }

  @Test
  void idleSeesTheCpuOfABusyPid1AndAlmostNoneOfTini() throws Exception {
    // PID 1 (sh) spins until idle has written its report, so the whole window is busy.
    Path report = bin.resolve("idle.out");
    String busy = bin.resolve("idle") + " 0 0.3 > " + report + " & while [ ! -s " + report + " ]; do :; done; cat " + report;
    String out = run(List.of(ns1(), "sh", "-c", busy));
    assertTrue(Double.parseDouble(field(out, "cpu_ms")) > 10, out);
    String idle = run(List.of(ns1(), "tini", "--", bin.resolve("idle").toString(), "0", "0.3"));
    assertTrue(Double.parseDouble(field(idle, "cpu_ms")) < 10, idle);
  }

  @Test
  void inAppRowIsLabelledWithThePolicyThatRan() throws Exception {
    // Building (not starting) a reaper is harmless in this JVM; it tells which policy exists.
    String expected;
    try {
      io.github.supervisor4j.Supervisors.reaper(io.github.supervisor4j.ReaperConfig.defaults());
      expected = "policy=COOPERATIVE";
    } catch (UnsupportedOperationException e) {
      expected = "policy=EXCLUSIVE (fallback: COOPERATIVE not available in this build)";
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String out = run(List.of(ns1(), java, "-cp", System.getProperty("java.class.path"), InAppReaper.class.getName(), "app", "--", "true"));
    assertEquals(expected, out.lines().filter(l -> l.startsWith("policy=")).findFirst().orElse(out));
  }

  // Issue 14's instruments: the kernel-floor init (waitloop) reaps every orphan and exits with
  // its child's status; drain attributes a JVM PID 1's CPU to its threads; idle reports RSS.

  @Test
  void kernelFloorInitReapsEveryOrphanInBothModesAndCountsItsCalls() throws Exception {
    for (List<String> mode : List.of(List.<String>of(), List.of("-b"))) {
      List<String> command = new ArrayList<>(List.of(ns1(), b("waitloop")));
      command.addAll(mode);
      command.addAll(List.of("--", b("drain"), "300"));
      String out = run(command);
      assertEquals("0", field(out, "left"), out);
      long reaps = Long.parseLong(field(out, "reaps"));
      assertEquals(301, reaps, out); // the 300 orphans and drain itself (drain reaps its spawner)
      long calls = Long.parseLong(field(out, "calls"));
      assertTrue(mode.isEmpty() ? calls > reaps : calls == reaps, out);
      // The only thread of a C init is its reaper: all of PID 1's CPU is attributed to it.
      assertEquals(field(out, "cpu_ms"), field(out, "reaper_ms"), out);
    }
  }

  @Test
  void kernelFloorInitExitsWithItsChildsStatus() throws Exception {
    List<String> command = List.of(ns1(), b("waitloop"), "--", b("exitwith"), "42");
    try (ForkedProcess p = ForkedProcess.of(command).mergedOutput().timeout(Duration.ofSeconds(60)).start()) {
      assertEquals(42, p.awaitEnd(), p.output());
    }
  }

  @Test
  void drainAttributesAJvmsCpuToItsThreadsAndIdleReportsRss() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    String out = run(List.of(ns1(), java, "-cp", cp, BenchInit.class.getName(), "--", b("drain"), "300"));
    assertEquals("0", field(out, "left"), out);
    double total = Double.parseDouble(field(out, "cpu_ms"));
    double parts = 0;
    for (String f : List.of("reaper_ms", "jit_ms", "gc_ms", "other_ms")) parts += Double.parseDouble(field(out, f));
    assertTrue(Math.abs(total - parts) < 0.01 * total + 0.01, "the parts add up to PID 1's CPU: " + out);
    assertTrue(Double.parseDouble(field(out, "reaper_ms")) > 0, "the reaper thread was found by name: " + out);
    assertTrue(Integer.parseInt(field(out, "threads")) > 5, out);

    String idle = run(List.of(ns1(), java, "-cp", cp, BenchInit.class.getName(), "--", b("idle"), "0.2", "0.3"));
    long rss = Long.parseLong(field(idle, "rss_kb"));
    assertTrue(rss > 10_000, "a JVM's VmRSS in kB: " + idle);
  }

  private static String ns1() {
    return b("ns1");
  }

  private static String b(String name) {
    return bin.resolve(name).toString();
  }

  private static String field(String out, String name) {
    Matcher m = Pattern.compile("\\b" + name + "=(\\S+)").matcher(out);
    String last = null;
    while (m.find()) last = m.group(1);
    if (last == null) throw new AssertionError("no " + name + "= in: " + out);
    return last;
  }

  /** The merged output of {@code command}, which must exit 0; every wait bounded (60 s). */
  private static String run(List<String> command) throws InterruptedException {
    try (ForkedProcess p = ForkedProcess.of(command).mergedOutput().timeout(Duration.ofSeconds(60)).start()) {
      int code = p.awaitEnd();
      if (code != 0) throw new AssertionError(command + " exited " + code + ": " + p.output());
      return p.output();
    }
  }
}
