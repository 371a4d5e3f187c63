package io.github.supervisor4j.bench;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.SpawnException;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.util.Arrays;

/**
 * {@code BenchInit -- command [args...]}: the smallest init on the public API, what a
 * launcher does in tini's default mode (EXCLUSIVE reaper, every forwardable signal to the
 * child, exit with the child's status). It stands in for the launcher jar in the benchmark
 * when that jar is not built, and separates the library's cost from the launcher's own.
 */
public final class BenchInit {
  private BenchInit() {}

  public static void main(String[] args) throws InterruptedException {
    int dash = Arrays.asList(args).indexOf("--");
    if (dash < 0 || dash == args.length - 1) {
      System.err.println("usage: BenchInit -- command [args...]");
      System.exit(2);
    }
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE)).start();
    SignalForwarder forwarder = Supervisors.signalForwarder(ForwarderConfig.allForwardable()).start();
    SupervisedProcess child;
    try {
      child = reaper.spawn(ChildSpec.of(Arrays.asList(args).subList(dash + 1, args.length)));
    } catch (SpawnException e) {
      System.err.println("BenchInit: " + e.getMessage());
      Runtime.getRuntime().halt(e.exitCode());
      return;
    }
    forwarder.target(ForwardTarget.pid(child.pid()));
    ExitStatus status = child.waitFor();
    System.out.flush();
    Runtime.getRuntime().halt(status.shellCode());
  }
}
