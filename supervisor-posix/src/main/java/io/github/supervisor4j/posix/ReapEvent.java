package io.github.supervisor4j.posix;

import io.github.supervisor4j.ExitStatus;
import java.util.List;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code io.github.supervisor4j.Reap}: one process reaped; committed by {@link PosixReaper}. */
@Name("io.github.supervisor4j.Reap")
@Label("Reap")
@Category("supervisor4j")
@Description("A process was reaped: a child started through the reaper, or an adopted orphan")
@StackTrace(false)
final class ReapEvent extends Event {
  /** Asked before anything is built: isEnabled() does not depend on the instance. */
  private static final ReapEvent PROBE = new ReapEvent();

  @Label("Process Id")
  @Description("The pid the process had")
  int pid;

  @Label("Command")
  @Description("The command line of a spawned child; empty for an adopted process, whose command the kernel forgets when it is reaped")
  String command;

  @Label("Exit Status")
  @Description("How it ended, e.g. 'exited 3' or 'killed by SIGKILL (core dumped)'")
  String status;

  @Label("Shell Code")
  @Description("The exit code, or 128 + the signal that killed it, as a shell reports it")
  int shellCode;

  @Label("Adopted")
  @Description("True if it was not started through Reaper.spawn (an orphan re-parented to us, or another child)")
  boolean adopted;

  @Label("Reap Policy")
  @Description("EXCLUSIVE or COOPERATIVE")
  String policy;

  static boolean enabled() {
    return PROBE.isEnabled();
  }

  /** Call only if {@link #enabled()}. */
  static void commit(int pid, List<String> command, ExitStatus status, String policy) {
    ReapEvent e = new ReapEvent();
    e.pid = pid;
    e.command = command == null ? "" : String.join(" ", command);
    e.status = status.toString();
    e.shellCode = status.shellCode();
    e.adopted = command == null;
    e.policy = policy;
    e.commit();
  }
}
