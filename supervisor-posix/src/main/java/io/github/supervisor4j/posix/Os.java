package io.github.supervisor4j.posix;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SystemCallException;
import jnr.constants.platform.Errno;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The Java-named layer over {@link LibC}: each method makes one system call, turns a failure
 * into a {@link SystemCallException} that reads like tini's, and returns Java values.
 * Expected errnos (ECHILD while reaping, ESRCH while signalling) are results, not exceptions.
 */
final class Os {
  static final int ESRCH = 3;
  static final int EINTR = 4;
  static final int ECHILD = 10;
  static final int ENOENT = 2;
  static final int EACCES = 13;
  static final int ENOEXEC = 8;
  static final int EPERM = 1;
  static final int ENOTTY = 25;
  static final int ENOSYS = 38;
  static final int EMFILE = 24;

  static final int WNOHANG = 1;
  static final int WEXITED = 4;
  static final int WNOWAIT = 0x01000000;

  static final int P_ALL = 0;
  static final int P_PID = 1;
  static final int P_PIDFD = 3;

  static final int CLD_EXITED = 1;
  static final int CLD_KILLED = 2;
  static final int CLD_DUMPED = 3;

  private static final int PR_SET_PDEATHSIG = 1;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int PR_GET_CHILD_SUBREAPER = 37;
  /** Same number on x86_64 and aarch64: new syscalls share one table since 5.x. */
  private static final int SYS_PIDFD_OPEN = 434;
  /** pidfd_send_signal(2), Linux 5.1; same number on x86_64 and aarch64. */
  private static final int SYS_PIDFD_SEND_SIGNAL = 424;
  private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
  private static final int SYS_GETTID = AARCH64 ? 178 : 186;
  /** wait4(2), which glibc's waitpid calls: what a JDK "process reaper" thread blocks in. */
  static final int SYS_WAIT4 = AARCH64 ? 260 : 61;

  /**
   * The binding. By default {@link JffiLibC}, which calls libc through jffi without jnr-ffi's
   * LibraryLoader (faster to start; see its comment); {@code -Dsupervisor4j.libc=jnr} selects
   * jnr-ffi's own binding of the same interface.
   */
  static final LibC LIBC = "jnr".equals(System.getProperty("supervisor4j.libc"))
      ? LibraryLoader.create(LibC.class).failImmediately().load("c")
      : JffiLibC.load(jnuCharset());
  static final Runtime RUNTIME = Runtime.getSystemRuntime();

  private Os() {}

