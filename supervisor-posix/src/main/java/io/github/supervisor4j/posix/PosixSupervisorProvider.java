package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.TreeShutdown;
import io.github.supervisor4j.UnavailableException;
import io.github.supervisor4j.spi.SupervisorProvider;
import java.util.Locale;

/** Found by {@link java.util.ServiceLoader}; supports Linux on x86_64 and aarch64. */
public final class PosixSupervisorProvider implements SupervisorProvider {
  private static volatile boolean nativeLoaded;

  @Override
  public boolean isSupported() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
  }

  @Override
  public Reaper reaper(ReaperConfig config) {
    loadNativeLibrary();
    return new PosixReaper(config, strategy(config.policy()));
  }

  @Override
  public SignalForwarder signalForwarder(ForwarderConfig config) {
    loadNativeLibrary();
    return new PosixSignalForwarder(config);
  }

  @Override
  public TreeShutdown treeShutdown(Reaper reaper, ShutdownConfig config) {
    loadNativeLibrary();
    return new PosixTreeShutdown(reaper, config);
  }

  @Override
  public io.github.supervisor4j.Init installInit(io.github.supervisor4j.InitConfig config) {
    loadNativeLibrary();
    return PosixInit.install(config);
  }

  /**
   * Loads jffi's native library before the library's first native call, as the launcher does:
   * jffi unpacks it into java.io.tmpdir, which a container with a read-only root and a noexec
   * /tmp does not allow, so {@link JffiExtractDir} first points jffi at a usable directory if
   * there is one. If loading fails all the same, one line that names the fix, not jffi's
   * UnsatisfiedLinkError and its stack trace.
   */
  private static void loadNativeLibrary() {
    if (nativeLoaded) return;
    JffiExtractDir.Choice choice = JffiExtractDir.choose();
    try {
      Os.getpid();
    } catch (LinkageError e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      String why = String.valueOf(root.getMessage()).lines().findFirst().orElse("").replaceAll("\\.+$", "");
      throw new UnavailableException("cannot load jffi's native library (" + choice.reason + "): " + why
          + ". Fix: give the JVM -Djffi.extract.dir=<a writable directory on a mount without noexec>, or mount /tmp"
          + " writable and exec-able");
    }
    nativeLoaded = true;
  }

  static ReapStrategy strategy(ReapPolicy policy) {
    switch (policy) {
      case EXCLUSIVE:
        return new ExclusiveStrategy();
      case COOPERATIVE:
        return new CooperativeStrategy(JdkChildClaims.detect());
      default:
        throw new UnsupportedOperationException("reap policy " + policy + " is not implemented");
    }
  }
}
