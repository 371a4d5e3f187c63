package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.SpawnException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import jnr.ffi.Pointer;

/**
 * Starts children with posix_spawnp, so that they begin clean: an empty signal mask, every
 * signal at its default disposition, and no descriptor the JVM opened.
 *
 * <p>Descriptor rule: the child keeps 0, 1 and 2; the socket-activation range 3..3+n-1 when
 * this process's environment has {@code LISTEN_FDS=n}; and the descriptors named by {@link
 * ChildSpec#withPassedFds}. Everything else is closed in the child. This cannot tell "opened
 * by the JVM" from "inherited from our parent" by looking, since the JVM opens its jars,
 * lib/modules and /dev/random before {@code main} runs; so inheritance is opt-in, as systemd's
 * LISTEN_FDS protocol already is.
 *
 * <p>Why not ProcessBuilder: JDK 17 starts children with SIGQUIT blocked (JDK-8234262), and
 * its own reaper thread would race ours for the exit status.
 */
final class Spawner {
  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;

  /** glibc's posix_spawnattr_t is 336 bytes and posix_spawn_file_actions_t 80 on x86_64. */
  private static final int ATTR_SIZE = 512;
  private static final int ACTIONS_SIZE = 256;
  private static final int SIGSET_SIZE = 128;

  private static final Charset JNU = Os.jnuCharset();
  private static volatile boolean closefromMissing;
  private static volatile boolean tcsetpgrpActionMissing;

  private Spawner() {}

  /**
   * Starts {@code spec} and returns the child's pid.
   *
   * @throws SpawnException naming the command: 127 if not found, 126 if not executable
   */
  static int spawn(ChildSpec spec) {
    try (Os.Arena arena = new Os.Arena()) {
      return spawn(spec, arena);
    }
  }

