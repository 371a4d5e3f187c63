package io.github.supervisor4j.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ExitStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.IntStream;

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
    ExitStatus s = WaitStatus.decode(code << 8);
    assertTrue(s.exited());
    assertEquals(code, s.code());
    assertEquals(code, s.shellCode());
  }

  @ParameterizedTest
  @MethodSource("signals")
  void decodesDeathBySignalWithAndWithoutCore(int sig) {
    ExitStatus s = WaitStatus.decode(sig);
    assertTrue(s.killed());
    assertEquals(sig, s.signalNumber());
    assertFalse(s.coreDumped());
    assertEquals(128 + sig, s.shellCode());
    ExitStatus core = WaitStatus.decode(sig | 0x80);
    assertTrue(core.coreDumped());
    assertEquals(sig, core.signalNumber());
  }

  @ParameterizedTest
  @ValueSource(ints = {0x137f, 0xffff})
  void refusesStoppedAndContinuedStatuses(int raw) {
    assertThrows(IllegalArgumentException.class, () -> WaitStatus.decode(raw));
  }
}
