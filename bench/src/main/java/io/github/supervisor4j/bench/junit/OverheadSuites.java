package io.github.supervisor4j.bench.junit;

import io.github.supervisor4j.junit5.NoProcessLeaks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The suites {@link JUnitOverhead} times: 1,000 empty tests, and 1,000 tests that each start a
 * {@code ProcessBuilder} child ({@code true}) and wait for it; each without and with the leak
 * check; and empty checked tests while the JVM's own subtree holds 1,000 processes from
 * {@code @BeforeAll} (what the check must list twice per test).
 */
public final class OverheadSuites {
  private OverheadSuites() {}

  static final int TESTS = 1000;
  /** Fewer: each of these tests lists 1,000 processes twice. */
  static final int BIG_SUBTREE_TESTS = 100;

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

  @NoProcessLeaks
  public static class EmptyCheckedBigSubtree {
    private static final List<Process> held = new ArrayList<>();

    @BeforeAll
    static void startAThousand() throws Exception {
      for (int i = 0; i < 1000; i++) held.add(new ProcessBuilder("sleep", "3600").start());
    }

    @RepeatedTest(BIG_SUBTREE_TESTS)
    void test() {}

    @AfterAll
    static void stopThem() throws Exception {
      held.forEach(Process::destroy);
      for (Process p : held) p.waitFor(10, TimeUnit.SECONDS);
      held.clear();
    }
  }
}
