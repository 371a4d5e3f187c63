package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.Supervisors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Not a test: measures the /proc walk and pidfd signalling against cgroup v2's cgroup.kill on
 * N processes of our own, in a JVM that is a subreaper with an EXCLUSIVE reaper.
 * {@code TreeKillBenchmark N ROUNDS [CGROUP_PARENT]}; with CGROUP_PARENT (a writable cgroup v2
 * directory) it also times cgroup.kill on a child cgroup that holds only our N processes.
 *
 * <p>Prints per round: walk (ms to list the N), signal (ms to send SIGKILL to each through a
 * pidfd), gone (ms from the first signal until the tree is empty: all dead and reaped), and
 * for cgroup.kill: gone (ms from the write until the tree is empty).
 */
public final class TreeKillBenchmark {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    Path cgroupParent = args.length > 2 ? Paths.get(args[2]) : null;
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE).withSubreaper(true)).start();
    Waker waker = new Waker();
    reaper.subscribe(p -> waker.wake());
    ProcessTree tree = ProcessTree.ofThisProcess();
    String orphans = Paths.get("target/fixtures/orphans").toAbsolutePath().toString();
    List<Double> walks = new ArrayList<>(), signals = new ArrayList<>(), gones = new ArrayList<>(), cgGones = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      start(reaper, tree, n, List.of(orphans, Integer.toString(n), "600000"));
      long t0 = System.nanoTime();
      List<Proc.Stat> alive = tree.alive();
      long t1 = System.nanoTime();
      for (Proc.Stat m : alive) tree.signal(m, Signal.SIGKILL);
      long t2 = System.nanoTime();
      awaitEmpty(tree, waker);
      long t3 = System.nanoTime();
      walks.add(ms(t1 - t0));
      signals.add(ms(t2 - t1));
      gones.add(ms(t3 - t1));
      System.out.printf("walk+pidfd round %d: %d processes, walk %.1f ms, signal %.1f ms, gone %.1f ms%n", r, alive.size(),
          ms(t1 - t0), ms(t2 - t1), ms(t3 - t1));
      if (cgroupParent != null) {
        Path cg = cgroupParent.resolve("s4j-bench-" + Os.getpid());
        Files.createDirectory(cg);
        try {
          start(reaper, tree, n, List.of("sh", "-c", "echo $$ > " + cg.resolve("cgroup.procs") + " && exec " + orphans + " " + n + " 600000"));
          long c0 = System.nanoTime();
          Files.writeString(cg.resolve("cgroup.kill"), "1");
          awaitEmpty(tree, waker);
          long c1 = System.nanoTime();
          cgGones.add(ms(c1 - c0));
          System.out.printf("cgroup.kill round %d: gone %.1f ms%n", r, ms(c1 - c0));
        } finally {
          Files.delete(cg);
        }
      }
    }
    System.out.printf("median of %d rounds, N=%d: walk %.1f ms, signal %.1f ms, walk+signal+reaped %.1f ms%s%n", rounds, n,
        median(walks), median(signals), median(walks) + median(gones),
        cgGones.isEmpty() ? "" : String.format(", cgroup.kill to reaped %.1f ms", median(cgGones)));
    Runtime.getRuntime().halt(0);
  }

  private static void start(Reaper reaper, ProcessTree tree, int n, List<String> cmd) throws InterruptedException {
    reaper.spawn(ChildSpec.of(cmd));
    // orphans exits once all N children run; they then sleep, re-parented to us.
    for (int i = 0; i < 6000; i++) {
      if (tree.alive().size() == n && tree.alive().stream().allMatch(m -> m.comm().equals("orphans"))) return;
      Thread.sleep(10);
    }
    throw new IllegalStateException("the " + n + " orphans never showed up");
  }

  private static void awaitEmpty(ProcessTree tree, Waker waker) throws InterruptedException {
    waker.awaitUntil(tree::members, List::isEmpty, Waker.FOREVER, 5_000_000);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }
}
