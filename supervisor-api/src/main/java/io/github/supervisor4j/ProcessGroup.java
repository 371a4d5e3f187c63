package io.github.supervisor4j;

/**
 * Which process group, and which session, a child started by {@link Reaper#spawn} joins: one
 * value, so that no combination can contradict another.
 *
 * <p>Signals to a whole group ({@link SupervisedProcess#signalGroup}, {@link
 * ForwardTarget#processGroup}) need the child to lead a group of its own: every value but
 * {@link #INHERIT}.
 */
public enum ProcessGroup {
  /** The child stays in this process's group and session (posix_spawn's default). */
  INHERIT,

  /** A new process group whose id is the child's pid ({@code setpgid(0, 0)}), in this session. */
  NEW,

  /**
   * A new process group, as {@link #NEW}, that also becomes the foreground group of the
   * terminal on standard input, as tini does, so that Ctrl-C and Ctrl-Z reach the child. The
   * hand-over happens only when standard input is this process's controlling terminal and this
   * process is in its foreground group (a shell that runs us in the background keeps its
   * terminal); otherwise the child gets a new group and nothing more. It happens in the child
   * before it executes (glibc 2.35's posix_spawn_file_actions_addtcsetpgrp_np), so the child
   * never starts in the background.
   */
  NEW_FOREGROUND,

  /**
   * A new session ({@code setsid}), as dumb-init starts its child: the child leads a new group
   * too, and has no controlling terminal.
   */
  NEW_SESSION;

  /** {@return true if the child leads a process group of its own, so that its group can be signalled} */
  public boolean isOwnGroup() {
    return this != INHERIT;
  }
}
