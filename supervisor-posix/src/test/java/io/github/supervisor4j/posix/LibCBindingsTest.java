package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our two bindings of {@link LibC}, libs4jsig's JNI functions ({@link JniLibC}, the default) and
 * jffi's invoker ({@link JffiLibC}, where libs4jsig cannot load), each with its {@link
 * NativeMemory}, against jnr-ffi's binding of the same interface, on calls that are safe inside
 * the test JVM (no reaping: ProcessBuilder's children live here).
 */
@EnabledOnOs(OS.LINUX)
class LibCBindingsTest {
  private static final LibC JNR = LibraryLoader.create(LibC.class).failImmediately().load("c");

  /** A binding: the C functions and the memory and errno that go with them. */
  record Binding(String name, LibC libc, NativeMemory memory) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Binding> bindings() {
    assertTrue(NativeSignals.loaded(), NativeSignals::libraryReason);
    JniLibC jni = new JniLibC(StandardCharsets.UTF_8);
    return List.of(new Binding("jni", jni, jni), new Binding("jffi", JffiLibC.load(StandardCharsets.UTF_8), new JffiMemory()));
  }

  @Test
  void osUsesLibs4jsigsJniFunctionsByDefault() {
    assertEquals("LibC via libs4jsig's JNI functions", Os.binding());
  }

  @ParameterizedTest
  @MethodSource("bindings")
  void returnsWhatJnrFfiReturns(Binding b) {
    assertEquals(ProcessHandle.current().pid(), b.libc().getpid());
    assertEquals(JNR.tcgetpgrp(0), b.libc().tcgetpgrp(0));
    assertEquals(JNR.getpgid(0), b.libc().getpgid(0));
    assertEquals(JNR.isatty(0), b.libc().isatty(0));
    assertEquals(0, b.libc().kill(b.libc().getpid(), 0));
  }

  @ParameterizedTest
  @MethodSource("bindings")
  void savesErrno(Binding b) {
    // A pid above pid_max never exists: ESRCH, through errno.
    assertEquals(-1, b.libc().kill(Integer.MAX_VALUE, 0));
    assertEquals(Os.ESRCH, b.memory().errno());
    assertEquals(0, b.libc().isatty(-1));
    assertEquals(9, b.memory().errno()); // EBADF
    // Os turns the expected errnos into results.
    assertFalse(Os.kill(Integer.MAX_VALUE, 0), "ESRCH is false, not an exception");
    assertFalse(Os.waitid(Os.P_PID, Integer.MAX_VALUE, new Os.SigInfo(), Os.WEXITED | Os.WNOHANG));
  }

  @ParameterizedTest
  @MethodSource("bindings")
  void returnsLongResultsAndPassesVariadicArguments(Binding b) {
    long getpid = "aarch64".equals(System.getProperty("os.arch")) ? 172 : 39;
    assertEquals(ProcessHandle.current().pid(), b.libc().syscall(getpid, 0, 0));
    // prctl(PR_GET_CHILD_SUBREAPER, &out): variadic, with a pointer in a long.
    long a = b.memory().allocate(8);
    long c = b.memory().allocate(8);
    try {
      b.memory().putLong(a, -7);
      b.memory().putLong(c, -7);
      assertEquals(0, b.libc().prctl(37, a, 0, 0, 0));
      assertEquals(0, JNR.prctl(37, c, 0, 0, 0));
      assertEquals(b.memory().getInt(c), b.memory().getInt(a));
      assertEquals(-7L >>> 32 << 32 | (b.memory().getInt(a) & 0xffffffffL), b.memory().getLong(a), "only the int written");
    } finally {
      b.memory().free(a);
      b.memory().free(c);
    }
  }

  @ParameterizedTest
  @MethodSource("bindings")
  void passesOutIntArraysAndStrings(Binding b) {
    LibC libc = b.libc();
    NativeMemory m = b.memory();
    // waitid for a pid that is not our child: -1 (ECHILD), through errno.
    long info = m.allocate(128);
    assertEquals(-1, libc.waitid(Os.P_PID, Integer.MAX_VALUE, info, Os.WEXITED | Os.WNOHANG));
    assertEquals(Os.ECHILD, m.errno());
    // posix_spawnp fills its int[] out argument with the child's pid (reaped by pid here: not a JDK child).
    long attr = m.allocate(512);
    assertEquals(0, libc.posix_spawnattr_init(attr));
    int[] pid = {42};
    long argv = m.allocate(16);
    long arg0 = m.allocate(8);
    m.putBytes(arg0, "true\0".getBytes(StandardCharsets.US_ASCII));
    m.putLong(argv, arg0);
    assertEquals(0, libc.posix_spawnp(pid, "true", 0, attr, argv, m.environ()));
    assertTrue(pid[0] > 0 && pid[0] != 42, "pid " + pid[0]);
    assertEquals(0, libc.waitid(Os.P_PID, pid[0], info, Os.WEXITED));
    assertEquals(pid[0], m.getInt(info + 16), "si_pid");
    assertEquals(0, m.getInt(info + 24), "si_status: true exits 0");
    libc.posix_spawnattr_destroy(attr);
    // A command that is not there: posix_spawnp's error number, not errno.
    assertEquals(0, libc.posix_spawnattr_init(attr));
    assertEquals(Os.ENOENT, libc.posix_spawnp(pid, "/no/such/command", 0, attr, argv, m.environ()));
    libc.posix_spawnattr_destroy(attr);
    // addchdir_np copies its String argument into the file actions.
    long actions = m.allocate(256);
    assertEquals(0, libc.posix_spawn_file_actions_init(actions));
    assertEquals(0, libc.posix_spawn_file_actions_addchdir_np(actions, "/tmp/\u00e9t\u00e9"));
    assertEquals(0, libc.posix_spawn_file_actions_addclosefrom_np(actions, 3));
    assertEquals(0, libc.posix_spawn_file_actions_destroy(actions));
    for (long address : new long[] {info, attr, argv, arg0, actions}) m.free(address);
  }
}
