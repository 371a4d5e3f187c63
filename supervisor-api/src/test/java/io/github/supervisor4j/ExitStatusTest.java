package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExitStatusTest {
  static IntStream codes() {
    return IntStream.rangeClosed(0, 255);
  }

  static IntStream signals() {
    return IntStream.rangeClosed(1, 64);
  }

  @ParameterizedTest
  @MethodSource("codes")
  void exitedReportsItsCodeAsShellCode(int code) {
    ExitStatus s = ExitStatus.exited(code);
    assertTrue(s.exited());
    assertFalse(s.killed());
    assertFalse(s.coreDumped());
    assertEquals(code, s.code());
    assertEquals(code, s.shellCode());
    assertEquals("exited " + code, s.toString());
    IllegalStateException e = assertThrows(IllegalStateException.class, s::signalNumber);
    assertTrue(e.getMessage().contains("exited with " + code), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("signals")
  void killedReportsOneHundredTwentyEightPlusSignal(int signal) {
    ExitStatus s = ExitStatus.killed(signal, false);
    assertTrue(s.killed());
    assertFalse(s.exited());
    assertEquals(signal, s.signalNumber());
    assertEquals(128 + signal, s.shellCode());
    assertEquals("killed by " + Signal.nameOf(signal), s.toString());
    IllegalStateException e = assertThrows(IllegalStateException.class, s::code);
    assertTrue(e.getMessage().contains(Signal.nameOf(signal)), e.getMessage());
  }

  @Test
  void coreDumpIsPartOfTheStatus() {
    ExitStatus core = ExitStatus.killed(Signal.SIGSEGV.number(), true);
    assertTrue(core.coreDumped());
    assertEquals(139, core.shellCode());
    assertEquals("killed by SIGSEGV (core dumped)", core.toString());
    assertNotEquals(ExitStatus.killed(Signal.SIGSEGV), core);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 256, 1000, Integer.MIN_VALUE})
  void exitedRefusesCodesOutside0To255(int code) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExitStatus.exited(code));
    assertEquals("code not in 0..255: " + code, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -9, 128})
  void killedRefusesSignalsOutside1To127(int signal) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExitStatus.killed(signal, false));
    assertEquals("signal not in 1..127: " + signal, e.getMessage());
  }

  @Test
  void equalStatusesAreEqualAndHashAlike() {
    assertEquals(ExitStatus.exited(3), ExitStatus.exited(3));
    assertEquals(ExitStatus.exited(3).hashCode(), ExitStatus.exited(3).hashCode());
    assertEquals(ExitStatus.killed(Signal.SIGTERM), ExitStatus.killed(15, false));
    assertEquals(ExitStatus.killed(Signal.SIGTERM).hashCode(), ExitStatus.killed(15, false).hashCode());
    assertEquals(ExitStatus.killed(6, true), ExitStatus.killed(6, true));
  }

  @Test
  void exitCodeAndSignalWithTheSameShellCodeDiffer() {
    // A shell cannot tell "exit 143" from "killed by SIGTERM"; ExitStatus can.
    assertEquals(ExitStatus.exited(143).shellCode(), ExitStatus.killed(Signal.SIGTERM).shellCode());
    assertNotEquals(ExitStatus.exited(143), ExitStatus.killed(Signal.SIGTERM));
    assertNotEquals(ExitStatus.exited(0), ExitStatus.killed(Signal.SIGHUP));
    assertNotEquals(ExitStatus.exited(1), null);
  }
}
