package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The in-app stress driver, run in its own JVM (as PID 1 of a namespace, or as a subreaper):
 * {@code StressFixture --policy COOPERATIVE|EXCLUSIVE [--subreaper] --exit-code PATH
 * --orphans-bin PATH --children N --threads T --orphans M}.
 *
 * <p>Starts a reaper, then at the same time: T threads start N {@link ProcessBuilder} children
 * ({@code exit_code <random 0..255>}), every third one from a short-lived thread that exits
 * right after {@code start()} (so the child moves to the thread-group leader), every fifth
 * through {@link Reaper#spawn} instead, and check each {@code waitFor()}; and one orphan storm of M processes. Prints {@code result children=N
 * mismatches=K adopted=A zombies=Z seconds=S} and exits 0; the test judges the numbers.
 *
 * <p>With {@code --latency SPACING_US} it instead runs {@code timed_orphans M SPACING_US}
 * (path in {@code --orphans-bin}) and prints {@code latency median_us=.. p99_us=.. max_us=..}.
 */
public final class StressFixture {
  public static void main(String[] args) throws Exception {
    ReapPolicy policy = ReapPolicy.COOPERATIVE;
    boolean subreaper = false;
    String exitCode = null;
    String orphansBin = null;
    int children = 5000;
    int threads = 8;
    int orphans = 10000;
    long latencySpacingUs = -1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--policy": policy = ReapPolicy.valueOf(args[++i]); break;
        case "--subreaper": subreaper = true; break;
        case "--exit-code": exitCode = args[++i]; break;
        case "--orphans-bin": orphansBin = args[++i]; break;
        case "--children": children = Integer.parseInt(args[++i]); break;
        case "--threads": threads = Integer.parseInt(args[++i]); break;
        case "--orphans": orphans = Integer.parseInt(args[++i]); break;
        case "--latency": latencySpacingUs = Long.parseLong(args[++i]); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    AtomicLong adopted = new AtomicLong();
    Map<Integer, Long> reapedAt = new ConcurrentHashMap<>();
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(policy).withSubreaper(subreaper));
    reaper.subscribe(p -> {
      if (p.adopted()) {
        adopted.incrementAndGet();
        reapedAt.put(p.pid(), p.reapedAtNanos());
      }
    });
    reaper.start();
    System.out.println("pid " + ProcessHandle.current().pid() + " policy " + policy);
    // The source the reaper chose: detect() is deterministic, and warns once per JVM at most.
    if (policy == ReapPolicy.COOPERATIVE) System.out.println("claims " + JdkChildClaims.detect().describe());

    if (latencySpacingUs >= 0) {
      latency(orphansBin, orphans, latencySpacingUs, adopted, reapedAt);
      Runtime.getRuntime().halt(0);
    }

