package io.github.supervisor4j;

/**
 * No implementation can run here: none is on the classpath, or the OS is not Linux. The
 * message is one line that says which.
 */
public final class UnavailableException extends SupervisorException {
  private static final long serialVersionUID = 1L;

  /**
   * Nothing to run here.
   *
   * @param message one line that says why
   */
  public UnavailableException(String message) {
    super(message);
  }
}
