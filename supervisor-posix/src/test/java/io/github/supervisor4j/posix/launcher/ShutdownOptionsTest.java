package io.github.supervisor4j.posix.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.ShutdownConfig.OnChildExit;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The graceful-shutdown options' grammar; GracefulShutdownTest runs them end to end. */
class ShutdownOptionsTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, 500", "10s, 10000", "1m, 60000", "2h, 7200000", "0, 0", "0ms, 0", "0s, 0", "' 10S ', 10000",
      "1500ms, 1500", "90s, 90000"})
  void parsesDurationsWithUnits(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), ShutdownOptions.parseDuration("--grace", text));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "abc | --grace: not a duration: abc (use 500ms, 10s or 1m)",
      "10 | --grace: not a duration: 10 (use 500ms, 10s or 1m)",
      "10sec | --grace: not a duration: 10sec (use 500ms, 10s or 1m)",
      "1.5s | --grace: not a duration: 1.5s (use 500ms, 10s or 1m)",
      "s | --grace: not a duration: s (use 500ms, 10s or 1m)",
      "-1 | --grace: must not be negative: -1",
      "-5s | --grace: must not be negative: -5s",
      "99999999999999999999s | --grace: too long: 99999999999999999999s",
      "999999999999999999m | --grace: too long: 999999999999999999m"})
  void refusesBadDurationsInOneLine(String text, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShutdownOptions.parseDuration("--grace", text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void refusesEmptyDuration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShutdownOptions.parseDuration("--kill-after", ""));
    assertEquals("--kill-after: not a duration:  (use 500ms, 10s or 1m)", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"exit, EXIT", "wait, WAIT", "terminate, TERMINATE", "TERMINATE, TERMINATE"})
  void parsesOnChildExitWords(String text, OnChildExit expected) {
    assertEquals(expected, ShutdownOptions.parseOnChildExit("--on-child-exit", text));
  }

  @Test
  void refusesUnknownOnChildExitWordInOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShutdownOptions.apply(ShutdownConfig.defaults(), "--on-child-exit", "maybe"));
    assertEquals("--on-child-exit: expected exit, wait or terminate: maybe", e.getMessage());
  }

  @Test
  void appliesEachOption() {
    ShutdownConfig c = ShutdownConfig.defaults();
    c = ShutdownOptions.apply(c, "--grace", "10s");
    c = ShutdownOptions.apply(c, "--kill-after", "500ms");
    c = ShutdownOptions.apply(c, "--on-child-exit", "wait");
    c = ShutdownOptions.apply(c, "--pre-stop-delay", "1m");
    assertEquals(Duration.ofSeconds(10), c.grace().orElseThrow());
    assertEquals(Duration.ofMillis(500), c.killAfter());
    assertEquals(OnChildExit.WAIT, c.onChildExit());
    assertEquals(Duration.ofMinutes(1), c.preStopDelay());
  }

  @ParameterizedTest
  @CsvSource({"--grace, 1s", "--pre-stop-delay, 1s", "--on-child-exit, wait", "--on-child-exit, terminate"})
  void interceptsShutdownSignalsOnceAnOptionDiffersFromTini(String option, String value) {
    assertTrue(ShutdownOptions.apply(ShutdownConfig.defaults(), option, value).interceptsShutdownSignals());
  }

  @Test
  void killAfterAloneKeepsSignalsForwardedStraightAway() {
    assertFalse(ShutdownOptions.apply(ShutdownConfig.defaults(), "--kill-after", "5s").interceptsShutdownSignals());
  }

  @Test
  void knowsItsOptionsOnly() {
    assertTrue(ShutdownOptions.isOption("--grace"));
    assertTrue(ShutdownOptions.isOption("--kill-after"));
    assertTrue(ShutdownOptions.isOption("--on-child-exit"));
    assertTrue(ShutdownOptions.isOption("--pre-stop-delay"));
    assertFalse(ShutdownOptions.isOption("-g"));
    assertThrows(IllegalArgumentException.class, () -> ShutdownOptions.apply(ShutdownConfig.defaults(), "-g", "1s"));
  }
}
