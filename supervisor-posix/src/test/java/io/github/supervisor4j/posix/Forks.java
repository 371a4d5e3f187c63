package io.github.supervisor4j.posix;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import io.github.supervisor4j.testing.PidNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The command lines of this module's forked JVMs, run with supervisor-testing's {@link
 * ForkedProcess}, with the options their users have and no others: the launcher as the jar we
 * ship ({@code java -jar}, its manifest's Enable-Native-Access), the fixtures (apps on the
 * library) with the one flag the README asks of a library user, {@link #NATIVE_ACCESS}.
 */
final class Forks {
  /** How a supervisor under test runs: PID 1 of a new PID namespace, or a child subreaper. */
  enum Mode { PID1, SUBREAPER }

  /** The README's flag for an app on the library (JDK 24+ warns about our System::load of libs4jsig without it). */
  static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

  /** Variables of a developer's shell that change what the launcher (or tini) does. */
  private static final String[] LAUNCHER_ENV = {"SUPERVISOR_SUBREAPER", "SUPERVISOR_KILL_PROCESS_GROUP", "SUPERVISOR_VERBOSITY",
      "TINI_SUBREAPER", "TINI_KILL_PROCESS_GROUP", "TINI_VERBOSITY"};

  private Forks() {}

  /** A JVM running {@code main} of this module's tests from the test class path, as a library user runs it. */
  static JavaCommand java(Class<?> main) {
    return JavaCommand.mainClass(main).options(NATIVE_ACCESS);
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

  /** The launcher jar this build made (target/supervisor-posix-VERSION-launcher.jar). */
  static Path launcherJar() {
    return built("-launcher.jar");
  }

  /** The library jar this build made (target/supervisor-posix-VERSION.jar), the -javaagent jar. */
  static Path libraryJar() {
    return built(".jar");
  }

  private static Path built(String suffix) {
    Path target = Paths.get("target").toAbsolutePath();
    String name = "supervisor-posix-" + System.getProperty("supervisor4j.version", "0.1.0-SNAPSHOT") + suffix;
    Path jar = target.resolve(name);
    if (!Files.isRegularFile(jar)) throw new AssertionError("no " + jar + ": these tests run after `package` (mvn verify)");
    return jar;
  }

  /**
   * The test class path without this module's classes: what a user of {@link #libraryJar()}
   * has beside it (the API, jnr, slf4j, and the fixtures of test-classes).
   */
  static List<String> classPathWithoutOurClasses() {
    Path classes = Paths.get("target", "classes").toAbsolutePath();
    return Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(e -> !Paths.get(e).toAbsolutePath().equals(classes)).collect(Collectors.toList());
  }

  /**
   * {@code java -jar} the launcher jar, with the start-up options docs/launcher.md suggests,
   * and -XX:-UsePerfData: two JVMs that are each PID 1 of their own namespace share
   * /tmp/hsperfdata_root/1 on this machine (a container has its own /tmp), and the second
   * would warn about it.
   */
  static JavaCommand launcherJava() {
    return JavaCommand.jar(launcherJar()).options("-XX:-UsePerfData");
  }

  /** The launcher's command line with {@code args}. */
  static List<String> launcherCommand(String... args) {
    return launcherJava().args(args).toList();
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
   * A supervisor ({@code jvm}: the launcher or an in-app fixture) in {@code mode}, with
   * {@code --subreaper} first for SUBREAPER; output merged, each line timed.
   */
  static ForkedProcess supervisor(Mode mode, JavaCommand jvm, String... args) {
    List<String> a = new ArrayList<>();
    if (mode == Mode.SUBREAPER) a.add("--subreaper");
    a.addAll(List.of(args));
    List<String> cmd = jvm.args(a).toList();
    if (mode == Mode.PID1) {
      PidNamespace.require();
      cmd = PidNamespace.wrap(cmd);
    }
    return ForkedProcess.of(cmd).withoutEnv(LAUNCHER_ENV).mergedOutput().start();
  }

  /** {@code jvm} with {@code args}, neither PID 1 nor subreaper; output merged. */
  static ForkedProcess plain(JavaCommand jvm, String... args) {
    return ForkedProcess.of(jvm.args(args).toList()).withoutEnv(LAUNCHER_ENV).mergedOutput().start();
  }

}
