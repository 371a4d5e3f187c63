package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spawns, through an exclusive reaper, children that exit with every code 0..255 and children
 * that kill themselves with each signal given, all at once, and prints how the reaper decoded
 * each: {@code <case> <exited|killed> <code|signal> <core> <shellCode>}.
 *
 * <p>{@code ExitStatusFixture DIR SIGNAL...}: children run in DIR; {@code signal N} cases run
 * with {@code ulimit -c 0}; the {@code core N} case (first signal given after {@code --core})
 * raises the core limit first, if the hard limit allows it.
 */
public final class ExitStatusFixture {
  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(args[0]);
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE)
        .withSubreaper(false).withWarnIfNotReaper(false)).start();
    Map<String, SupervisedProcess> children = new LinkedHashMap<>();
    for (int code = 0; code <= 255; code++) {
      children.put("exit " + code, spawn(reaper, dir, "exit " + code));
    }
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--core")) {
        int sig = Integer.parseInt(args[++i]);
        children.put("core " + sig, spawn(reaper, dir, "ulimit -c unlimited 2>/dev/null; kill -" + sig + " $$"));
      } else {
        int sig = Integer.parseInt(args[i]);
        children.put("signal " + sig, spawn(reaper, dir, "ulimit -c 0; kill -" + sig + " $$"));
      }
    }
    for (Map.Entry<String, SupervisedProcess> e : children.entrySet()) {
      ExitStatus s = e.getValue().waitFor();
      System.out.println(e.getKey() + " " + (s.exited() ? "exited " + s.code() : "killed " + s.signalNumber())
          + " " + s.coreDumped() + " " + s.shellCode());
    }
    System.out.println("stats " + reaper.stats());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static SupervisedProcess spawn(Reaper reaper, Path dir, String script) {
    return reaper.spawn(ChildSpec.of("sh", "-c", script).withDirectory(dir));
  }
}
