package io.github.supervisor4j.bench.junit;

import io.github.supervisor4j.junit5.NoProcessLeaks;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The suites {@link JUnitOverhead} times: 1,000 empty tests, and 1,000 tests that each start a
 * {@code ProcessBuilder} child ({@code true}) and wait for it; each without and with the leak
 * check.
 */
public final class OverheadSuites {
  private OverheadSuites() {}

  static final int TESTS = 1000;

  public static class Empty {
    @RepeatedTest(TESTS)
    void test() {}
  }

  @NoProcessLeaks
  public static class EmptyChecked {
    @RepeatedTest(TESTS)
    void test() {}
  }

  public static class Children {
    @RepeatedTest(TESTS)
    void test() throws Exception {
      Process p = new ProcessBuilder("true").start();
      if (p.waitFor() != 0) throw new AssertionError("true exited " + p.exitValue());
    }
  }

  @NoProcessLeaks
  public static class ChildrenChecked {
    @RepeatedTest(TESTS)
    void test() throws Exception {
      Process p = new ProcessBuilder("true").start();
      if (p.waitFor() != 0) throw new AssertionError("true exited " + p.exitValue());
    }
  }
}
