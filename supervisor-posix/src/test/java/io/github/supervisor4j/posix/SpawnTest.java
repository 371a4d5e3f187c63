package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.SpawnException;
import io.github.supervisor4j.testing.ForkedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a child started by posix_spawn inherits: signal mask and dispositions, descriptors, and
 * the exit codes for a command that cannot run. Children are spawned in a forked JVM; only
 * spawns that fail happen in the test JVM, so no reaper runs here.
 */
@EnabledOnOs(OS.LINUX)
class SpawnTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String ZERO = "0000000000000000";

  @TempDir static Path dir;

  @BeforeAll
  static void createFilesThatCannotRun() throws IOException {
    Path notExecutable = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectory(dir.resolve("a-directory"));
    Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop2"));
    Files.createSymbolicLink(dir.resolve("loop2"), dir.resolve("loop"));
  }

  /** A file name in {@link #dir}, or the text itself if it starts with '/' or has no '@'. */
  private static String resolve(String command) {
    return command.startsWith("@") ? dir.resolve(command.substring(1)).toString() : command;
  }

  @Test
  @Timeout(60)
  void childHasEmptySignalMaskAndNoIgnoredSignalEvenWhenTheJvmStartedWithSignalsIgnored() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' HUP INT; exec \"$@\"", "sh"));
    cmd.addAll(Forks.java(InitFixture.class).args("--print-self", "--", Fixtures.path("list_fds")).toList());
    try (ForkedProcess init = ForkedProcess.start(cmd)) {
      assertEquals(0, init.waitFor(TIMEOUT), init::describe);
      List<String> out = init.stdout();
      // The precondition that makes the test meaningful: the JVM itself has SIGHUP and SIGINT
      // ignored (HotSpot keeps them so) and its spawning thread blocks SIGQUIT on JDK 17.
      long selfIgnored = Long.parseLong(value(out, "self SigIgn:"), 16);
      assertEquals(0x3, selfIgnored & 0x3, init::describe);
      assertEquals(ZERO, value(out, "SigBlk:"), init::describe);
      assertEquals(ZERO, value(out, "SigIgn:"), init::describe);
      // And the forwarder says that it cannot forward the two.
      for (String s : List.of("SIGHUP", "SIGINT")) {
        assertTrue(init.stderr().stream().anyMatch(l -> l.contains(s + " was ignored when process " + init.pid() + " started")),
            init::describe);
      }
    }
  }

  @Test
  @Timeout(60)
  void childOfAJvmStartedWithOnly012SeesExactly012() throws Exception {
    // ProcessBuilder leaves only 0, 1 and 2 open in the JVM it starts; the JVM then opens its own.
    try (ForkedProcess init = Forks.start(InitFixture.class, "--print-self", "--", Fixtures.path("list_fds"))) {
      assertEquals(0, init.waitFor(TIMEOUT), init::describe);
      Set<Integer> self = fds(init.stdout(), "self fds");
      assertTrue(self.size() > 10, "the JVM has its own descriptors open: " + self);
      assertEquals(Set.of(0, 1, 2), fds(init.stdout(), "fds"), init::describe);
    }
  }

  @Test
  @Timeout(60)
  void passesListenFdsRangeAndNamedFdsAndClosesTheRest() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("sh", "-c",
        "exec 3</dev/null 4</dev/null 5</dev/null 9</dev/null; exec \"$@\"", "sh"));
    cmd.addAll(Forks.java(InitFixture.class).args("--print-self", "--pass-fd", "9", "--", Fixtures.path("list_fds")).toList());
    try (ForkedProcess init = ForkedProcess.of(cmd).env("LISTEN_FDS", "2").start()) {
      assertEquals(0, init.waitFor(TIMEOUT), init::describe);
      Set<Integer> self = fds(init.stdout(), "self fds");
      assertTrue(self.containsAll(Set.of(3, 4, 5, 9)), "inherited 3, 4, 5 and 9: " + self);
      assertEquals(Set.of(0, 1, 2, 3, 4, 9), fds(init.stdout(), "fds"),
          "0-2, LISTEN_FDS=2 gives 3 and 4, --pass-fd gives 9; 5 and the JVM's own are closed; " + init.describe());
    }
  }

  /** tini's exit codes for execvp's errno: ENOENT 127, EACCES 126, any other 1 (LauncherTest compares with tini). */
  @ParameterizedTest
  @CsvSource({
      "supervisor4j-no-such-command, 127, ENOENT",
      "/nonexistent/dir/command, 127, ENOENT",
      "@not-executable, 126, EACCES",
      "@a-directory, 126, EACCES",
      "/etc/passwd/command, 1, ENOTDIR",
      "@loop, 1, ELOOP"})
  void spawnFailsWithTinisExitCodeAndAOneLineMessageNamingTheCommand(String command, int code, String errno) {
    String cmd = resolve(command);
    SpawnException e = assertThrows(SpawnException.class, () -> Spawner.spawn(ChildSpec.of(cmd, "arg")));
    assertEquals(code, e.exitCode());
    assertTrue(e.getMessage().startsWith("exec " + cmd + " failed: " + errno + " ("), e.getMessage());
    if (code != 1) assertTrue(e.getMessage().endsWith(code == 127 ? ": command not found" : ": not executable"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void pathOfFindsTheFirstExecutableInPathAsExecvpDoes() throws IOException {
    // execvp's ENOEXEC fallback runs /bin/sh on the file PATH gave (Spawner.startAsScript).
    assertEquals("/bin/sh", Spawner.pathOf("/bin/sh"), "a name with a slash is itself");
    String sh = Spawner.pathOf("sh");
    assertTrue(sh.endsWith("/sh") && Files.isExecutable(Path.of(sh)), sh);
    assertEquals("supervisor4j-no-such-command", Spawner.pathOf("supervisor4j-no-such-command"));
  }

  @ParameterizedTest
  @CsvSource({"supervisor4j-no-such-command, 127", "@not-executable, 126", "@a-directory, 126"})
  @Timeout(60)
  void initExitsWithTheShellExitCodeAndOneLineNoStackTrace(String command, int code) throws Exception {
    String cmd = resolve(command);
    try (ForkedProcess init = Forks.start(InitFixture.class, "--subreaper", "--", cmd)) {
      assertEquals(code, init.waitFor(TIMEOUT), init::describe);
      List<String> err = init.stderr();
      assertEquals(1, err.size(), init::describe);
      assertTrue(err.get(0).startsWith("exec " + cmd + " failed: "), init::describe);
    }
  }

  private static String value(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no line " + prefix + " in " + lines))
        .substring(prefix.length()).trim();
  }

  private static Set<Integer> fds(List<String> lines, String prefix) {
    String v = value(lines, prefix + " ");
    return Arrays.stream(v.split(" ")).map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
  }
}
