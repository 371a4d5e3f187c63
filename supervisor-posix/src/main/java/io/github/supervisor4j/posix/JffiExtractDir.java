package io.github.supervisor4j.posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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
    Path tmp = Paths.get(System.getProperty("java.io.tmpdir", "/tmp"));
    Optional<String> problem = problem(tmp, mounts);
    if (problem.isEmpty()) return new Choice(Optional.empty(), "java.io.tmpdir " + tmp + " is usable");
    for (Path candidate : candidates()) {
      if (problem(candidate, mounts).isEmpty()) {
        System.setProperty(EXTRACT_DIR, candidate.toString());
        return new Choice(Optional.of(candidate), "java.io.tmpdir " + tmp + " " + problem.get() + ", so jffi unpacks into " + candidate);
      }
    }
    return new Choice(Optional.empty(), "java.io.tmpdir " + tmp + " " + problem.get() + " and no other writable, exec-able directory was found");
  }

  /** Places tried after java.io.tmpdir, most likely first. */
  private static List<Path> candidates() {
    List<Path> out = new ArrayList<>();
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isEmpty()) out.add(Paths.get(runtime));
    out.add(Paths.get("/dev/shm"));
    out.add(Paths.get("/run"));
    out.add(Paths.get("/var/tmp"));
    String home = System.getProperty("user.home");
    if (home != null && !home.isEmpty() && !home.equals("?")) out.add(Paths.get(home));
    out.add(Paths.get(System.getProperty("user.dir", ".")));
    return out;
  }

  /** Why {@code dir} cannot hold a library to load, or empty if it can. */
  static Optional<String> problem(Path dir, List<Mount> mounts) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      return Optional.of("does not exist");
    }
    if (!Files.isDirectory(real)) return Optional.of("is not a directory");
    Optional<Mount> mount = Mount.of(real, mounts);
    if (mount.isPresent() && mount.get().options.contains("ro")) return Optional.of("is on a read-only mount (" + mount.get().point + ")");
    if (mount.isPresent() && mount.get().options.contains("noexec")) return Optional.of("is on a noexec mount (" + mount.get().point + ")");
    if (!Files.isWritable(real)) return Optional.of("is not writable");
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
      try {
        for (String line : Files.readAllLines(Paths.get("/proc/self/mountinfo"))) {
          String[] f = line.split(" ");
          if (f.length > 5) out.add(new Mount(unescape(f[4]), List.of(f[5].split(","))));
        }
      } catch (IOException | RuntimeException e) {
        // No /proc: we cannot tell, so jffi's own choice stands.
      }
      return out;
    }

    /** The mount that holds {@code path}: the longest mount point above it, the last listed on a tie (it covers the earlier). */
    static Optional<Mount> of(Path path, List<Mount> mounts) {
      Mount best = null;
      for (Mount m : mounts) {
        Path point = Paths.get(m.point);
        if (path.startsWith(point) && (best == null || point.getNameCount() >= Paths.get(best.point).getNameCount())) best = m;
      }
      return Optional.ofNullable(best);
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
