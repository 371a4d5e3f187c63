package io.github.supervisor4j.posix;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where our native code is unpacked, and what must be decided before jffi loads for the first
 * time: how it reaches memory, and where it unpacks its native stub. libs4jsig ({@link
 * NativeSignals}) is unpacked into {@link #directory()}, and only if loading it from there fails
 * is the directory checked ({@link #chooseDirectory()}: reading the mounts costs start-up time
 * that a working {@code java.io.tmpdir} need not pay). {@link Os} calls {@link
 * #beforeFirstLoad()} only when it binds libc through jffi (libs4jsig could not be loaded, or
 * {@code -Dsupervisor4j.libc} asked for it), in the launcher and in an application alike. A
 * setting the user made always wins.
 *
 * <p>Memory access: jffi's default goes through {@code sun.misc.Unsafe}, whose memory methods
 * JDK 24 and later call terminally deprecated and warn about on standard error at first use
 * (JEP 471/498). jffi's own property {@code jffi.unsafe.disabled=true} makes it use its JNI
 * implementation instead, with no warning; we make few memory accesses, so the cost does not
 * show.
 *
 * <p>Unpacking: jffi copies its stub (libjffi-1.2.so) out of its jar into {@code
 * java.io.tmpdir} and loads it from there. A container with a read-only root file system, or
 * with /tmp mounted {@code noexec}, breaks that: the copy fails, or the dynamic loader refuses
 * to map it ("failed to map segment from shared object"). So {@code java.io.tmpdir} is checked
 * against /proc/self/mountinfo, and if it will not do, {@code jffi.extract.dir} is pointed at
 * the first writable directory on a mount that is neither {@code ro} nor {@code noexec}.
 * libs4jsig ({@link NativeSignals}) is unpacked into the same directory.
 *
 * <p>Who unpacks: we do, unless the user set {@code jffi.boot.library.path} or the stub for
 * this platform is not on the class path. jffi's own unpacking names its file with {@code
 * File.createTempFile}, whose SecureRandom initialises the JDK's security providers, and
 * copies it through NIO channels: about 110 classes (a quarter of what the launcher loads
 * from outside the JDK's CDS archive) and their heap, on every start (issue 14). We write the
 * stub into a fresh directory of our own ({@link #unpack}: mode 0700, created with {@code
 * mkdir}, which fails rather than reuse what another user planted; the file itself created
 * with O_EXCL), point {@code jffi.boot.library.path} at it until jffi has loaded it, then delete
 * both ({@link #afterLoad}; the mapping stays).
 */
final class JffiSetup {
  static final String EXTRACT_DIR = "jffi.extract.dir";
  static final String BOOT_PATH = "jffi.boot.library.path";
  static final String UNSAFE_DISABLED = "jffi.unsafe.disabled";

  /** jffi's stub, as its jar (or ours, shaded) holds it: jni/<cpu>-Linux/libjffi-1.2.so. */
  private static final String STUB = "libjffi-1.2.so";

  private static volatile String decision;
  /** The stub we unpacked for jffi, until {@link #afterLoad()}; null if jffi unpacks it itself. */
  private static File stub;

  private JffiSetup() {}

  /** Where native code is unpacked now: {@code jffi.extract.dir} if set, else {@code java.io.tmpdir}. */
  static File directory() {
    String dir = System.getProperty(EXTRACT_DIR);
    return new File(dir != null ? dir : System.getProperty("java.io.tmpdir", "/tmp"));
  }

  /**
   * Checks, once, the directory native code is unpacked into, against the mounts: if {@code
   * java.io.tmpdir} will not do and the user set neither {@code jffi.extract.dir} nor {@code
   * jffi.boot.library.path}, sets {@code jffi.extract.dir} to the first directory that will.
   *
   * @return true if that changed {@link #directory()}
   */
  static synchronized boolean chooseDirectory() {
    if (decision != null) return false;
    File before = directory();
    decision = chooseExtractDir();
    return !directory().equals(before);
  }

  /** Sets jffi's properties that the user has not set; see the class comment. */
  static synchronized void beforeFirstLoad() {
    if (System.getProperty(UNSAFE_DISABLED) == null) System.setProperty(UNSAFE_DISABLED, "true");
    chooseDirectory();
    if (System.getProperty(BOOT_PATH) == null) unpackStub();
  }

  /** Once jffi has loaded its stub: deletes our copy and forgets the boot path we set for it. */
  static synchronized void afterLoad() {
    if (stub == null) return;
    deleteUnpacked(stub);
    stub = null;
    System.clearProperty(BOOT_PATH);
  }

  private static void unpackStub() {
    String cpu = Platform.CURRENT == Platform.LINUX_X86_64 ? "x86_64" : Platform.CURRENT == Platform.LINUX_AARCH64 ? "aarch64" : null;
    if (cpu == null) return;
    try {
      byte[] content = Resources.read(JffiSetup.class, "/jni/" + cpu + "-Linux/" + STUB);
      if (content == null) return; // not on the class path as we know it: jffi finds it its own way
      stub = unpack(content, directory(), STUB);
      System.setProperty(BOOT_PATH, stub.getParent());
    } catch (IOException | SecurityException e) {
      stub = null; // jffi unpacks it itself, and says so if that fails too
    }
  }

  /** Deletes {@code unpacked}, a file that {@link #unpack} wrote, and its directory; a library already loaded stays mapped. */
  static void deleteUnpacked(File unpacked) {
    unpacked.delete();
    unpacked.getParentFile().delete();
  }

  private static final java.util.concurrent.atomic.AtomicInteger unpacked = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Writes {@code in} to {@code name} in a new directory under {@code parent} that only this
   * user can enter: made by mkdir(2), which fails on any existing name (a planted directory or
   * symlink), so the name needs no randomness; then the file is created with O_EXCL. Files, not
   * {@code File.createTempFile}: see the class comment.
   *
   * @throws IOException if no directory can be made there or the file cannot be written
   */
  static File unpack(byte[] content, File parent, String name) throws IOException {
    File dir = null;
    for (int attempt = 0; attempt < 100 && dir == null; attempt++) {
      File d = new File(parent, "supervisor4j-" + selfPid() + "-" + System.nanoTime() + "-" + unpacked.incrementAndGet());
      if (d.mkdir()) dir = d;
    }
    if (dir == null) throw new IOException("cannot make a directory in " + parent);
    // 0700 before anything goes in: another user may neither add nor swap files here.
    boolean ok = dir.setReadable(false, false) & dir.setWritable(false, false) & dir.setExecutable(false, false)
        & dir.setReadable(true, true) & dir.setWritable(true, true) & dir.setExecutable(true, true);
    File file = new File(dir, name);
    try {
      if (!ok || !file.createNewFile()) throw new IOException("cannot create " + file + " alone");
      try (java.io.OutputStream out = new java.io.FileOutputStream(file)) {
        out.write(content);
      }
      return file;
    } catch (IOException | RuntimeException e) {
      deleteUnpacked(file);
      throw e;
    }
  }

  /** This process's pid before any native code is loaded, without ProcessHandle's 30 classes. */
  private static String selfPid() {
    try {
      return new File("/proc/self").getCanonicalFile().getName();
    } catch (IOException e) {
      return "0"; // only part of a name: mkdir's failure on a clash is what makes it safe
    }
  }

  /** Where native code is unpacked and why, for the message when loading fails anyway. */
  static String decision() {
    String d = decision;
    if (d != null) return d;
    if (System.getProperty(EXTRACT_DIR) != null) return EXTRACT_DIR + " is set by the user";
    return "java.io.tmpdir " + directory() + " (not checked against the mounts: nothing failed there)";
  }

  private static String chooseExtractDir() {
    if (System.getProperty(EXTRACT_DIR) != null) return EXTRACT_DIR + " is set by the user";
    if (System.getProperty(BOOT_PATH) != null) return BOOT_PATH + " is set by the user";
    List<Proc.Mount> mounts = Proc.mounts();
    File tmp = new File(System.getProperty("java.io.tmpdir", "/tmp"));
    Optional<String> problem = problem(tmp, mounts);
    if (problem.isEmpty()) return "java.io.tmpdir " + tmp + " is usable";
    for (File candidate : candidates()) {
      if (problem(candidate, mounts).isEmpty()) {
        System.setProperty(EXTRACT_DIR, candidate.toString());
        return "java.io.tmpdir " + tmp + " " + problem.get() + ", so native code is unpacked into " + candidate;
      }
    }
    return "java.io.tmpdir " + tmp + " " + problem.get() + " and no other writable, exec-able directory was found";
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
  static Optional<String> problem(File dir, List<Proc.Mount> mounts) {
    File real;
    try {
      real = dir.getCanonicalFile();
    } catch (IOException e) {
      return Optional.of("cannot be resolved: " + e.getMessage());
    }
    if (!real.exists()) return Optional.of("does not exist");
    if (!real.isDirectory()) return Optional.of("is not a directory");
    Proc.Mount mount = mountOf(real.getPath(), mounts);
    if (mount != null && mount.options().contains("ro")) return Optional.of("is on a read-only mount (" + mount.point() + ")");
    if (mount != null && mount.options().contains("noexec")) return Optional.of("is on a noexec mount (" + mount.point() + ")");
    // access(2) with W_OK, which also says EROFS for a read-only file system.
    if (!real.canWrite()) return Optional.of("is not writable");
    return Optional.empty();
  }

  /**
   * The mount that holds the canonical {@code path}: the longest mount point above it, the last
   * listed on a tie (a later mount covers an earlier one on the same point). Null if none.
   */
  static Proc.Mount mountOf(String path, List<Proc.Mount> mounts) {
    Proc.Mount best = null;
    for (Proc.Mount m : mounts) {
      boolean above = m.point().equals("/") || path.equals(m.point()) || path.startsWith(m.point() + "/");
      if (above && (best == null || m.point().length() >= best.point().length())) best = m;
    }
    return best;
  }
}
