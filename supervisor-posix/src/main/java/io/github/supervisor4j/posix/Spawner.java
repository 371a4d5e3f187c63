package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ProcessGroup;
import io.github.supervisor4j.SpawnException;
import io.github.supervisor4j.SystemCallException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts children with posix_spawnp ({@link Os.Spawn}), so that they begin clean: an empty
 * signal mask, every signal at its default disposition, and no descriptor the JVM opened.
 *
 * <p>Descriptor rule: the child keeps 0, 1 and 2; the socket-activation range 3..3+n-1 when
 * this process's environment has {@code LISTEN_FDS=n}; and the descriptors named by {@link
 * ChildSpec#withPassedFds}. Everything else is closed in the child. This cannot tell "opened
 * by the JVM" from "inherited from our parent" by looking, since the JVM opens its jars,
 * lib/modules and /dev/random before {@code main} runs; so inheritance is opt-in, as systemd's
 * LISTEN_FDS protocol already is.
 *
 * <p>The command runs as tini's execvp(3) would run it: looked up in PATH (posix_spawnp's
 * search is execvp's), a file without "#!" run by /bin/sh ({@link #startAsScript}), and the
 * exit code of a failure as tini's: 127 for ENOENT, 126 for EACCES, 1 for any other errno.
 *
 * <p>Why not ProcessBuilder: JDK 17 starts children with SIGQUIT blocked (JDK-8234262), and
 * its own reaper thread would race ours for the exit status.
 */
final class Spawner {
  private static final Logger log = LoggerFactory.getLogger(Spawner.class);

  private Spawner() {}

  /**
   * Starts {@code spec} and returns the child's pid.
   *
   * @throws SpawnException naming the command: 127 if not found, 126 if not executable
   */
  static int spawn(ChildSpec spec) {
    String file = spec.command().get(0);
    try (Os.Spawn spawn = new Os.Spawn(file)) {
      spawn.emptySignalMask();
      spawn.defaultDispositions();
      boolean parentHandsOverTerminal = false;
      // Not a switch: one on an enum compiles to a class of its own (Spawner$1), one more to
      // load on the launcher's way to the child (issue 14).
      ProcessGroup group = spec.processGroup();
      if (group == ProcessGroup.NEW_SESSION) {
        spawn.newSession();
      } else if (group == ProcessGroup.NEW_FOREGROUND) {
        spawn.newProcessGroup();
        parentHandsOverTerminal = takesTerminal() && !spawn.takeForeground(0);
      } else if (group == ProcessGroup.NEW) {
        spawn.newProcessGroup();
      }
      closeDescriptors(spawn, spec);
      if (spec.directory().isPresent()) spawn.changeDirectory(spec.directory().get().toString());
      List<String> env = spec.environment().isPresent() ? environmentStrings(spec.environment().get()) : null;
      int pid;
      try {
        pid = spawn.start(spec.command(), env);
      } catch (SystemCallException e) {
        if (e.errno() != Os.ENOEXEC) throw spawnFailure(file, e.errno());
        pid = startAsScript(spawn, spec.command(), env);
      }
      if (parentHandsOverTerminal) handOverTerminal(pid);
      return pid;
    } catch (SystemCallException e) {
      throw new SpawnException(e.getMessage(), SpawnException.FAILED);
    }
  }

  private static void closeDescriptors(Os.Spawn spawn, ChildSpec spec) {
    SortedSet<Integer> keep = keptFds(spec);
    int highest = keep.last();
    for (int fd = 3; fd < highest; fd++) {
      if (!keep.contains(fd)) spawn.close(fd);
    }
    if (spawn.closeFrom(highest + 1)) return;
    // glibc before 2.34: close what is open now. A descriptor another thread opens between this
    // scan and the spawn can leak; glibc 2.34 and later never take this path.
    try {
      for (int fd : Proc.openFds()) {
        if (fd > highest) spawn.close(fd);
      }
    } catch (UncheckedIOException e) {
      throw new SpawnException("cannot close the JVM's descriptors for " + spec.command().get(0) + ": " + e.getMessage(),
          SpawnException.FAILED);
    }
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

  private static volatile boolean badListenFdsReported;

  /**
   * systemd's socket activation: LISTEN_FDS=n means descriptors 3..3+n-1 were passed to us. A
   * value that is not such a number passes none, with one warning per process (sd_listen_fds(3)
   * fails on it too).
   */
  private static int listenFds() {
    String v = System.getenv("LISTEN_FDS");
    if (v == null) return 0;
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 0 && n < 65536) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    if (!badListenFdsReported) {
      badListenFdsReported = true;
      log.warn("process {}: LISTEN_FDS={} is not a number of descriptors (0 to 65535); passing none of 3 and up", Os.getpid(), v);
    }
    return 0;
  }

