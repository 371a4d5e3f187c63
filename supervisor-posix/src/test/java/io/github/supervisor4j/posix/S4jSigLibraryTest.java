package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * libs4jsig as the build put it into the jar, for each architecture the jar ships, run through
 * its own C test (src/test/c/s4jsig_test.c: a signal forwarded from inside the handler, as
 * itself and rewritten, held, dropped, handed to Java, ESRCH, one record of the right size and
 * fields per signal). The host's architecture runs natively; the other runs under qemu-user
 * (Debian's qemu-user-static, with the C library of the cross compiler's packages), so the
 * cross-compiled code is executed, not only compiled. CI must run both and fails if it cannot;
 * elsewhere a missing cross compiler or qemu skips the foreign architecture with one line.
 */
@EnabledOnOs(OS.LINUX)
class S4jSigLibraryTest {
  private static final Path OUT = Paths.get("target/native-test").toAbsolutePath();

  @ParameterizedTest(name = "linux-{0}")
  @ValueSource(strings = {"x86_64", "aarch64"})
  @Timeout(180)
  void forwardsAndRecordsSignalsOnEachShippedArchitecture(String arch) throws Exception {
    boolean native_ = arch.equals(hostArch());
    String cc = native_ ? "gcc" : arch + "-linux-gnu-gcc";
    Path library = Paths.get("target/classes/META-INF/native/linux-" + arch + "/libs4jsig.so").toAbsolutePath();
    require(Files.isRegularFile(library), library + " was not built (no " + cc + " when it was)");
    require(onPath(cc), cc + " is not on PATH (Debian: gcc-" + arch.replace('_', '-') + "-linux-gnu)");
    List<String> command = new ArrayList<>();
    if (!native_) {
      String qemu = "qemu-" + arch + "-static";
      Path sysroot = Paths.get("/usr/" + arch + "-linux-gnu");
      require(onPath(qemu), qemu + " is not on PATH (Debian: qemu-user-static)");
      require(Files.isDirectory(sysroot), sysroot + " is missing (the cross compiler's C library)");
      command.addAll(List.of(qemu, "-L", sysroot.toString()));
    }
    assertEquals(elfMachine(arch), elfMachine(library), library + " is not built for " + arch);

    Path test = OUT.resolve("s4jsig_test-" + arch);
    Files.createDirectories(OUT);
    run(List.of(cc, "-O2", "-Wall", "-Wextra", "-Werror", "-o", test.toString(),
        Paths.get("src/test/c/s4jsig_test.c").toAbsolutePath().toString(), "-ldl"), "compiling the test");
    assertEquals(elfMachine(arch), elfMachine(test), test + " is not built for " + arch);

    command.add(test.toString());
    command.add(library.toString());
    String output = run(command, "s4jsig_test on linux-" + arch);
    assertTrue(output.contains("s4jsig_test: ok"), output);
  }

  /**
   * No symbol of the library needs a glibc newer than 2.17, the oldest the JDK 17 builds
   * themselves run on (x86_64 and aarch64), so that it loads on the distributions JVM images
   * are built on instead of leaving them jffi's slower start. dlsym is the one a build host with
   * glibc 2.34 or later would bind at 2.34 (src/main/c/s4jjni.c keeps its old version); before
   * 2.34 it is libdl.so.2's, which the JVM has loaded there (it calls dlopen itself). And no
   * library is needed but libc.so.6 and the dynamic loader: a minimal image (supervisor-examples'
   * test images, made from what the JDK needs) may have no libdl.so.2 at all, and a library
   * that needs it does not load there. Read from the ELF with readelf; OldGlibcTest runs it.
   */
  @ParameterizedTest(name = "linux-{0}")
  @ValueSource(strings = {"x86_64", "aarch64"})
  @Timeout(60)
  void needsNoGlibcNewerThan217(String arch) throws Exception {
    Path library = Paths.get("target/classes/META-INF/native/linux-" + arch + "/libs4jsig.so").toAbsolutePath();
    require(Files.isRegularFile(library), library + " was not built");
    require(onPath("readelf"), "readelf is not on PATH (Debian: binutils)");
    Files.createDirectories(OUT);
    String symbols = run(List.of("readelf", "-W", "--dyn-syms", library.toString()), "readelf --dyn-syms");
    List<String> newer = new ArrayList<>();
    for (String line : symbols.split("\n")) {
      Matcher m = GLIBC_VERSION.matcher(line);
      while (m.find()) {
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major > 2 || (major == 2 && minor > 17)) newer.add(line.trim());
      }
    }
    assertTrue(newer.isEmpty(), library + " needs a glibc newer than 2.17: " + newer);
    assertTrue(symbols.contains(" dlsym@GLIBC_"), library + " does not call a versioned dlsym:\n" + symbols);
    String dynamic = run(List.of("readelf", "-W", "-d", library.toString()), "readelf -d");
    List<String> needed = new ArrayList<>();
    Matcher n = NEEDED.matcher(dynamic);
    while (n.find()) needed.add(n.group(1));
    assertTrue(needed.contains("libc.so.6"), library + " needs " + needed);
    assertTrue(needed.stream().allMatch(l -> l.equals("libc.so.6") || l.startsWith("ld-linux")), library + " needs more than libc.so.6 and the loader: " + needed);
  }

  private static final Pattern GLIBC_VERSION = Pattern.compile("@GLIBC_(\\d+)\\.(\\d+)");
  private static final Pattern NEEDED = Pattern.compile("\\(NEEDED\\)\\s+Shared library: \\[([^\\]]+)\\]");

  /** The JDK's os.arch in the jar's naming (META-INF/native/linux-<arch>). */
  private static String hostArch() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return arch.equals("amd64") ? "x86_64" : arch;
  }

  /** e_machine of an ELF file; the expected value for an arch name. */
  private static int elfMachine(Path file) throws IOException {
    byte[] header = new byte[20];
    try (var in = Files.newInputStream(file)) {
      if (in.readNBytes(header, 0, header.length) != header.length) return -1;
    }
    if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F') return -1;
    return ByteBuffer.wrap(header, 18, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
  }

  private static int elfMachine(String arch) {
    switch (arch) {
      case "x86_64": return 62;  // EM_X86_64
      case "aarch64": return 183; // EM_AARCH64
      default: throw new IllegalArgumentException(arch);
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, program))) return true;
    }
    return false;
  }

  /** Aborts the test with {@code why} here; fails it in CI, which must run every architecture. */
  private static void require(boolean condition, String why) {
    if (condition) return;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why + "; CI must test libs4jsig for every architecture it ships");
    assumeTrue(false, why);
  }

  /** Runs {@code command} with its output in a file (a pipe could fill up), at most 60 s. */
  private static String run(List<String> command, String what) throws IOException, InterruptedException {
    Path log = Files.createTempFile(OUT, "run", ".log");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail(what + " did not end within 60 s: " + String.join(" ", command));
      }
      String output = Files.readString(log);
      assertEquals(0, p.exitValue(), what + " failed: " + String.join(" ", command) + "\n" + output);
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
