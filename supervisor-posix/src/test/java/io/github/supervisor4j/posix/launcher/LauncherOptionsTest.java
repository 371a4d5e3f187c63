package io.github.supervisor4j.posix.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.posix.launcher.LauncherOptions.Action;
import io.github.supervisor4j.posix.launcher.LauncherOptions.UsageException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The launcher's command line and environment rules, in process (LauncherTest runs them end to end). */
class LauncherOptionsTest {

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of(new String[] {"--bogus"}, Map.of(), "unknown option: --bogus"),
        Arguments.of(new String[] {"-x", "--", "true"}, Map.of(), "unknown option: -x"),
        Arguments.of(new String[] {"-p", "NOPE", "--", "true"}, Map.of(), "not a valid option for -p: NOPE"),
        Arguments.of(new String[] {"-p", "32", "--", "true"}, Map.of(), "not a valid option for -p: 32"),
        Arguments.of(new String[] {"-e", "300", "--", "true"}, Map.of(), "not a valid option for -e: 300"),
        Arguments.of(new String[] {"-e", "-1", "--", "true"}, Map.of(), "not a valid option for -e: -1"),
        Arguments.of(new String[] {"-e", "abc", "--", "true"}, Map.of(), "not a valid option for -e: abc"),
        Arguments.of(new String[] {"-e", "0x10", "--", "true"}, Map.of(), "not a valid option for -e: 0x10"),
        Arguments.of(new String[] {"-e"}, Map.of(), "option -e requires a value"),
        Arguments.of(new String[] {"--remap-exit"}, Map.of(), "option --remap-exit requires a value"),
        Arguments.of(new String[] {"--subreaper=yes", "--", "true"}, Map.of(), "option --subreaper takes no value"),
        Arguments.of(new String[] {"--"}, Map.of(), "'--' must be followed by a command"),
        Arguments.of(new String[] {"-s", "--"}, Map.of(), "'--' must be followed by a command"),
        Arguments.of(new String[] {"-r", "1:99", "--", "true"}, Map.of(), "not a valid option for -r: 1:99"),
        Arguments.of(new String[] {"-r", "TERM", "--", "true"}, Map.of(), "expected S:R"),
        Arguments.of(new String[] {"-r", "TERM:", "--", "true"}, Map.of(), "expected S:R"),
        Arguments.of(new String[] {"-r", "QUIT:TERM", "--", "true"}, Map.of(), "cannot rewrite SIGQUIT"),
        Arguments.of(new String[] {"-r", "TERM:CHLD", "--", "true"}, Map.of(), "cannot rewrite SIGTERM to SIGCHLD"),
        Arguments.of(new String[] {"--pause", "--", "true"}, Map.of(), "--pause takes no command"),
        Arguments.of(new String[] {"--pause", "true"}, Map.of(), "--pause takes no command"),
        Arguments.of(new String[] {"-g"}, Map.of(), "pause mode runs no child"),
        Arguments.of(new String[] {"-c", "--setsid", "--", "true"}, Map.of(), "cannot be used together"),
        Arguments.of(new String[] {"-c", "-g", "--", "true"}, Map.of(), "cannot be used together"),
        Arguments.of(new String[] {"--grace", "-1", "--", "true"}, Map.of(), "--grace: must not be negative: -1"),
        Arguments.of(new String[] {"--grace=abc", "--", "true"}, Map.of(), "--grace: not a duration: abc (use 500ms, 10s or 1m)"),
        Arguments.of(new String[] {"--kill-after", "5", "--", "true"}, Map.of(), "--kill-after: not a duration: 5"),
        Arguments.of(new String[] {"--pre-stop-delay", "", "--", "true"}, Map.of(), "--pre-stop-delay: not a duration"),
        Arguments.of(new String[] {"--on-child-exit", "maybe", "--", "true"}, Map.of(), "--on-child-exit: expected exit, wait or terminate: maybe"),
        Arguments.of(new String[] {"--grace"}, Map.of(), "option --grace requires a value"),
        Arguments.of(new String[] {"--grace", "10s"}, Map.of(), "pause mode runs no child"),
        Arguments.of(new String[] {"--", "true"}, Map.of("SUPERVISOR_VERBOSITY", "loud"), "not a valid value for SUPERVISOR_VERBOSITY: loud"),
        Arguments.of(new String[] {"--", "true"}, Map.of("TINI_VERBOSITY", "-1"), "not a valid value for TINI_VERBOSITY: -1"),
        Arguments.of(new String[] {"--", "true"}, Map.of("SUPERVISOR_SUBREAPER", "maybe"), "not a valid value for SUPERVISOR_SUBREAPER: maybe"),
        Arguments.of(new String[] {"--", "true"}, Map.of("SUPERVISOR_KILL_PROCESS_GROUP", "2"), "not a valid value for SUPERVISOR_KILL_PROCESS_GROUP: 2"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void rejectsBadInputWithAOneLineMessageNamingIt(String[] args, Map<String, String> env, String text) {
    UsageException e = assertThrows(UsageException.class, () -> LauncherOptions.parse(args, env));
    assertTrue(e.getMessage().contains(text), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  static Stream<Arguments> environment() {
    // options, env, subreaper, process group, verbosity
    return Stream.of(
        Arguments.of(List.of(), Map.of(), false, false, 1),
        Arguments.of(List.of("-s", "-g", "-vv"), Map.of(), true, true, 3),
        Arguments.of(List.of(), Map.of("TINI_SUBREAPER", "", "TINI_KILL_PROCESS_GROUP", "0"), true, true, 1),
        Arguments.of(List.of(), Map.of("SUPERVISOR_SUBREAPER", "1", "SUPERVISOR_KILL_PROCESS_GROUP", "true"), true, true, 1),
        Arguments.of(List.of(), Map.of("SUPERVISOR_SUBREAPER", "0", "TINI_SUBREAPER", "1"), false, false, 1),
        Arguments.of(List.of("-s"), Map.of("SUPERVISOR_SUBREAPER", "0"), true, false, 1),
        Arguments.of(List.of("-g"), Map.of("SUPERVISOR_KILL_PROCESS_GROUP", "no"), false, true, 1),
        Arguments.of(List.of("-c"), Map.of("TINI_KILL_PROCESS_GROUP", "1"), false, false, 1),
        Arguments.of(List.of("-vvv"), Map.of("TINI_VERBOSITY", "1"), false, false, 1),
        Arguments.of(List.of(), Map.of("SUPERVISOR_VERBOSITY", "4", "TINI_VERBOSITY", "0"), false, false, 4),
        Arguments.of(List.of("--verbose", "--verbose"), Map.of(), false, false, 3));
  }

  @ParameterizedTest
  @MethodSource("environment")
  void readsTheEnvironmentAfterTheOptionsAsTiniDoes(List<String> options, Map<String, String> env, boolean subreaper, boolean group,
      int verbosity) throws Exception {
    String[] args = Stream.concat(options.stream(), Stream.of("--", "true")).toArray(String[]::new);
    LauncherOptions o = LauncherOptions.parse(args, env);
    assertEquals(subreaper, o.subreaper, "subreaper");
    assertEquals(group, o.processGroup, "process group");
    assertEquals(verbosity, o.verbosity, "verbosity");
  }

  @Test
  void stopsAtTheFirstWordThatIsNotAnOptionAsTinisGetoptDoes() throws Exception {
    LauncherOptions o = LauncherOptions.parse(new String[] {"-sg", "-e3", "-pSIGTERM", "cmd", "-x", "--", "y"}, Map.of());
    assertEquals(List.of("cmd", "-x", "--", "y"), o.command());
    assertTrue(o.subreaper && o.processGroup);
    assertEquals(0, o.remap(3));
    assertEquals(Signal.SIGTERM, o.parentDeathSignal);
  }

  @Test
  void takesTheShutdownOptionsWithSpaceOrEqualsAndKeepsTinisDefaultsWithout() throws Exception {
    ShutdownConfig expected = ShutdownConfig.defaults().withGrace(Duration.ofSeconds(10)).withKillAfter(Duration.ofMillis(500))
        .withOnChildExit(ShutdownConfig.OnChildExit.TERMINATE).withPreStopDelay(Duration.ofMinutes(1));
    assertEquals(expected, LauncherOptions.parse(new String[] {"--grace", "10s", "--kill-after=500ms", "--on-child-exit", "terminate",
        "--pre-stop-delay=1m", "--", "true"}, Map.of()).shutdownConfig());
    ShutdownConfig defaults = LauncherOptions.parse(new String[] {"--", "true"}, Map.of()).shutdownConfig();
    assertEquals(ShutdownConfig.defaults(), defaults);
    assertTrue(!defaults.interceptsShutdownSignals(), "without the options SIGTERM is forwarded at once, as tini does");
  }

  @Test
  void printsHelpVersionOrLicenceWithoutLookingFurther() throws Exception {
    assertEquals(Action.HELP, LauncherOptions.parse(new String[] {"-h"}, Map.of()).action);
    assertEquals(Action.HELP, LauncherOptions.parse(new String[] {"-s", "--help", "--bogus"}, Map.of()).action);
    assertEquals(Action.LICENSE, LauncherOptions.parse(new String[] {"-l"}, Map.of("SUPERVISOR_VERBOSITY", "loud")).action);
    assertEquals(Action.VERSION, LauncherOptions.parse(new String[] {"--version"}, Map.of()).action);
  }

  @Test
  void runsPauseModeWithNoCommandOrWithPause() throws Exception {
    assertEquals(Action.PAUSE, LauncherOptions.parse(new String[] {}, Map.of()).action);
    assertEquals(Action.PAUSE, LauncherOptions.parse(new String[] {"-s", "-v"}, Map.of()).action);
    assertEquals(Action.PAUSE, LauncherOptions.parse(new String[] {"--pause"}, Map.of()).action);
    assertEquals(Action.PAUSE, LauncherOptions.parse(new String[] {}, Map.of("TINI_KILL_PROCESS_GROUP", "1")).action);
    assertEquals(Action.RUN, LauncherOptions.parse(new String[] {"true"}, Map.of()).action);
  }

  @Test
  void takesRewritesByNumberOrNameAndDropsWithZero() throws Exception {
    LauncherOptions o = LauncherOptions.parse(new String[] {"-r", "15:2", "--rewrite=SIGHUP:0", "-r", "TTIN:TSTP", "--", "true"}, Map.of());
    Map<Signal, Optional<Signal>> expected = new HashMap<>();
    expected.put(Signal.SIGTERM, Optional.of(Signal.SIGINT));
    expected.put(Signal.SIGHUP, Optional.empty());
    expected.put(Signal.SIGTTIN, Optional.of(Signal.SIGTSTP));
    assertEquals(expected, o.rewrites);
    assertEquals(Optional.of(Signal.SIGINT), o.forwarderConfig().translate(Signal.SIGTERM));
    assertEquals(Optional.empty(), o.forwarderConfig().translate(Signal.SIGHUP));
    assertTrue(o.forwarderConfig().signals().contains(Signal.SIGTTIN), "a rewritten SIGTTIN is caught");
    assertTrue(!o.forwarderConfig().signals().contains(Signal.SIGTTOU), "SIGTTOU stays ignored");
  }

  @Test
  void remapsOnlyTheCodesGivenWithE() throws Exception {
    LauncherOptions o = LauncherOptions.parse(new String[] {"-e", "0", "-e", "143", "-e", "255", "--", "true"}, Map.of());
    for (int code = 0; code <= 255; code++) {
      assertEquals(code == 143 || code == 255 || code == 0 ? 0 : code, o.remap(code), "code " + code);
    }
  }

  @Test
  void remapsOnlyTheCodesGivenWithDashE() throws UsageException {
    // One JVM per code would take minutes: the launcher exits remap(status.shellCode()), so the
    // full range is checked here, and a sample end to end in LauncherTest.
    LauncherOptions none = LauncherOptions.parse(new String[] {"--", "true"}, Map.of());
    LauncherOptions some = LauncherOptions.parse(new String[] {"-e", "3", "-e143", "--", "true"}, Map.of());
    for (int code = 0; code <= 255; code++) {
      assertEquals(code, none.remap(io.github.supervisor4j.ExitStatus.exited(code).shellCode()));
      assertEquals(code == 3 || code == 143 ? 0 : code, some.remap(code));
    }
    for (int sig = 1; sig <= 31; sig++) {
      assertEquals(128 + sig, none.remap(io.github.supervisor4j.ExitStatus.killed(sig, false).shellCode()));
    }
  }
}