  /**
   * True if a {@link ProcessGroup#NEW_FOREGROUND} child takes the terminal: standard input is
   * our controlling terminal and we are in its foreground group. Unlike tini we never take the
   * terminal from a shell that runs us in the background.
   */
  private static boolean takesTerminal() {
    if (!Os.isatty(0)) return false;
    OptionalInt foreground = Os.foregroundGroup(0);
    int ours = Os.processGroupOf(0);
    boolean takes = foreground.isPresent() && foreground.getAsInt() == ours;
    log.debug("stdin is a terminal whose foreground group is {}, ours is {}: {}", foreground.isPresent() ? foreground.getAsInt() : "none",
        ours, takes ? "the child's group takes it over" : "the child does not take it");
    return takes;
  }

  /**
   * The fallback for glibc older than 2.35, which cannot hand the terminal over in the child
   * (there, glibc blocks every signal until the exec, so the child's tcsetpgrp from a
   * background group raises no SIGTTOU, and the child never runs in the background): the
   * parent hands it over right after the spawn. We are still in the foreground group, so this
   * raises no SIGTTOU; but the child may already have found itself in the background. A
   * failure is not fatal: the child then runs without the terminal's signals, as it would
   * under a non-interactive parent.
   */
  private static void handOverTerminal(int pid) {
    try {
      Os.setForegroundGroup(0, pid);
    } catch (SystemCallException e) {
      log.debug("{}", e.getMessage());
    }
  }

  private static List<String> environmentStrings(Map<String, String> env) {
    List<String> out = new ArrayList<>(env.size());
    for (Map.Entry<String, String> e : env.entrySet()) out.add(e.getKey() + "=" + e.getValue());
    return out;
  }

  /**
   * execvp(3)'s rule for a file the kernel cannot execute (ENOEXEC: a script without "#!"):
   * run it with /bin/sh, as {@code /bin/sh FILE ARGS...}, FILE being the path that PATH gave.
   * glibc's posix_spawnp dropped that fallback (since 2.15); tini runs its child with execvp,
   * so a drop-in must keep it.
   */
  private static int startAsScript(Os.Spawn spawn, List<String> command, List<String> env) {
    String path = pathOf(command.get(0));
    List<String> argv = new ArrayList<>(command.size() + 1);
    argv.add(SHELL);
    argv.add(path);
    argv.addAll(command.subList(1, command.size()));
    try {
      return spawn.start(SHELL, argv, env);
    } catch (SystemCallException e) {
      throw spawnFailure(command.get(0), e.errno());
    }
  }

  private static final String SHELL = "/bin/sh";

  /**
   * The file execvp would run for {@code name}: itself if it has a slash, else the first
   * executable regular file in PATH (glibc's default /bin:/usr/bin when PATH is unset; an
   * empty entry is the current directory).
   */
  static String pathOf(String name) {
    if (name.indexOf('/') >= 0) return name;
    String path = System.getenv("PATH");
    if (path == null) path = "/bin:/usr/bin";
    for (String dir : path.split(":", -1)) {
      java.io.File f = dir.isEmpty() ? new java.io.File(name) : new java.io.File(dir, name);
      if (f.isFile() && f.canExecute()) return dir.isEmpty() ? name : f.getPath();
    }
    return name;
  }

  /** tini's mapping of execvp's errno: ENOENT 127, EACCES 126, anything else 1. */
  private static SpawnException spawnFailure(String cmd, int err) {
    String reason = "exec " + cmd + " failed: " + Os.describe(err);
    switch (err) {
      case Os.ENOENT:
        return new SpawnException(reason + ": command not found", SpawnException.NOT_FOUND);
      case Os.EACCES:
        return new SpawnException(reason + ": not executable", SpawnException.NOT_EXECUTABLE);
      case Os.EAGAIN: // what fork answers when a pids cgroup (a container's pids limit) or RLIMIT_NPROC is full
        return new SpawnException(reason + ": no process can be added. Fix: raise the container's pids limit"
            + " (podman --pids-limit, the pod's PID limit) or RLIMIT_NPROC", SpawnException.FAILED);
      default:
        return new SpawnException(reason, SpawnException.FAILED);
    }
  }
}
