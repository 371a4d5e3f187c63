package io.github.supervisor4j.junit5;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opentest4j.AssertionFailedError;

/**
 * One {@link RunAsPid1} body run: writes the request, starts the new JVM under the namespace
 * prefix, copies its stdout and stderr to this JVM's {@code System.out} and {@code System.err}
 * (the test's, as the build tool captures them; writing to file descriptors 1 and 2 directly
 * would corrupt Surefire's channel), waits, and throws what the body threw.
 *
 * <p>Interrupted while waiting (a {@code @Timeout}): kills {@code unshare} with SIGKILL, which
 * (--kill-child) kills the namespace's PID 1 and so every process in it, waits for it, and
 * lets the {@code InterruptedException} out for JUnit to report the time-out.
 */
final class Pid1Run {
  /** The test JVM's system properties that a new JVM sets for itself: not carried over. */
  private static final List<String> OWN_PROPERTY_PREFIXES = List.of("java.", "jdk.", "sun.", "os.", "user.", "file.",
      "line.", "path.", "native.", "awt.", "jnu.", "stdout.", "stderr.");

  private Pid1Run() {}

  static void run(List<String> prefix, Method method, Class<?> testClass) throws Throwable {
    Path dir = Files.createTempDirectory("supervisor4j-pid1-");
    try {
      Path request = dir.resolve("request.properties");
      Path result = dir.resolve("result.bin");
      writeRequest(request, testClass, method);
      List<String> command = new ArrayList<>(prefix);
      command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Pid1Body.class.getName());
      command.add(request.toString());
      command.add(result.toString());
      Process jvm = new ProcessBuilder(command).directory(Paths.get(System.getProperty("user.dir")).toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      Copier out = new Copier(jvm.getInputStream(), System.out, "supervisor4j-pid1-stdout");
      Copier err = new Copier(jvm.getErrorStream(), System.err, "supervisor4j-pid1-stderr");
      int code;
      try {
        code = jvm.waitFor();
      } catch (InterruptedException e) {
        jvm.destroyForcibly();
        jvm.waitFor(10, TimeUnit.SECONDS); // cannot hang: SIGKILL; interrupted again, we leave it to --kill-child
        throw e;
      } finally {
        out.finish();
        err.finish();
      }
      if (!Files.exists(result)) {
        throw new AssertionFailedError("the @RunAsPid1 JVM for " + method.getName() + "() ended with exit code " + code
            + " before the body returned" + (err.lastLine.isEmpty() ? "" : "; its last line on stderr: " + err.lastLine));
      }
      Object outcome;
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Files.readAllBytes(result)))) {
        outcome = in.readObject();
      }
      if (outcome instanceof Throwable) throw (Throwable) outcome;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void writeRequest(Path file, Class<?> testClass, Method method) throws IOException {
    Properties request = new Properties();
    request.setProperty(Pid1Body.CLASS, testClass.getName());
    request.setProperty(Pid1Body.METHOD, method.getName());
    Properties own = System.getProperties();
    for (String key : own.stringPropertyNames()) {
      if (OWN_PROPERTY_PREFIXES.stream().noneMatch(key::startsWith)) {
        request.setProperty(Pid1Body.PROPERTY + key, own.getProperty(key));
      }
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      request.store(out, "supervisor4j @RunAsPid1 request");
    }
  }

  /**
   * This JVM's options, less a debugger agent (its port is taken by this JVM) and perf data:
   * JVMs that are PID 1 of different namespaces but share /tmp would share
   * /tmp/hsperfdata_&lt;user&gt;/1.
   */
  static List<String> jvmOptions() {
    List<String> out = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp") || a.equals("-XX:+UsePerfData")) continue;
      out.add(a);
    }
    out.add("-XX:-UsePerfData");
    return out;
  }

  /** Copies a stream of the new JVM to one of ours, remembering its last line. */
  private static final class Copier extends Thread {
    private final InputStream from;
    private final PrintStream to;
    private final StringBuilder line = new StringBuilder();
    volatile String lastLine = "";

    Copier(InputStream from, PrintStream to, String name) {
      super(name);
      this.from = from;
      this.to = to;
      setDaemon(true);
      start();
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try (InputStream in = from) {
        int n;
        while ((n = in.read(buf)) > 0) {
          to.write(buf, 0, n);
          to.flush();
          remember(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // The JVM is gone and so is its pipe.
      }
    }

    private void remember(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\n') {
          if (line.length() > 0) lastLine = line.toString();
          line.setLength(0);
        } else if (line.length() < 500) {
          line.append(c);
        }
      }
    }

    /** Waits (bounded) until the stream has ended, so that nothing it printed is lost. */
    void finish() {
      try {
        join(10_000); // the pipe closes when the last process of the namespace is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

}
