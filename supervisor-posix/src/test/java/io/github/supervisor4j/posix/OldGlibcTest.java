package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.testing.ForkedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The launcher jar on glibc 2.31, Debian 11's, the oldest C library among the distributions JVM
 * images are commonly built on: libs4jsig loads there, so libc is called through its JNI
 * functions and signals are forwarded by its handler, with no warning. Before s4jjni.c kept
 * dlsym's old symbol version, the library failed to load there ("version `GLIBC_2.34' not
 * found") and the launcher fell back to jffi and sun.misc.Signal, with a warning.
 *
 * <p>Real, not simulated: the JVM (Temurin, built for glibc 2.17) runs through Debian 11's own
 * dynamic loader with Debian 11's libraries ({@code ld-2.31.so --library-path}), unpacked
 * from its libc6 package by .ci/run, which sets {@code SUPERVISOR4J_GLIBC_2_31} (that
 * directory) and {@code SUPERVISOR4J_OLD_GLIBC_JAVA} (that java). The child, sh, is exec'd
 * with this machine's own loader and libraries. CI must run it; elsewhere it is skipped with
 * one line unless both are set.
 */
@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "x86_64"})
class OldGlibcTest {

  @Test
  @Timeout(60)
  void launcherLoadsItsNativeCodeOnGlibc231() throws Exception {
    Path glibc = Paths.get(required("SUPERVISOR4J_GLIBC_2_31", "the lib/x86_64-linux-gnu directory of Debian 11's libc6 package"));
    Path java = Paths.get(required("SUPERVISOR4J_OLD_GLIBC_JAVA", "a java built for glibc 2.31 or older (Temurin)"));
    Path loader = glibc.resolve("ld-2.31.so");
    assertTrue(Files.isExecutable(loader), loader + " is missing: SUPERVISOR4J_GLIBC_2_31 is not glibc 2.31's directory");
    assertTrue(Files.isExecutable(java), java + " is not executable");

    List<String> cmd = new ArrayList<>(List.of(loader.toString(), "--library-path", glibc.toString()));
    List<String> launcher = Forks.launcherCommand("-s", "-vvvv", "--", "sh", "-c", "trap 'exit 7' USR1; echo ready; while :; do sleep 0.05; done");
    cmd.add(java.toString());
    cmd.addAll(launcher.subList(1, launcher.size())); // the same options and jar, under that java
    try (ForkedProcess run = Forks.any(cmd, Map.of())) {
      run.awaitEquals("ready");
      run.signal(Signal.SIGUSR1.number());
      assertEquals(7, run.waitFor(), run::toString);
      List<String> err = run.stderrAtEnd();
      assertTrue(err.stream().anyMatch(l -> l.contains("native code: LibC via libs4jsig's JNI functions")), err::toString);
      assertTrue(err.stream().anyMatch(l -> l.contains("forwarding") && l.contains("in libs4jsig's signal handler")), err::toString);
      assertTrue(err.stream().noneMatch(l -> l.startsWith("[WARN") || l.startsWith("[ERROR") || l.startsWith("[FATAL")), err::toString);
    }
  }

  /** {@code variable}'s value; CI fails without it, elsewhere the test is skipped with one line. */
  private static String required(String variable, String what) {
    String value = System.getenv(variable);
    if (value != null && !value.isEmpty()) return value;
    String why = variable + " is not set (" + what + "; .ci/run sets it)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why + "; CI must run this test");
    assumeTrue(false, why);
    return null;
  }
}
