package io.github.supervisor4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;

/**
 * The instruments issue 14 added to bench/run measure what they claim: the kernel-floor init
 * (waitloop) reaps every orphan and exits with its child's status, drain attributes PID 1's
 * CPU to its threads, and idle reports PID 1's resident memory. Times are never asserted.
 * Needs root and gcc, as HarnessTest.
 */
@EnabledOnOs(LINUX)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FloorInstrumentsTest {
  private static Path bin;

  @BeforeAll
  static void compileHelpers() throws Exception {
    boolean root = "0".equals(run(List.of("id", "-u"), true).trim());
    if (System.getenv("CI") != null) assertTrue(root, "the harness tests need root in CI, to make PID namespaces");
    Assumptions.assumeTrue(root, "needs root, to make PID namespaces");
    bin = Files.createTempDirectory("supervisor4j-floor-test");
    Path sources = Path.of(System.getProperty("user.dir")).resolve("c");
    for (String name : List.of("ns1", "drain", "idle", "waitloop", "exitwith")) {
      run(List.of("gcc", "-O2", "-o", bin.resolve(name).toString(), sources.resolve(name + ".c").toString()), true);
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
  void kernelFloorInitReapsEveryOrphanInBothModesAndCountsItsCalls() throws Exception {
    for (List<String> mode : List.of(List.<String>of(), List.of("-b"))) {
      List<String> command = new java.util.ArrayList<>(List.of(b("ns1"), b("waitloop")));
      command.addAll(mode);
      command.addAll(List.of("--", b("drain"), "300"));
      String out = run(command, true);
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
    Process p = new ProcessBuilder(b("ns1"), b("waitloop"), "--", b("exitwith"), "42").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertEquals(42, p.waitFor());
  }

  @Test
  void drainAttributesAJvmsCpuToItsThreadsAndIdleReportsRss() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    String out = run(List.of(b("ns1"), java, "-cp", cp, BenchInit.class.getName(), "--", b("drain"), "300"), true);
    assertEquals("0", field(out, "left"), out);
    double total = Double.parseDouble(field(out, "cpu_ms"));
    double parts = 0;
    for (String f : List.of("reaper_ms", "jit_ms", "gc_ms", "other_ms")) parts += Double.parseDouble(field(out, f));
    assertTrue(Math.abs(total - parts) < 0.01 * total + 0.01, "the parts add up to PID 1's CPU: " + out);
    assertTrue(Double.parseDouble(field(out, "reaper_ms")) > 0, "the reaper thread was found by name: " + out);
    assertTrue(Integer.parseInt(field(out, "threads")) > 5, out);

    String idle = run(List.of(b("ns1"), java, "-cp", cp, BenchInit.class.getName(), "--", b("idle"), "0.2", "0.3"), true);
    long rss = Long.parseLong(field(idle, "rss_kb"));
    assertTrue(rss > 10_000, "a JVM's VmRSS in kB: " + idle);
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

  private static String run(List<String> command, boolean mustSucceed) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (mustSucceed && code != 0) throw new AssertionError(command + " exited " + code + ": " + out);
    return out;
  }
}
