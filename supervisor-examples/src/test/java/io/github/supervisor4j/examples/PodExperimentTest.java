package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import io.github.supervisor4j.testing.JavaCommand;
import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.PidNamespace;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.io.TempDir;

/**
 * Example 2: runs pod-experiment.sh with the launcher jar the build made, and reads what it
 * printed. The script checks each step itself (and exits 1 if one failed); the test checks
 * the exit code and, independently, that the pid the zombie-maker named is the pid PID 1 logged.
 */
@EnabledOnOs(LINUX)
@Timeout(180)
class PodExperimentTest {

  /** pod-experiment.sh with {@code env}, output merged, stdin from /dev/null. */
  private static ForkedProcess podExperiment(Map<String, String> env) {
    return ForkedProcess.of(List.of("bash", Built.module().resolve("pod-experiment.sh").toString())).env(env)
        .mergedOutput().stdinFromDevNull().timeout(Duration.ofSeconds(170)).start();
  }

  @Test
  void launcherInPauseModeReapsTheOrphanOfAContainerAndStopsThePodOnSigterm() throws Exception {
    PidNamespace.require();
    Map<String, String> env = Map.of(
        "LAUNCHER_JAR", Built.launcherJar().toString(),
        "WORKER_CP", Built.module().resolve("target/classes").toString(),
        "JAVA", JavaCommand.java());
    try (ForkedProcess script = podExperiment(env)) {
      int code = script.waitFor(Duration.ofSeconds(170));
      String out = script.output();
      assertEquals(0, code, out);
      assertTrue(out.contains("pod experiment: every step held"), out);
      assertFalse(out.contains("FAIL"), out);
      // 10 checks; the PPid one is only reported when the machine looked within the orphan's 5 s.
      long passed = out.lines().filter(l -> l.startsWith("   PASS: ")).count();
      assertEquals(out.contains("was gone before its parent could be read") ? 9 : 10, passed, out);

      Matcher maker = Pattern.compile("parent (\\d+), child (\\d+): parent exits now").matcher(out);
      assertTrue(maker.find(), out);
      String orphan = maker.group(2);
      assertTrue(Pattern.compile("launcher: \\[\\w+ +supervisor4j \\(1\\)\\] .*reap.*\\b" + orphan + "\\b").matcher(out).find(),
          "PID 1's log names orphan " + orphan + ":\n" + out);
      assertTrue(out.contains("PASS: the launcher (PID 1) exited 0 on SIGTERM"), out);
      assertEquals(List.of(), script.survivors(), out);
    }
  }

  @Test
  void reportsTheZombieWhenPid1DoesNotReap(@TempDir Path dir) throws Exception {
    PidNamespace.require();
    Path jar = dir.resolve("non-reaping-pause.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, NonReapingPause.class.getName());
    String entry = NonReapingPause.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
         InputStream in = NonReapingPause.class.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
    }
    Map<String, String> env = Map.of(
        "LAUNCHER_JAR", jar.toString(),
        "WORKER_CP", Built.module().resolve("target/classes").toString(),
        "JAVA", JavaCommand.java(),
        "REAP_WAIT", "5");
    try (ForkedProcess script = podExperiment(env)) {
      int code = script.waitFor(Duration.ofSeconds(170));
      String out = script.output();
      assertEquals(1, code, out);
      assertTrue(Pattern.compile("FAIL: no log line of the launcher names the reaped orphan \\d+").matcher(out).find(), out);
      assertTrue(out.contains("FAIL: 1 zombie(s) left for PID 1 in the pod"), out);
      assertTrue(out.contains("pod experiment: 2 check(s) FAILED"), out);
    }
  }

  @Test
  void refusesToRunWithoutTheLauncherJar() throws Exception {
    Map<String, String> env = Map.of("LAUNCHER_JAR", "/nonexistent/launcher.jar", "JAVA", JavaCommand.java());
    try (ForkedProcess script = podExperiment(env)) {
      int code = script.waitFor(Duration.ofSeconds(30));
      String out = script.output();
      assertEquals(2, code, out);
      assertEquals(1, out.lines().count(), out);
      assertTrue(out.startsWith("pod-experiment: "), out);
    }
  }
}
