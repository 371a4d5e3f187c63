package io.github.supervisor4j;

/** The base of every exception that supervisor4j throws for a failure of the OS or its setup. */
public class SupervisorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure.
   *
   * @param message one line that says what failed
   */
  public SupervisorException(String message) {
    super(message);
  }

  /**
   * A failure with its cause.
   *
   * @param message one line that says what failed
   * @param cause the exception underneath
   */
  public SupervisorException(String message, Throwable cause) {
    super(message, cause);
  }
}
