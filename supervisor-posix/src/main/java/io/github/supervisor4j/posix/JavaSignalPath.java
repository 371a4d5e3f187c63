package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.Signal;
import java.util.Set;

/**
 * The fallback path: {@code sun.misc.Signal} handlers ({@link SignalHandlers}), each running
 * the forwarder's rule on the thread HotSpot starts for the signal (p50 ~0.15 ms, p99 one
 * scheduler tick; docs/bench.md). Used with {@code -Dsupervisor4j.nativeSignals=false}, on a
 * platform without libs4jsig, or when another forwarder of this JVM holds it. Refused under
 * {@code -Xrs}, where those handlers never run.
 */
final class JavaSignalPath implements SignalPath {
  private final SignalHandlers handlers;

  private JavaSignalPath(SignalHandlers handlers) {
    this.handlers = handlers;
  }

  /**
   * Installs a handler for each of {@code signals} that hands it to {@code forwarder}.
   *
   * @throws io.github.supervisor4j.SupervisorException under {@code -Xrs}, or if the JVM refuses a signal
   */
  static JavaSignalPath start(Set<Signal> signals, PosixSignalForwarder forwarder) {
    return new JavaSignalPath(SignalHandlers.install(signals, forwarder::received, "forward signals", "remove -Xrs"));
  }

  @Override
  public void route(Signal signal, int action) {}

  @Override
  public void retarget(ForwardTarget target) {}

  @Override
  public boolean isNative() {
    return false;
  }

  @Override
  public void close() {
    handlers.close();
  }
}
