package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

  @Test
  void returnsWhatJnrFfiReturns() {
    assertEquals(ProcessHandle.current().pid(), JFFI.getpid());
    assertEquals(JNR.getppid(), JFFI.getppid());
    assertEquals(JNR.getpgid(0), JFFI.getpgid(0));
    assertEquals(JNR.isatty(0), JFFI.isatty(0));
    assertEquals(0, JFFI.kill(JFFI.getpid(), 0));
  }

  @Test
  void savesErrnoForOs() {
    // A pid above pid_max never exists: ESRCH, through errno.
    assertEquals(-1, JFFI.kill(Integer.MAX_VALUE, 0));
    assertEquals(Os.ESRCH, Os.errno());
    assertEquals(Os.ESRCH, Os.kill(Integer.MAX_VALUE, 0));
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
    jnr.ffi.Pointer a = jnr.ffi.Memory.allocateDirect(Os.RUNTIME, 4);
    jnr.ffi.Pointer b = jnr.ffi.Memory.allocateDirect(Os.RUNTIME, 4);
    a.putInt(0, -7);
    b.putInt(0, -7);
    assertEquals(0, JFFI.prctl(37, a.address(), 0, 0, 0));
    assertEquals(0, JNR.prctl(37, b.address(), 0, 0, 0));
    assertEquals(b.getInt(0), a.getInt(0));
  }

  @Test
  void passesOutIntArraysAndStrings() {
    // waitpid on a pid that is not our child: -1 (ECHILD) and the out array untouched by the kernel.
    int[] status = {42};
    assertEquals(-1, JFFI.waitpid(Integer.MAX_VALUE, status, Os.WNOHANG));
    assertEquals(Os.ECHILD, Os.errno());
    // addchdir_np copies its String argument into the file actions.
    jnr.ffi.Pointer actions = jnr.ffi.Memory.allocateDirect(Os.RUNTIME, 256);
    assertEquals(0, JFFI.posix_spawn_file_actions_init(actions));
    assertEquals(0, JFFI.posix_spawn_file_actions_addchdir_np(actions, "/tmp/\u00e9t\u00e9"));
    assertEquals(0, JFFI.posix_spawn_file_actions_destroy(actions));
  }
}
