package io.github.supervisor4j.testing;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a forked JVM: the java of the JDK that runs the tests, JVM options, a
 * main class on the test class path or an executable jar, and arguments.
 *
 * <p>Every JVM starts with the start-up options {@link #FAST_START} (they change nothing a test
 * observes but time) and nothing else: a test that checks what a user sees (stderr, a warning)
 * passes the options a user has, and only those. Immutable.
 */
public final class JavaCommand {
  /** Start-up options for short-lived JVMs: no effect on output, warnings or statuses. */
  public static final List<String> FAST_START = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private final List<String> options;
  private final List<String> target;
  private final List<String> args;

  private JavaCommand(List<String> options, List<String> target, List<String> args) {
    this.options = List.copyOf(options);
    this.target = List.copyOf(target);
    this.args = List.copyOf(args);
  }

  /** {@code main} run from this JVM's class path (the test class path under Surefire). */
  public static JavaCommand mainClass(Class<?> main) {
    return new JavaCommand(FAST_START, List.of("-cp", System.getProperty("java.class.path"), main.getName()), List.of());
  }

  /** {@code java -jar jar}, as a user runs an executable jar: its manifest applies. */
  public static JavaCommand jar(Path jar) {
    return new JavaCommand(FAST_START, List.of("-jar", jar.toString()), List.of());
  }

  /** These JVM options after the ones so far. */
  public JavaCommand options(List<String> jvmOptions) {
    List<String> o = new ArrayList<>(options);
    o.addAll(jvmOptions);
    return new JavaCommand(o, target, args);
  }

  public JavaCommand options(String... jvmOptions) {
    return options(List.of(jvmOptions));
  }

  /** These program arguments after the ones so far. */
  public JavaCommand args(List<String> programArgs) {
    List<String> a = new ArrayList<>(args);
    a.addAll(programArgs);
    return new JavaCommand(options, target, a);
  }

  public JavaCommand args(String... programArgs) {
    return args(List.of(programArgs));
  }

  /** The whole command line. */
  public List<String> toList() {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(options);
    cmd.addAll(target);
    cmd.addAll(args);
    return cmd;
  }

  /** The java of the JDK that runs the tests, which is also the one forked. */
  public static String java() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The feature version of that JDK: 17, 25. */
  public static int feature() {
    return Runtime.version().feature();
  }

  @Override
  public String toString() {
    return String.join(" ", toList());
  }
}