  /** The charset the JDK itself uses for command lines and file names (sun.jnu.encoding). */
  static java.nio.charset.Charset jnuCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name != null ? java.nio.charset.Charset.forName(name) : java.nio.charset.Charset.defaultCharset();
    } catch (RuntimeException e) {
      return java.nio.charset.Charset.defaultCharset();
    }
  }

  static int errno() {
    return LastError.getLastError(RUNTIME);
  }

  static String errnoName(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null || e.name().startsWith("__") ? "errno " + errno : e.name();
  }

  static String errnoText(int errno) {
    Errno e = Errno.valueOf(errno);
    return e == null ? "unknown error" : e.description();
  }

  static SystemCallException failure(String call, int errno, int pid) {
    return new SystemCallException(call, errno, errnoName(errno), errnoText(errno), pid);
  }

  static int getpid() {
    return LIBC.getpid();
  }

  /**
   * kill(2). Returns 0 on success or the errno ESRCH when no such process exists.
   *
   * @throws SystemCallException for any other errno
   */
  static int kill(int pid, int signal) {
    if (LIBC.kill(pid, signal) == 0) return 0;
    int errno = errno();
    if (errno == ESRCH) return ESRCH;
    throw failure("kill(" + pid + ", " + Signal.nameOf(signal) + ")", errno, Math.abs(pid));
  }

  /**
   * waitpid(2), retried on EINTR. Returns the reaped pid with its raw status in {@code
   * status[0]}, 0 for WNOHANG and nothing ready, or -1 for ECHILD (no such child).
   */
  static int waitpid(int pid, int[] status, int options) {
    while (true) {
      int r = LIBC.waitpid(pid, status, options);
      if (r >= 0) return r;
      int errno = errno();
      if (errno == EINTR) continue;
      if (errno == ECHILD) return -1;
      throw failure("waitpid(" + pid + ")", errno, Math.max(pid, 0));
    }
  }

  /**
   * waitid(2), retried on EINTR. Returns true if {@code info} describes a child (si_pid
   * non-zero), false for WNOHANG with nothing ready or ECHILD.
   */
  static boolean waitid(int idtype, int id, SigInfo info, int options) {
    info.clear();
    while (true) {
      int r = LIBC.waitid(idtype, id, info.memory, options);
      if (r == 0) return info.pid() != 0;
      int errno = errno();
      if (errno == EINTR) continue;
      if (errno == ECHILD) return false;
      throw failure("waitid(" + idtype + ", " + id + ")", errno, idtype == P_PID ? id : 0);
    }
  }

  static void setChildSubreaper() {
    if (LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      throw failure("prctl(PR_SET_CHILD_SUBREAPER, 1)", errno(), getpid());
    }
  }

  static boolean isChildSubreaper() {
    try (Arena arena = new Arena()) {
      Pointer out = arena.allocate(4);
      if (LIBC.prctl(PR_GET_CHILD_SUBREAPER, out.address(), 0, 0, 0) != 0) {
        throw failure("prctl(PR_GET_CHILD_SUBREAPER)", errno(), getpid());
      }
      return out.getInt(0) != 0;
    }
  }

  /** prctl(PR_SET_PDEATHSIG): this process gets {@code signal} when its parent thread dies. */
  static void setParentDeathSignal(int signal) {
    if (LIBC.prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0) != 0) {
      throw failure("prctl(PR_SET_PDEATHSIG, " + Signal.nameOf(signal) + ")", errno(), getpid());
    }
  }

  /** pidfd_open(2): a descriptor that names exactly this process, or -1 if it no longer exists. */
  static int pidfdOpen(int pid) {
    long r = LIBC.syscall(SYS_PIDFD_OPEN, pid, 0);
    if (r >= 0) return (int) r;
    int errno = errno();
    if (errno == ESRCH) return -1;
    throw failure("pidfd_open(" + pid + ")", errno, pid);
  }

  /**
   * pidfd_send_signal(2): signals exactly the process {@code pidfd} names, never a process that
   * later got its pid. Returns 0, or ESRCH if that process has exited (even if not yet reaped).
   *
   * @param pid the pid the descriptor was opened for, for the message only
   * @throws SystemCallException for any other errno
   */
  static int pidfdSendSignal(int pidfd, int pid, int signal) {
    if (LIBC.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0) == 0) return 0;
    int errno = errno();
    if (errno == ESRCH) return ESRCH;
    throw failure("pidfd_send_signal(pidfd of " + pid + ", " + Signal.nameOf(signal) + ")", errno, pid);
  }

  /**
   * pidfd_open(2) that reports running out of descriptors as -2 instead of failing, so that a
   * caller opening many can stop and use what it has.
   */
  static int pidfdOpenOrLimit(int pid) {
    long r = LIBC.syscall(SYS_PIDFD_OPEN, pid, 0);
    if (r >= 0) return (int) r;
    int errno = errno();
    if (errno == ESRCH) return -1;
    if (errno == EMFILE) return -2;
    throw failure("pidfd_open(" + pid + ")", errno, pid);
  }

  /** gettid(2): the kernel's id of the calling thread; equals getpid() on the primordial thread. */
  static int gettid() {
    return (int) LIBC.syscall(SYS_GETTID, 0, 0);
  }

  /**
   * read(2), retried on EINTR: the number of bytes read, 0 at end of file.
   *
   * @throws SystemCallException on failure
   */
  static long read(int fd, Pointer buffer, long count) {
    while (true) {
      long r = LIBC.read(fd, buffer, count);
      if (r >= 0) return r;
      int errno = errno();
      if (errno != EINTR) throw failure("read(" + fd + ")", errno, getpid());
    }
  }

  static void close(int fd) {
    LIBC.close(fd);
  }

  /** The raw status of waitpid as an exit status. */
  static io.github.supervisor4j.ExitStatus decode(int raw) {
    return WaitStatus.decode(raw);
  }

  /**
   * Native memory freed when the arena is closed. Not jnr-ffi's {@code Memory.allocateDirect}:
   * its memory is freed by a finalizer queue whose first use initialises java.util.logging
   * (LogManager, System.LoggerFinder, a ServiceLoader scan of the JDK's modules), about 15 ms
   * of the launcher's start-up. Not thread-safe: one arena per call site and thread.
   */
  static final class Arena implements AutoCloseable {
    private static final com.kenai.jffi.MemoryIO MEMORY = com.kenai.jffi.MemoryIO.getInstance();
    private final java.util.List<Long> addresses = new java.util.ArrayList<>();

    /** {@code size} zeroed bytes, valid until {@link #close()}. */
    Pointer allocate(long size) {
      long address = allocateForever(size);
      addresses.add(address);
      return Pointer.wrap(RUNTIME, address);
    }

    /** Zeroed memory that is never freed: for buffers that live as long as their owner, the process. */
    static long allocateForever(long size) {
      long address = MEMORY.allocateMemory(size, true);
      if (address == 0) throw new OutOfMemoryError("cannot allocate " + size + " bytes of native memory");
      return address;
    }

    @Override
    public void close() {
      for (long address : addresses) MEMORY.freeMemory(address);
      addresses.clear();
    }
  }

  /**
   * A siginfo_t buffer for waitid. Not thread-safe: one per thread. Its 128 bytes are never
   * freed: each lives as long as its reap strategy, which is the process's life in practice.
   */
  static final class SigInfo {
    final Pointer memory = Pointer.wrap(RUNTIME, Arena.allocateForever(128));

    void clear() {
      memory.putLong(8, 0);
      memory.putLong(16, 0);
      memory.putLong(24, 0);
    }

    int pid() {
      return memory.getInt(16);
    }

    int code() {
      return memory.getInt(8);
    }

    int status() {
      return memory.getInt(24);
    }

    /** The exit status that a waitid with WEXITED reported. */
    io.github.supervisor4j.ExitStatus exitStatus() {
      int code = code();
      if (code == CLD_EXITED) return io.github.supervisor4j.ExitStatus.exited(status() & 0xff);
      return io.github.supervisor4j.ExitStatus.killed(status(), code == CLD_DUMPED);
    }
  }
}
