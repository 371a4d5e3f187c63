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
  private final Proc.Stat stat;
  private final Duration age;

  private ProcessSnapshot(Proc.Stat stat, Duration age) {
    this.stat = stat;
    this.age = age;
  }

  /** {@code stat} as read, its age computed against {@code uptimeTicks} (-1: unknown, age zero). */
  static ProcessSnapshot of(Proc.Stat stat, long uptimeTicks) {
    long ticks = uptimeTicks < 0 ? 0 : Math.max(0, uptimeTicks - stat.startTime());
    return new ProcessSnapshot(stat, Duration.ofMillis(ticks * 1000 / Proc.TICKS_PER_SECOND));
  }

  /** The same process as {@link Proc.Stat}, for the shutdown code. */
  Proc.Stat stat() {
    return stat;
  }

  /** {@return its pid} */
  public int pid() {
    return stat.pid();
  }

  /** {@return the pid of its parent when the snapshot was taken (the nearest subreaper once the real parent died)} */
  public int parentPid() {
    return stat.ppid();
  }

  /**
   * {@return the kernel's one-letter state: {@code R} running, {@code S} sleeping, {@code D} in
   * uninterruptible sleep, {@code T} stopped, {@code t} stopped by a tracer, {@code Z} zombie,
   * ...}
   */
  public char state() {
    return stat.state();
  }

  /** {@return true if it had exited and was waiting to be reaped} */
  public boolean isZombie() {
    return stat.state() == 'Z' || stat.state() == 'X';
  }

  /** {@return true if it was stopped (SIGSTOP, SIGTSTP, a tracer)} */
  public boolean isStopped() {
    return stat.state() == 'T' || stat.state() == 't';
  }

  /** {@return its name as the kernel keeps it ({@code comm}: the executable's base name, at most 15 bytes); kept by a zombie} */
  public String name() {
    return stat.comm();
  }

  /** {@return when it started, in clock ticks (1/100 s) since boot: with the pid, its identity} */
  public long startTicks() {
    return stat.startTime();
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
    return other != null && other.stat.pid() == stat.pid() && other.stat.startTime() == stat.startTime();
  }

  /** {@return a human-readable state: running, sleeping, stopped, zombie, ...} */
  public String describeState() {
    char state = stat.state();
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
    return Objects.hash(stat.pid(), stat.startTime());
  }

  /** {@return {@code 41 (sleep)}: its pid and name} */
  @Override
  public String toString() {
    return stat.pid() + " (" + stat.comm() + ")";
  }
}
