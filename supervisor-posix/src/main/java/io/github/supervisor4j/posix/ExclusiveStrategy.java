package io.github.supervisor4j.posix;

/**
 * {@link io.github.supervisor4j.ReapPolicy#EXCLUSIVE}: every child is ours.
 *
 * <p>The wait is {@code waitid(P_ALL, WEXITED | WNOWAIT)}: it blocks until some child is a
 * zombie but reaps nothing, so a reaper closed meanwhile leaves that zombie to its next owner.
 * Then {@code waitpid(-1, WNOHANG)} drains every zombie there is in one batch, which is what
 * keeps an orphan storm cheap: one wake-up, many reaps.
 */
final class ExclusiveStrategy implements ReapStrategy {
  private final Os.SigInfo info = new Os.SigInfo();
  private final int[] status = new int[1];

  @Override
  public boolean awaitAndReap(Sink sink) {
    if (!Os.waitid(Os.P_ALL, 0, info, Os.WEXITED | Os.WNOWAIT)) return false;
    sink.wokeUp();
    int pid;
    while (sink.isOpen() && (pid = Os.waitpid(-1, status, Os.WNOHANG)) > 0) {
      sink.reaped(pid, WaitStatus.decode(status[0]));
    }
    return true;
  }
}
