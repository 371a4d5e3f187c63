package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the shipped launcher jar loads to run {@code -s -- true} as a user runs it (no JVM
 * option but the log), read from {@code -Xlog:class+load}, which does not depend on the
 * machine's load (issue 14; the time itself is bench/run's). Not jffi: libc is called through
 * libs4jsig's JNI functions; no slf4j discovery and no slf4j base class: the jar's own
 * LoggerFactory makes the launcher's loggers itself. On JDK 17, no class spun at run time that a JVM running an empty
 * main from a jar does not spin too: a lambda, a method reference, {@code String.format}
 * (Formatter's regex) or an indy string concatenation on the way to the child each makes the
 * JDK generate classes, milliseconds of start-up each (docs/launcher.md); on later JDKs, which
 * spin classes for reflection, no lambda of ours. And a bound on the classes from outside the
 * JDK's CDS archive, with room for one JDK's differences from another, so that a change that
 * pulls in a library or a subsystem shows here first.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class LauncherStartupClassesTest {
  /** 96 on JDK 17.0.15 now (55 from the jar), 115 on Temurin 25; 124 when written; 475 before issue 14. */
  private static final int MAX_OUTSIDE_CDS = 130;

  @Test
  void startsWithoutJffiWithoutSpunClassesAndWithFewClassesOutsideCds(@TempDir Path tmp) throws Exception {
    List<String> launcher = classesLoaded(JavaCommand.jar(Forks.launcherJar()).args("-s", "--", "true"), tmp.resolve("launcher.txt"));
    List<String> baseline = classesLoaded(JavaCommand.jar(emptyMainJar(tmp)), tmp.resolve("baseline.txt"));

    assertTrue(launcher.stream().anyMatch(l -> l.contains(" io.github.supervisor4j.posix.JniLibC ")), "JniLibC not loaded");
    assertEquals(List.of(), matching(launcher, " com.kenai.jffi."), "jffi loaded");
    assertEquals(List.of(), matching(launcher, " jnr.ffi."), "jnr-ffi loaded");
    // slf4j bound by the launcher jar's own LoggerFactory: no discovery, no substitute loggers.
    assertEquals(List.of(), matching(launcher, " org.slf4j.helpers.SubstituteServiceProvider "), "slf4j's discovery ran");
    // Nor its base classes or provider: LauncherLogger implements Logger itself (8 classes fewer).
    assertEquals(List.of(), matching(launcher, " org.slf4j.helpers."), "slf4j's helpers loaded");
    assertEquals(List.of(), matching(launcher, " org.slf4j.spi.SLF4JServiceProvider "), "an slf4j provider made");

    Set<String> spunByItself = spun(baseline).stream().map(LauncherStartupClassesTest::shape).collect(Collectors.toSet());
    List<String> spun = spun(launcher).stream().filter(l -> !spunByItself.contains(shape(l))).collect(Collectors.toList());
    if (Runtime.version().feature() < 18) {
      assertEquals(List.of(), spun, "classes generated at run time on the way to the child");
    } else {
      // JDK 18+ implements reflection with method handles (JEP 416): the JDK's own EnumMap
      // (Class.getEnumConstantsShared) and ServiceLoader spin LambdaForms for it, and its
      // Arrays.sort(int[]) makes a lambda of its own (seen on 25). Ours are what is checked there.
      assertEquals(List.of(), matching(spun, " io.github.supervisor4j."), "our lambdas on the way to the child");
    }

    List<String> outside = launcher.stream().filter(l -> l.contains(" source: ") && !l.contains("shared objects file")).collect(Collectors.toList());
    assertTrue(outside.size() <= MAX_OUTSIDE_CDS, outside.size() + " classes from outside the CDS archive:\n" + String.join("\n", outside));
  }

  /**
   * Each class the launcher loads from its jar on the way to the child is stored there, not
   * deflated (the launcher-store execution of the POM): inflating them cost 5-9 ms of JDK
   * 17's start-up. Fails when a class from outside the stored prefixes joins the start path.
   */
  @Test
  void loadsOnlyStoredEntriesFromItsJar(@TempDir Path tmp) throws Exception {
    List<String> launcher = classesLoaded(JavaCommand.jar(Forks.launcherJar()).args("-s", "--", "true"), tmp.resolve("launcher.txt"));
    List<String> fromJar = launcher.stream().filter(l -> l.contains(" source: file:") && l.contains("-launcher.jar"))
        .map(l -> l.trim().split("\\s+")[1]).collect(Collectors.toList());
    assertTrue(fromJar.size() > 50, "classes from the launcher jar: " + fromJar);
    try (JarFile jar = new JarFile(Forks.launcherJar().toFile())) {
      List<String> deflated = fromJar.stream()
          .filter(c -> jar.getEntry(c.replace('.', '/') + ".class").getMethod() != ZipEntry.STORED)
          .collect(Collectors.toList());
      assertEquals(List.of(), deflated, "classes on the start path that the launcher jar deflates");
    }
  }

  private static List<String> classesLoaded(JavaCommand command, Path log) throws Exception {
    try (ForkedProcess run = ForkedProcess.start(command.options("-Xlog:class+load:file=" + log).toList())) {
      assertEquals(0, run.waitFor(), run::toString);
    }
    return Files.readAllLines(log);
  }

  private static List<String> matching(List<String> lines, String text) {
    return lines.stream().filter(l -> l.contains(text)).collect(Collectors.toList());
  }

  /** Hidden classes defined at run time: lambda proxies, LambdaForms, string concatenation. */
  private static List<String> spun(List<String> lines) {
    return lines.stream().filter(l -> l.contains("LookupDefineClass") || (l.contains("$$Lambda") && !l.contains("shared objects file")))
        .collect(Collectors.toList());
  }

  /** A spun class's name without its address, which differs from run to run. */
  private static String shape(String line) {
    String[] f = line.trim().split("\\s+");
    String name = f.length > 1 ? f[1] : line;
    int slash = name.indexOf('/');
    return slash < 0 ? name : name.substring(0, slash);
  }

  /** A jar whose main does nothing: what any {@code java -jar} loads and spins. */
  private static Path emptyMainJar(Path dir) throws Exception {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, NativeUnpackingTest.NoOp.class.getName());
    Path jar = dir.resolve("empty-main.jar");
    String entry = NativeUnpackingTest.NoOp.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m);
        var in = NativeUnpackingTest.NoOp.class.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new java.util.jar.JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
