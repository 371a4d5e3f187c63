package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import io.github.supervisor4j.testing.PidNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JFR events (docs/jfr.md), recorded as a user records them ({@code
 * -XX:StartFlightRecording:filename=...}, the default settings) around the launcher and around
 * the in-app init, each PID 1 of a new namespace, and read back with {@link RecordingFile}.
 */
@EnabledOnOs(OS.LINUX)
class FlightEventsTest {
  private static final String REAP = "io.github.supervisor4j.Reap";
  private static final String FORWARD = "io.github.supervisor4j.SignalForward";
  private static final String ESCALATION = "io.github.supervisor4j.ShutdownEscalation";

  /**
   * The main child ignores SIGTERM and leaves an orphan that exits 4 and a sleep that ignores
   * SIGTERM too; it sends the launcher SIGUSR1 (forwarded back: its trap), then SIGTERM (taken
   * by --grace: forwarded, ignored, then the escalation, which needs SIGKILL).
   */
  private static final String CHILD = "trap 'echo usr1' USR1; trap '' TERM; sh -c '(sleep 0.1; exit 4) &'; sleep 60 & "
      + "sleep 0.5; kill -USR1 1; sleep 0.3; kill -TERM 1; while :; do sleep 0.1; done";

  @Test
  void launcherRecordsReapsForwardedSignalsAndTheEscalation(@TempDir Path tmp) throws Exception {
    PidNamespace.require();
    Path jfr = tmp.resolve("launcher.jfr");
    List<String> command = PidNamespace.wrap(JavaCommand.jar(Forks.launcherJar())
        .options("-XX:-UsePerfData", "-XX:StartFlightRecording:filename=" + jfr)
        .args("--grace", "300ms", "--kill-after", "300ms", "--", "sh", "-c", CHILD).toList());
    try (ForkedProcess run = ForkedProcess.start(command)) {
      assertEquals(137, run.waitFor(), run::toString); // the main child, killed by the escalation's SIGKILL
    }
    List<RecordedEvent> events = ours(jfr);

    RecordedEvent main = one(events, e -> is(e, REAP) && !e.getBoolean("adopted"));
    assertTrue(main.getString("command").startsWith("sh -c trap 'echo usr1' USR1"), main::toString);
    assertEquals("killed by SIGKILL", main.getString("status"));
    assertEquals(137, main.getInt("shellCode"));
    assertEquals("EXCLUSIVE", main.getString("policy"));
    int child = main.getInt("pid");
    RecordedEvent orphan = one(events, e -> is(e, REAP) && e.getBoolean("adopted") && e.getInt("shellCode") == 4);
    assertEquals("", orphan.getString("command"));
    assertEquals("exited 4", orphan.getString("status"));

    RecordedEvent usr1 = one(events, e -> is(e, FORWARD) && e.getString("signal").equals("SIGUSR1"));
    assertEquals("FORWARDED", usr1.getString("outcome"));
    assertEquals("SIGUSR1", usr1.getString("sentAs"));
    assertEquals("child " + child, usr1.getString("target"));
    assertEquals("native", usr1.getString("path"));
    assertTrue(usr1.getDuration("latency").compareTo(Duration.ZERO) > 0, usr1::toString);
    one(events, e -> is(e, FORWARD) && e.getString("signal").equals("SIGTERM") && e.getString("outcome").equals("INTERCEPTED"));
    RecordedEvent term = one(events, e -> is(e, FORWARD) && e.getString("signal").equals("SIGTERM") && e.getString("outcome").equals("FORWARDED"));
    assertEquals("java", term.getString("path")); // the shutdown sequence forwards it from Java

    assertEscalation(events, child);
    assertMetadata(events);
  }

  @Test
  void inAppInitRecordsReapsForwardedSignalsAndTheEscalation(@TempDir Path tmp) throws Exception {
    PidNamespace.require();
    Path jfr = tmp.resolve("inapp.jfr");
    List<String> command = PidNamespace.wrap(Forks.java(FlightFixture.class)
        .options("-XX:-UsePerfData", "-Dsupervisor4j.signals=USR1", "-XX:StartFlightRecording:filename=" + jfr).toList());
    try (ForkedProcess run = ForkedProcess.start(command)) {
      assertEquals(0, run.waitFor(), run::toString);
      assertTrue(run.stdout().contains("done"), run::toString);
    }
    List<RecordedEvent> events = ours(jfr);

    RecordedEvent orphan = one(events, e -> is(e, REAP) && e.getBoolean("adopted") && e.getInt("shellCode") == 4);
    assertEquals("COOPERATIVE", orphan.getString("policy"));
    RecordedEvent child = one(events, e -> is(e, REAP) && !e.getBoolean("adopted") && e.getInt("shellCode") == 7);
    assertTrue(child.getString("command").contains("trap 'exit 7' USR1"), child::toString);
    RecordedEvent usr1 = one(events, e -> is(e, FORWARD) && e.getString("target").equals("child " + child.getInt("pid")));
    assertEquals("SIGUSR1", usr1.getString("signal"));
    assertEquals("FORWARDED", usr1.getString("outcome"));
    assertEquals("java", usr1.getString("path"));
    assertTrue(usr1.getDuration("latency").compareTo(Duration.ZERO) > 0, usr1::toString);

    RecordedEvent sleep = one(events, e -> is(e, REAP) && e.getString("command").endsWith("exec sleep 60"));
    assertEquals("killed by SIGKILL", sleep.getString("status"));
    assertEscalation(events, sleep.getInt("pid"));
    assertMetadata(events);
  }

