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
 * [--jdk-child] -- command... [-- command...]}. Prints {@code child <pid>} per child and {@code
 * ready}, then waits for the JVM to be told to stop (SIGTERM: shutdown hooks, then status 143).
 * With {@code --jdk-child} it also starts {@code sleep 1000} with ProcessBuilder, prints {@code
 * jdk child <pid>}, and from a second shutdown hook {@code jdk child <pid> exit <exitValue>}.
 *
 * <p>It uses the default COOPERATIVE policy ({@link ReaperConfig#defaults()}), the one an app
 * that also starts processes with ProcessBuilder must use: EXCLUSIVE would steal their exit
 * statuses.
 */
public final class InAppShutdownFixture {
  public static void main(String[] args) throws Exception {
    boolean subreaper = false;
    boolean jdkChild = false;
    ShutdownConfig config = ShutdownConfig.defaults();
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i++) {
      if (args[i].equals("--subreaper")) subreaper = true;
      else if (args[i].equals("--jdk-child")) jdkChild = true;
      else if (args[i].equals("--grace")) config = config.withGrace(millis(args[++i]));
      else if (args[i].equals("--kill-after")) config = config.withKillAfter(millis(args[++i]));
      else throw new IllegalArgumentException("unknown fixture option: " + args[i]);
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
    if (jdkChild) startJdkChild();
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /**
   * A child the JDK reaps: its exitValue is what the JDK's own waitpid saw. Hooks run
   * concurrently and the JVM halts only after all of them, so the line is printed before the
   * exit.
   */
  private static void startJdkChild() throws java.io.IOException {
    Process p = new ProcessBuilder("sleep", "1000").start();
    System.out.println("jdk child " + p.pid());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        if (p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) System.out.println("jdk child " + p.pid() + " exit " + p.exitValue());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "jdk child"));
  }

  /** "500ms" or "1s": the two forms the tests pass. */
  private static java.time.Duration millis(String text) {
    return text.endsWith("ms") ? java.time.Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)))
        : java.time.Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
  }
}
