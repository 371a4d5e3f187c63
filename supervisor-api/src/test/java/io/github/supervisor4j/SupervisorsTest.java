package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** This module's test classpath holds no implementation, so the factory must say so. */
class SupervisorsTest {
  private static final String NO_IMPLEMENTATION =
      "no supervisor4j implementation on the classpath: add io.github.supervisor4j:supervisor-posix";

  @Test
  @EnabledOnOs(OS.LINUX)
  void reaperFailsInOneLineWhenNoImplementationIsOnTheClasspath() {
    UnavailableException e = assertThrows(UnavailableException.class, () -> Supervisors.reaper(ReaperConfig.defaults()));
    assertEquals(NO_IMPLEMENTATION, e.getMessage());
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void signalForwarderFailsInOneLineWhenNoImplementationIsOnTheClasspath() {
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> Supervisors.signalForwarder(ForwarderConfig.allForwardable()));
    assertEquals(NO_IMPLEMENTATION, e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Linux", "linux", "LINUX"})
  void linuxPassesTheOsCheckAndThenLooksForAnImplementation(String os) {
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> Supervisors.load(os, SupervisorsTest.class.getClassLoader()));
    assertEquals(NO_IMPLEMENTATION, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Mac OS X", "Windows 11", "FreeBSD", "SunOS", ""})
  void otherOperatingSystemsFailInOneLineNamingTheOs(String os) {
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> Supervisors.load(os, SupervisorsTest.class.getClassLoader()));
    assertEquals("supervisor4j needs Linux; this OS is " + os, e.getMessage());
  }
}
