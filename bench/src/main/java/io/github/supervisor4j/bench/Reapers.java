package io.github.supervisor4j.bench;

import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.Supervisors;

/**
 * Builds the reaper a benchmark measures, and says which policy that really is: the bench
 * asks for {@link ReaperConfig#defaults()} (COOPERATIVE), and falls back to EXCLUSIVE only
 * while this build cannot make a COOPERATIVE reaper, so a row is never labelled with a policy
 * that did not run.
 */
final class Reapers {
  private Reapers() {}

  /** A started reaper and the label of what was measured. */
  record Started(Reaper reaper, String label) {}

  static Started startDefault() {
    ReaperConfig config = ReaperConfig.defaults();
    try {
      Reaper r = Supervisors.reaper(config).start();
      return new Started(r, r.policy().name());
    } catch (UnsupportedOperationException e) {
      Reaper r = Supervisors.reaper(config.withPolicy(ReapPolicy.EXCLUSIVE)).start();
      return new Started(r, r.policy().name() + " (fallback: " + config.policy() + " not available in this build)");
    }
  }
}
