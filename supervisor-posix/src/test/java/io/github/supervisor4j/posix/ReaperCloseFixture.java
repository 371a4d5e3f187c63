package io.github.supervisor4j.posix;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SupervisedProcess;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * For {@link ReaperCloseTest}: {@code ReaperCloseFixture POLICY} starts a reaper, spawns {@code
 * sleep 30} through it, waits until the reaper thread is blocked in waitid (its wchan), closes
 * the reaper, and prints whether the thread ended within 10 s and how many zombie children
 * this process has once {@code sleep} is killed and reaped here.
 */
public final class ReaperCloseFixture {
  private ReaperCloseFixture() {}

  public static void main(String[] args) throws Exception {
    Reaper reaper = Posix.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.valueOf(args[0])).withWarnIfNotReaper(false)).start();
    SupervisedProcess child = reaper.spawn(ChildSpec.of(List.of("sleep", "30")));
    Path task = reaperTask();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!Files.readString(task.resolve("wchan")).contains("do_wait")) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("reaper thread not in waitid: " + Files.readString(task.resolve("wchan")));
      Thread.sleep(10);
    }
    Thread thread = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("supervisor4j-reaper")).findFirst().orElseThrow();
    reaper.close();
    thread.join(10_000);
    System.out.println("reaper thread ended: " + !thread.isAlive());
    Os.kill(child.pid(), Signal.SIGKILL);
    Os.reap(child.pid());
    System.out.println("zombie children: " + zombieChildren());
    System.exit(0);
  }

  /** /proc/self/task/TID of the reaper thread, found by its name (comm keeps 15 characters). */
  private static Path reaperTask() throws IOException {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
      for (Path t : tasks) {
        if (Files.readString(t.resolve("comm")).trim().equals("supervisor4j-re")) return t;
      }
    }
    throw new IllegalStateException("no reaper thread in /proc/self/task");
  }

  /** Children of this process that are zombies, from /proc/PID/stat (state and ppid). */
  private static int zombieChildren() throws IOException {
    String self = String.valueOf(ProcessHandle.current().pid());
    int zombies = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        String stat;
        try {
          stat = Files.readString(p.resolve("stat"));
        } catch (IOException e) {
          continue; // gone meanwhile
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (f[0].equals("Z") && f[1].equals(self)) zombies++;
      }
    }
    return zombies;
  }
}