  /**
   * Without a recording nothing of JFR's is initialised, however many reaps and signals: on JDK
   * 17 loading one event class would (see {@link Flight}). Read from -Xlog:class+load.
   */
  @Test
  void withoutARecordingNoEventClassIsLoaded(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("classes.txt");
    List<String> command = JavaCommand.jar(Forks.launcherJar()).options("-XX:-UsePerfData", "-Xlog:class+load:file=" + log)
        .args("-s", "--", "sh", "-c", "trap 'exit 3' USR1; sh -c '(exit 4) &'; sleep 0.3; kill -USR1 $PPID; while :; do sleep 0.05; done")
        .toList();
    try (ForkedProcess run = ForkedProcess.start(command)) {
      assertEquals(3, run.waitFor(), run::toString); // reaped orphan, forwarded signal, reaped child
    }
    List<String> loaded = java.nio.file.Files.readAllLines(log);
    assertTrue(loaded.stream().anyMatch(l -> l.contains(" jdk.jfr.FlightRecorder ")), "the check ran");
    for (String cls : List.of("ReapEvent", "SignalForwardEvent", "jdk.jfr.Event", "jdk.jfr.internal.JVMSupport")) {
      assertFalse(loaded.stream().anyMatch(l -> l.contains(cls + " ")), cls + " loaded without a recording");
    }
  }

  /** SIGTERM to {@code pid} among others, SIGKILL after --kill-after (300 ms), then DONE, in that order. */
  private static void assertEscalation(List<RecordedEvent> events, int pid) {
    List<RecordedEvent> steps = events.stream().filter(e -> is(e, ESCALATION)).collect(Collectors.toList());
    assertEquals(List.of("SIGTERM", "SIGKILL", "DONE"), steps.stream().map(e -> e.getString("step")).collect(Collectors.toList()),
        steps::toString);
    assertTrue(List.of(steps.get(0).getString("pids").split(" ")).contains(String.valueOf(pid)), steps::toString);
    assertEquals(steps.get(0).getString("pids").split(" ").length, steps.get(0).getInt("count"));
    assertTrue(steps.get(1).getDuration("elapsed").compareTo(Duration.ofMillis(300)) >= 0, steps::toString);
    assertEquals(0, steps.get(2).getInt("count"));
  }

  /** JFR's conventions: a label, a description and our category on each event type. */
  private static void assertMetadata(List<RecordedEvent> events) {
    for (String name : List.of(REAP, FORWARD, ESCALATION)) {
      EventType type = events.stream().filter(e -> is(e, name)).findFirst().orElseThrow().getEventType();
      assertEquals(List.of("supervisor4j"), type.getCategoryNames(), name);
      assertFalse(type.getLabel() == null || type.getLabel().isEmpty(), name);
      assertFalse(type.getDescription() == null || type.getDescription().isEmpty(), name);
      assertTrue(type.getFields().stream().allMatch(f -> f.getLabel() != null), name + ": every field has a label");
    }
  }

  private static List<RecordedEvent> ours(Path jfr) throws IOException {
    return RecordingFile.readAllEvents(jfr).stream()
        .filter(e -> e.getEventType().getName().startsWith("io.github.supervisor4j."))
        .sorted((a, b) -> a.getStartTime().compareTo(b.getStartTime()))
        .collect(Collectors.toList());
  }

  private static boolean is(RecordedEvent e, String name) {
    return e.getEventType().getName().equals(name);
  }

  private static RecordedEvent one(List<RecordedEvent> events, Predicate<RecordedEvent> which) {
    List<RecordedEvent> found = events.stream().filter(which).collect(Collectors.toList());
    assertEquals(1, found.size(), () -> found.size() + " matching events among " + events);
    return found.get(0);
  }
}
