package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.testing.ForkedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real children that exit with each code 0..255 or die by each signal, reaped by the exclusive
 * reaper in one forked JVM ({@link ExitStatusFixture}); each case is then checked on its own.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ExitStatusDecodingTest {
  /** Default action "ignore" or "stop": a process cannot die of these by its own kill. */
  private static final Set<Signal> NOT_FATAL = EnumSet.of(Signal.SIGCHLD, Signal.SIGCONT, Signal.SIGURG,
      Signal.SIGWINCH, Signal.SIGSTOP, Signal.SIGTSTP, Signal.SIGTTIN, Signal.SIGTTOU);
  /** Default action "core" (signal(7)). */
  private static final Set<Signal> CORE = EnumSet.of(Signal.SIGQUIT, Signal.SIGILL, Signal.SIGTRAP,
      Signal.SIGABRT, Signal.SIGBUS, Signal.SIGFPE, Signal.SIGSEGV, Signal.SIGXCPU, Signal.SIGXFSZ, Signal.SIGSYS);

  @TempDir static Path dir;
  private static final Map<String, String> results = new HashMap<>();
  private static String corePattern;

  static IntStream codes() {
    return IntStream.rangeClosed(0, 255);
  }

  static IntStream fatalSignals() {
    IntStream standard = EnumSet.complementOf(EnumSet.copyOf(NOT_FATAL)).stream().mapToInt(Signal::number);
    return IntStream.concat(standard, IntStream.rangeClosed(Signal.SIGRTMIN, Signal.SIGRTMAX));
  }

  @BeforeAll
  static void reapChildrenInAForkedJvm() throws Exception {
    corePattern = Files.readString(Paths.get("/proc/sys/kernel/core_pattern")).trim();
    List<String> args = new ArrayList<>(List.of(dir.toString()));
    fatalSignals().forEach(s -> args.add(Integer.toString(s)));
    args.add("--core");
    args.add(Integer.toString(Signal.SIGSEGV.number()));
    try (ForkedProcess jvm = Forks.start(ExitStatusFixture.class, args)) {
      assertEquals(0, jvm.waitFor(Duration.ofSeconds(90)), jvm::describe);
      for (String line : jvm.stdout()) {
        String[] f = line.split(" ", 3);
        if (f.length == 3 && !f[0].equals("stats")) results.put(f[0] + " " + f[1], f[2]);
      }
      assertTrue(jvm.stderr().isEmpty(), jvm::describe);
    }
  }

  @ParameterizedTest(name = "exit {0}")
  @MethodSource("codes")
  void decodesEveryExitCode(int code) {
    assertEquals("exited " + code + " false " + code, results.get("exit " + code));
  }

  @ParameterizedTest(name = "killed by signal {0}")
  @MethodSource("fatalSignals")
  void decodesDeathByEachSignal(int signal) {
    // With RLIMIT_CORE 0 no core is written, unless cores go to a pipe (systemd-coredump,
    // apport), which the kernel feeds whatever the limit.
    boolean core = corePattern.startsWith("|") && signal <= 31 && CORE.contains(Signal.of(signal));
    assertEquals("killed " + signal + " " + core + " " + (128 + signal), results.get("signal " + signal));
  }

  @Test
  void decodesACoreDumpAsTheKernelReportsIt() throws IOException {
    boolean coreWritten;
    try (Stream<Path> files = Files.list(dir)) {
      coreWritten = files.anyMatch(p -> p.getFileName().toString().startsWith("core"));
    }
    // The oracle is the kernel's own artifact: a core file in the child's directory (or a pipe
    // pattern, which always receives it when the limit could be raised).
    boolean expected = coreWritten || corePattern.startsWith("|");
    assertEquals("killed 11 " + expected + " 139", results.get("core 11"),
        "core_pattern " + corePattern + ", core file written: " + coreWritten);
  }
}
