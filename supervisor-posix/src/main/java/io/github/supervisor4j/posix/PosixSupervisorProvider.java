package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Init;
import io.github.supervisor4j.InitConfig;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.TreeShutdown;
import io.github.supervisor4j.spi.SupervisorProvider;

/**
 * Found by {@link java.util.ServiceLoader} (META-INF/services); supports Linux on x86_64 and
 * aarch64. Public because ServiceLoader instantiates it; applications use {@code Supervisors}.
 * Each factory loads the native code first ({@link Posix#loadNativeCode()}), so that an
 * application whose JVM cannot load it (a read-only root with a noexec /tmp) gets the
 * launcher's one line naming the fix, as a {@code SupervisorException}, not an
 * UnsatisfiedLinkError with its stack trace.
 */
public final class PosixSupervisorProvider implements SupervisorProvider {

  @Override
  public boolean isSupported() {
    return Platform.CURRENT.isSupported();
  }

  @Override
  public Reaper reaper(ReaperConfig config) {
    Posix.loadNativeCode();
    return new PosixReaper(config);
  }

  @Override
  public SignalForwarder signalForwarder(ForwarderConfig config) {
    Posix.loadNativeCode();
    return new PosixSignalForwarder(config);
  }

  @Override
  public TreeShutdown treeShutdown(Reaper reaper, ShutdownConfig config) {
    Posix.loadNativeCode();
    return new PosixTreeShutdown(reaper, config);
  }

  @Override
  public Init installInit(InitConfig config) {
    Posix.loadNativeCode();
    return PosixInit.install(config);
  }
}
