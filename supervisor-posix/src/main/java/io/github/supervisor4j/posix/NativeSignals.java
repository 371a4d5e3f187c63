package io.github.supervisor4j.posix;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;

/**
 * Loads libs4jsig, the signal fast path, once per JVM, through jffi (as {@link JffiLibC}
 * binds libc): from {@code META-INF/native/linux-<arch>/libs4jsig.so} in our jar, unpacked
 * into the directory where jffi unpacks its own stub ({@code jffi.extract.dir}, which {@link
 * JffiSetup} sets when {@code java.io.tmpdir} will not do, else {@code java.io.tmpdir}), in a
 * fresh private directory ({@link JffiSetup#unpack}), loaded, and deleted at once (the mapping
 * stays). With {@code jffi.boot.library.path} (jffi's stub pre-unpacked), a {@code
 * libs4jsig.so} in one of its directories is loaded in place and nothing is unpacked.
 *
 * <p>The same library holds the JNI reader of the JDK's table of children (s4jjdk.c), which
 * {@link JdkChildClaims} binds through {@link #library()}.
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
  private static final int ABI = 1;

  private static Library library;
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
        Library lib = library();
        if (lib == null) {
          reason = libraryReason;
        } else {
          try {
            binding = new Jffi(lib);
          } catch (RuntimeException | LinkageError e) {
            failed = true;
            reason = LIBRARY + " could not be bound: " + e.getMessage();
          }
        }
      }
    }
    return binding;
  }

  /**
   * libs4jsig itself, loaded once whatever {@link #PROPERTY} says (its JDK-table functions,
   * s4jjdk.c, serve {@link JdkChildClaims}), or null, with {@link #libraryReason()} saying why.
   */
  static synchronized Library library() {
    if (!libraryLoaded) {
      libraryLoaded = true;
      try {
        library = load();
      } catch (IOException | RuntimeException | LinkageError e) {
        library = null;
        failed = true;
        libraryReason = LIBRARY + " could not be loaded: " + e.getMessage();
      }
    }
    return library;
  }

  /** Why {@link #library()} is null; null if it is not. */
  static synchronized String libraryReason() {
    library();
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

  private static Library load() throws IOException {
    String platform = Platform.CURRENT.nativeDirectory();
    if (platform == null) {
      libraryReason = "no " + LIBRARY + " for " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
      return null;
    }
    Os.getpid(); // jffi's own stub first: its Invoker is what calls ours
    Library lib = openPreUnpacked();
    if (lib == null) lib = openFromJar("/META-INF/native/" + platform + "/" + LIBRARY);
    if (lib == null) return null;
    Jffi s = new Jffi(lib);
    if (s.s4j_abi() != ABI || s.s4j_record_size() != S4jSig.Record.SIZE) {
      libraryReason = LIBRARY + " has ABI " + s.s4j_abi() + " and records of " + s.s4j_record_size() + " bytes, expected " + ABI
          + " and " + S4jSig.Record.SIZE + " (a stale library)";
      return null;
    }
    return lib;
  }

  private static Library openPreUnpacked() {
    String path = System.getProperty(JffiSetup.BOOT_PATH);
    if (path == null) return null;
    for (String dir : path.split(File.pathSeparator)) {
      File f = new File(dir, LIBRARY);
      if (f.isFile()) {
        Library library = Library.openLibrary(f.getAbsolutePath(), Library.NOW | Library.LOCAL);
        if (library == null) throw new UnsatisfiedLinkError(f + ": " + Library.getLastError());
        return library;
      }
    }
    return null;
  }

  private static Library openFromJar(String resource) throws IOException {
    try (InputStream in = NativeSignals.class.getResourceAsStream(resource)) {
      if (in == null) {
        libraryReason = resource + " is not in this build (gcc was missing when it was built)";
        return null;
      }
      String dirName = System.getProperty(JffiSetup.EXTRACT_DIR);
      File dir = new File(dirName != null ? dirName : System.getProperty("java.io.tmpdir", "/tmp"));
      // In a directory of its own that another user can neither plant nor enter (JffiSetup.unpack).
      // Deleted once loaded: the mapping outlives the file.
      JffiSetup.Unpacked unpacked = JffiSetup.unpack(in, dir, LIBRARY);
      try {
        Library library = Library.openLibrary(unpacked.file.getAbsolutePath(), Library.NOW | Library.LOCAL);
        if (library == null) throw new UnsatisfiedLinkError(unpacked.file + ": " + Library.getLastError());
        return library;
      } finally {
        unpacked.delete();
      }
    }
  }

  /** {@link S4jSig} on jffi's invoker: one symbol look-up per function, no proxy. */
  private static final class Jffi implements S4jSig {
    private static final Invoker INVOKER = Invoker.getInstance();
    private static final CallContext I_V = context(Type.SINT);
    private static final CallContext I_I = context(Type.SINT, Type.SINT);
    private static final CallContext V_I = context(Type.VOID, Type.SINT);
    private static final CallContext V_II = context(Type.VOID, Type.SINT, Type.SINT);
    private static final CallContext L_V = context(Type.SINT64);

    private final long abi;
    private final long recordSize;
    private final long open;
    private final long setAction;
    private final long setTarget;
    private final long disposition;
    private final long install;
    private final long restore;
    private final long close;

    Jffi(Library library) {
      abi = symbol(library, "s4j_abi");
      recordSize = symbol(library, "s4j_record_size");
      open = symbol(library, "s4j_open");
      setAction = symbol(library, "s4j_set_action");
      setTarget = symbol(library, "s4j_set_target");
      disposition = symbol(library, "s4j_disposition");
      install = symbol(library, "s4j_install");
      restore = symbol(library, "s4j_restore");
      close = symbol(library, "s4j_close");
    }

    private static CallContext context(Type result, Type... params) {
      return CallContext.getCallContext(result, params, CallingConvention.DEFAULT, false);
    }

    private static long symbol(Library library, String name) {
      long address = library.getSymbolAddress(name);
      if (address == 0) throw new UnsatisfiedLinkError("function " + name + " not found in " + LIBRARY);
      return address;
    }

    @Override public int s4j_abi() { return INVOKER.invokeI0(I_V, abi); }
    @Override public int s4j_record_size() { return INVOKER.invokeI0(I_V, recordSize); }
    @Override public int s4j_open() { return INVOKER.invokeI0(I_V, open); }
    @Override public void s4j_set_action(int sig, int action) { INVOKER.invokeI2(V_II, setAction, sig, action); }
    @Override public void s4j_set_target(int pid) { INVOKER.invokeI1(V_I, setTarget, pid); }
    @Override public int s4j_disposition(int sig) { return INVOKER.invokeI1(I_I, disposition, sig); }
    @Override public int s4j_install(int sig) { return INVOKER.invokeI1(I_I, install, sig); }
    @Override public int s4j_restore(int sig) { return INVOKER.invokeI1(I_I, restore, sig); }
    @Override public long s4j_close() { return INVOKER.invokeL0(L_V, close); }
  }
}
