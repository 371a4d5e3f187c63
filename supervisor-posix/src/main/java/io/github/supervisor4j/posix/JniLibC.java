package io.github.supervisor4j.posix;

import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * {@link LibC} and {@link NativeMemory} on libs4jsig's JNI functions ({@link Jni}): the
 * default binding, once {@link NativeSignals} has loaded the library. Each method is one
 * native call; strings go as NUL-terminated bytes in the JDK's file-name charset, and a
 * function missing from this C library throws {@link UnsatisfiedLinkError} when called, as
 * jffi's binding does ({@link JffiLibC}). Thread-safe: no state but the charset.
 */
final class JniLibC implements LibC, NativeMemory {
  private final Charset charset;

  JniLibC(Charset charset) {
    this.charset = charset;
  }

  @Override public int getpid() { return Jni.getpid(); }

  @Override public int kill(int pid, int sig) { return Jni.kill(pid, sig); }

  @Override public int waitid(int idtype, int id, long infop, int options) { return Jni.waitid(idtype, id, infop, options); }

  @Override public int prctl(int option, long arg2, long arg3, long arg4, long arg5) { return Jni.prctl(option, arg2, arg3, arg4, arg5); }

  @Override public long syscall(long number, long arg1, long arg2) { return Jni.syscall(number, arg1, arg2, 0, 0); }

  @Override
  public long syscall(long number, long arg1, long arg2, long arg3, long arg4) {
    return Jni.syscall(number, arg1, arg2, arg3, arg4);
  }

  @Override public int close(int fd) { return Jni.close(fd); }

  @Override public long read(int fd, long buf, long count) { return Jni.read(fd, buf, count); }

  @Override public int getpgid(int pid) { return Jni.getpgid(pid); }

  @Override public int tcgetpgrp(int fd) { return Jni.tcgetpgrp(fd); }

  @Override public int tcsetpgrp(int fd, int pgrp) { return Jni.tcsetpgrp(fd, pgrp); }

  @Override public int isatty(int fd) { return Jni.isatty(fd); }

  @Override public int sigemptyset(long set) { return Jni.sigemptyset(set); }

  @Override public int sigfillset(long set) { return Jni.sigfillset(set); }

  @Override public int posix_spawnattr_init(long attr) { return Jni.spawnattrInit(attr); }

  @Override public int posix_spawnattr_destroy(long attr) { return Jni.spawnattrDestroy(attr); }

  @Override public int posix_spawnattr_setflags(long attr, short flags) { return Jni.spawnattrSetflags(attr, flags); }

  @Override public int posix_spawnattr_setsigmask(long attr, long sigmask) { return Jni.spawnattrSetsigmask(attr, sigmask); }

  @Override public int posix_spawnattr_setsigdefault(long attr, long sigdefault) { return Jni.spawnattrSetsigdefault(attr, sigdefault); }

  @Override public int posix_spawnattr_setpgroup(long attr, int pgroup) { return Jni.spawnattrSetpgroup(attr, pgroup); }

  @Override public int posix_spawn_file_actions_init(long actions) { return Jni.actionsInit(actions); }

  @Override public int posix_spawn_file_actions_destroy(long actions) { return Jni.actionsDestroy(actions); }

  @Override public int posix_spawn_file_actions_addclose(long actions, int fd) { return Jni.actionsAddclose(actions, fd); }

  @Override
  public int posix_spawn_file_actions_addclosefrom_np(long actions, int from) {
    return present(Jni.actionsAddclosefrom(actions, from), "posix_spawn_file_actions_addclosefrom_np");
  }

  @Override
  public int posix_spawn_file_actions_addchdir_np(long actions, String path) {
    return present(Jni.actionsAddchdir(actions, cString(path)), "posix_spawn_file_actions_addchdir_np");
  }

  @Override
  public int posix_spawn_file_actions_addtcsetpgrp_np(long actions, int fd) {
    return present(Jni.actionsAddtcsetpgrp(actions, fd), "posix_spawn_file_actions_addtcsetpgrp_np");
  }

  @Override
  public int posix_spawnp(int[] pid, String file, long actions, long attr, long argv, long envp) {
    return Jni.spawnp(pid == null ? new int[1] : pid, cString(file), actions, attr, argv, envp);
  }

  @Override public long allocate(long size) { return Jni.allocate(size); }

  @Override public void free(long address) { Jni.free(address); }

  @Override public int getInt(long address) { return Jni.getInt(address); }

  @Override public long getLong(long address) { return Jni.getLong(address); }

  @Override public void putLong(long address, long value) { Jni.putLong(address, value); }

  @Override public void putBytes(long address, byte[] bytes) { Jni.putBytes(address, bytes); }

  @Override public int errno() { return Jni.errno(); }

  @Override public long environ() { return Jni.environ(); }

  private static int present(int result, String function) {
    if (result == Jni.MISSING) throw new UnsatisfiedLinkError("function " + function + " not found in the C library");
    return result;
  }

  /** {@code s} in the file-name charset with a NUL at the end. */
  private byte[] cString(String s) {
    byte[] bytes = s.getBytes(charset);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }

  @Override
  public String toString() {
    return "LibC via libs4jsig's JNI functions";
  }
}
