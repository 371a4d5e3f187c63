package io.github.supervisor4j.posix;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Wakes a thread that waits for "something changed": a process reaped, a signal received, the
 * main child gone. {@link #awaitUntil} is the one wait loop of the shutdown code: it reads the
 * state, checks it, and sleeps until the next wake-up, a poll interval, or the timeout. The
 * wake-up count is read before the state, so no wake-up is lost between the check and the wait.
 */
final class Waker {
  /** A timeout that never ends. */
  static final long FOREVER = Long.MAX_VALUE;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long generation; // guarded by lock

  /** Tells every waiter that something changed. Cheap; safe from any thread. */
  void wake() {
    lock.lock();
    try {
      generation++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads {@code state} until {@code done} holds for it or {@code timeoutNanos} have passed,
   * reading it again at each wake-up and at least every {@code pollNanos} (for changes that
   * wake nobody); returns the last state read.
   *
   * @param timeoutNanos how long at most, or {@link #FOREVER}
   */
  <T> T awaitUntil(Supplier<T> state, Predicate<? super T> done, long timeoutNanos, long pollNanos) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      long seen = generation();
      T value = state.get();
      long left = timeoutNanos == FOREVER ? FOREVER : timeoutNanos - (System.nanoTime() - start);
      if (done.test(value) || left <= 0) return value;
      awaitAfter(seen, Math.min(left, pollNanos));
    }
  }

  /** As {@link #awaitUntil(Supplier, Predicate, long, long)} for a condition: true if it holds. */
  boolean awaitUntil(BooleanSupplier condition, long timeoutNanos, long pollNanos) throws InterruptedException {
    return awaitUntil(condition::getAsBoolean, Boolean::booleanValue, timeoutNanos, pollNanos);
  }

  private long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a wake-up after {@code seen} or until {@code nanos} have passed. */
  private void awaitAfter(long seen, long nanos) throws InterruptedException {
    lock.lock();
    try {
      long left = nanos;
      while (generation == seen && left > 0) {
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }
}
