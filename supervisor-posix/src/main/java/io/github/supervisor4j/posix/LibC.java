package io.github.supervisor4j.posix;

import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.Variadic;

/**
 * Every C library function supervisor4j calls, with the C library's names and C types. Only
 * {@link Os} calls it; errno and C-style results stop there. (libs4jsig, our own signal
 * handler library, has its binding next to it: {@link S4jSig}.)
 *
 * <p>Public only because jnr-ffi's binding ({@code -Dsupervisor4j.libc=jnr}) generates its
 * implementation with ASM in jnr-ffi's own class loader, which can implement a public interface
 * only: bound package-private,
 * it failed in {@code AsmClassLoader.defineClass} (checked on jnr-ffi 2.2.18). Nothing outside
 * this package uses it, and it is not part of the API.
 *
 * <p>Pointers are addresses ({@code long}): {@link Os} handles native memory through the
 * binding's {@link NativeMemory}, without jnr-ffi's {@code Pointer} and its {@code Runtime}
 * (issue 14).
 * jnr-ffi binds a {@code long} parameter as a 64-bit integer, which is how a pointer is
 * passed on x86_64 and aarch64.
 *
 * <p>We bind libc ourselves with jnr-ffi instead of going through jnr-posix's facade: the
 * facade lacks waitid, prctl, pidfds and the posix_spawn attribute calls, and loading it costs
 * about 300 ms and 97 MiB against 150 ms and 56 MiB for this interface (measured with
 * {@code /usr/bin/time java ...} on JDK 17, first call of each). {@link Os} binds it to
 * libs4jsig's JNI functions ({@link JniLibC}), or where libs4jsig cannot load to {@link
 * JffiLibC} (jffi's invoker, without jnr-ffi's LibraryLoader); {@code -Dsupervisor4j.libc}
 * chooses (see {@link Os}).
 */
public interface LibC {
  int getpid();

  int kill(int pid, int sig);

  /** siginfo_t is 128 bytes; si_code at 8, si_pid at 16, si_status at 24 (x86_64, aarch64). */
  int waitid(int idtype, int id, long infop, int options);

  @Variadic(fixedCount = 1)
  int prctl(int option, long arg2, long arg3, long arg4, long arg5);

  @Variadic(fixedCount = 1)
  long syscall(long number, long arg1, long arg2);

  /** For calls with four arguments, e.g. pidfd_send_signal(pidfd, sig, info, flags). */
  @Variadic(fixedCount = 1)
  long syscall(long number, long arg1, long arg2, long arg3, long arg4);

  int close(int fd);

  /** ssize_t read(int fd, void *buf, size_t count). */
  long read(int fd, long buf, long count);

  int getpgid(int pid);

  int tcgetpgrp(int fd);

  int tcsetpgrp(int fd, int pgrp);

  int isatty(int fd);

  int sigemptyset(long set);

  int sigfillset(long set);

  int posix_spawnattr_init(long attr);

  int posix_spawnattr_destroy(long attr);

  int posix_spawnattr_setflags(long attr, short flags);

  int posix_spawnattr_setsigmask(long attr, long sigmask);

  int posix_spawnattr_setsigdefault(long attr, long sigdefault);

  int posix_spawnattr_setpgroup(long attr, int pgroup);

  int posix_spawn_file_actions_init(long actions);

  int posix_spawn_file_actions_destroy(long actions);

  int posix_spawn_file_actions_addclose(long actions, int fd);

  /** glibc 2.34 and later. */
  int posix_spawn_file_actions_addclosefrom_np(long actions, int from);

  /** glibc 2.29 and later. */
  int posix_spawn_file_actions_addchdir_np(long actions, String path);

  /** glibc 2.35 and later: tcsetpgrp(fd, getpgrp()) in the child, with SIGTTOU still blocked. */
  int posix_spawn_file_actions_addtcsetpgrp_np(long actions, int fd);

  int posix_spawnp(@Out int[] pid, String file, long actions, long attr, long argv, long envp);
}
