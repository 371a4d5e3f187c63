package io.github.supervisor4j.posix;

/** What HotSpot's own signal machinery lets us do. */
final class HotSpotSignals {
  private HotSpotSignals() {}

  /**
   * True if HotSpot's "Signal Dispatcher" thread runs. Under {@code -Xrs} it never starts, and
   * {@code sun.misc.Signal.handle} then installs handlers that never run: a silent loss of
   * every signal, which we refuse instead.
   */
  static boolean dispatcherRunning() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) root = root.getParent();
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads, true);
    for (int i = 0; i < n; i++) {
      if ("Signal Dispatcher".equals(threads[i].getName())) return true;
    }
    return false;
  }
}
