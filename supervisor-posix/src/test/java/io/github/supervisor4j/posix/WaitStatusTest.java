package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ExitStatus;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The decoder alone; ExitStatusDecodingTest checks it against real children. */
class WaitStatusTest {
  static IntStream codes() {
    return IntStream.rangeClosed(0, 255);
  }

  static IntStream signals() {
    return IntStream.rangeClosed(1, 64).filter(s -> s != 32 && s != 33);
  }

  @ParameterizedTest
  @MethodSource("codes")
  void decodesEveryExitCode(int code) {
    ExitStatus s = WaitStatus.decode(WaitStatus.CLD_EXITED, code);
    assertTrue(s.exited());
    assertEquals(code, s.code());
    assertEquals(code, s.shellCode());
  }

  @ParameterizedTest
  @MethodSource("signals")
  void decodesDeathBySignalWithAndWithoutCore(int sig) {
    ExitStatus s = WaitStatus.decode(WaitStatus.CLD_KILLED, sig);
    assertTrue(s.killed());
    assertEquals(sig, s.signalNumber());
    assertFalse(s.coreDumped());
    assertEquals(128 + sig, s.shellCode());
    ExitStatus core = WaitStatus.decode(WaitStatus.CLD_DUMPED, sig);
    assertTrue(core.coreDumped());
    assertEquals(sig, core.signalNumber());
  }

  @ParameterizedTest
  @ValueSource(ints = {WaitStatus.CLD_TRAPPED, WaitStatus.CLD_STOPPED, WaitStatus.CLD_CONTINUED})
  void refusesStoppedTrappedAndContinuedChildren(int code) {
    assertThrows(IllegalArgumentException.class, () -> WaitStatus.decode(code, 19));
  }
}
