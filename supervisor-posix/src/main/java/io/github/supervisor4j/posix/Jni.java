package io.github.supervisor4j.posix;

/**
 * libs4jsig's JNI functions (src/main/c/s4jjni.c): the C library's functions that {@link LibC}
 * declares, native memory and errno for {@link JniLibC}; the signal fast path's functions
 * (s4jsig.c) for {@link NativeSignals}; the JDK's table of children (s4jjdk.c) for {@link
 * JdkChildClaims}. Bound by the JVM when {@link NativeSignals} has loaded the library; calling
 * any of them before that throws {@link UnsatisfiedLinkError}.
 *
 * <p>Why JNI and not jffi, which binds the same C functions ({@link JffiLibC}): the launcher's
 * start-up. jffi costs, before its first call, its own classes, its stub unpacked from the jar
 * and loaded, a call context per signature and a cleaner thread; these cost one small library
 * that the signal fast path loads anyway (issue 14, docs/launcher.md).
 *
 * <p>Conventions: pointers are addresses ({@code long}, 0 for NULL); a call that may set errno
 * saves it per thread for {@link #errno()}; strings are NUL-terminated byte arrays; the
 * posix_spawn functions return an error number, and {@link #MISSING} when this C library lacks
 * the function (glibc before 2.29, 2.34 or 2.35: see each).
 */
final class Jni {
  /** What an optional function returns when this C library has none. */
  static final int MISSING = -1000;

  private Jni() {}

  /** The errno that the last call below left on this thread. */
  static native int errno();

  static native int getpid();

  static native int kill(int pid, int sig);

  static native int waitid(int idtype, int id, long infop, int options);

  static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  /** syscall(2) with four arguments; a call that takes fewer ignores the rest. */
  static native long syscall(long number, long arg1, long arg2, long arg3, long arg4);

  static native int close(int fd);

  static native long read(int fd, long buf, long count);

  static native int getpgid(int pid);

  static native int tcgetpgrp(int fd);

  static native int tcsetpgrp(int fd, int pgrp);

  static native int isatty(int fd);

  static native int sigemptyset(long set);

  static native int sigfillset(long set);

  static native int spawnattrInit(long attr);

  static native int spawnattrDestroy(long attr);

  static native int spawnattrSetflags(long attr, short flags);

  static native int spawnattrSetsigmask(long attr, long set);

  static native int spawnattrSetsigdefault(long attr, long set);

  static native int spawnattrSetpgroup(long attr, int pgroup);

  static native int actionsInit(long actions);

  static native int actionsDestroy(long actions);

  static native int actionsAddclose(long actions, int fd);

  /** glibc 2.34 and later, else {@link #MISSING}. */
  static native int actionsAddclosefrom(long actions, int from);

  /** glibc 2.29 and later, else {@link #MISSING}. */
  static native int actionsAddchdir(long actions, byte[] path);

  /** glibc 2.35 and later, else {@link #MISSING}. */
  static native int actionsAddtcsetpgrp(long actions, int fd);

  /** posix_spawnp(3); the child's pid in {@code pid[0]}. */
  static native int spawnp(int[] pid, byte[] file, long actions, long attr, long argv, long envp);

  /** calloc(1, size): zeroed, 0 when out of memory. */
  static native long allocate(long size);

  static native void free(long address);

  static native int getInt(long address);

  static native long getLong(long address);

  static native void putLong(long address, long value);

  /** Copies all of {@code bytes} to {@code address}. */
  static native void putBytes(long address, byte[] bytes);

  /** The C library's {@code environ}. */
  static native long environ();

  /** A child that exits at once (vfork, then {@code _exit(0)}), to end a waitid blocked in another thread: its pid, or -errno. */
  static native int spawnExitingChild();

  static native int s4jAbi();

  static native int s4jRecordSize();

  static native int s4jOpen();

  static native void s4jSetAction(int sig, int action);

  static native void s4jSetTarget(int pid);

  static native int s4jDisposition(int sig);

  static native int s4jInstall(int sig);

  static native int s4jRestore(int sig);

  static native long s4jClose();

  static native int jdkOpen();

  static native int jdkClaimed(int pid);
}
