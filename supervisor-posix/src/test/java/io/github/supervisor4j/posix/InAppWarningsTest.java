package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an app that calls {@code Supervisors.installInit()} prints on stderr, run as its user
 * runs it, on the JDK of the build (CI: 17 and 25), in every configuration the README names:
 * no flag, the README's flag, --add-opens, -javaagent with the jar we build, and executable jars
 * whose manifest carries Add-Opens, Enable-Native-Access or Launcher-Agent-Class. {@link
 * InAppFixture} {@code install} prints how the JDK's table of children is read; the
 * stress test ({@link CooperativeStressTest}) shows that each of those sources is exact.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class InAppWarningsTest {
  private static final boolean JDK_WARNS_ABOUT_NATIVE_ACCESS = Runtime.version().feature() >= 24;

  /** No flag at all: exact (JNI), and nothing of ours; on JDK 24+ the JDK's own native-access warning only. */
  @Test
  void withNoFlagTheTableIsReadExactlyAndOnlyTheJdksNativeAccessWarningAppears() throws Exception {
    ForkedProcess run = install(JavaCommand.mainClass(InAppFixture.class));
    assertEquals(List.of("installed java.lang.ProcessHandleImpl.completions (JNI)"), sources(run), run::describe);
    List<String> err = run.stderr().stream().filter(l -> !l.isBlank()).collect(Collectors.toList());
    if (JDK_WARNS_ABOUT_NATIVE_ACCESS) {
      assertTrue(!err.isEmpty() && err.stream().allMatch(l -> l.startsWith("WARNING: ")), run::describe);
      assertTrue(err.stream().anyMatch(l -> l.contains("java.lang.System::load has been called by io.github.supervisor4j.posix.NativeSignals")), run::describe);
      assertTrue(err.stream().noneMatch(l -> l.contains("sun.misc.Unsafe")), run::describe);
    } else {
      assertEquals(List.of(), err, run::describe);
    }
  }

  @Test
  void withTheReadmesFlagStderrIsEmpty() throws Exception {
    ForkedProcess run = install(Forks.java(InAppFixture.class));
    assertEquals(List.of("installed java.lang.ProcessHandleImpl.completions (JNI)"), sources(run), run::describe);
    assertEquals(List.of(), run.stderr(), run::describe);
  }

  @Test
  void withAddOpensTooTheTableIsReadByReflectionAndStderrIsEmpty() throws Exception {
    ForkedProcess run = install(Forks.java(InAppFixture.class).options("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
    assertEquals(List.of("installed java.lang.ProcessHandleImpl.completions (reflection)"), sources(run), run::describe);
    assertEquals(List.of(), run.stderr(), run::describe);
  }

  /** -javaagent with the library jar this build made (not test classes): it opens java.lang itself. */
  @Test
  void withTheBuiltJarAsJavaagentTheTableIsReadByReflectionAndStderrIsEmpty() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JavaCommand.java(), Forks.NATIVE_ACCESS, "-javaagent:" + Forks.libraryJar(), "-cp",
        String.join(File.pathSeparator, Forks.classPathWithoutOurClasses()), InAppFixture.class.getName(), "install"));
    ForkedProcess run = install(cmd);
    assertEquals(List.of("installed java.lang.ProcessHandleImpl.completions (reflection)"), sources(run), run::describe);
    assertEquals(List.of(), run.stderr(), run::describe);
  }

  /**
   * An app's executable jar with Launcher-Agent-Class and Enable-Native-Access: {@code java
   * -jar app.jar}, no flag. The JDK starts that agent before it applies the jar's
   * Enable-Native-Access (seen on Temurin 25), so JDK 24+ still prints its native-access
   * warning: README says to add the flag there, or to use Add-Opens and call installInit().
   */
  @Test
  void anExecutableJarWithLauncherAgentClassIsExactAndOnJdk24GetsOnlyTheJdksWarning(@TempDir Path dir) throws Exception {
    Path jar = appJar(dir, "Launcher-Agent-Class", InitAgent.class.getName());
    ForkedProcess run = install(JavaCommand.jar(jar));
    assertEquals(List.of("installed java.lang.ProcessHandleImpl.completions (reflection)"), sources(run), run::describe);
    List<String> err = run.stderr().stream().filter(l -> !l.isBlank()).collect(Collectors.toList());
    if (JDK_WARNS_ABOUT_NATIVE_ACCESS) {
      assertTrue(!err.isEmpty() && err.stream().allMatch(l -> l.startsWith("WARNING: ")), run::describe);
      assertTrue(err.stream().anyMatch(l -> l.contains("java.lang.System::load has been called by io.github.supervisor4j.posix.NativeSignals")), run::describe);
    } else {
      assertEquals(List.of(), err, run::describe);
    }
    ForkedProcess flagged = install(JavaCommand.jar(jar).options(Forks.NATIVE_ACCESS));
    assertEquals(List.of(), flagged.stderr(), flagged::describe);
  }

  /** An app's executable jar with Add-Opens and Enable-Native-Access: {@code java -jar app.jar}, no flag. */
  @Test
  void anExecutableJarWithAddOpensNeedsNoFlag(@TempDir Path dir) throws Exception {
    Path jar = appJar(dir, "Add-Opens", "java.base/java.lang");
    ForkedProcess run = install(JavaCommand.jar(jar));
    assertEquals(List.of("installed java.lang.ProcessHandleImpl.completions (reflection)"), sources(run), run::describe);
    assertEquals(List.of(), run.stderr(), run::describe);
  }

  /**
   * Where libc is called through jffi (libs4jsig cannot load; here asked for with
   * -Dsupervisor4j.libc=jffi), the library sets jffi.unsafe.disabled=true before jffi loads
   * (JffiSetup), but never over the user's own setting: with -Djffi.unsafe.disabled=false
   * jffi's Unsafe memory access is back, and JDK 24+ warn about it, as that user asked.
   */
  @Test
  void theUsersOwnJffiSettingIsKept() throws Exception {
    ForkedProcess ours = install(Forks.java(InAppFixture.class).options("-D" + Os.PROPERTY + "=jffi"));
    assertEquals(List.of(), ours.stderr(), ours::describe);
    ForkedProcess theirs = install(Forks.java(InAppFixture.class).options("-D" + Os.PROPERTY + "=jffi", "-Djffi.unsafe.disabled=false"));
    boolean unsafeWarning = theirs.stderr().stream().anyMatch(l -> l.startsWith("WARNING: sun.misc.Unsafe::") && l.contains("com.kenai.jffi"));
    assertEquals(Runtime.version().feature() >= 24, unsafeWarning, theirs::describe);
  }

  /** Where only the heuristic is left: one line of ours, with its measured loss and the flag that fixes it. */
  @Test
  void withOnlyTheHeuristicLeftOneLineOfOursNamesTheLossAndTheFlag() throws Exception {
    ForkedProcess run = install(Forks.java(InAppFixture.class).options("-D" + JdkChildClaims.SOURCE_PROPERTY + "=reflection,heuristic"));
    assertEquals(1, run.stderr().size(), run::describe);
    String line = run.stderr().get(0);
    assertTrue(line.contains("WARN") && line.contains("under the stress test that lost " + JdkChildClaims.HEURISTIC_LOSS)
        && line.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), line);
  }

  /** Where JNI is missing: Unsafe, exact; on JDK 24+ the JDK warns about it, and one line of ours names the fix. */
  @Test
  void withOnlyUnsafeLeftJdk24WarnsAndOneLineOfOursNamesTheFlag() throws Exception {
    ForkedProcess run = install(Forks.java(InAppFixture.class).options("-D" + JdkChildClaims.SOURCE_PROPERTY + "=reflection,unsafe"));
    assertEquals(List.of("installed java.lang.ProcessHandleImpl.completions (sun.misc.Unsafe)"), sources(run), run::describe);
    List<String> ours = run.stderr().stream().filter(l -> !l.startsWith("WARNING: ") && !l.isBlank()).collect(Collectors.toList());
    if (Runtime.version().feature() >= 24) {
      assertEquals(1, ours.size(), run::describe);
      assertTrue(ours.get(0).contains("sun.misc.Unsafe") && ours.get(0).contains("--add-opens java.base/java.lang=ALL-UNNAMED"), run::describe);
      assertTrue(run.stderr().stream().anyMatch(l -> l.startsWith("WARNING: sun.misc.Unsafe::staticFieldBase")), run::describe);
    } else {
      assertEquals(List.of(), run.stderr(), run::describe);
    }
  }

  /**
   * An app jar as a user's fat jar would be: Main-Class InAppFixture, Enable-Native-Access, the
   * given line, and a Class-Path of the library jar this build made and its dependencies.
   */
  private static Path appJar(Path dir, String name, String value) throws Exception {
    Manifest mf = new Manifest();
    Attributes a = mf.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.put(Attributes.Name.MAIN_CLASS, InAppFixture.class.getName());
    a.putValue("Enable-Native-Access", "ALL-UNNAMED");
    a.putValue(name, value);
    List<String> path = new ArrayList<>();
    path.add(Forks.libraryJar().toUri().toString());
    for (String e : Forks.classPathWithoutOurClasses()) path.add(Paths.get(e).toAbsolutePath().toUri().toString());
    a.put(Attributes.Name.CLASS_PATH, String.join(" ", path));
    Path jar = dir.resolve("app.jar");
    new JarOutputStream(Files.newOutputStream(jar), mf).close();
    return jar;
  }

  private static ForkedProcess install(JavaCommand jvm) throws Exception {
    return install(jvm.args("install").toList());
  }

  private static ForkedProcess install(List<String> cmd) throws Exception {
    try (ForkedProcess run = ForkedProcess.start(cmd)) {
      assertEquals(0, run.awaitEnd(), run::describe);
      return run;
    }
  }

  /** The fixture's "installed SOURCE CONFIG" line, without the config. */
  private static List<String> sources(ForkedProcess run) {
    return run.stdout().stream().filter(l -> l.startsWith("installed ")).map(l -> l.substring(0, l.indexOf(')') + 1))
        .collect(Collectors.toList());
  }
}
