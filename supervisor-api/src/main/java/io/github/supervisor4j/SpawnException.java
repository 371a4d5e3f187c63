package io.github.supervisor4j;

/**
 * A child could not be started. {@link #exitCode()} is the code a shell (and tini) reports
 * for the failure: 127 when the command is not found, 126 when it is not executable, 1
 * otherwise.
 */
public final class SpawnException extends SupervisorException {
  private static final long serialVersionUID = 1L;

  /** Exit code for a command that was not found. */
  public static final int NOT_FOUND = 127;
  /** Exit code for a command that was found but could not be executed. */
  public static final int NOT_EXECUTABLE = 126;
  /** Exit code for any other failure to start a command. */
  public static final int FAILED = 1;

  /** The shell's code for the failure. */
  private final int exitCode;

  /**
   * A failed start.
   *
   * @param message one line naming the command and the reason
   * @param exitCode {@link #NOT_FOUND}, {@link #NOT_EXECUTABLE} or {@link #FAILED}
   */
  public SpawnException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** {@return 127 (not found), 126 (not executable) or 1 (any other failure)} */
  public int exitCode() {
    return exitCode;
  }
}
