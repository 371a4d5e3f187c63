package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.TreeShutdown;
import io.github.supervisor4j.spi.SupervisorProvider;
import java.util.Locale;

/** Found by {@link java.util.ServiceLoader}; supports Linux on x86_64 and aarch64. */
public final class PosixSupervisorProvider implements SupervisorProvider {

  @Override
  public boolean isSupported() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
  }

  @Override
  public Reaper reaper(ReaperConfig config) {
    return new PosixReaper(config, strategy(config.policy()));
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
  public io.github.supervisor4j.Init installInit(io.github.supervisor4j.InitConfig config) {
    return PosixInit.install(config);
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
