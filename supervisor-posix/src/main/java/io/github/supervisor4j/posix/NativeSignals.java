package io.github.supervisor4j.posix;

import java.io.File;
import java.io.IOException;

/**
 * Loads libs4jsig, our native library, once per JVM with {@code System.load}, which binds its
 * JNI functions ({@link Jni}): from {@code META-INF/native/linux-<arch>/libs4jsig.so} in our
 * jar, unpacked into {@code jffi.extract.dir} (which {@link JffiSetup} sets when {@code
 * java.io.tmpdir} will not do) or else {@code java.io.tmpdir}, in a fresh private directory
 * ({@link JffiSetup#unpack}), loaded, and deleted at once (the mapping stays). With {@code
 * jffi.boot.library.path} (native code pre-unpacked), a {@code libs4jsig.so} in one of its
 * directories is loaded in place and nothing is unpacked.
 *
 * <p>The library holds the signal fast path (s4jsig.c, {@link #binding()}), the C library's
 * functions that {@link Os} calls ({@link JniLibC}) and the reader of the JDK's table of children
 * ({@link JdkChildClaims}); {@link #loaded()} says whether it is there for all three. A JVM class
 * loader that finds the same pre-unpacked file already loaded by another loader cannot load it
 * (the JDK allows one loader per file); that loader falls back as below.
 *
 * <p>{@code -Dsupervisor4j.nativeSignals=false} disables the fast path. When it cannot be loaded
 * (another arch, no gcc at build time, a noexec directory), {@link #binding()} is null and
 * {@link #reason()} says why: the forwarder then uses sun.misc.Signal.
 *
 * <p>Thread-safe. The library has one global state, so {@link #claim} hands it to one
 * forwarder at a time.
 */
final class NativeSignals {
  static final String PROPERTY = "supervisor4j.nativeSignals";
  static final String LIBRARY = "libs4jsig.so";
  private static final int ABI = 2;

  private static boolean library;
  private static String libraryReason;
  private static boolean libraryLoaded;
  private static S4jSig binding;
  private static String reason;
  private static boolean loaded;
  private static boolean failed;
  private static Object owner;

  private NativeSignals() {}

  /** The binding, or null if the fast path is unavailable or disabled. */
  static synchronized S4jSig binding() {
    if (!loaded) {
      loaded = true;
      if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
        reason = "disabled by -D" + PROPERTY + "=false";
      } else {
        if (loaded()) {
          binding = new JniS4jSig();
        } else {
          reason = libraryReason;
        }
      }
    }
    return binding;
  }

  /**
   * True once libs4jsig is loaded and its {@link Jni} functions bound: loaded once, whatever
   * {@link #PROPERTY} says (its C-library and JDK-table functions serve {@link Os} and {@link
   * JdkChildClaims}); false with {@link #libraryReason()} saying why. Uses nothing of {@link
   * Os}, which calls it to choose its binding.
   */
  static synchronized boolean loaded() {
    if (!libraryLoaded) {
      libraryLoaded = true;
      try {
        library = load();
      } catch (IOException | RuntimeException | LinkageError e) {
        library = false;
        failed = true;
        libraryReason = LIBRARY + " could not be loaded: " + e.getMessage();
      }
    }
    return library;
  }

  /** Why {@link #loaded()} is false; null if it is not. */
  static synchronized String libraryReason() {
    loaded();
    return libraryReason;
  }

  /** Why {@link #binding()} is null; null if it is not. */
  static synchronized String reason() {
    binding();
    return reason;
  }

  /**
   * True if the library should have loaded but did not (an I/O error, a noexec directory, a
   * stale library): worth a warning, unlike a fast path that is disabled or not built.
   */
  static synchronized boolean failed() {
    binding();
    return failed;
  }

  /** The binding for {@code who}'s exclusive use until {@link #release}, or null. */
  static synchronized S4jSig claim(Object who) {
    if (binding() == null) return null;
    if (owner != null) {
      reason = "in use by another signal forwarder of this JVM";
      return null;
    }
    owner = who;
    return binding;
  }

  static synchronized void release(Object who) {
    if (owner == who) owner = null;
  }

  private static boolean load() throws IOException {
    String platform = Platform.CURRENT.nativeDirectory();
    if (platform == null) {
      libraryReason = "no " + LIBRARY + " for " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
      return false;
    }
    if (!openPreUnpacked() && !openFromJar("/META-INF/native/" + platform + "/" + LIBRARY)) return false;
    if (Jni.s4jAbi() != ABI || Jni.s4jRecordSize() != S4jSig.Record.SIZE) {
      libraryReason = LIBRARY + " has ABI " + Jni.s4jAbi() + " and records of " + Jni.s4jRecordSize() + " bytes, expected " + ABI
          + " and " + S4jSig.Record.SIZE + " (a stale library)";
      return false;
    }
    return true;
  }

  private static boolean openPreUnpacked() {
    String path = System.getProperty(JffiSetup.BOOT_PATH);
    if (path == null) return false;
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, LIBRARY);
      if (f.isFile()) {
        System.load(f.getAbsolutePath());
        return true;
      }
    }
    return false;
  }

  /**
   * Unpacks the library into {@link JffiSetup#directory()} and loads it; if that fails (a
   * read-only or noexec {@code java.io.tmpdir}), once more in the directory that {@link
   * JffiSetup#chooseDirectory()} finds, if it finds another.
   */
  private static boolean openFromJar(String resource) throws IOException {
    try {
      return openFromJar(resource, JffiSetup.directory());
    } catch (IOException | UnsatisfiedLinkError e) {
      if (!JffiSetup.chooseDirectory()) throw e;
      return openFromJar(resource, JffiSetup.directory());
    }
  }

  private static boolean openFromJar(String resource, File dir) throws IOException {
    byte[] content = Resources.read(NativeSignals.class, resource);
    if (content == null) {
      libraryReason = resource + " is not in this build (gcc was missing when it was built)";
      return false;
    }
    // In a directory of its own that another user can neither plant nor enter (JffiSetup.unpack).
    // Deleted once loaded: the mapping outlives the file.
    File unpacked = JffiSetup.unpack(content, dir, LIBRARY);
    try {
      System.load(unpacked.getAbsolutePath());
      return true;
    } finally {
      JffiSetup.deleteUnpacked(unpacked);
    }
  }

  /** {@link S4jSig} on libs4jsig's JNI functions. */
  private static final class JniS4jSig implements S4jSig {
    @Override public int s4j_abi() { return Jni.s4jAbi(); }
    @Override public int s4j_record_size() { return Jni.s4jRecordSize(); }
    @Override public int s4j_open() { return Jni.s4jOpen(); }
    @Override public void s4j_set_action(int sig, int action) { Jni.s4jSetAction(sig, action); }
    @Override public void s4j_set_target(int pid) { Jni.s4jSetTarget(pid); }
    @Override public int s4j_disposition(int sig) { return Jni.s4jDisposition(sig); }
    @Override public int s4j_install(int sig) { return Jni.s4jInstall(sig); }
    @Override public int s4j_restore(int sig) { return Jni.s4jRestore(sig); }
    @Override public long s4j_close() { return Jni.s4jClose(); }
  }
}
