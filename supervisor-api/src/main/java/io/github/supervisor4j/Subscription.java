package io.github.supervisor4j;

/** Ends a subscription. Closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  /** Ends it: no more calls to the listener once this returns. */
  @Override
  void close();
}
