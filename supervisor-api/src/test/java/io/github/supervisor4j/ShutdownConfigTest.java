package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ShutdownConfig.OnChildExit;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShutdownConfigTest {

  @ParameterizedTest
  @CsvSource({
      "500ms, 500", "10s, 10000", "1m, 60000", "2h, 7200000", "0, 0", "0ms, 0", "0s, 0", "' 10S ', 10000",
      "1500ms, 1500"})
  void parsesDurationsWithUnits(String text, long millis) {
    assertEquals(Duration.ofMillis(millis), ShutdownConfig.parseDuration("--grace", text));
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
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.parseDuration("--grace", text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void refusesEmptyDuration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.parseDuration("--kill-after", ""));
    assertEquals("--kill-after: not a duration:  (use 500ms, 10s or 1m)", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"exit, EXIT", "wait, WAIT", "terminate, TERMINATE", "TERMINATE, TERMINATE"})
  void parsesOnChildExitWords(String text, OnChildExit expected) {
    assertEquals(expected, OnChildExit.parse("--on-child-exit", text));
  }

  @Test
  void refusesUnknownOnChildExitWordInOneLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ShutdownConfig.defaults().withOption("--on-child-exit", "maybe"));
    assertEquals("--on-child-exit: expected exit, wait or terminate: maybe", e.getMessage());
  }

  @Test
  void defaultsAreTinisBehaviour() {
    ShutdownConfig c = ShutdownConfig.defaults();
    assertTrue(c.grace().isEmpty());
    assertEquals(Duration.ofSeconds(2), c.killAfter());
    assertEquals(OnChildExit.EXIT, c.onChildExit());
    assertEquals(Duration.ZERO, c.preStopDelay());
    assertFalse(c.interceptsShutdownSignals());
  }

  @Test
  void appliesEachLauncherOption() {
    ShutdownConfig c = ShutdownConfig.defaults()
        .withOption("--grace", "10s")
        .withOption("--kill-after", "500ms")
        .withOption("--on-child-exit", "wait")
        .withOption("--pre-stop-delay", "1m");
    assertEquals(Duration.ofSeconds(10), c.grace().orElseThrow());
    assertEquals(Duration.ofMillis(500), c.killAfter());
    assertEquals(OnChildExit.WAIT, c.onChildExit());
    assertEquals(Duration.ofMinutes(1), c.preStopDelay());
    assertEquals("--grace 10s --kill-after 500ms --on-child-exit wait --pre-stop-delay 1m", c.toString());
  }

  @ParameterizedTest
  @CsvSource({"--grace, 1s", "--pre-stop-delay, 1s", "--on-child-exit, wait", "--on-child-exit, terminate"})
  void interceptsShutdownSignalsOnceAnOptionDiffersFromTini(String option, String value) {
    assertTrue(ShutdownConfig.defaults().withOption(option, value).interceptsShutdownSignals());
  }

  @Test
  void killAfterAloneKeepsSignalsForwardedStraightAway() {
    assertFalse(ShutdownConfig.defaults().withOption("--kill-after", "5s").interceptsShutdownSignals());
  }

  @Test
  void knowsItsOptionsOnly() {
    assertTrue(ShutdownConfig.isOption("--grace"));
    assertTrue(ShutdownConfig.isOption("--kill-after"));
    assertTrue(ShutdownConfig.isOption("--on-child-exit"));
    assertTrue(ShutdownConfig.isOption("--pre-stop-delay"));
    assertFalse(ShutdownConfig.isOption("-g"));
    assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.defaults().withOption("-g", "1s"));
  }

  @Test
  void refusesNegativeDurationsFromCode() {
    assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.defaults().withGrace(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.defaults().withKillAfter(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.defaults().withPreStopDelay(Duration.ofMillis(-1)));
  }

  @ParameterizedTest
  @CsvSource({"0, 0s", "500, 500ms", "2000, 2s", "1500, 1500ms", "60000, 1m", "90000, 90s"})
  void formatsDurationsAsTheOptionsWriteThem(long millis, String text) {
    assertEquals(text, ShutdownConfig.format(Duration.ofMillis(millis)));
    assertEquals(Duration.ofMillis(millis), ShutdownConfig.parseDuration("--grace", text));
  }
}
