package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.util.ArrayList;
import java.util.List;

/**
 * An app that is PID 1 or a subreaper, spawns children and installs the in-app tree shutdown
 * as a JVM shutdown hook: {@code InAppShutdownFixture [--subreaper] [--grace D] [--kill-after D]
 * -- command... [-- command...]}. Prints {@code child <pid>} per child and {@code ready}, then
 * waits for the JVM to be told to stop (SIGTERM: shutdown hooks, then status 143).
 *
 * <p>It uses the default COOPERATIVE policy ({@link ReaperConfig#defaults()}), the one an app
 * that also starts processes with ProcessBuilder must use: EXCLUSIVE would steal their exit
 * statuses.
 */
public final class InAppShutdownFixture {
  public static void main(String[] args) throws Exception {
    boolean subreaper = false;
    ShutdownConfig config = ShutdownConfig.defaults();
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i++) {
      if (args[i].equals("--subreaper")) subreaper = true;
      else config = config.withOption(args[i], args[++i]);
    }
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withSubreaper(subreaper)).start();
    reaper.subscribe(p -> System.out.println("reaped " + p.pid() + " " + p.status()));
    Supervisors.treeShutdown(reaper, config).installShutdownHook();
    List<String> command = new ArrayList<>();
    for (i++; i <= args.length; i++) {
      if (i == args.length || args[i].equals("--")) {
        SupervisedProcess child = reaper.spawn(ChildSpec.of(command));
        System.out.println("child " + child.pid());
        command.clear();
      } else {
        command.add(args[i]);
      }
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
