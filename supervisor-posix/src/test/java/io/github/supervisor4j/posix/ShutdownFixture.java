package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.SignalForwarder;
import io.github.supervisor4j.SpawnException;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.util.List;

/**
 * The launcher's shutdown wiring on its own, for tests, until the launcher (issue 3) exists:
 * {@code ShutdownFixture [--subreaper] [--group] [--grace D] [--kill-after D]
 * [--on-child-exit exit|wait|terminate] [--pre-stop-delay D] -- command...}.
 *
 * <p>The option names and the calls below are the launcher's (docs/shutdown.md). Prints
 * {@code child <pid>} once the child is the forwarder's target and {@code exit <status>} at
 * the end; exits with the child's shell code, or 1 with a one-line message for a bad option.
 */
public final class ShutdownFixture {
  public static void main(String[] args) throws Exception {
    boolean subreaper = false;
    boolean group = false;
    ShutdownConfig shutdownConfig = ShutdownConfig.defaults();
    int i = 0;
    try {
      for (; i < args.length && !args[i].equals("--"); i++) {
        String a = args[i];
        if (a.equals("--subreaper")) {
          subreaper = true;
        } else if (a.equals("--group")) {
          group = true;
        } else if (ShutdownConfig.isOption(a)) {
          if (i + 1 >= args.length) throw new IllegalArgumentException(a + ": missing value");
          shutdownConfig = shutdownConfig.withOption(a, args[++i]);
        } else {
          throw new IllegalArgumentException("unknown option: " + a);
        }
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException("no command after --");
    } catch (IllegalArgumentException e) {
      System.err.println("ShutdownFixture: " + e.getMessage());
      System.exit(1);
      return;
    }
    List<String> command = List.of(args).subList(i + 1, args.length);

    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE).withSubreaper(subreaper)).start();
    SignalForwarder forwarder = Supervisors.signalForwarder(ForwarderConfig.allForwardable()).start();
    ShutdownCoordinator shutdown = ShutdownCoordinator.install(shutdownConfig, reaper, forwarder);
    SupervisedProcess child;
    try {
      child = reaper.spawn(ChildSpec.of(command).withNewProcessGroup(group));
    } catch (SpawnException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    forwarder.target(group ? ForwardTarget.processGroup(child.pid()) : ForwardTarget.pid(child.pid()));
    shutdown.mainChild(child);
    System.out.println("child " + child.pid());
    ExitStatus status = shutdown.awaitExit();
    System.out.println("exit " + status);
    System.out.flush();
    Runtime.getRuntime().halt(status.shellCode());
  }
}
