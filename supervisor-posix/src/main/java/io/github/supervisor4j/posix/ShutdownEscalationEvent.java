package io.github.supervisor4j.posix;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code io.github.supervisor4j.ShutdownEscalation}: one step of {@link Escalation}. */
@Name("io.github.supervisor4j.ShutdownEscalation")
@Label("Shutdown Escalation")
@Category("supervisor4j")
@Description("A step of shutting a process tree down: SIGTERM to those alive, SIGKILL to survivors, the end")
@StackTrace(false)
final class ShutdownEscalationEvent extends Event {
  private static final ShutdownEscalationEvent PROBE = new ShutdownEscalationEvent();

  @Label("Step")
  @Description("SIGTERM, SIGKILL (once per round), DONE (every process reaped) or GAVE_UP (some not reaped in time)")
  String step;

  @Label("Pids")
  @Description("The processes of this step, space-separated: signalled, or left over for GAVE_UP")
  String pids;

  @Label("Process Count")
  int count;

  @Label("Elapsed")
  @Description("Since the escalation began (its first SIGTERM)")
  @Timespan(Timespan.NANOSECONDS)
  long elapsed;

  static boolean enabled() {
    return PROBE.isEnabled();
  }

  /** Call only if {@link #enabled()}. */
  static void commit(String step, int[] pids, long elapsedNanos) {
    ShutdownEscalationEvent e = new ShutdownEscalationEvent();
    e.step = step;
    StringBuilder b = new StringBuilder();
    for (int p : pids) {
      if (b.length() > 0) b.append(' ');
      b.append(p);
    }
    e.pids = b.toString();
    e.count = pids.length;
    e.elapsed = elapsedNanos;
    e.commit();
  }
}
