package io.github.supervisor4j.posix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/**
 * What {@code /proc} says about this process's threads and their children. Plain file reads,
 * no native calls.
 */
final class Proc {
  private static final Path TASKS = Paths.get("/proc/self/task");

  private Proc() {}

  /**
   * True if the kernel has {@code /proc/<pid>/task/<tid>/children} (CONFIG_PROC_CHILDREN, on in
   * the kernels of Debian, Ubuntu, RHEL and Fedora since 4.2 because CRIU needs it).
   */
  static boolean hasChildrenFiles() {
    return Files.isReadable(childrenFile(Os.getpid()));
  }

  /** What {@code /proc/self} points to: this process's pid in the namespace of that /proc. */
  static String selfPid() {
    try {
      return Files.readSymbolicLink(Paths.get("/proc/self")).toString();
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
  }

  /** The state letter of thread {@code tid} of this process (R, S, D, Z, ...), or "gone". */
  static String threadState(int tid) {
    try {
      String stat = new String(Files.readAllBytes(TASKS.resolve(Integer.toString(tid)).resolve("stat")), StandardCharsets.US_ASCII);
      return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch (IOException | IndexOutOfBoundsException e) {
      return "gone";
    }
  }

  /**
   * The pids that are children of thread {@code tid} of this process, in the kernel's list
   * order, sorted afterwards for binary search; empty if the thread is gone.
   */
  static int[] childrenOf(int tid) {
    byte[] text;
    try {
      text = Files.readAllBytes(childrenFile(tid));
    } catch (NoSuchFileException e) {
      return new int[0];
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + childrenFile(tid), e);
    }
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
    int[] out = Arrays.copyOf(pids, n);
    Arrays.sort(out);
    return out;
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
    String prefix = Os.SYS_WAIT4 + " 0x";
    int[] pids = new int[8];
    int n = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
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
      throw new UncheckedIOException("cannot list " + TASKS, e);
    }
    int[] out = Arrays.copyOf(pids, n);
    Arrays.sort(out);
    return out;
  }

  private static Path childrenFile(int tid) {
    return TASKS.resolve(Integer.toString(tid)).resolve("children");
  }
}
