package io.github.supervisor4j.examples;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The minimal demo: this JVM registers as a child subreaper (no root needed), starts a shell
 * that backgrounds three sleepers and exits at once, and shows the orphans re-parented to it
 * and reaped.
 */
public final class OrphanReapingDemo {
  private OrphanReapingDemo() {}

  public static void main(String[] args) throws Exception {
    int orphans = 3;
    Set<Integer> reaped = ConcurrentHashMap.newKeySet();
    CountDownLatch allReaped = new CountDownLatch(orphans);
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE).withSubreaper(true));
    reaper.subscribe(p -> {
      if (p.adopted()) {
        System.out.printf("reaped orphan %d: %s%n", p.pid(), p.status());
        reaped.add(p.pid());
        allReaped.countDown();
      }
    });
    reaper.start();
    System.out.printf("demo pid %d, PID 1: %s, reaper of orphans: %s%n",
        ProcessHandle.current().pid(), Supervisors.isPid1(), reaper.isReaperOfOrphans());

    SupervisedProcess shell = reaper.spawn(ChildSpec.of("sh", "-c",
        "for i in 1 2 3; do (sleep 0.$i; exit $i) & echo \"started background pid $!\"; done; exit 0"));
    ExitStatus status = shell.waitFor();
    System.out.printf("shell %d %s, leaving its children as orphans of pid %d%n", shell.pid(), status, ProcessHandle.current().pid());

    boolean done = allReaped.await(10, TimeUnit.SECONDS);
    System.out.printf("orphans reaped: %d of %d; stats: %s%n", reaped.size(), orphans, reaper.stats());
    reaper.close();
    System.exit(done ? 0 : 1);
  }
}
