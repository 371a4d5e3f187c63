package io.github.supervisor4j.posix;

/**
 * {@link io.github.supervisor4j.ReapPolicy#EXCLUSIVE}: every child is ours.
 *
 * <p>The wait is {@code waitid(P_ALL, WEXITED | WNOWAIT)}: it blocks until some child is a
 * zombie but reaps nothing, so a reaper closed meanwhile leaves that zombie to its next owner.
 * Then {@code waitid(P_ALL, WEXITED | WNOHANG)} drains every zombie there is in one batch,
 * which is what keeps an orphan storm cheap: one wake-up, many reaps.
 */
final class ExclusiveStrategy implements ReapStrategy {
  private final Os.SigInfo info = new Os.SigInfo();

  @Override
  public boolean awaitExit() {
    return Os.waitid(Os.P_ALL, 0, info, Os.WEXITED | Os.WNOWAIT);
  }

  @Override
  public void reap(int[] spawned, Report report) {
    while (Os.waitid(Os.P_ALL, 0, info, Os.WEXITED | Os.WNOHANG)) {
      if (!report.reaped(info.pid(), info.exitStatus())) return;
    }
  }
}
