package io.github.supervisor4j;

/** Ends a subscription. Closing twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
