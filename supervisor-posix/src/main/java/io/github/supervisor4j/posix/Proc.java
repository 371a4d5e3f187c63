package io.github.supervisor4j.posix;

import java.io.BufferedReader;
import java.io.FileReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The one reader of {@code /proc}: processes, this process's threads and their children, and
 * the mounts. Plain file reads, no native calls, so it also works before native code is loaded.
 * Thread-safe: it keeps no state.
 */
final class Proc {
  private static final Path PROC = Paths.get("/proc");
  private static final Path SELF_TASKS = Paths.get("/proc/self/task");

  private Proc() {}

  /**
   * One process (or thread) as its {@code stat} file showed it.
   *
   * @param state the one-letter state: R, S, D, Z, T, t, X, ...
   * @param startTime field 22, in clock ticks since boot: with the pid, names one process for
   *     as long as the machine runs
   */
  record Stat(int pid, int ppid, char state, long startTime, String comm) {
    boolean isZombie() {
      return state == 'Z' || state == 'X';
    }

    boolean isStopped() {
      return state == 'T' || state == 't';
    }

    @Override
    public String toString() {
      return pid + " (" + comm + ")";
    }
  }

  /** One line of /proc/self/mountinfo: the mount point and its per-mount options. */
  record Mount(String point, List<String> options) {}

  /** The pid that {@code /proc/self} names: this process's pid in the namespace of that /proc; empty if unreadable. */
  static OptionalInt selfPid() {
    try {
      int pid = parsePid(Files.readSymbolicLink(PROC.resolve("self")).toString());
      return pid > 0 ? OptionalInt.of(pid) : OptionalInt.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * True if the kernel has {@code /proc/<pid>/task/<tid>/children} (CONFIG_PROC_CHILDREN, on in
   * the kernels of Debian, Ubuntu, RHEL and Fedora since 4.2 because CRIU needs it).
   */
  static boolean hasChildrenFiles(int pid) {
    return Files.isReadable(SELF_TASKS.resolve(Integer.toString(pid)).resolve("children"));
  }

  /** Process {@code pid} as /proc shows it now; empty if there is none. */
  static Optional<Stat> stat(int pid) {
    return parseStat(pid, PROC.resolve(Integer.toString(pid)).resolve("stat"));
  }

  /** Thread {@code tid} of this process; empty if it is gone. */
  static Optional<Stat> threadStat(int tid) {
    return parseStat(tid, SELF_TASKS.resolve(Integer.toString(tid)).resolve("stat"));
  }

  private static Optional<Stat> parseStat(int pid, Path file) {
    String stat;
    try {
      stat = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    // "pid (comm) S ppid ..."; comm may itself hold spaces and parentheses, so split at the last ')'.
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) return Optional.empty();
    String[] f = stat.substring(close + 2).split(" ");
    if (f.length < 20) return Optional.empty();
    // f[0] is field 3 (state), so field n is f[n - 3]: ppid is field 4, starttime field 22.
    return Optional.of(new Stat(pid, Integer.parseInt(f[1]), f[0].charAt(0), Long.parseLong(f[19]), stat.substring(open + 1, close)));
  }

  /**
   * Clock ticks per second of {@code /proc/<pid>/stat}'s times: USER_HZ, which the kernel
   * fixes at 100 for user space on every architecture we run on (x86_64, aarch64), whatever
   * CONFIG_HZ is.
   */
  static final long TICKS_PER_SECOND = 100;

  /** Time since boot, in clock ticks, from /proc/uptime; -1 if unreadable. */
  static long uptimeTicks() {
    try {
      String s = Files.readString(PROC.resolve("uptime"), StandardCharsets.US_ASCII);
      int space = s.indexOf(' ');
      // "12345.67 23456.78": seconds with two decimals, i.e. exactly in ticks of 10 ms.
      return Math.round(Double.parseDouble(space < 0 ? s.trim() : s.substring(0, space)) * TICKS_PER_SECOND);
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The arguments of process {@code pid} from /proc/&lt;pid&gt;/cmdline, decoded as the JDK
   * decodes command lines; empty for a zombie, a kernel thread or a process that is gone.
   */
  static List<String> commandLine(int pid) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(PROC.resolve(Integer.toString(pid)).resolve("cmdline"));
    } catch (IOException e) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        out.add(new String(raw, from, i - from, Platform.JNU));
        from = i + 1;
      }
    }
    // A process may overwrite its own argument area (setproctitle): the last one may lack its NUL.
    if (from < raw.length) out.add(new String(raw, from, raw.length - from, Platform.JNU));
    return out;
  }

