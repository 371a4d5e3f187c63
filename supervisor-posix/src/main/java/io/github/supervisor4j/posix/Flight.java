package io.github.supervisor4j.posix;

/**
 * Whether to look at our JDK Flight Recorder events at all (docs/jfr.md): {@link ReapEvent},
 * {@link SignalForwardEvent}, {@link ShutdownEscalationEvent}. Every call site asks {@link
 * #recording()} first and touches an event class only then.
 *
 * <p>Why not simply {@code event.isEnabled()}: on JDK 17, loading any {@code jdk.jfr.Event}
 * subclass initialises JFR's support classes (JVMSupport, SecuritySupport, ... about 40
 * classes and several milliseconds, seen with -Xlog:class+load) even when no recording ever
 * runs: a cost on the launcher's first reap, and resident memory. {@code
 * FlightRecorder.isInitialized()} is one class and a volatile read; it turns true when a
 * recording starts ({@code -XX:StartFlightRecording}, {@code jcmd JFR.start}, the API), and the
 * event classes are loaded, and instrumented by JFR, from then on. A jlink'ed runtime without
 * the {@code jdk.jfr} module has no such class: {@link #AVAILABLE} keeps it from being touched.
 */
final class Flight {
  /** Whether the jdk.jfr module is in this runtime. */
  static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

  private Flight() {}

  /** True once JFR has been started in this JVM; false for good without the jdk.jfr module. */
  static boolean recording() {
    return AVAILABLE && jdk.jfr.FlightRecorder.isInitialized();
  }
}
