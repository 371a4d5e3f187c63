package io.github.supervisor4j.posix;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where jffi may unpack its native library (libjffi-1.2.so) before loading it.
 *
 * <p>jffi copies the library out of its jar into {@code java.io.tmpdir} and loads it from
 * there (FACTS.md). A container with a read-only root file system, or with /tmp mounted
 * {@code noexec}, breaks that: the copy fails, or the dynamic loader refuses to map it
 * ("failed to map segment from shared object"). Before jffi is first touched, {@link
 * #choose()} checks {@code java.io.tmpdir} in /proc/self/mountinfo and, if it will not do,
 * points {@code jffi.extract.dir} at the first writable directory on a mount that is
 * neither {@code ro} nor {@code noexec}. The user's own {@code jffi.extract.dir} or {@code
 * jffi.boot.library.path} always wins.
 */
final class JffiExtractDir {
  static final String EXTRACT_DIR = "jffi.extract.dir";
  static final String BOOT_PATH = "jffi.boot.library.path";

  private JffiExtractDir() {}

  /** The outcome: the directory chosen (empty if jffi's own choice stands) and why. */
  static final class Choice {
    final Optional<Path> dir;
    final String reason;

    Choice(Optional<Path> dir, String reason) {
      this.dir = dir;
      this.reason = reason;
    }
  }

  /**
   * Sets {@code jffi.extract.dir} if {@code java.io.tmpdir} is unusable and another
   * directory is. Returns what it decided, for the log and for the error message if loading
   * fails anyway.
   */
  static Choice choose() {
    if (System.getProperty(EXTRACT_DIR) != null) return new Choice(Optional.empty(), EXTRACT_DIR + " is set by the user");
    if (System.getProperty(BOOT_PATH) != null) return new Choice(Optional.empty(), BOOT_PATH + " is set by the user");
    List<Mount> mounts = Mount.read();
    File tmp = new File(System.getProperty("java.io.tmpdir", "/tmp"));
    Optional<String> problem = problem(tmp, mounts);
    if (problem.isEmpty()) return new Choice(Optional.empty(), "java.io.tmpdir " + tmp + " is usable");
    for (File candidate : candidates()) {
      if (problem(candidate, mounts).isEmpty()) {
        System.setProperty(EXTRACT_DIR, candidate.toString());
        return new Choice(Optional.of(candidate.toPath()), "java.io.tmpdir " + tmp + " " + problem.get() + ", so jffi unpacks into " + candidate);
      }
    }
    return new Choice(Optional.empty(), "java.io.tmpdir " + tmp + " " + problem.get() + " and no other writable, exec-able directory was found");
  }

  /** Places tried after java.io.tmpdir, most likely first. */
  private static List<File> candidates() {
    List<File> out = new ArrayList<>();
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isEmpty()) out.add(new File(runtime));
    out.add(new File("/dev/shm"));
    out.add(new File("/run"));
    out.add(new File("/var/tmp"));
    String home = System.getProperty("user.home");
    if (home != null && !home.isEmpty() && !home.equals("?")) out.add(new File(home));
    out.add(new File(System.getProperty("user.dir", ".")));
    return out;
  }

  /**
   * Why {@code dir} cannot hold a library to load, or empty if it can. java.io rather than
   * java.nio.file: this runs on every start, and NIO's file system classes cost start-up time.
   */
  static Optional<String> problem(File dir, List<Mount> mounts) {
    File real;
    try {
      real = dir.getCanonicalFile();
    } catch (IOException e) {
      return Optional.of("cannot be resolved: " + e.getMessage());
    }
    if (!real.exists()) return Optional.of("does not exist");
    if (!real.isDirectory()) return Optional.of("is not a directory");
    Mount mount = Mount.of(real.getPath(), mounts);
    if (mount != null && mount.options.contains("ro")) return Optional.of("is on a read-only mount (" + mount.point + ")");
    if (mount != null && mount.options.contains("noexec")) return Optional.of("is on a noexec mount (" + mount.point + ")");
    // access(2) with W_OK, which also says EROFS for a read-only file system.
    if (!real.canWrite()) return Optional.of("is not writable");
    return Optional.empty();
  }

  /** One line of /proc/self/mountinfo: the mount point and its per-mount options. */
  static final class Mount {
    final String point;
    final List<String> options;

    Mount(String point, List<String> options) {
      this.point = point;
      this.options = options;
    }

    static List<Mount> read() {
      List<Mount> out = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new FileReader("/proc/self/mountinfo", StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] f = line.split(" ");
          if (f.length > 5) out.add(new Mount(unescape(f[4]), List.of(f[5].split(","))));
        }
      } catch (IOException | RuntimeException e) {
        // No /proc: we cannot tell, so jffi's own choice stands.
      }
      return out;
    }

    /**
     * The mount that holds the canonical {@code path}: the longest mount point above it, the
     * last listed on a tie (a later mount covers an earlier one on the same point). Null if none.
     */
    static Mount of(String path, List<Mount> mounts) {
      Mount best = null;
      for (Mount m : mounts) {
        boolean above = m.point.equals("/") || path.equals(m.point) || path.startsWith(m.point + "/");
        if (above && (best == null || m.point.length() >= best.point.length())) best = m;
      }
      return best;
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
  }
}