  /**
   * The descriptors open in this process now (/proc/self/fd).
   *
   * @throws UncheckedIOException if the directory cannot be listed
   */
  static List<Integer> openFds() {
    List<Integer> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC.resolve("self").resolve("fd"))) {
      for (Path p : dir) out.add(parsePid(p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc/self/fd", e);
    }
    return out;
  }

  /** Every pid /proc lists (its numeric entries), in directory order. */
  static List<Integer> pids() {
    List<Integer> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
      for (Path p : dir) {
        int pid = parsePid(p.getFileName().toString());
        if (pid > 0) out.add(pid);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return out;
  }

  /**
   * The children of every thread of process {@code pid} (a child belongs to the thread that
   * forked it, until that thread exits); empty if the process is gone.
   */
  static List<Integer> childrenOfProcess(int pid) {
    List<Integer> out = new ArrayList<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(Integer.toString(pid)).resolve("task"))) {
      for (Path task : tasks) {
        byte[] text;
        try {
          text = Files.readAllBytes(task.resolve("children"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        for (int child : parsePids(text)) out.add(child);
      }
    } catch (IOException e) {
      return out; // the process ended meanwhile
    }
    return out;
  }

  /**
   * The children of thread {@code tid} of this process, sorted for {@link #contains}; empty if
   * the thread is gone.
   *
   * @throws UncheckedIOException if the file exists but cannot be read
   */
  static int[] childrenOf(int tid) {
    Path file = SELF_TASKS.resolve(Integer.toString(tid)).resolve("children");
    byte[] text;
    try {
      text = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new int[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    int[] pids = parsePids(text);
    Arrays.sort(pids);
    return pids;
  }

  static boolean contains(int[] sorted, int pid) {
    return Arrays.binarySearch(sorted, pid) >= 0;
  }

  /**
   * The pids that threads of this process are blocked in {@code wait4(pid, ...)} for right now,
   * sorted, as {@code /proc/self/task/<tid>/syscall} shows them ({@code "61 0x<pid in hex> ..."}
   * on x86_64, 260 on aarch64). That is what a JDK "process reaper" thread does while its child
   * runs. A thread that is running, not blocked, reads {@code "running"} and claims nothing.
   */
  static int[] pidsWaitedFor() {
    String prefix = Platform.CURRENT.wait4Syscall() + " 0x";
    int[] pids = new int[8];
    int n = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(SELF_TASKS)) {
      for (Path task : tasks) {
        String line;
        try {
          line = new String(Files.readAllBytes(task.resolve("syscall")), StandardCharsets.US_ASCII);
        } catch (IOException e) {
          continue; // the thread exited meanwhile
        }
        if (!line.startsWith(prefix)) continue;
        int end = line.indexOf(' ', prefix.length());
        long arg = Long.parseUnsignedLong(line.substring(prefix.length(), end < 0 ? line.length() : end).trim(), 16);
        if (n == pids.length) pids = Arrays.copyOf(pids, n * 2);
        pids[n++] = (int) arg;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + SELF_TASKS, e);
    }
    int[] out = Arrays.copyOf(pids, n);
    Arrays.sort(out);
    return out;
  }

  /**
   * The mounts of this process, in /proc/self/mountinfo's order; empty if it cannot be read.
   * java.io rather than java.nio.file's readers: this runs on the launcher's start-up path.
   */
  static List<Mount> mounts() {
    List<Mount> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new FileReader("/proc/self/mountinfo", StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(" ");
        if (f.length > 5) out.add(new Mount(unescape(f[4]), List.of(f[5].split(","))));
      }
    } catch (IOException | RuntimeException e) {
      // No /proc: the caller cannot tell, and keeps its default.
    }
    return out;
  }

  /** mountinfo escapes space, tab, newline and backslash as octal. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) return s;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** The decimal numbers in {@code text}, separated by anything else. */
  private static int[] parsePids(byte[] text) {
    int[] pids = new int[16];
    int n = 0;
    int value = -1;
    for (byte b : text) {
      if (b >= '0' && b <= '9') {
        value = (value < 0 ? 0 : value * 10) + (b - '0');
      } else if (value >= 0) {
        if (n == pids.length) pids = Arrays.copyOf(pids, n * 2);
        pids[n++] = value;
        value = -1;
      }
    }
    if (value >= 0) {
      if (n == pids.length) pids = Arrays.copyOf(pids, n + 1);
      pids[n++] = value;
    }
    return Arrays.copyOf(pids, n);
  }

  /** A pid (or descriptor) from a file name, or -1 if the name is not a number (self, net, ...). */
  private static int parsePid(String s) {
    if (s.isEmpty() || s.length() > 9) return -1;
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) return -1;
    }
    return Integer.parseInt(s);
  }
}
