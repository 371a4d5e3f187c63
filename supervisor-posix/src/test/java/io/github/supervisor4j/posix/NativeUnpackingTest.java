package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * We unpack jffi's stub and libs4jsig ourselves ({@link JffiSetup#unpack}), so that a start
 * initialises no SecureRandom and no NIO channel (issue 14), in private directories that are
 * gone once the libraries are loaded.
 */
@EnabledOnOs(OS.LINUX)
class NativeUnpackingTest {

  @Test
  void unpacksIntoAPrivateDirectoryAndDeletesBoth(@TempDir Path parent) throws IOException {
    byte[] bytes = {1, 2, 3, 4, 5};
    File u = JffiSetup.unpack(bytes, parent.toFile(), "libx.so");
    Path dir = u.getParentFile().toPath();
    assertEquals(parent, dir.getParent());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertArrayEquals(bytes, Files.readAllBytes(u.toPath()));
    JffiSetup.deleteUnpacked(u);
    assertFalse(Files.exists(dir), dir + " left behind");
  }

  @Test
  void eachUnpackingGetsItsOwnDirectory(@TempDir Path parent) throws IOException {
    File a = JffiSetup.unpack(new byte[1], parent.toFile(), "libx.so");
    File b = JffiSetup.unpack(new byte[1], parent.toFile(), "libx.so");
    assertFalse(a.getParentFile().equals(b.getParentFile()));
    JffiSetup.deleteUnpacked(a);
    JffiSetup.deleteUnpacked(b);
  }

  @Test
  void failsWhereNoDirectoryCanBeMade(@TempDir Path parent) {
    File missing = parent.resolve("missing").toFile();
    assertThrows(IOException.class, () -> JffiSetup.unpack(new byte[1], missing, "libx.so"));
  }

  /**
   * What the launcher's start must not pay for: jffi at all (libc is called through libs4jsig's
   * JNI functions), and what jffi's own unpacking would cost, File.createTempFile (SecureRandom,
   * the security providers) and NIO channels. Read from -Xlog:class+load, which does not depend on the machine's load, against
   * a JVM that does nothing on the same class path and options (some JDKs load a channel
   * class for the class path itself).
   */
  @Test
  void launcherStartsWithoutSecureRandomOrChannelsAndLeavesNothingInTmpdir(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("classes.txt");
    Path baselineLog = tmp.resolve("baseline.txt");
    Path tmpdir = Files.createDirectory(tmp.resolve("tmpdir"));
    List<String> command = JavaCommand.mainClass(io.github.supervisor4j.posix.launcher.Launcher.class)
        .options("-XX:-UsePerfData", "-Djava.io.tmpdir=" + tmpdir, "-Xlog:class+load:file=" + log).args("-s", "--", "true").toList();
    try (ForkedProcess run = ForkedProcess.start(command)) {
      assertEquals(0, run.waitFor(), run::toString);
    }
    List<String> baseline = JavaCommand.mainClass(NoOp.class).options("-XX:-UsePerfData", "-Xlog:class+load:file=" + baselineLog).toList();
    try (ForkedProcess run = ForkedProcess.start(baseline)) {
      assertEquals(0, run.waitFor(), run::toString);
    }
    List<String> loaded = Files.readAllLines(log);
    List<String> byItself = Files.readAllLines(baselineLog);
    assertTrue(loaded.stream().anyMatch(l -> l.contains(" io.github.supervisor4j.posix.JniLibC ")), "JniLibC loaded: " + loaded.size() + " lines");
    assertEquals(List.of(), loaded.stream().filter(l -> l.contains(" com.kenai.jffi.")).collect(Collectors.toList()), "jffi loaded");
    // Not FileChannelImpl itself: on JDK 21+ FileInputStream.transferTo (our copy of libs4jsig
    // when it is a file of target/classes, as here) uses a channel; jffi's Channels.newChannel is
    // what is avoided.
    for (String cls : List.of("java.security.SecureRandom", "sun.security.provider.NativePRNG", "java.nio.channels.Channels")) {
      if (byItself.stream().anyMatch(l -> l.contains(" " + cls + " "))) continue; // this JDK loads it anyway
      assertFalse(loaded.stream().anyMatch(l -> l.contains(" " + cls + " ")), cls + " loaded at start-up");
    }
    try (Stream<Path> left = Files.list(tmpdir)) {
      assertEquals("", left.map(Path::toString).collect(Collectors.joining(" ")), "left in java.io.tmpdir");
    }
  }

  /** The baseline: a JVM that loads its main class and exits. */
  public static final class NoOp {
    public static void main(String[] args) {}
  }
}
