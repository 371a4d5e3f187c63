package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InitConfigTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty(InitConfig.EXIT_ZERO_ON_SIGTERM);
    System.clearProperty(InitConfig.SUBREAPER);
    System.clearProperty(InitConfig.SIGNALS);
  }

  @Test
  void defaultsPassTermIntHupOnAndKeepExitCode143() {
    InitConfig c = InitConfig.defaults();
    assertEquals(EnumSet.of(Signal.SIGTERM, Signal.SIGINT, Signal.SIGHUP), c.signals());
    assertTrue(c.subreaper());
    assertFalse(c.exitZeroOnSigterm());
  }

  @Test
  void readsEverySettingFromSystemProperties() {
    System.setProperty(InitConfig.EXIT_ZERO_ON_SIGTERM, "true");
    System.setProperty(InitConfig.SUBREAPER, "false");
    System.setProperty(InitConfig.SIGNALS, "TERM, usr1");
    InitConfig c = InitConfig.fromSystemProperties();
    assertTrue(c.exitZeroOnSigterm());
    assertFalse(c.subreaper());
    assertEquals(EnumSet.of(Signal.SIGTERM, Signal.SIGUSR1), c.signals());
  }

  @Test
  void noneMeansNoSignalHandling() {
    System.setProperty(InitConfig.SIGNALS, "none");
    assertEquals(Set.of(), InitConfig.fromSystemProperties().signals());
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "supervisor4j.signals; TERM,QUIT; supervisor4j.signals: SIGQUIT cannot be forwarded: HotSpot uses it for thread dumps",
    "supervisor4j.exitZeroOnSigterm; yes; supervisor4j.exitZeroOnSigterm must be true or false: yes",
    "supervisor4j.subreaper; 1; supervisor4j.subreaper must be true or false: 1",
  })
  void refusesABadPropertyInOneLineNamingIt(String property, String value, String message) {
    System.setProperty(property, value);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, InitConfig::fromSystemProperties);
    assertEquals(message, e.getMessage());
  }
}
