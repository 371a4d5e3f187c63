package io.github.supervisor4j;

/**
 * Where a {@link SignalForwarder} sends signals: one process, or a process group. Immutable.
 */
public final class ForwardTarget {
  private final int id;
  private final boolean group;

  private ForwardTarget(int id, boolean group) {
    this.id = id;
    this.group = group;
  }

  /**
   * The process {@code pid}.
   *
   * @param pid the process id
   * @return the target
   * @throws IllegalArgumentException if {@code pid <= 0}
   */
  public static ForwardTarget pid(int pid) {
    if (pid <= 0) throw new IllegalArgumentException("pid <= 0: " + pid);
    return new ForwardTarget(pid, false);
  }

  /**
   * Every process in group {@code pgid} ({@code kill(-pgid, sig)}).
   *
   * @param pgid the process group id
   * @return the target
   * @throws IllegalArgumentException if {@code pgid <= 1}: 1 would mean "every process"
   */
  public static ForwardTarget processGroup(int pgid) {
    if (pgid <= 1) throw new IllegalArgumentException("pgid <= 1: " + pgid);
    return new ForwardTarget(pgid, true);
  }

  /** {@return the pid or process group id} */
  public int id() {
    return id;
  }

  /** {@return true for a process group} */
  public boolean isGroup() {
    return group;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ForwardTarget && ((ForwardTarget) o).id == id && ((ForwardTarget) o).group == group;
  }

  @Override
  public int hashCode() {
    return group ? -id : id;
  }

  @Override
  public String toString() {
    return (group ? "process group " : "child ") + id;
  }
}
