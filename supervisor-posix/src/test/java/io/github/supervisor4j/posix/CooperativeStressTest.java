package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The proof of {@link CooperativeStrategy}: {@link StressFixture} in a forked JVM, as PID 1 of
 * a PID namespace and as a child subreaper. Full size by default (5,000 ProcessBuilder
 * children from 8 threads, 10,000 orphans); {@code -Dsupervisor4j.stress.children} and
 * {@code -Dsupervisor4j.stress.orphans} change it.
 */
@EnabledOnOs(OS.LINUX)
class CooperativeStressTest {
  private static final int CHILDREN = Integer.getInteger("supervisor4j.stress.children", 5000);
  private static final int ORPHANS = Integer.getInteger("supervisor4j.stress.orphans", 10000);

  @ParameterizedTest(name = "{0}, JDK table read by {1}")
  @CsvSource({
    "pid1,      default,    1",
    "subreaper, default,    1",
    "pid1,      reflection, 5",
    "pid1,      unsafe,     5",
  })
  @Timeout(180)
  void keepsEveryProcessBuilderExitStatusAndReapsEveryOrphan(String as, String source, int divisor) throws Exception {
    int children = Math.max(1, CHILDREN / divisor);
    int orphans = Math.max(1, ORPHANS / divisor);
    Map<String, String> r = run(as, jvmFor(source), "COOPERATIVE", children, orphans);
    assertEquals(source.equals("default") ? "java.lang.ProcessHandleImpl.completions (JNI)" : r.get("claims"), r.get("claims"),
        "the default reads the table through JNI, with no flag: " + r);
    assertEquals(children, Integer.parseInt(r.get("children")));
    assertTrue(Integer.parseInt(r.get("spawned")) >= children / 4 - 8, "children started through Reaper.spawn: " + r);
    assertEquals(0, Integer.parseInt(r.get("mismatches")), "waitFor() values that differ from the child's exit code");
    assertEquals(orphans, Long.parseLong(r.get("adopted")), "orphans reaped");
    assertEquals(0, Integer.parseInt(r.get("zombies")), "zombies left");
  }

  /**
   * The heuristic (no access to the table) can lose a status when a JDK reaper thread is held
   * off the CPU for more than its settle time (docs/inapp.md: 1 to 19 in 18,760 here); it must
   * stay that rare, and it must still reap every orphan.
   */
  @Test
  @Timeout(180)
  void heuristicLosesAtMostARareStatusAndReapsEveryOrphan() throws Exception {
    int children = Math.max(1, CHILDREN / 5);
    int orphans = Math.max(1, ORPHANS / 5);
    Map<String, String> r = run("pid1", jvmFor("heuristic"), "COOPERATIVE", children, orphans);
    int mismatches = Integer.parseInt(r.get("mismatches"));
    assertTrue(mismatches <= Math.max(1, children / 100), "the heuristic lost " + mismatches + " statuses: " + r);
    assertEquals(orphans, Long.parseLong(r.get("adopted")) - mismatches, "orphans reaped (a stolen status counts as adopted)");
    assertEquals(0, Integer.parseInt(r.get("zombies")), "zombies left");
  }

  private static List<String> jvmFor(String source) {
    List<String> jvm = new ArrayList<>();
    if (!source.equals("default")) jvm.add("-D" + JdkChildClaims.SOURCE_PROPERTY + "=" + source);
    if (source.equals("reflection")) jvm.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
    return jvm;
  }

  /** Shows the test can fail: the waitpid(-1) policy steals the JDK's statuses in the same run. */
  @Test
  @Timeout(180)
  void exclusivePolicyLosesProcessBuilderExitStatuses() throws Exception {
    PidNamespace.require();
    int children = Math.max(1, CHILDREN / 2);
    int orphans = Math.max(1, ORPHANS / 5);
    Map<String, String> r = run("pid1", List.of(), "EXCLUSIVE", children, orphans);
    assertTrue(Integer.parseInt(r.get("mismatches")) > 0, "EXCLUSIVE lost no exit status: " + r);
    assertTrue(Long.parseLong(r.get("adopted")) > orphans, "EXCLUSIVE reaped no JDK child: " + r);
  }

  private static Map<String, String> run(String as, List<String> jvm, String policy, int children, int orphans) throws Exception {
    List<String> args = new ArrayList<>(List.of("--policy", policy, "--exit-code", Fixtures.path("exit_code"),
        "--orphans-bin", Fixtures.path("orphans"), "--children", Integer.toString(children), "--threads", "8",
        "--orphans", Integer.toString(orphans)));
    if (!as.equals("pid1")) args.add("--subreaper");
    List<String> cmd = Forks.java(StressFixture.class).options(jvm).args(args).toList();
    if (as.equals("pid1")) {
      PidNamespace.require();
      cmd = PidNamespace.wrap(cmd);
    }
    List<String> lines;
    try (ForkedProcess p = ForkedProcess.of(cmd).mergedOutput().timeout(Duration.ofSeconds(170)).start()) {
      int code = p.awaitEnd();
      lines = p.stdout();
      assertEquals(0, code, p::describe);
    }
    String out = String.join("\n", lines);
    String result = lines.stream().filter(l -> l.startsWith("result ")).findFirst()
        .orElseThrow(() -> new AssertionError("no result line:\n" + out));
    System.out.println(as + " " + policy + " " + jvm + ": " + result);
    Map<String, String> fields = new HashMap<>();
    for (String word : result.substring("result ".length()).split(" ")) {
      int eq = word.indexOf('=');
      if (eq > 0) fields.putIfAbsent(word.substring(0, eq), word.substring(eq + 1));
    }
    lines.stream().filter(l -> l.startsWith("claims ")).findFirst().ifPresent(l -> fields.put("claims", l.substring("claims ".length())));
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("failure ")), out);
    return fields;
  }
}
