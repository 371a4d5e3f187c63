package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SystemCallException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;

/**
 * The Java-named layer over {@link LibC}, and the only caller of it: each method makes one
 * system call (or one C library call), turns a failure into a {@link SystemCallException} that
 * reads like tini's ({@code kill(-1234, SIGTERM) failed: EPERM (Operation not permitted)}), and
 * returns Java values. Expected errnos are results, not exceptions: ESRCH while signalling
 * (false), ECHILD while waiting (false). No errno and no C-style result leaves this class.
 *
 * <p>Native memory is addresses ({@code long}, 64 bits: supervisor-posix runs on x86_64 and
 * aarch64 only), read and written through the binding's {@link NativeMemory}, as is errno.
 * Not jnr-ffi's {@code Pointer} and {@code Runtime}, whose initialisation (type aliases by
 * reflection, a closure manager, a memory manager: 62 classes) was a tenth of the launcher's
 * start-up (issue 14).
 */
final class Os {
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int ESRCH = 3;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int ENOEXEC = 8;
  static final int ECHILD = 10;
  static final int EACCES = 13;
  static final int EMFILE = 24;
  static final int ENOSYS = 38;

  static final int WNOHANG = 1;
  static final int WEXITED = 4;
  static final int WNOWAIT = 0x01000000;

  static final int P_ALL = 0;
  static final int P_PID = 1;
  static final int P_PIDFD = 3;

  private static final int PR_SET_PDEATHSIG = 1;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int PR_GET_CHILD_SUBREAPER = 37;
  /** pidfd_open(2), Linux 5.3; same number on x86_64 and aarch64 (new calls share one table). */
  private static final int SYS_PIDFD_OPEN = 434;
  /** pidfd_send_signal(2), Linux 5.1; same number on x86_64 and aarch64. */
  private static final int SYS_PIDFD_SEND_SIGNAL = 424;

  /** {@code jni}, {@code jffi} or {@code jnr}: which binding of {@link LibC}; see {@link #LIBC}. */
  static final String PROPERTY = "supervisor4j.libc";

  /**
   * The binding: by default {@link JniLibC}, libs4jsig's JNI functions, which load nothing but
   * that library (fastest to start, docs/launcher.md); where libs4jsig cannot be loaded (no
   * build for this architecture, a C library older than it needs), {@link JffiLibC}, which calls
   * libc through jffi's invoker. {@code -Dsupervisor4j.libc=jffi} asks for that one, {@code
   * =jnr} for jnr-ffi's own binding of the same interface (not in the launcher jar, which does
   * not bundle jnr-ffi); {@code =jni} for libs4jsig or an error. A value that cannot work here
   * (no such binding, or jnr without jnr-ffi) is an {@link IllegalArgumentException}: the
   * property is wrong, not the native code.
   */
  private static final LibC LIBC = bind();
  /** libs4jsig's binding reaches memory itself; jffi's and jnr-ffi's through jffi. */
  private static final NativeMemory MEMORY = LIBC instanceof NativeMemory memory ? memory : new JffiMemory();
  /** sizeof(void *) on the platforms we run on. */
  private static final int ADDRESS_SIZE = 8;

  private Os() {}

