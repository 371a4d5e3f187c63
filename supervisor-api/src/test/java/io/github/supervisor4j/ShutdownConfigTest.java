package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ShutdownConfig.OnChildExit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The value type; the launcher's grammar for it is tested in the launcher's ShutdownOptionsTest. */
class ShutdownConfigTest {

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
  void setsEachValue() {
    ShutdownConfig c = ShutdownConfig.defaults()
        .withGrace(Duration.ofSeconds(10))
        .withKillAfter(Duration.ofMillis(500))
        .withOnChildExit(OnChildExit.WAIT)
        .withPreStopDelay(Duration.ofMinutes(1));
    assertEquals(Duration.ofSeconds(10), c.grace().orElseThrow());
    assertEquals(Duration.ofMillis(500), c.killAfter());
    assertEquals(OnChildExit.WAIT, c.onChildExit());
    assertEquals(Duration.ofMinutes(1), c.preStopDelay());
    assertEquals("ShutdownConfig{grace=PT10S, killAfter=PT0.5S, onChildExit=WAIT, preStopDelay=PT1M}", c.toString());
  }

  @Test
  void interceptsShutdownSignalsOnceAValueDiffersFromTini() {
    assertTrue(ShutdownConfig.defaults().withGrace(Duration.ofSeconds(1)).interceptsShutdownSignals());
    assertTrue(ShutdownConfig.defaults().withPreStopDelay(Duration.ofSeconds(1)).interceptsShutdownSignals());
    assertTrue(ShutdownConfig.defaults().withOnChildExit(OnChildExit.WAIT).interceptsShutdownSignals());
    assertTrue(ShutdownConfig.defaults().withOnChildExit(OnChildExit.TERMINATE).interceptsShutdownSignals());
  }

  @Test
  void killAfterAloneKeepsSignalsForwardedStraightAway() {
    assertFalse(ShutdownConfig.defaults().withKillAfter(Duration.ofSeconds(5)).interceptsShutdownSignals());
  }

  @Test
  void refusesNegativeDurationsFromCode() {
    assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.defaults().withGrace(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.defaults().withKillAfter(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ShutdownConfig.defaults().withPreStopDelay(Duration.ofMillis(-1)));
  }

  @Test
  void equalValuesAreEqual() {
    ShutdownConfig a = ShutdownConfig.defaults().withGrace(Duration.ofSeconds(3));
    ShutdownConfig b = ShutdownConfig.defaults().withGrace(Duration.ofMillis(3000));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }
}
