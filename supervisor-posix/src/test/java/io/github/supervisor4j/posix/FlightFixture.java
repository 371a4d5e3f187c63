package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.Init;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The in-app init under a JFR recording, for {@link FlightEventsTest}: run as PID 1 with
 * {@code -Dsupervisor4j.signals=USR1}. It installs {@code Supervisors.installInit()}, leaves an
 * orphan that exits 4, sends itself SIGUSR1 (forwarded to its child, which exits 7 on it), then
 * shuts the rest of its tree down with {@code TreeShutdown} (a {@code sleep} that ignores
 * SIGTERM, so the escalation needs SIGKILL), prints {@code done} and exits 0. Every wait is
 * bounded; a missed one prints {@code FAIL <what>} and exits 1.
 */
public final class FlightFixture {
  public static void main(String[] args) throws Exception {
    Init init = Supervisors.installInit();
    CountDownLatch orphan = new CountDownLatch(1);
    init.reaper().subscribe(p -> {
      if (p.adopted() && p.status().exited() && p.status().code() == 4) orphan.countDown();
    });
    // The orphan: its parent exits at once, so the kernel hands it to us (PID 1).
    init.spawn(ChildSpec.of("sh", "-c", "(sleep 0.2; exit 4) &"));
    SupervisedProcess child = init.spawn(ChildSpec.of("sh", "-c", "trap 'exit 7' USR1; while :; do sleep 0.05; done"));
    init.spawn(ChildSpec.of("sh", "-c", "trap '' TERM USR1; exec sleep 60"));
    check(orphan.await(20, TimeUnit.SECONDS), "orphan reaped");
    Thread.sleep(200); // the child's shell has set its trap
    Os.kill(Os.getpid(), Signal.SIGUSR1);
    check(child.waitFor(Duration.ofSeconds(20)).isPresent(), "child exited on SIGUSR1");
    int signalled = Supervisors.treeShutdown(init.reaper(), ShutdownConfig.defaults().withKillAfter(Duration.ofMillis(300))).run();
    check(signalled >= 1, "tree shutdown signalled the sleep");
    System.out.println("done");
    System.exit(0);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      System.out.println("FAIL " + what);
      System.exit(1);
    }
  }
}
