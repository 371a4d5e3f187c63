package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The jffi binding of {@link LibC} against jnr-ffi's binding of the same interface, on calls
 * that are safe inside the test JVM (no reaping: ProcessBuilder's children live here).
 */
@EnabledOnOs(OS.LINUX)
class JffiLibCTest {
  private static final LibC JFFI = JffiLibC.load(StandardCharsets.UTF_8);
  private static final LibC JNR = LibraryLoader.create(LibC.class).failImmediately().load("c");
  private static final com.kenai.jffi.MemoryIO MEMORY = com.kenai.jffi.MemoryIO.getInstance();

  @Test
  void returnsWhatJnrFfiReturns() {
    assertEquals(ProcessHandle.current().pid(), JFFI.getpid());
    assertEquals(JNR.tcgetpgrp(0), JFFI.tcgetpgrp(0));
    assertEquals(JNR.getpgid(0), JFFI.getpgid(0));
    assertEquals(JNR.isatty(0), JFFI.isatty(0));
    assertEquals(0, JFFI.kill(JFFI.getpid(), 0));
  }

  @Test
  void savesErrnoForOs() {
    // A pid above pid_max never exists: ESRCH, through errno.
    assertEquals(-1, JFFI.kill(Integer.MAX_VALUE, 0));
    assertEquals(Os.ESRCH, Os.errno());
    assertFalse(Os.kill(Integer.MAX_VALUE, 0), "ESRCH is false, not an exception");
    // waitid for one pid that is not our child: ECHILD, which Os turns into false.
    assertFalse(Os.waitid(Os.P_PID, Integer.MAX_VALUE, new Os.SigInfo(), Os.WEXITED | Os.WNOHANG));
    assertEquals(0, JFFI.isatty(-1));
    assertEquals(9, Os.errno()); // EBADF
  }

  @Test
  void returnsLongResultsAndPassesVariadicArguments() {
    long getpid = "aarch64".equals(System.getProperty("os.arch")) ? 172 : 39;
    assertEquals(ProcessHandle.current().pid(), JFFI.syscall(getpid, 0, 0));
    // prctl(PR_GET_CHILD_SUBREAPER, &out): variadic, with a pointer in a long.
    try (Os.Arena arena = new Os.Arena()) {
      long a = arena.allocate(4);
      long b = arena.allocate(4);
      MEMORY.putInt(a, -7);
      MEMORY.putInt(b, -7);
      assertEquals(0, JFFI.prctl(37, a, 0, 0, 0));
      assertEquals(0, JNR.prctl(37, b, 0, 0, 0));
      assertEquals(MEMORY.getInt(b), MEMORY.getInt(a));
    }
  }

  @Test
  void passesOutIntArraysAndStrings() {
    // waitid for a pid that is not our child: -1 (ECHILD), through errno.
    assertEquals(-1, JFFI.waitid(Os.P_PID, Integer.MAX_VALUE, new Os.SigInfo().memory, Os.WEXITED | Os.WNOHANG));
    assertEquals(Os.ECHILD, Os.errno());
    // posix_spawnp fills its int[] out argument with the child's pid (reaped by pid here: not a JDK child).
    Os.Arena arena = new Os.Arena();
    long attr = arena.allocate(512);
    assertEquals(0, JFFI.posix_spawnattr_init(attr));
    int[] pid = {42};
    long argv = arena.allocate(16);
    assertEquals(0, JFFI.posix_spawnp(pid, "true", 0, attr, argv, 0));
    assertTrue(pid[0] > 0 && pid[0] != 42, "pid " + pid[0]);
    Os.SigInfo info = new Os.SigInfo();
    assertTrue(Os.waitid(Os.P_PID, pid[0], info, Os.WEXITED));
    assertEquals(pid[0], info.pid());
    JFFI.posix_spawnattr_destroy(attr);
    // addchdir_np copies its String argument into the file actions.
    long actions = arena.allocate(256);
    assertEquals(0, JFFI.posix_spawn_file_actions_init(actions));
    assertEquals(0, JFFI.posix_spawn_file_actions_addchdir_np(actions, "/tmp/\u00e9t\u00e9"));
    assertEquals(0, JFFI.posix_spawn_file_actions_destroy(actions));
    arena.close();
  }
}
