package io.github.supervisor4j;

/**
 * A system call failed. The message reads like tini's:
 * {@code kill(-1234, SIGTERM) failed: EPERM (Operation not permitted)}.
 */
public final class SystemCallException extends SupervisorException {
  private static final long serialVersionUID = 1L;

  /** The call as it was made. */
  private final String call;
  /** The errno name. */
  private final String errnoName;
  /** The errno value. */
  private final int errno;
  /** The process concerned, or 0. */
  private final int pid;

  /**
   * A failed call.
   *
   * @param call the call as it was made, e.g. {@code kill(-1234, SIGTERM)}
   * @param errno the errno value
   * @param errnoName its name, e.g. {@code EPERM}
   * @param errnoText its text, e.g. {@code Operation not permitted}
   * @param pid the process concerned, or 0 if none
   */
  public SystemCallException(String call, int errno, String errnoName, String errnoText, int pid) {
    super(call + " failed: " + errnoName + " (" + errnoText + ")");
    this.call = call;
    this.errno = errno;
    this.errnoName = errnoName;
    this.pid = pid;
  }

  /** {@return the call as it was made, with its arguments} */
  public String call() {
    return call;
  }

  /** {@return the errno value} */
  public int errno() {
    return errno;
  }

  /** {@return the errno name, such as {@code ESRCH}} */
  public String errnoName() {
    return errnoName;
  }

  /** {@return the process the call concerned, or 0} */
  public int pid() {
    return pid;
  }
}
