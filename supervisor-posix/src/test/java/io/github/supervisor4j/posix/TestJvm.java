package io.github.supervisor4j.posix;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines that run a main class of this module in a new JVM, with the test classpath.
 *
 * <p>The options a user of jnr on a current JDK needs are passed too, so that the fixture's
 * stderr is what our own code prints: {@code --enable-native-access=ALL-UNNAMED} (JDK 17
 * accepts it; JDK 24+ warns about {@code System::load} without it) and, from JDK 23 on, {@code
 * --sun-misc-unsafe-memory-access=allow} (jffi uses the terminally deprecated {@code
 * sun.misc.Unsafe} memory methods; FACTS.md).
 */
final class TestJvm {
  private TestJvm() {}

  /** The feature version of the JDK that runs the tests, which is also the one forked. */
  static int feature() {
    return Runtime.version().feature();
  }

  static List<String> java() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    if (feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow");
    return cmd;
  }

  static List<String> command(Class<?> main, List<String> jvmOptions, List<String> args) {
    List<String> cmd = java();
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(args);
    return cmd;
  }

  static List<String> command(Class<?> main, String... args) {
    return command(main, List.of(), List.of(args));
  }

  static List<String> command(Class<?> main, List<String> args) {
    return command(main, List.of(), args);
  }
}