  private static LibC bind() {
    String choice = System.getProperty(PROPERTY, "");
    if (!choice.isEmpty() && !choice.equals("jni") && !choice.equals("jffi") && !choice.equals("jnr")) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + choice + ": not a binding of the C library; jni, jffi or jnr");
    }
    if (!choice.equals("jffi") && !choice.equals("jnr")) {
      if (NativeSignals.loaded()) {
        return new JniLibC(Platform.JNU);
      }
      if (choice.equals("jni")) throw new UnsatisfiedLinkError("-D" + PROPERTY + "=jni: " + NativeSignals.libraryReason());
    }
    JffiSetup.beforeFirstLoad();
    try {
      return choice.equals("jnr") ? jnrFfi() : JffiLibC.load(Platform.JNU);
    } finally {
      JffiSetup.afterLoad(); // loaded or not, our copy of jffi's stub is no longer needed
    }
  }

  /** jnr-ffi's binding of {@link LibC}: in the library's dependencies, not in the launcher jar. */
  private static LibC jnrFfi() {
    try {
      return LibraryLoader.create(LibC.class).failImmediately().load("c");
    } catch (NoClassDefFoundError e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=jnr: jnr-ffi is not on the class path (the launcher jar does not bundle it); "
          + "use jni or jffi");
    }
  }

  /** Which binding calls the C library, for a diagnostic line. */
  static String binding() {
    return LIBC.toString();
  }

  /** The errno the last call on this thread left. */
  static int errno() {
    return MEMORY.errno();
  }

  /** {@code EPERM (Operation not permitted)}, as tini and dumb-init print an errno. */
  static String describe(int errno) {
    Errno e = Errno.valueOf(errno);
    String name = e == null || e.name().startsWith("__") ? "errno " + errno : e.name();
    return name + " (" + (e == null ? "unknown error" : e.description()) + ")";
  }

  static SystemCallException failure(String call, int errno, int pid) {
    Errno e = Errno.valueOf(errno);
    String name = e == null || e.name().startsWith("__") ? "errno " + errno : e.name();
    return new SystemCallException(call, errno, name, e == null ? "unknown error" : e.description(), pid);
  }

  static int getpid() {
    return LIBC.getpid();
  }

  /** gettid(2): the kernel's id of the calling thread; equals getpid() on the primordial thread. */
  static int gettid() {
    return (int) LIBC.syscall(Platform.CURRENT.gettidSyscall(), 0, 0);
  }

  /** The first argument of kill(2) for {@code target}: its pid, or minus its process group id. */
  static int killArgument(ForwardTarget target) {
    return target.isGroup() ? -target.id() : target.id();
  }

  /**
   * kill(2) of a process ({@code pid > 0}) or a process group ({@code -pgid}).
   *
   * @return true if sent, false if no such process exists (ESRCH)
   * @throws SystemCallException for any other errno
   */
  static boolean kill(int pid, Signal signal) {
    return kill(pid, signal.number());
  }

  /** kill(2) with a signal number, for real-time signals; see {@link #kill(int, Signal)}. */
  static boolean kill(int pid, int signal) {
    if (LIBC.kill(pid, signal) == 0) return true;
    int errno = errno();
    if (errno == ESRCH) return false;
    throw failure("kill(" + pid + ", " + Signal.nameOf(signal) + ")", errno, Math.abs(pid));
  }

  /**
   * waitid(2), retried on EINTR.
   *
   * @return true if {@code info} describes a child (si_pid non-zero); false for WNOHANG with
   *     nothing ready, or ECHILD (no such child)
   * @throws SystemCallException for any other errno
   */
  static boolean waitid(int idtype, int id, SigInfo info, int options) {
    // No need to zero si_pid first (waitid(2) asks it for portability): Linux's waitid writes
    // si_signo, si_code, si_pid, si_uid and si_status on every return, 0s when WNOHANG found
    // nothing (kernel/exit.c, SYSCALL_DEFINE5(waitid)). One native call less per reap.
    return waitid(idtype, id, info.memory, options) && info.pid() != 0;
  }

  /** waitid(2) into the siginfo_t at {@code infop}, retried on EINTR; false for ECHILD. */
  private static boolean waitid(int idtype, int id, long infop, int options) {
    while (LIBC.waitid(idtype, id, infop, options) != 0) {
      int errno = errno();
      if (errno == ECHILD) return false;
      if (errno != EINTR) throw failure("waitid(" + idtype + ", " + id + ")", errno, idtype == P_PID ? id : 0);
    }
    return true;
  }

  /** Waits for child {@code pid} to exit and reaps it; false if it is not a child of ours (ECHILD). */
  static boolean reap(int pid) {
    try (Arena arena = new Arena()) {
      return waitid(P_PID, pid, arena.allocate(128), WEXITED);
    }
  }

  /**
   * Makes a child that exits at once, so that a waitid(2) blocked in another thread returns
   * (the caller reaps it: {@link #reap}). Its pid, or 0 where libs4jsig is not loaded: jffi's
   * binding has no way to run a child that runs no Java.
   *
   * @throws SystemCallException if vfork fails (EAGAIN: the pids limit is reached)
   */
  static int spawnExitingChild() {
    if (!NativeSignals.loaded()) return 0;
    int r = Jni.spawnExitingChild();
    if (r < 0) throw failure("vfork", -r, getpid());
    return r;
  }

  static void setChildSubreaper() {
    if (LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      throw failure("prctl(PR_SET_CHILD_SUBREAPER, 1)", errno(), getpid());
    }
  }

  static boolean isChildSubreaper() {
    try (Arena arena = new Arena()) {
      long out = arena.allocate(4);
      if (LIBC.prctl(PR_GET_CHILD_SUBREAPER, out, 0, 0, 0) != 0) {
        throw failure("prctl(PR_GET_CHILD_SUBREAPER)", errno(), getpid());
      }
      return MEMORY.getInt(out) != 0;
    }
  }

  /** prctl(PR_SET_PDEATHSIG): this process gets {@code signal} when its parent thread dies. */
  static void setParentDeathSignal(Signal signal) {
    if (LIBC.prctl(PR_SET_PDEATHSIG, signal.number(), 0, 0, 0) != 0) {
      throw failure("prctl(PR_SET_PDEATHSIG, " + signal + ")", errno(), getpid());
    }
  }

  /**
   * pidfd_open(2): a descriptor that names exactly this process.
   *
   * @return the descriptor, or empty if the process no longer exists (ESRCH: exited and reaped)
   * @throws SystemCallException for any other errno: EMFILE when out of descriptors, ENOSYS
   *     before Linux 5.3
   */
  static OptionalInt pidfdOpen(int pid) {
    long r = LIBC.syscall(SYS_PIDFD_OPEN, pid, 0);
    if (r >= 0) return OptionalInt.of((int) r);
    int errno = errno();
    if (errno == ESRCH) return OptionalInt.empty();
    throw failure("pidfd_open(" + pid + ")", errno, pid);
  }

  /**
   * pidfd_send_signal(2): signals exactly the process {@code pidfd} names, never a process that
   * later got its pid.
   *
   * @param pid the pid the descriptor was opened for, for the message only
   * @return true if sent, false if that process has exited (ESRCH, even if not yet reaped)
   * @throws SystemCallException for any other errno
   */
  static boolean pidfdSendSignal(int pidfd, int pid, Signal signal) {
    if (LIBC.syscall(SYS_PIDFD_SEND_SIGNAL, pidfd, signal.number(), 0, 0) == 0) return true;
    int errno = errno();
    if (errno == ESRCH) return false;
    throw failure("pidfd_send_signal(pidfd of " + pid + ", " + signal + ")", errno, pid);
  }

  /**
   * read(2), retried on EINTR: the number of bytes read, 0 at end of file.
   *
   * @throws SystemCallException on failure
   */
  static long read(int fd, long buffer, long count) {
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

  /** isatty(3). */
  static boolean isatty(int fd) {
    return LIBC.isatty(fd) == 1;
  }

  /** tcgetpgrp(3): the foreground process group of the terminal on {@code fd}, or empty if it is none. */
  static OptionalInt foregroundGroup(int fd) {
    int pgrp = LIBC.tcgetpgrp(fd);
    return pgrp > 0 ? OptionalInt.of(pgrp) : OptionalInt.empty();
  }

  /**
   * tcsetpgrp(3): makes {@code pgrp} the foreground group of the terminal on {@code fd}.
   *
   * @throws SystemCallException on failure (ENOTTY, EPERM)
   */
  static void setForegroundGroup(int fd, int pgrp) {
    if (LIBC.tcsetpgrp(fd, pgrp) != 0) throw failure("tcsetpgrp(" + fd + ", " + pgrp + ")", errno(), pgrp);
  }

  /**
   * getpgid(2) of {@code pid}, 0 for this process.
   *
   * @throws SystemCallException on failure
   */
  static int processGroupOf(int pid) {
    int pgid = LIBC.getpgid(pid);
    if (pgid < 0) throw failure("getpgid(" + pid + ")", errno(), pid);
    return pgid;
  }

  /**
   * One posix_spawnp(3) call being prepared: its attributes and file actions, in native memory
   * freed by {@link #close()}. The methods name what they ask of the child; {@link #start}
   * makes the call. Not thread-safe: one per spawn.
   */
  static final class Spawn implements AutoCloseable {
    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    /** glibc's posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on x86_64. */
    private static final int ATTR_SIZE = 512;
    private static final int ACTIONS_SIZE = 256;
    private static final int SIGSET_SIZE = 128;

    private static volatile boolean closefromMissing;
    private static volatile boolean tcsetpgrpMissing;

    private final Arena arena = new Arena();
    private final long attr = arena.allocate(ATTR_SIZE);
    private final long actions = arena.allocate(ACTIONS_SIZE);
    private final String file;
    private short flags;

    /**
     * @param file the command to run, looked up in PATH when it has no slash; for messages too
     * @throws SystemCallException if glibc cannot initialise the attributes
     */
    Spawn(String file) {
      this.file = file;
      check(LIBC.posix_spawnattr_init(attr), "posix_spawnattr_init");
      int err = LIBC.posix_spawn_file_actions_init(actions);
      if (err != 0) {
        LIBC.posix_spawnattr_destroy(attr);
        arena.close();
        throw failure("posix_spawn_file_actions_init for " + file, err, 0);
      }
    }

    /** The child starts with no signal blocked, whatever this thread blocks. */
    void emptySignalMask() {
      long empty = arena.allocate(SIGSET_SIZE);
      LIBC.sigemptyset(empty);
      check(LIBC.posix_spawnattr_setsigmask(attr, empty), "posix_spawnattr_setsigmask");
      flags |= POSIX_SPAWN_SETSIGMASK;
    }

    /** Every signal starts at SIG_DFL in the child, including those this process ignores. */
    void defaultDispositions() {
      long all = arena.allocate(SIGSET_SIZE);
      LIBC.sigfillset(all); // glibc leaves SIGKILL and SIGSTOP alone itself
      // glibc's sigfillset leaves out its internal signals 32 and 33 (SIGCANCEL, SIGSETXID), and
      // its posix_spawn child sets every signal that is not in this set but blocked to SIG_IGN
      // (spawni.c), which survives the exec: the child would start with SigIgn 0x180000000.
      // Setting their bits directly makes them SIG_DFL, as after fork and exec. sigset_t is an
      // array of unsigned longs, signal n at bit n-1 (x86_64, aarch64).
      MEMORY.putLong(all, MEMORY.getLong(all) | (1L << 31) | (1L << 32));
      check(LIBC.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault");
      flags |= POSIX_SPAWN_SETSIGDEF;
    }

    /** The child leads a new process group (setpgid(0, 0)). */
    void newProcessGroup() {
      check(LIBC.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup");
      flags |= POSIX_SPAWN_SETPGROUP;
    }

    /** The child leads a new session (setsid). */
    void newSession() {
      flags |= POSIX_SPAWN_SETSID;
    }

    void close(int fd) {
      check(LIBC.posix_spawn_file_actions_addclose(actions, fd), "posix_spawn_file_actions_addclose");
    }

    /** Closes every descriptor from {@code fd} up in the child; false on glibc before 2.34, which lacks it. */
    boolean closeFrom(int fd) {
      if (closefromMissing) return false;
      try {
        check(LIBC.posix_spawn_file_actions_addclosefrom_np(actions, fd), "posix_spawn_file_actions_addclosefrom_np");
        return true;
      } catch (UnsatisfiedLinkError e) {
        closefromMissing = true;
        return false;
      }
    }

    void changeDirectory(String dir) {
      check(LIBC.posix_spawn_file_actions_addchdir_np(actions, dir), "posix_spawn_file_actions_addchdir_np");
    }

    /**
     * tcsetpgrp(fd, the child's group) in the child, between its setpgid and its exec; false on
     * glibc before 2.35, which lacks it.
     */
    boolean takeForeground(int fd) {
      if (tcsetpgrpMissing) return false;
      try {
        check(LIBC.posix_spawn_file_actions_addtcsetpgrp_np(actions, fd), "posix_spawn_file_actions_addtcsetpgrp_np");
        return true;
      } catch (UnsatisfiedLinkError e) {
        tcsetpgrpMissing = true;
        return false;
      }
    }

    /**
     * posix_spawnp(3) with {@code argv} and {@code environment} ("NAME=value" strings), or this
     * process's own environ when it is null.
     *
     * @return the child's pid
     * @throws SystemCallException with the error posix_spawnp returned (ENOENT, EACCES, ...)
     */
    int start(List<String> argv, List<String> environment) {
      return start(file, argv, environment);
    }

    /** As {@link #start(List, List)}, running {@code path} instead (the /bin/sh of execvp's ENOEXEC rule). */
    int start(String path, List<String> argv, List<String> environment) {
      check(LIBC.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags");
      long envp = environment != null ? strings(environment) : environ();
      int[] pid = new int[1];
      int err = LIBC.posix_spawnp(pid, path, actions, attr, strings(argv), envp);
      if (err != 0) throw failure("posix_spawnp(" + path + ")", err, 0);
      return pid[0];
    }

    @Override
    public void close() {
      LIBC.posix_spawn_file_actions_destroy(actions);
      LIBC.posix_spawnattr_destroy(attr);
      arena.close();
    }

    /** posix_spawn's functions return the error number instead of setting errno. */
    private void check(int err, String call) {
      if (err != 0) throw failure(call + " for " + file, err, 0);
    }

    /** The C library's own environ, so that the child gets this process's environment byte for byte. */
    private static long environ() {
      return MEMORY.environ();
    }

    /** A NULL-terminated char *[] of NUL-terminated copies of {@code strings}, in the arena. */
    private long strings(List<String> strings) {
      long array = arena.allocate((long) (strings.size() + 1) * ADDRESS_SIZE); // zeroed: the NULL is there
      for (int i = 0; i < strings.size(); i++) {
        byte[] bytes = strings.get(i).getBytes(Platform.JNU);
        long s = arena.allocate(bytes.length + 1); // zeroed: the NUL is there
        MEMORY.putBytes(s, bytes);
        MEMORY.putLong(array + (long) i * ADDRESS_SIZE, s);
      }
      return array;
    }
  }

  /**
   * Native memory freed when the arena is closed. Not jnr-ffi's {@code Memory.allocateDirect}:
   * its memory is freed by a finalizer queue whose first use initialises java.util.logging
   * (LogManager, System.LoggerFinder, a ServiceLoader scan of the JDK's modules), about 15 ms
   * of the launcher's start-up. Not thread-safe: one arena per call site and thread.
   */
  static final class Arena implements AutoCloseable {
    private final List<Long> addresses = new ArrayList<>();

    /** The address of {@code size} zeroed bytes, valid until {@link #close()}. */
    long allocate(long size) {
      long address = allocateForever(size);
      addresses.add(address);
      return address;
    }

    /** Zeroed memory that is never freed: for buffers that live as long as their owner, the process. */
    static long allocateForever(long size) {
      long address = MEMORY.allocate(size);
      if (address == 0) throw new OutOfMemoryError("cannot allocate " + size + " bytes of native memory");
      return address;
    }

    static void free(long address) {
      MEMORY.free(address);
    }

    /** The int at {@code address}, in memory allocated here. */
    static int intAt(long address) {
      return MEMORY.getInt(address);
    }

    @Override
    public void close() {
      for (long address : addresses) MEMORY.free(address);
      addresses.clear();
    }
  }

  /**
   * A siginfo_t buffer for waitid: 128 bytes, si_code at 8, si_pid at 16, si_status at 24 on
   * x86_64 and aarch64. Not thread-safe: one per thread. Its memory is never freed: each lives
   * as long as its reap strategy, which is the process's life in practice.
   */
  static final class SigInfo {
    private static final int SI_CODE = 8;
    private static final int SI_PID = 16;
    private static final int SI_STATUS = 24;
    final long memory = Arena.allocateForever(128);

    int pid() {
      return MEMORY.getInt(memory + SI_PID);
    }

    /** The exit status that a waitid with WEXITED reported. */
    io.github.supervisor4j.ExitStatus exitStatus() {
      return WaitStatus.decode(MEMORY.getInt(memory + SI_CODE), MEMORY.getInt(memory + SI_STATUS));
    }
  }
}
