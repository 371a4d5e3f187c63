package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads the JDK's own table of children in this (surefire) JVM. Nothing is reaped here: these
 * tests only look, so they are safe next to other tests' ProcessBuilder children.
 */
@EnabledOnOs(OS.LINUX)
class JdkChildClaimsTest {

  private static JdkChildClaims source(String name) throws Exception {
    switch (name) {
      case "unsafe": return JdkChildClaims.viaUnsafe();
      case "jni": return JdkChildClaims.viaJni();
      case "heuristic": return JdkChildClaims.heuristic();
      default: throw new IllegalArgumentException(name);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jni", "unsafe", "heuristic"})
  @Timeout(30)
  void claimsARunningProcessBuilderChildUntilTheJdkReapedIt(String name) throws Exception {
    JdkChildClaims claims = source(name);
    Process p = new ProcessBuilder("sleep", "30").start();
    int pid = (int) p.pid();
    try {
      // The heuristic sees the claim only once the JDK's reaper thread is blocked in wait4.
      awaitClaim(claims, pid, true);
    } finally {
      p.destroy();
    }
    assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "sleep outlived SIGTERM");
    awaitClaim(claims, pid, false);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jni", "unsafe"})
  @Timeout(30)
  void ignoresTheNonReapingEntryOfProcessHandleOnExit(String name) throws Exception {
    JdkChildClaims claims = source(name);
    // A process that is not our child: its onExit() entry in the table does not reap.
    try (ForkedProcess parent = ForkedProcess.start(List.of("sh", "-c", "sleep 30 & echo $!; wait"))) {
      int grandchild = Integer.parseInt(parent.await(l -> l.matches("[0-9]+"), "the grandchild's pid"));
      ProcessHandle.of(grandchild).orElseThrow().onExit();
      claims.beginBatch();
      assertFalse(claims.claimed(grandchild), "a ProcessHandle.onExit() watcher claimed pid " + grandchild);
      assertTrue(claims.claimed((int) parent.pid()));
    }
  }

  @Test
  void reflectionNeedsJavaLangOpenedAndTheDefaultWithoutItIsJni() {
    // Surefire runs without --add-opens; detect() then takes JNI, exact and silent.
    assertThrows(RuntimeException.class, JdkChildClaims::reflective);
    assertEquals("java.lang.ProcessHandleImpl.completions (JNI)", JdkChildClaims.detect().describe());
  }

  private static void awaitClaim(JdkChildClaims claims, int pid, boolean expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      claims.beginBatch();
      if (claims.claimed(pid) == expected) return;
      if (System.nanoTime() > deadline) throw new AssertionError("pid " + pid + " claimed != " + expected + " after 10 s");
      Thread.sleep(5);
    }
  }
}
