package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.Signal;

/**
 * How a {@link PosixSignalForwarder}'s signals reach it: libs4jsig's C handler ({@link
 * NativeSignalPath}) or {@code sun.misc.Signal} ({@link JavaSignalPath}). A path only catches
 * signals; the forwarder's rule decides what becomes of each. Called under the forwarder's lock.
 */
interface SignalPath {

  /**
   * The rule for {@code signal} is now {@code action}: {@link S4jSig#TO_JAVA}, {@link
   * S4jSig#DROP} or the number of the signal to send. A path that forwards in its handler
   * applies it there; the Java path always asks the forwarder.
   */
  void route(Signal signal, int action);

  /** Signals go to {@code target} from now on. */
  void retarget(ForwardTarget target);

  /** True for the C handler's path. */
  boolean isNative();

  /** Restores the handlers this path replaced. */
  void close();
}
