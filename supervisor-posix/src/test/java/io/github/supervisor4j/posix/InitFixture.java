package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.SpawnException;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal init built on the public API, for tests that need the foundation as a real PID 1
 * or subreaper: {@code InitFixture [options] -- command...}.
 *
 * <p>Options: {@code --subreaper}, {@code --no-subreaper}, {@code --group} (child in its own
 * group, signals to the group), {@code --rewrite S:R}, {@code --drop S}, {@code --wait-orphans N}
 * (after the child exits, wait until N adopted processes have been reaped), {@code
 * --delay-target MS} (hold signals that long before the child is the target). Prints
 * {@code reaped <pid> <status>} for each adopted process and {@code child <pid>} when spawned;
 * exits with the child's shell code.
 */
public final class InitFixture {
  public static void main(String[] args) throws Exception {
    boolean subreaper = false;
    boolean group = false;
    long waitOrphans = 0;
    long delayTargetMs = 0;
    ForwarderConfig fwd = ForwarderConfig.allForwardable();
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i++) {
      switch (args[i]) {
        case "--subreaper": subreaper = true; break;
        case "--group": group = true; break;
        case "--wait-orphans": waitOrphans = Long.parseLong(args[++i]); break;
        case "--delay-target": delayTargetMs = Long.parseLong(args[++i]); break;
        case "--rewrite": {
          String[] p = args[++i].split(":");
          fwd = fwd.withRewrite(Signal.parse(p[0]), Signal.parse(p[1]));
          break;
        }
        case "--drop": fwd = fwd.withDropped(Signal.parse(args[++i])); break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<String> command = new ArrayList<>(List.of(args).subList(i + 1, args.length));

    AtomicLong adoptedReaped = new AtomicLong();
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE).withSubreaper(subreaper));
    reaper.subscribe(p -> {
      if (p.adopted()) {
        System.out.println("reaped " + p.pid() + " " + p.status());
        adoptedReaped.incrementAndGet();
      }
    });
    reaper.start();
    SignalForwarder forwarder = Supervisors.signalForwarder(fwd).start();
    SupervisedProcess child;
    try {
      child = reaper.spawn(ChildSpec.of(command).withNewProcessGroup(group));
    } catch (SpawnException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    System.out.println("child " + child.pid());
    if (delayTargetMs > 0) Thread.sleep(delayTargetMs);
    forwarder.target(group ? ForwardTarget.processGroup(child.pid()) : ForwardTarget.pid(child.pid()));
    ExitStatus status = child.waitFor();
    while (adoptedReaped.get() < waitOrphans) {
      Thread.sleep(5);
    }
    System.out.println("exit " + status + " stats " + reaper.stats());
    System.out.flush();
    Runtime.getRuntime().halt(status.shellCode());
  }
}
