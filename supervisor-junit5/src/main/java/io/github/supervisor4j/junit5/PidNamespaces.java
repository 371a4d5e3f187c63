package io.github.supervisor4j.junit5;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How this JVM can start a command as PID 1 of a new PID namespace: {@code unshare --pid
 * --fork --mount-proc --kill-child} as root, else inside an unprivileged user namespace
 * ({@code --user --map-root-user}). Found once per {@code unshare} program by trying each on
 * {@code sh -c 'test $$ -eq 1'}. {@code --kill-child}: when unshare dies, even by SIGKILL, its
 * child (the namespace's PID 1) gets SIGKILL (PR_SET_PDEATHSIG), and with PID 1 the kernel
 * kills every process of the namespace. Thread-safe.
 */
final class PidNamespaces {
  private static final Map<String, Result> probed = new ConcurrentHashMap<>();

  private PidNamespaces() {}

  /** The prefix that runs a command as PID 1, or why there is none (one line). */
  record Result(List<String> prefix, String whyNot) {
    boolean available() {
      return prefix != null;
    }
  }

  static Result find(String unshare) {
    return probed.computeIfAbsent(unshare, PidNamespaces::probe);
  }

  private static Result probe(String unshare) {
    return probe(unshare, isRoot());
  }

  /** As {@link #find}, uncached, for a process that is root or not. */
  static Result probe(String unshare, boolean root) {
    List<List<String>> candidates = new ArrayList<>();
    if (root) candidates.add(List.of(unshare, "--pid", "--fork", "--mount-proc", "--kill-child"));
    candidates.add(List.of(unshare, "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--kill-child"));
    List<String> failures = new ArrayList<>();
    for (List<String> prefix : candidates) {
      String failure = tryPrefix(prefix);
      if (failure == null) return new Result(prefix, null);
      failures.add("'" + String.join(" ", prefix) + "' " + failure);
    }
    return new Result(null, "@RunAsPid1 cannot make a PID namespace here: " + String.join("; ", failures)
        + (root ? "" : " (not root)") + ". It needs root (CAP_SYS_ADMIN), or unprivileged user namespaces "
        + "(sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1 where it exists), and unshare from util-linux");
  }

  /** Null if {@code prefix} runs a shell as PID 1, else what went wrong. */
  private static String tryPrefix(List<String> prefix) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("sh", "-c", "test $$ -eq 1"));
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      return "cannot start: " + e.getMessage();
    }
    try (InputStream out = p.getInputStream()) {
      String text = new String(out.readNBytes(4096), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "did not finish within 30 s";
      }
      if (p.exitValue() == 0) return null;
      String line = text.isEmpty() ? "" : text.lines().reduce((a, b) -> b).orElse("");
      return "failed with exit code " + p.exitValue() + (line.isEmpty() ? "" : ": " + line);
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** Effective uid 0, from /proc/self/status (no native call needed). */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }
}
