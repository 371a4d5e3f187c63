package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignalTest {

  @ParameterizedTest
  @EnumSource(Signal.class)
  void parsesFullShortLowerCaseNameAndNumber(Signal s) {
    assertEquals(s, Signal.parse(s.name()));
    assertEquals(s, Signal.parse(s.shortName()));
    assertEquals(s, Signal.parse(s.shortName().toLowerCase(Locale.ROOT)));
    assertEquals(s, Signal.parse(" " + s.name() + " "));
    assertEquals(s, Signal.parse(Integer.toString(s.number())));
    assertEquals(s, Signal.of(s.number()));
  }

  @Test
  void numbersAreTheLinuxOnes1To31WithoutGaps() {
    Set<Integer> seen = new java.util.HashSet<>();
    for (Signal s : Signal.values()) {
      assertTrue(seen.add(s.number()), s + " has a duplicate number");
    }
    for (int n = 1; n <= 31; n++) {
      assertTrue(seen.contains(n), "no signal " + n);
    }
    assertEquals(31, Signal.values().length);
  }

  @ParameterizedTest
  @CsvSource({"1, SIGHUP", "2, SIGINT", "6, SIGABRT", "9, SIGKILL", "10, SIGUSR1", "12, SIGUSR2", "15, SIGTERM",
      "17, SIGCHLD", "19, SIGSTOP", "29, SIGIO", "31, SIGSYS"})
  void knowsTheKernelNumbers(int number, Signal expected) {
    assertEquals(number, expected.number());
    assertEquals(expected, Signal.of(number));
  }

  @ParameterizedTest
  @CsvSource({"SIGIOT, SIGABRT", "IOT, SIGABRT", "iot, SIGABRT", "SIGPOLL, SIGIO", "POLL, SIGIO"})
  void parsesAliasesToTheCanonicalSignal(String alias, Signal expected) {
    assertEquals(expected, Signal.parse(alias));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "32", "64", "-1", "99999999999", "SIGFOO", "SIG", "TERM2", "SIGRTMIN", "15x", "+15"})
  void refusesWhatIsNoStandardSignalNamingTheText(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signal.parse(text));
    assertTrue(e.getMessage().contains(text), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void refusesEmptyText(String text) {
    assertThrows(IllegalArgumentException.class, () -> Signal.parse(text));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 32, -15})
  void ofRefusesNumbersOutside1To31(int n) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signal.of(n));
    assertTrue(e.getMessage().endsWith(": " + n), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(Signal.class)
  void nameOfNamesEveryStandardSignalByItsCanonicalName(Signal s) {
    assertEquals(s.name(), Signal.nameOf(s.number()));
  }

  @ParameterizedTest
  @CsvSource({"34, SIGRTMIN", "35, SIGRTMIN+1", "50, SIGRTMIN+16", "64, SIGRTMIN+30",
      "0, signal 0", "32, signal 32", "33, signal 33", "65, signal 65", "-1, signal -1"})
  void nameOfNamesRealTimeAndUnknownNumbers(int number, String expected) {
    assertEquals(expected, Signal.nameOf(number));
  }

  @Test
  void shortNameIsWhatSunMiscSignalWants() {
    assertEquals("TERM", Signal.SIGTERM.shortName());
    assertEquals(EnumSet.allOf(Signal.class).size(), 31);
  }
}
