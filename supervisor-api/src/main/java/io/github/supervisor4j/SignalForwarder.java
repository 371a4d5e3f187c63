package io.github.supervisor4j;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Catches a set of signals and passes each one, perhaps rewritten, to a target process or
 * process group.
 *
 * <p>A signal that arrives before there is a target is held and delivered, in order, when
 * {@link #target(ForwardTarget)} is first called; nothing is lost. A target that has already
 * exited (ESRCH) is a warning, not a failure.
 *
 * <p>Thread-safe. Handlers are installed by {@link #start()} and the previous ones restored
 * by {@link #close()}.
 */
public interface SignalForwarder extends AutoCloseable {

  /**
   * Installs the handlers.
   *
   * @return this forwarder
   * @throws IllegalStateException if closed
   * @throws SupervisorException if the JVM refuses a handler, for example under {@code -Xrs}
   */
  SignalForwarder start();

  /**
   * Sets or replaces the target, and delivers any held signals to it.
   *
   * @param target the process or process group that gets the signals from now on
   */
  void target(ForwardTarget target);

  /** {@return the current target, if any} */
  Optional<ForwardTarget> target();

  /**
   * Adds a listener told of every received signal, on the thread that handled it.
   *
   * @param listener the listener
   * @return the subscription, whose {@code close()} removes it
   */
  Subscription subscribe(Consumer<ForwardEvent> listener);

  /** Restores the previous handlers. Held signals are dropped. */
  @Override
  void close();
}
