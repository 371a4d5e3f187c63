package io.github.supervisor4j.posix;

import io.github.supervisor4j.ExitStatus;

/**
 * The one decoder of how a child ended: the si_code and si_status that waitid(2) reports in
 * its siginfo_t. Every reap in this module goes through waitid, so there is no raw wait(2)
 * status word to decode.
 */
final class WaitStatus {
  /** si_code values of a SIGCHLD siginfo (asm-generic/siginfo.h). */
  static final int CLD_EXITED = 1;
  static final int CLD_KILLED = 2;
  static final int CLD_DUMPED = 3;
  static final int CLD_TRAPPED = 4;
  static final int CLD_STOPPED = 5;
  static final int CLD_CONTINUED = 6;

  private WaitStatus() {}

  /**
   * The exit status for si_code {@code code} and si_status {@code status}: the exit code for
   * CLD_EXITED, the signal for CLD_KILLED and CLD_DUMPED.
   *
   * @throws IllegalArgumentException for a child that was stopped, trapped or continued, which
   *     is no exit (waitid reports those only when asked, and we never ask)
   */
  static ExitStatus decode(int code, int status) {
    switch (code) {
      case CLD_EXITED: return ExitStatus.exited(status & 0xff);
      case CLD_KILLED: return ExitStatus.killed(status, false);
      case CLD_DUMPED: return ExitStatus.killed(status, true);
      default: throw new IllegalArgumentException("not an exit (si_code " + code + ", si_status " + status + ")");
    }
  }
}
