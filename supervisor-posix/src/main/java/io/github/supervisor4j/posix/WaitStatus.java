package io.github.supervisor4j.posix;

import io.github.supervisor4j.ExitStatus;

/** Decodes the raw status word of wait(2), as the glibc W* macros do. */
final class WaitStatus {
  private WaitStatus() {}

  /**
   * The exit status in {@code raw}.
   *
   * @throws IllegalArgumentException for a stopped or continued status, which is no exit
   */
  static ExitStatus decode(int raw) {
    int low = raw & 0x7f;
    if (low == 0) return ExitStatus.exited((raw >> 8) & 0xff);
    if ((raw & 0xff) == 0x7f || raw == 0xffff) {
      throw new IllegalArgumentException("not an exit status (stopped or continued): 0x" + Integer.toHexString(raw));
    }
    return ExitStatus.killed(low, (raw & 0x80) != 0);
  }
}
