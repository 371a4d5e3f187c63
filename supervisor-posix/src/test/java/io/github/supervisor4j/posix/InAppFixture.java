package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.Init;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.SupervisorException;
import io.github.supervisor4j.Supervisors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An application that makes itself PID 1 with the one-line {@code Supervisors.installInit()},
 * for {@link InAppInitTest}: {@code InAppFixture MODE [args]}.
 *
 * <ul>
 *   <li>{@code serve PRINT_SIGNALS}: spawns print_signals through the init, adds a shutdown
 *       hook that prints {@code hook ran, child <status>}, prints {@code serving} and blocks.
 *   <li>{@code features JFR_FILE}: checks, as PID 1, a thread dump by SIGQUIT and by jcmd,
 *       a JFR recording started and dumped by jcmd, and ProcessHandle's onExit and
 *       descendants; prints {@code feature <name> ok|FAIL <why>} for each.
 *   <li>{@code idle [CHILD]}: installs, spawns CHILD if given, prints {@code idle} and blocks
 *       (for measuring the reaper's idle CPU).
 *   <li>{@code install}: installs and prints {@code installed <how the JDK table is read>}, or
 *       the refusal as {@code refused <message>} with exit code 3.
 * </ul>
 */
public final class InAppFixture {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "serve": serve(args[1]); break;
      case "features": features(Paths.get(args[1]), args[2]); break;
      case "install": install(); break;
      case "idle": idle(args.length > 1 ? args[1] : null); break;
      default: throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void serve(String printSignals) throws Exception {
    Init init = Supervisors.installInit();
    SupervisedProcess child = init.spawn(ChildSpec.of(List.of(printSignals)));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        System.out.println("hook ran, child " + child.waitFor(Duration.ofSeconds(10)).map(Object::toString).orElse("still running"));
      } catch (InterruptedException e) {
        System.out.println("hook interrupted");
      }
      System.out.flush();
    }));
    System.out.println("serving");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** Installs, optionally spawns {@code child} (so the reaper blocks in waitid), and idles. */
  private static void idle(String child) throws Exception {
    Init init = Supervisors.installInit();
    if (child != null) init.spawn(ChildSpec.of(List.of(child)));
    System.out.println("idle");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  private static void install() {
    try {
      Init init = Supervisors.installInit();
      System.out.println("installed " + JdkChildClaims.detect().describe() + " " + init.config());
      System.out.flush();
      Runtime.getRuntime().halt(0);
    } catch (SupervisorException e) {
      System.out.println("refused " + e.getMessage());
      System.out.flush();
      Runtime.getRuntime().halt(3);
    }
  }

  private static void features(Path jfrFile, String exitCode) throws Exception {
    Supervisors.installInit();
    String jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
    String self = Long.toString(ProcessHandle.current().pid());

    // SIGQUIT from another process: HotSpot prints the dump on stdout, the test looks for it.
    int kill = new ProcessBuilder("kill", "-QUIT", self).inheritIO().start().waitFor();
    System.out.println("feature sigquit-sent " + (kill == 0 ? "ok" : "FAIL kill exited " + kill));

    String dump = run(jcmd, self, "Thread.print");
    report("jcmd-thread-print", dump.contains("supervisor4j-reaper"), dump);

    String start = run(jcmd, self, "JFR.start", "name=inapp");
    String dumped = run(jcmd, self, "JFR.dump", "name=inapp", "filename=" + jfrFile);
    report("jfr", Files.isRegularFile(jfrFile) && Files.size(jfrFile) > 0, start + dumped);

    Process p = new ProcessBuilder(exitCode, "42").inheritIO().start();
    int onExit = p.onExit().get(10, TimeUnit.SECONDS).exitValue();
    report("processhandle-onexit", onExit == 42, "exit value " + onExit);

    Process sleeper = new ProcessBuilder("sleep", "30").inheritIO().start();
    boolean listed = ProcessHandle.current().descendants().anyMatch(h -> h.pid() == sleeper.pid());
    sleeper.destroy();
    int code = sleeper.waitFor();
    report("processhandle-descendants", listed && code == 143, "listed " + listed + ", destroy gave " + code);
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static void report(String name, boolean ok, String detail) {
    System.out.println("feature " + name + (ok ? " ok" : " FAIL " + detail.replace('\n', ' ')));
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }
}
