package io.github.supervisor4j.posix;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/** Command lines that run a main class of this module in a new JVM, with the test classpath. */
final class TestJvm {
  private TestJvm() {}

  static List<String> command(Class<?> main, List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
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
}
