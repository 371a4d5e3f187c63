package io.github.supervisor4j.junit5;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Execution;

/** Runs fixture classes through the JUnit Platform TestKit, and checks /proc afterwards. */
final class TestKitRuns {
  private TestKitRuns() {}

  static EngineExecutionResults run(Map<String, String> config, Class<?>... classes) {
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (Class<?> c : classes) selectors.add(selectClass(c));
    return EngineTestKit.engine("junit-jupiter").selectors(selectors.toArray(new DiscoverySelector[0]))
        .configurationParameters(config).execute();
  }

  static EngineExecutionResults run(Class<?>... classes) {
    return run(Map.of(), classes);
  }

  static EngineExecutionResults run(Map<String, String> config, Class<?> c, String method) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectMethod(c, method)).configurationParameters(config).execute();
  }

  /** The throwable of the one failed test of {@code results}. */
  static Throwable onlyFailure(EngineExecutionResults results) {
    List<Execution> failed = results.testEvents().executions().failed().list();
    if (failed.size() != 1) throw new AssertionError("expected one failed test, got " + failed.size() + ": " + describe(results));
    return failed.get(0).getTerminationInfo().getExecutionResult().getThrowable().orElseThrow();
  }

  /** The throwable of the one failed container (a class) of {@code results}. */
  static Throwable onlyFailedContainer(EngineExecutionResults results) {
    List<Execution> failed = results.containerEvents().executions().failed().list();
    if (failed.size() != 1) throw new AssertionError("expected one failed container, got " + failed.size() + ": " + describe(results));
    return failed.get(0).getTerminationInfo().getExecutionResult().getThrowable().orElseThrow();
  }

  static String describe(EngineExecutionResults results) {
    return results.allEvents().executions().list().stream().map(e -> e.getTestDescriptor().getDisplayName() + "="
        + e.getTerminationInfo().getExecutionResult().getStatus() + e.getTerminationInfo().getExecutionResult().getThrowable()
            .map(t -> " (" + t + ")").orElse("")).collect(Collectors.joining(", "));
  }

  /**
   * Fails unless, within 10 s, no process on the machine has {@code args} as its command line
   * and no zombie child of this JVM is left.
   */
  static void assertNothingLeft(String... args) throws InterruptedException {
    String wanted = String.join("\0", args) + "\0";
    long deadline = System.nanoTime() + 10_000_000_000L;
    Optional<String> left;
    do {
      left = leftover(wanted);
      if (left.isEmpty()) return;
      Thread.sleep(20);
    } while (System.nanoTime() - deadline < 0);
    throw new AssertionError("left on the machine: " + left.get());
  }

  private static Optional<String> leftover(String wanted) {
    long self = ProcessHandle.current().pid();
    try (var dirs = Files.list(Paths.get("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) continue;
        try {
          if (new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8).equals(wanted)) {
            return Optional.of("process " + name + " " + wanted.replace('\0', ' '));
          }
          String stat = Files.readString(d.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (f[0].equals("Z") && Long.parseLong(f[1]) == self) return Optional.of("zombie " + stat);
        } catch (IOException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return Optional.empty();
  }
}
