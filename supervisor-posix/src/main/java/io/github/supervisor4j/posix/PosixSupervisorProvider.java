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
 */
public final class PosixSupervisorProvider implements SupervisorProvider {

  @Override
  public boolean isSupported() {
    return Platform.CURRENT.isSupported();
  }

  @Override
  public Reaper reaper(ReaperConfig config) {
    return new PosixReaper(config);
  }

  @Override
  public SignalForwarder signalForwarder(ForwarderConfig config) {
    return new PosixSignalForwarder(config);
  }

  @Override
  public TreeShutdown treeShutdown(Reaper reaper, ShutdownConfig config) {
    return new PosixTreeShutdown(reaper, config);
  }

  @Override
  public Init installInit(InitConfig config) {
    return PosixInit.install(config);
  }
}
