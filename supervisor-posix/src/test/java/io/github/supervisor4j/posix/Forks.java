package io.github.supervisor4j.posix;

import io.github.supervisor4j.posix.launcher.Launcher;
import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import io.github.supervisor4j.testing.PidNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command lines of this module's forked JVMs (the launcher, the fixtures), run with
 * supervisor-testing's {@link ForkedProcess}.
 */
final class Forks {
  /** How a supervisor under test runs: PID 1 of a new PID namespace, or a child subreaper. */
  enum Mode { PID1, SUBREAPER }

  /** Variables of a developer's shell that change what the launcher (or tini) does. */
  private static final String[] LAUNCHER_ENV = {"SUPERVISOR_SUBREAPER", "SUPERVISOR_KILL_PROCESS_GROUP", "SUPERVISOR_VERBOSITY",
      "TINI_SUBREAPER", "TINI_KILL_PROCESS_GROUP", "TINI_VERBOSITY"};

  private Forks() {}

  /** A JVM running {@code main} of this module from the test class path. */
  static JavaCommand java(Class<?> main) {
    return JavaCommand.mainClass(main).quietJdk();
  }

  /** {@link #java} with {@code args}, started with separate stdout and stderr. */
  static ForkedProcess start(Class<?> main, String... args) {
    return ForkedProcess.start(java(main).args(args).toList());
  }

  /** {@link #java} with {@code args}, started with separate stdout and stderr. */
  static ForkedProcess start(Class<?> main, List<String> args) {
    return ForkedProcess.start(java(main).args(args).toList());
  }

  /** {@link #java} with JVM options and {@code args}, started with separate stdout and stderr. */
  static ForkedProcess start(Class<?> main, List<String> jvmOptions, List<String> args) {
    return ForkedProcess.start(java(main).options(jvmOptions).args(args).toList());
  }

  /**
   * The launcher's command line. -XX:-UsePerfData: two JVMs that are each PID 1 of their own
   * namespace share /tmp/hsperfdata_root/1, and the second prints a warning about it.
   */
  static List<String> launcherCommand(String... args) {
    return java(Launcher.class).options("-XX:-UsePerfData").args(args).toList();
  }

  /** The launcher with {@code args}, beside the test (separate stdout and stderr). */
  static ForkedProcess launcher(String... args) {
    return any(launcherCommand(args), Map.of());
  }

  /** As {@link #launcher(String...)} with {@code env} (a null value removes a variable). */
  static ForkedProcess launcher(Map<String, String> env, String... args) {
    return any(launcherCommand(args), env);
  }

  /** The launcher as PID 1 of a new PID namespace (requires one: {@link PidNamespace#require()}). */
  static ForkedProcess launcherAsPid1(String... args) {
    PidNamespace.require();
    return any(PidNamespace.wrap(launcherCommand(args)), Map.of());
  }

  /** Any command (tini, script, a shell around the launcher), without the launcher's variables of the caller's shell. */
  static ForkedProcess any(List<String> command, Map<String, String> env) {
    return ForkedProcess.of(command).withoutEnv(LAUNCHER_ENV).env(env).start();
  }

  /**
   * A supervisor ({@code main}: the launcher or an in-app fixture) in {@code mode}, with
   * {@code --subreaper} first for SUBREAPER; output merged, each line timed.
   */
  static ForkedProcess supervisor(Mode mode, Class<?> main, String... args) {
    List<String> a = new ArrayList<>();
    if (mode == Mode.SUBREAPER) a.add("--subreaper");
    a.addAll(List.of(args));
    List<String> cmd = java(main).options("-XX:-UsePerfData").args(a).toList();
    if (mode == Mode.PID1) {
      PidNamespace.require();
      cmd = PidNamespace.wrap(cmd);
    }
    return ForkedProcess.of(cmd).withoutEnv(LAUNCHER_ENV).mergedOutput().start();
  }

  /** {@code main} with {@code args}, neither PID 1 nor subreaper; output merged. */
  static ForkedProcess plain(Class<?> main, String... args) {
    return ForkedProcess.of(java(main).options("-XX:-UsePerfData").args(args).toList()).withoutEnv(LAUNCHER_ENV).mergedOutput().start();
  }
}