    long t0 = System.nanoTime();
    AtomicInteger mismatches = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger spawned = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    String exitCodeBin = exitCode;
    Thread storm = new Thread(() -> {
      try {
        Process p = new ProcessBuilder(orphansBin(args), Integer.toString(argInt(args, "--orphans", 10000)))
            .redirectInput(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int code = p.waitFor();
        if (code != 0) throw new IllegalStateException("orphans exited " + code);
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }, "orphan-storm");
    storm.start();
    List<Thread> workers = new ArrayList<>();
    int perThread = (children + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      int count = Math.min(perThread, children - t * perThread);
      Thread w = new Thread(() -> {
        try {
          runWorker(reaper, exitCodeBin, count, mismatches, started, spawned);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "worker-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) w.join();
    storm.join();
    if (failure.get() != null) {
      failure.get().printStackTrace();
      System.out.println("failure " + failure.get());
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (policy == ReapPolicy.COOPERATIVE && adopted.get() < orphans && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    int zombies = zombiesLeft(deadline);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.println("result children=" + started.get() + " spawned=" + spawned.get() + " mismatches=" + mismatches.get() + " adopted=" + adopted.get()
        + " zombies=" + zombies + " seconds=" + String.format("%.1f", seconds) + " stats=" + reaper.stats());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static String orphansBin(String[] args) {
    for (int i = 0; i < args.length - 1; i++) if (args[i].equals("--orphans-bin")) return args[i + 1];
    throw new IllegalArgumentException("--orphans-bin missing");
  }

  private static int argInt(String[] args, String name, int def) {
    for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return Integer.parseInt(args[i + 1]);
    return def;
  }

  /** A started child and how to wait for its exit code. */
  private interface Started {
    long pid();

    int waitForCode() throws InterruptedException;
  }

  /**
   * Starts {@code count} ProcessBuilder children and a quarter as many through {@link
   * Reaper#spawn} (every fifth start), keeping a few outstanding, and checks each exit code.
   * Every third start runs on a short-lived thread.
   */
  private static void runWorker(Reaper reaper, String exitCode, int count, AtomicInteger mismatches, AtomicInteger started,
      AtomicInteger spawned)
      throws Exception {
    ArrayDeque<Started> open = new ArrayDeque<>();
    ArrayDeque<Integer> codes = new ArrayDeque<>();
    int pbStarted = 0;
    for (int i = 0; pbStarted < count; i++) {
      int code = ThreadLocalRandom.current().nextInt(256);
      boolean ours = i % 5 == 4;
      if (ours) spawned.incrementAndGet(); else pbStarted++;
      Callable<Started> start = () -> {
        if (ours) {
          SupervisedProcess c = reaper.spawn(ChildSpec.of(List.of(exitCode, Integer.toString(code))));
          return new Started() {
            public long pid() { return c.pid(); }
            public int waitForCode() throws InterruptedException { return c.waitFor().shellCode(); }
          };
        }
        Process p = new ProcessBuilder(exitCode, Integer.toString(code))
            .redirectInput(ProcessBuilder.Redirect.INHERIT)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Started() {
          public long pid() { return p.pid(); }
          public int waitForCode() throws InterruptedException { return p.waitFor(); }
        };
      };
      Started child;
      if (i % 3 == 0) {
        // Started by a thread that exits at once: the child moves to the thread-group leader.
        AtomicReference<Started> ref = new AtomicReference<>();
        AtomicReference<Exception> err = new AtomicReference<>();
        Thread starter = new Thread(() -> {
          try {
            ref.set(start.call());
          } catch (Exception e) {
            err.set(e);
          }
        });
        starter.start();
        starter.join();
        if (err.get() != null) throw err.get();
        child = ref.get();
      } else {
        child = start.call();
      }
      if (!ours) started.incrementAndGet();
      open.add(child);
      codes.add(code);
      if (open.size() >= 8) check(open.poll(), codes.poll(), mismatches);
    }
    while (!open.isEmpty()) check(open.poll(), codes.poll(), mismatches);
  }

  private static void check(Started p, int expected, AtomicInteger mismatches) throws InterruptedException {
    int actual = p.waitForCode();
    if (actual != expected && mismatches.incrementAndGet() <= 5) {
      System.out.println("mismatch pid " + p.pid() + " expected " + expected + " got " + actual);
    }
  }

  /** Zombie children of this process still there, after waiting up to the deadline for none. */
  static int zombiesLeft(long deadline) throws Exception {
    long self = ProcessHandle.current().pid();
    while (true) {
      List<String> zombies = new ArrayList<>();
      File[] entries = new File("/proc").listFiles();
      for (File f : entries == null ? new File[0] : entries) {
        if (!f.getName().chars().allMatch(Character::isDigit)) continue;
        String stat;
        try {
          stat = Files.readString(Paths.get(f.getPath(), "stat"));
        } catch (IOException e) {
          continue;
        }
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (rest[0].equals("Z") && Long.parseLong(rest[1]) == self) zombies.add(f.getName());
      }
      if (zombies.isEmpty() || System.nanoTime() > deadline) {
        if (!zombies.isEmpty()) System.out.println("zombies " + zombies.subList(0, Math.min(10, zombies.size())));
        return zombies.size();
      }
      Thread.sleep(20);
    }
  }

  private static void latency(String bin, int n, long spacingUs, AtomicLong adopted, Map<Integer, Long> reapedAt)
      throws Exception {
    Path out = Files.createTempFile("timed_orphans", ".txt");
    Process p = new ProcessBuilder(bin, Integer.toString(n), Long.toString(spacingUs), out.toString())
        .redirectInput(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (p.waitFor() != 0) throw new IllegalStateException("timed_orphans exited " + p.exitValue());
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (adopted.get() < n && System.nanoTime() < deadline) Thread.sleep(10);
    Map<Integer, Long> exitedAt = new HashMap<>();
    for (String line : Files.readAllLines(out)) {
      String[] w = line.split(" ");
      exitedAt.put(Integer.parseInt(w[1]), Long.parseLong(w[2]));
    }
    Files.delete(out);
    long[] us = new long[exitedAt.size()];
    int k = 0;
    for (Map.Entry<Integer, Long> e : exitedAt.entrySet()) {
      Long reaped = reapedAt.get(e.getKey());
      if (reaped != null) us[k++] = (reaped - e.getValue()) / 1000;
    }
    us = Arrays.copyOf(us, k);
    Arrays.sort(us);
    System.out.println("latency n=" + k + " of " + n + " median_us=" + us[k / 2] + " p99_us=" + us[(int) (k * 0.99)]
        + " max_us=" + us[k - 1] + " zombies=" + zombiesLeft(System.nanoTime() + 5_000_000_000L));
  }
}