  private static int spawn(ChildSpec spec, Os.Arena arena) {
    Pointer attr = arena.allocate(ATTR_SIZE);
    Pointer actions = arena.allocate(ACTIONS_SIZE);
    check(Os.LIBC.posix_spawnattr_init(attr), "posix_spawnattr_init", spec);
    check(Os.LIBC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init", spec);
    try {
      setAttributes(attr, spec, arena);
      setFileActions(actions, spec);
      boolean parentHandsOverTerminal = takesTerminal(spec) && !addTcsetpgrp(actions, spec);
      Pointer argv = stringArray(spec.command(), arena);
      Pointer envp = spec.environment().isPresent() ? stringArray(environmentStrings(spec.environment().get()), arena) : environ();
      int[] pid = new int[1];
      int err = Os.LIBC.posix_spawnp(pid, spec.command().get(0), actions, attr, argv, envp);
      if (err != 0) throw spawnFailure(spec, err);
      if (parentHandsOverTerminal) handOverTerminal(pid[0]);
      return pid[0];
    } finally {
      Os.LIBC.posix_spawn_file_actions_destroy(actions);
      Os.LIBC.posix_spawnattr_destroy(attr);
    }
  }

  private static void setAttributes(Pointer attr, ChildSpec spec, Os.Arena arena) {
    Pointer empty = arena.allocate(SIGSET_SIZE);
    Pointer all = arena.allocate(SIGSET_SIZE);
    Os.LIBC.sigemptyset(empty);
    // Every signal back to SIG_DFL: a SIG_IGN we inherited (nohup, a shell's background job)
    // must not reach the child. glibc skips SIGKILL and SIGSTOP itself.
    Os.LIBC.sigfillset(all);
    // glibc's sigfillset leaves out its internal signals 32 and 33 (SIGCANCEL, SIGSETXID), and
    // its posix_spawn child sets every signal that is not in this set but blocked to SIG_IGN
    // (spawni.c), which survives the exec: the child would start with SigIgn 0x180000000.
    // Setting their bits directly makes them SIG_DFL, as after fork and exec. sigset_t is an
    // array of unsigned longs, signal n at bit n-1 (x86_64, aarch64).
    all.putLong(0, all.getLong(0) | (1L << 31) | (1L << 32));
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (spec.newSession()) {
      flags |= POSIX_SPAWN_SETSID;
    } else if (spec.newProcessGroup()) {
      flags |= POSIX_SPAWN_SETPGROUP;
      check(Os.LIBC.posix_spawnattr_setpgroup(attr, 0), "posix_spawnattr_setpgroup", spec);
    }
    check(Os.LIBC.posix_spawnattr_setsigmask(attr, empty), "posix_spawnattr_setsigmask", spec);
    check(Os.LIBC.posix_spawnattr_setsigdefault(attr, all), "posix_spawnattr_setsigdefault", spec);
    check(Os.LIBC.posix_spawnattr_setflags(attr, flags), "posix_spawnattr_setflags", spec);
  }

  private static void setFileActions(Pointer actions, ChildSpec spec) {
    SortedSet<Integer> keep = keptFds(spec);
    int highest = keep.last();
    for (int fd = 3; fd < highest; fd++) {
      if (!keep.contains(fd)) check(Os.LIBC.posix_spawn_file_actions_addclose(actions, fd), "posix_spawn_file_actions_addclose", spec);
    }
    closeFrom(actions, highest + 1, spec);
    spec.directory().ifPresent(dir ->
        check(Os.LIBC.posix_spawn_file_actions_addchdir_np(actions, dir.toString()), "posix_spawn_file_actions_addchdir_np", spec));
  }

  /** Descriptors the child keeps, per the rule in the class comment. Always holds 0, 1 and 2. */
  static SortedSet<Integer> keptFds(ChildSpec spec) {
    SortedSet<Integer> keep = new TreeSet<>(List.of(0, 1, 2));
    keep.addAll(spec.passedFds());
    int listenFds = listenFds();
    for (int i = 0; i < listenFds; i++) {
      keep.add(3 + i);
    }
    return keep;
  }

  /** systemd's socket activation: LISTEN_FDS=n means descriptors 3..3+n-1 were passed to us. */
  private static int listenFds() {
    String v = System.getenv("LISTEN_FDS");
    if (v == null) return 0;
    try {
      int n = Integer.parseInt(v.trim());
      return n > 0 && n < 65536 ? n : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * True if the child should become the terminal's foreground group: it asked to, it gets its
   * own group (not a session: a new session has no controlling terminal), standard input is
   * our controlling terminal, and we are in its foreground group. Unlike tini we never take
   * the terminal from a shell that runs us in the background.
   */
  private static boolean takesTerminal(ChildSpec spec) {
    if (!spec.foreground() || !spec.newProcessGroup() || spec.newSession()) return false;
    if (Os.LIBC.isatty(0) != 1) return false;
    int foreground = Os.LIBC.tcgetpgrp(0);
    int ours = Os.LIBC.getpgid(0);
    boolean takes = foreground > 0 && foreground == ours;
    org.slf4j.LoggerFactory.getLogger(Spawner.class).debug("stdin is a terminal whose foreground group is {}, ours is {}: {}",
        foreground, ours, takes ? "the child's group takes it over" : "the child does not take it");
    return takes;
  }

  /**
   * Schedules tcsetpgrp(0, child's group) in the child, between its setpgid and its exec, as
   * tini does after fork. Race-free: the child never runs in the background, where an
   * interactive shell would stop itself with SIGTTIN before the parent could hand the
   * terminal over. glibc blocks every signal in the child until the exec, so the child's
   * tcsetpgrp from a background group raises no SIGTTOU (tty_check_change treats a blocked
   * signal as ignored). Returns false on a glibc older than 2.35.
   */
  private static boolean addTcsetpgrp(Pointer actions, ChildSpec spec) {
    if (tcsetpgrpActionMissing) return false;
    try {
      check(Os.LIBC.posix_spawn_file_actions_addtcsetpgrp_np(actions, 0), "posix_spawn_file_actions_addtcsetpgrp_np", spec);
      return true;
    } catch (UnsatisfiedLinkError e) {
      tcsetpgrpActionMissing = true;
      return false;
    }
  }

  /**
   * The fallback for glibc older than 2.35: the parent hands the terminal over right after
   * the spawn. We are still in the foreground group, so this raises no SIGTTOU; but the child
   * may already have found itself in the background. A failure is not fatal: the child then
   * runs without the terminal's signals, as it would under a non-interactive parent.
   */
  private static void handOverTerminal(int pid) {
    if (Os.LIBC.tcsetpgrp(0, pid) != 0) {
      org.slf4j.LoggerFactory.getLogger(Spawner.class).debug("tcsetpgrp(0, {}) failed: {}", pid, Os.errnoName(Os.errno()));
    }
  }

  private static void closeFrom(Pointer actions, int from, ChildSpec spec) {
    if (!closefromMissing) {
      try {
        check(Os.LIBC.posix_spawn_file_actions_addclosefrom_np(actions, from), "posix_spawn_file_actions_addclosefrom_np", spec);
        return;
      } catch (UnsatisfiedLinkError e) {
        closefromMissing = true; // glibc older than 2.34
      }
    }
    // Fallback: close what is open now. A descriptor another thread opens between this scan
    // and the spawn can leak; glibc 2.34 and later never take this path.
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
      for (Path p : fds) {
        int fd = Integer.parseInt(p.getFileName().toString());
        if (fd >= from) Os.LIBC.posix_spawn_file_actions_addclose(actions, fd);
      }
    } catch (IOException e) {
      throw new SpawnException("cannot list /proc/self/fd to close the JVM's descriptors for " + spec.command().get(0) + ": " + e.getMessage(), 1);
    }
  }

  private static List<String> environmentStrings(Map<String, String> env) {
    List<String> out = new ArrayList<>(env.size());
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  /** The C library's own environ, so that the child gets this process's environment byte for byte. */
  private static Pointer environ() {
    long address = com.kenai.jffi.Library.getDefault().getSymbolAddress("environ");
    if (address == 0) throw new SpawnException("cannot find the C library's environ", 1);
    return Os.RUNTIME.getMemoryManager().newPointer(address).getPointer(0);
  }

  private static Pointer stringArray(List<String> strings, Os.Arena arena) {
    int ptrSize = Os.RUNTIME.addressSize();
    Pointer array = arena.allocate((long) (strings.size() + 1) * ptrSize);
    for (int i = 0; i < strings.size(); i++) {
      byte[] bytes = strings.get(i).getBytes(JNU);
      Pointer s = arena.allocate(bytes.length + 1); // zeroed: the NUL is there
      s.put(0, bytes, 0, bytes.length);
      array.putPointer((long) i * ptrSize, s);
    }
    array.putAddress((long) strings.size() * ptrSize, 0L);
    return array;
  }

  private static SpawnException spawnFailure(ChildSpec spec, int err) {
    String cmd = spec.command().get(0);
    String reason = Os.errnoName(err) + " (" + Os.errnoText(err) + ")";
    switch (err) {
      case Os.ENOENT:
      case 20: // ENOTDIR
        return new SpawnException("exec " + cmd + " failed: " + reason + ": command not found", SpawnException.NOT_FOUND);
      case Os.EACCES:
      case Os.EPERM:
      case Os.ENOEXEC:
      case 21: // EISDIR
        return new SpawnException("exec " + cmd + " failed: " + reason + ": not executable", SpawnException.NOT_EXECUTABLE);
      case 11: // EAGAIN: fork's answer when RLIMIT_NPROC or a pids cgroup (a container's pids limit) is full
        return new SpawnException("exec " + cmd + " failed: " + reason + ": no process can be added. Fix: raise the"
            + " container's pids limit (podman --pids-limit, the pod's PID limit) or RLIMIT_NPROC", 1);
      default:
        return new SpawnException("exec " + cmd + " failed: " + reason, 1);
    }
  }

  private static void check(int err, String call, ChildSpec spec) {
    if (err != 0) throw new SpawnException(call + " failed for " + spec.command().get(0) + ": " + Os.errnoName(err) + " (" + Os.errnoText(err) + ")", 1);
  }
}
