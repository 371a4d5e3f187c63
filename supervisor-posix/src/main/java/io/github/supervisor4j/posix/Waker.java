package io.github.supervisor4j.posix;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes a thread that waits for "something changed": a process reaped, a signal received, the
 * main child gone. A waiter reads {@link #generation()}, checks its condition, and then calls
 * {@link #awaitAfter}, which returns at once if anything woke since that read: no wake-up is
 * lost between the check and the wait.
 */
final class Waker {
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

  long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a wake-up after {@code seen} or until {@code nanos} have passed. */
  void awaitAfter(long seen, long nanos) throws InterruptedException {
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
