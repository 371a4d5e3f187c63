package io.github.supervisor4j.spi;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.TreeShutdown;
import io.github.supervisor4j.UnavailableException;

/**
 * An implementation of supervisor4j, found by {@link java.util.ServiceLoader}. Users never
 * call it; {@link io.github.supervisor4j.Supervisors} does.
 */
public interface SupervisorProvider {

  /** {@return true if this implementation can run on this OS and architecture} */
  boolean isSupported();

  /**
   * A new, unstarted reaper.
   *
   * @param config the policy and settings
   * @return the reaper
   */
  Reaper reaper(ReaperConfig config);

  /**
   * A new, unstarted signal forwarder.
   *
   * @param config the signals and their rewrites
   * @return the forwarder
   */
  SignalForwarder signalForwarder(ForwarderConfig config);

  /**
   * A shutdown of this process's descendants that waits on {@code reaper}'s events.
   *
   * @param reaper the running reaper
   * @param config the durations
   * @return the shutdown
   * @throws UnavailableException by default: an implementation without it
   */
  default TreeShutdown treeShutdown(Reaper reaper, ShutdownConfig config) {
    throw new UnavailableException("this supervisor4j implementation cannot shut a process tree down");
  }

  /**
   * The running in-app init, installed now if there is none.
   *
   * @param config the settings
   * @return the running init
   * @throws UnsupportedOperationException by default: an implementation without it
   */
  default io.github.supervisor4j.Init installInit(io.github.supervisor4j.InitConfig config) {
    throw new UnsupportedOperationException("this supervisor4j implementation has no in-app init");
  }
}
