package io.github.supervisor4j.bench.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Locale;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * One JVM, one suite of {@link OverheadSuites}, run {@code runs} times in a row through the
 * JUnit Platform Launcher (as Surefire does); prints one line per run: {@code run <i> <suite>
 * <tests> tests <ms> ms <per-test ms> ms/test}. The first run pays class loading, JIT and, for
 * a checked suite, the reaper's start; bench/junit5-overhead keeps the last. Each suite runs
 * in a JVM of its own, so that an unchecked suite's JVM never became a subreaper.
 *
 * <p>usage: JUnitOverhead Empty|EmptyChecked|Children|ChildrenChecked|EmptyCheckedBigSubtree [runs]
 */
public final class JUnitOverhead {
  private JUnitOverhead() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: JUnitOverhead Empty|EmptyChecked|Children|ChildrenChecked|EmptyCheckedBigSubtree [runs]");
      System.exit(2);
    }
    Class<?> suite = Class.forName(OverheadSuites.class.getName() + "$" + args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Launcher launcher = LauncherFactory.create();
    for (int i = 1; i <= runs; i++) {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(suite)).build();
      SummaryGeneratingListener summary = new SummaryGeneratingListener();
      long t0 = System.nanoTime();
      launcher.execute(request, summary);
      double ms = (System.nanoTime() - t0) / 1e6;
      TestExecutionSummary s = summary.getSummary();
      int expected = suite == OverheadSuites.EmptyCheckedBigSubtree.class ? OverheadSuites.BIG_SUBTREE_TESTS : OverheadSuites.TESTS;
      if (s.getTotalFailureCount() > 0 || s.getTestsSucceededCount() != expected) {
        s.printFailuresTo(new java.io.PrintWriter(System.err, true), 5);
        System.err.println("JUnitOverhead: " + args[0] + ": " + s.getTestsSucceededCount() + " of " + expected
            + " tests passed");
        System.exit(1);
      }
      System.out.printf(Locale.ROOT, "run %d %s %d tests %.1f ms %.3f ms/test%n", i, args[0], s.getTestsSucceededCount(), ms,
          ms / s.getTestsSucceededCount());
    }
  }
}
