package io.github.supervisor4j.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestEngine;

/**
 * The JUnit these tests run on is the version the build asked for ({@code -Djunit.version}):
 * so a run of .ci/run "with JUnit 5.10" really ran on 5.10.
 */
class JUnitVersionTest {
  @Test
  void runsOnTheJUnitTheBuildAskedFor() {
    String expected = System.getProperty("supervisor4j.expectedJUnitVersion");
    assertNotNull(expected, "surefire sets supervisor4j.expectedJUnitVersion");
    assertEquals(expected, Test.class.getPackage().getImplementationVersion(), "junit-jupiter-api");
    String platform = TestEngine.class.getPackage().getImplementationVersion();
    assertEquals(expected.startsWith("5.") ? "1." + expected.substring(2) : expected, platform, "junit-platform-engine");
  }
}
