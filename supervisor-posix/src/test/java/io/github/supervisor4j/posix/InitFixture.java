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
import io.github.supervisor4j.SupervisorException;
import io.github.supervisor4j.Supervisors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal init built on the public API, for tests that need the foundation as a real PID 1
 * or subreaper: {@code InitFixture [options] -- command...}.
 *
 * <p>Options: {@code --subreaper}; {@code --group} (child in its own group, signals to the
 * group); {@code --signals S,S...} (catch only these); {@code --rewrite S:R}; {@code --drop S};
 * {@code --pass-fd N}; {@code --wait-orphans N} (after the child exits, wait until N adopted
 * processes have been reaped); {@code --delay-target MS} (hold signals that long before the
 * child is the target); {@code --target-on-input} (hold them until a line arrives on stdin);
 * {@code --reapers N} (start and close N-1 reapers before the real one, to show that the
 * warning comes once); {@code --print-self} (print this JVM's descriptors, SigIgn and the
 * spawning thread's SigBlk); {@code --print-path} (print {@code signals native} or {@code signals java}:
 * which path the forwarder took). With no command it starts the reaper and forwarder, prints
 * {@code idle} and waits forever.
 *
 * <p>Prints {@code child <pid>} when spawned, {@code target <target>} once signals go to it (held ones first), {@code reaped <pid> <status>} for each adopted
 * process, {@code forward <received> <outcome> [sent]} for each signal, {@code exit <status>} when the
 * child is reaped, and finally {@code zombies <n>} (zombie children left, from /proc) and {@code stats ...};
 * exits with the child's shell code. Bad options: one line on stderr, exit 2. A command that
 * cannot be started: one line on stderr, exit 127 or 126.
 */
public final class InitFixture {
  public static void main(String[] args) throws Exception {
    boolean subreaper = false;
    boolean group = false;
    boolean targetOnInput = false;
    boolean printSelf = false;
    boolean printPath = false;
    long waitOrphans = 0;
    long delayTargetMs = 0;
    int reapers = 1;
    List<Integer> passFds = new ArrayList<>();
    ForwarderConfig fwd = ForwarderConfig.allForwardable();
    int i = 0;
    try {
      for (; i < args.length && !args[i].equals("--"); i++) {
        switch (args[i]) {
          case "--subreaper": subreaper = true; break;
          case "--group": group = true; break;
          case "--target-on-input": targetOnInput = true; break;
          case "--print-self": printSelf = true; break;
          case "--print-path": printPath = true; break;
          case "--wait-orphans": waitOrphans = Long.parseLong(args[++i]); break;
          case "--delay-target": delayTargetMs = Long.parseLong(args[++i]); break;
          case "--reapers": reapers = Integer.parseInt(args[++i]); break;
          case "--pass-fd": passFds.add(Integer.parseInt(args[++i])); break;
          case "--signals": {
            Set<Signal> set = EnumSet.noneOf(Signal.class);
            for (String s : args[++i].split(",")) set.add(Signal.parse(s));
            fwd = ForwarderConfig.of(set);
            break;
          }
          case "--rewrite": {
            String[] p = args[++i].split(":");
            fwd = fwd.withRewrite(Signal.parse(p[0]), Signal.parse(p[1]));
            break;
          }
          case "--drop": fwd = fwd.withDropped(Signal.parse(args[++i])); break;
          default: throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      System.err.println("InitFixture: " + e.getMessage());
      System.exit(2);
    }
    List<String> command = i < args.length ? List.of(args).subList(i + 1, args.length) : List.of();

    ReaperConfig config = ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE).withSubreaper(subreaper);
    for (int r = 1; r < reapers; r++) {
      Supervisors.reaper(config).start().close();
    }
    AtomicLong adoptedReaped = new AtomicLong();
    Reaper reaper = Supervisors.reaper(config);
    reaper.subscribe(p -> {
      if (p.adopted()) {
        System.out.println("reaped " + p.pid() + " " + p.status());
        adoptedReaped.incrementAndGet();
      }
    });
    reaper.start();
    SignalForwarder forwarder;
    try {
      forwarder = Supervisors.signalForwarder(fwd).start();
    } catch (SupervisorException e) {
      System.err.println("InitFixture: " + e.getMessage());
      System.exit(1);
      return;
    }
    forwarder.subscribe(e -> System.out.println("forward " + e.received() + " " + e.outcome()
        + e.sent().map(s -> " " + s).orElse("")));
    if (printSelf) printSelf();
    if (printPath) System.out.println("signals " + (((PosixSignalForwarder) forwarder).isNative() ? "native" : "java"));
    if (command.isEmpty()) {
      System.out.println("idle");
      Thread.sleep(Long.MAX_VALUE);
    }
    SupervisedProcess child;
    try {
      child = reaper.spawn(ChildSpec.of(command).withProcessGroup(group ? io.github.supervisor4j.ProcessGroup.NEW : io.github.supervisor4j.ProcessGroup.INHERIT)
          .withPassedFds(passFds.stream().mapToInt(Integer::intValue).toArray()));
    } catch (SpawnException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    System.out.println("child " + child.pid());
    if (delayTargetMs > 0) Thread.sleep(delayTargetMs);
    if (targetOnInput) new BufferedReader(new InputStreamReader(System.in)).readLine();
    ForwardTarget target = group ? ForwardTarget.processGroup(child.pid()) : ForwardTarget.pid(child.pid());
    forwarder.target(target);
    System.out.println("target " + target);
    ExitStatus status = child.waitFor();
    System.out.println("exit " + status);
    while (adoptedReaped.get() < waitOrphans) {
      Thread.sleep(5);
    }
    System.out.println("zombies " + zombieChildren());
    System.out.println("stats " + reaper.stats());
    System.out.flush();
    Runtime.getRuntime().halt(status.shellCode());
  }

  /** Children of this process in state Z, from /proc/[pid]/stat (all of /proc, as PID 1 or not). */
  static long zombieChildren() throws IOException {
    long self = ProcessHandle.current().pid();
    long n = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Paths.get("/proc"), "[0-9]*")) {
      for (Path p : dir) {
        String stat;
        try {
          stat = Files.readString(p.resolve("stat"));
        } catch (IOException gone) {
          continue;
        }
        // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        if (f[0].equals("Z") && Long.parseLong(f[1]) == self) n++;
      }
    }
    return n;
  }

  private static void printSelf() throws IOException {
    Set<Integer> fds = new TreeSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(Paths.get("/proc/self/fd"))) {
      for (Path p : dir) fds.add(Integer.parseInt(p.getFileName().toString()));
    }
    StringBuilder line = new StringBuilder("self fds");
    fds.forEach(fd -> line.append(' ').append(fd));
    System.out.println(line);
    for (String l : Files.readAllLines(Paths.get("/proc/thread-self/status"))) {
      if (l.startsWith("SigBlk:") || l.startsWith("SigIgn:")) System.out.println("self " + l);
    }
  }
}
