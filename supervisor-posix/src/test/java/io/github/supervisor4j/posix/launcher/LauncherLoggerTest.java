package io.github.supervisor4j.posix.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher's slf4j logger, which implements {@code Logger} itself: at each verbosity it
 * writes what slf4j's own base class would log (the same exception taken from the arguments,
 * the same message), as tini-style lines, and a stack trace only at trace verbosity. A JVM of
 * its own, as the launcher's standard error is fixed when its log starts.
 */
@EnabledOnOs(OS.LINUX)
class LauncherLoggerTest {
  private static final Pattern LINE = Pattern.compile("\\[(ERROR|WARN |INFO |DEBUG|TRACE) supervisor4j \\((\\d+)\\)\\] (.*)");

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void writesWhatSlf4jWouldLogAtEachVerbosity(int verbosity) throws Exception {
    try (ForkedProcess run = ForkedProcess.start(JavaCommand.mainClass(LauncherLoggerFixture.class).args(String.valueOf(verbosity)).toList())) {
      assertEquals(0, run.waitFor(), run::toString);
      List<String> expected = run.stdoutAtEnd();
      assertEquals("one logger per name: true", expected.get(expected.size() - 1), run::toString);
      expected = expected.subList(0, expected.size() - 1);
      List<String> lines = run.stderrAtEnd().stream().filter(l -> l.startsWith("[")).collect(Collectors.toList());
      List<String> written = lines.stream().map(l -> {
        Matcher m = LINE.matcher(l);
        assertTrue(m.matches(), () -> "not a launcher line: " + l);
        assertEquals(String.valueOf(run.pid()), m.group(2), l);
        return m.group(1).trim() + " " + m.group(3);
      }).collect(Collectors.toList());
      assertEquals(expected, written, run::toString);
      // ERROR and WARN at the default verbosity 1; each level above adds its own.
      long levels = expected.stream().map(l -> l.substring(0, l.indexOf(' '))).distinct().count();
      assertEquals(Math.max(1, verbosity + 1), levels, expected::toString);
      boolean stackTraces = run.stderrAtEnd().stream().anyMatch(l -> l.startsWith("\tat "));
      assertEquals(verbosity >= 4, stackTraces, run::toString);
    }
  }
}
