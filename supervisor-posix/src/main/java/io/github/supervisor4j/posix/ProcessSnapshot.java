package io.github.supervisor4j.posix;

import java.time.Duration;
import java.util.Objects;

/**
 * One process as {@code /proc/<pid>/stat} showed it at one moment: its pid, parent, state,
 * name and start time. The pid and the start time together name that one process for as long
 * as the machine runs, so a snapshot taken earlier can be told from a newcomer that got the
 * same pid later ({@link #isSameProcessAs}).
 *
 * <p>Given out by {@link Posix#descendants()} and {@link Posix#reaper(io.github.supervisor4j.ReaperConfig,
 * java.util.function.Consumer)}; its command line is read on demand by {@link
 * Posix#commandLine(ProcessSnapshot)}, because most snapshots (the listing before a test, say)
 * never need it. Immutable and thread-safe; equality is pid and start time.
 */
public final class ProcessSnapshot {
  private final int pid;
  private final int parentPid;
  private final char state;
  private final long startTicks;
  private final String name;
  private final Duration age;

  private ProcessSnapshot(int pid, int parentPid, char state, long startTicks, String name, Duration age) {
    this.pid = pid;
    this.parentPid = parentPid;
    this.state = state;
    this.startTicks = startTicks;
    this.name = name;
    this.age = age;
  }

  /** {@code stat} as read, its age computed against {@code uptimeTicks} (-1: unknown, age zero). */
  static ProcessSnapshot of(Proc.Stat stat, long uptimeTicks) {
    long ticks = uptimeTicks < 0 ? 0 : Math.max(0, uptimeTicks - stat.startTime());
    return new ProcessSnapshot(stat.pid(), stat.ppid(), stat.state(), stat.startTime(), stat.comm(),
        Duration.ofMillis(ticks * 1000 / Proc.TICKS_PER_SECOND));
  }

  /** The same process as {@link Proc.Stat}, for the shutdown code. */
  Proc.Stat stat() {
    return new Proc.Stat(pid, parentPid, state, startTicks, name);
  }

  /** {@return its pid} */
  public int pid() {
    return pid;
  }

  /** {@return the pid of its parent when the snapshot was taken (the nearest subreaper once the real parent died)} */
  public int parentPid() {
    return parentPid;
  }

  /**
   * {@return the kernel's one-letter state: {@code R} running, {@code S} sleeping, {@code D} in
   * uninterruptible sleep, {@code T} stopped, {@code t} stopped by a tracer, {@code Z} zombie,
   * ...}
   */
  public char state() {
    return state;
  }

  /** {@return true if it had exited and was waiting to be reaped} */
  public boolean isZombie() {
    return state == 'Z' || state == 'X';
  }

  /** {@return true if it was stopped (SIGSTOP, SIGTSTP, a tracer)} */
  public boolean isStopped() {
    return state == 'T' || state == 't';
  }

  /** {@return its name as the kernel keeps it ({@code comm}: the executable's base name, at most 15 bytes); kept by a zombie} */
  public String name() {
    return name;
  }

  /** {@return when it started, in clock ticks (1/100 s) since boot: with the pid, its identity} */
  public long startTicks() {
    return startTicks;
  }

  /** {@return how long it had lived when the snapshot was taken, to 10 ms} */
  public Duration age() {
    return age;
  }

  /**
   * Whether {@code other} names the same process.
   *
   * @param other another snapshot, or null
   * @return true if it has the same pid and the same start time
   */
  public boolean isSameProcessAs(ProcessSnapshot other) {
    return other != null && other.pid == pid && other.startTicks == startTicks;
  }

  /** {@return a human-readable state: running, sleeping, stopped, zombie, ...} */
  public String describeState() {
    switch (state) {
      case 'R': return "running";
      case 'S': return "sleeping";
      case 'D': return "in uninterruptible sleep";
      case 'T': return "stopped";
      case 't': return "stopped by a tracer";
      case 'Z':
      case 'X': return "zombie";
      case 'I': return "idle";
      default: return "state " + state;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProcessSnapshot && isSameProcessAs((ProcessSnapshot) o);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pid, startTicks);
  }

  /** {@return {@code 41 (sleep)}: its pid and name} */
  @Override
  public String toString() {
    return pid + " (" + name + ")";
  }
}
