package io.github.supervisor4j;

/**
 * How a process ended: it exited with a code, or it was killed by a signal (perhaps dumping
 * core).
 *
 * <p>{@link #shellCode()} maps it the way a shell, tini and dumb-init do: the exit code, or
 * 128 + the signal number. Immutable and thread-safe.
 */
public final class ExitStatus {
  private final int code;
  private final int signal;
  private final boolean coreDumped;

  private ExitStatus(int code, int signal, boolean coreDumped) {
    this.code = code;
    this.signal = signal;
    this.coreDumped = coreDumped;
  }

  /**
   * A process that called {@code exit(code)}.
   *
   * @param code the exit code
   * @return the status
   * @throws IllegalArgumentException if {@code code} is not 0 to 255
   */
  public static ExitStatus exited(int code) {
    if (code < 0 || code > 255) throw new IllegalArgumentException("code not in 0..255: " + code);
    return new ExitStatus(code, 0, false);
  }

  /**
   * A process killed by signal {@code signal}.
   *
   * @param signal the signal's number
   * @param coreDumped true if it dumped core
   * @return the status
   * @throws IllegalArgumentException if {@code signal} is not 1 to 127
   */
  public static ExitStatus killed(int signal, boolean coreDumped) {
    if (signal < 1 || signal > 127) throw new IllegalArgumentException("signal not in 1..127: " + signal);
    return new ExitStatus(-1, signal, coreDumped);
  }

  /**
   * A process killed by {@code signal}, without a core dump.
   *
   * @param signal the signal
   * @return the status
   */
  public static ExitStatus killed(Signal signal) {
    return killed(signal.number(), false);
  }

  /** {@return true if the process exited by itself; {@link #code()} is then its exit code} */
  public boolean exited() {
    return signal == 0;
  }

  /** {@return true if a signal ended the process; {@link #signalNumber()} says which} */
  public boolean killed() {
    return signal != 0;
  }

  /**
   * The exit code, 0 to 255.
   *
   * @return the code
   * @throws IllegalStateException if the process was killed by a signal
   */
  public int code() {
    if (killed()) throw new IllegalStateException("killed by " + Signal.nameOf(signal) + ", no exit code");
    return code;
  }

  /**
   * The number of the signal that killed the process.
   *
   * @return the number, 1 to 127
   * @throws IllegalStateException if the process exited by itself
   */
  public int signalNumber() {
    if (exited()) throw new IllegalStateException("exited with " + code + ", not killed");
    return signal;
  }

  /** {@return true if the process was killed and dumped core} */
  public boolean coreDumped() {
    return coreDumped;
  }

  /** {@return the code a shell would report: the exit code, or 128 + signal} */
  public int shellCode() {
    return exited() ? code : 128 + signal;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ExitStatus)) return false;
    ExitStatus that = (ExitStatus) o;
    return code == that.code && signal == that.signal && coreDumped == that.coreDumped;
  }

  @Override
  public int hashCode() {
    return (code * 31 + signal) * 2 + (coreDumped ? 1 : 0);
  }

  @Override
  public String toString() {
    if (exited()) return "exited " + code;
    return "killed by " + Signal.nameOf(signal) + (coreDumped ? " (core dumped)" : "");
  }
}
