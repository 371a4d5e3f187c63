package io.github.supervisor4j.posix;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * {@code io.github.supervisor4j.SignalForward}: what became of one received signal; committed
 * by {@link Forwarding} (forwarded, dropped, target gone, failed) and by the forwarder (held,
 * intercepted), on every path.
 */
@Name("io.github.supervisor4j.SignalForward")
@Label("Signal Forward")
@Category("supervisor4j")
@Description("A signal received by the supervisor and what became of it")
@StackTrace(false)
final class SignalForwardEvent extends Event {
  private static final SignalForwardEvent PROBE = new SignalForwardEvent();

  @Label("Signal")
  @Description("The signal received, e.g. SIGTERM")
  String signal;

  @Label("Sent As")
  @Description("The signal passed to kill(2) after any rewrite; empty if none was sent")
  String sentAs;

  @Label("Target")
  @Description("Where it went: 'child 1234' or 'process group 1234'; empty while there is no child yet")
  String target;

  @Label("Outcome")
  @Description("FORWARDED, DROPPED, TARGET_GONE, FAILED, HELD (no child yet) or INTERCEPTED (taken by the shutdown sequence)")
  String outcome;

  @Label("Latency")
  @Description("How long forwarding took: on the fast path the kill(2) call inside libs4jsig's C handler; on the "
      + "sun.misc.Signal path and in-app from our handler's start to kill(2)'s return (HotSpot's dispatch before it is not "
      + "seen); for a signal held until the child existed, the hold included")
  @Timespan(Timespan.NANOSECONDS)
  long latency;

  @Label("Path")
  @Description("native (libs4jsig's C handler) or java (sun.misc.Signal)")
  String path;

  static boolean enabled() {
    return PROBE.isEnabled();
  }

  /** Call only if {@link #enabled()}. */
  static void commit(String signal, String sentAs, String target, String outcome, long latencyNanos, boolean nativePath) {
    SignalForwardEvent e = new SignalForwardEvent();
    e.signal = signal;
    e.sentAs = sentAs;
    e.target = target;
    e.outcome = outcome;
    e.latency = latencyNanos;
    e.path = nativePath ? "native" : "java";
    e.commit();
  }
}
