package io.github.supervisor4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application JVM that reaps in-app with {@code Supervisors.reaper(ReaperConfig.defaults())},
 * the way issue 4 means it to be used. Run as PID 1 of a PID namespace by bench/run.
 *
 * <ul>
 *   <li>{@code app [--no-reaper] -- command...}: starts the reaper (unless {@code
 *       --no-reaper}, the JVM-alone baseline), then runs command with {@code ProcessBuilder},
 *       as an application would, and waits for it. The command measures (drain, idle).
 *   <li>{@code integrity ORPHANS CHILDREN DRAIN EXITWITH}: the exit-status integrity run.
 *       While DRAIN makes and releases ORPHANS orphans, 8 threads start at least CHILDREN
 *       {@code ProcessBuilder} children of EXITWITH with random codes 0..255 (half of the
 *       starts from threads that exit right after {@code start()}), and counts the
 *       {@code waitFor()} results that differ from the code the child chose.
 * </ul>
 *
 * Prints {@code policy=<what ran>} first, so that every row names the policy it measured.
 */
public final class InAppReaper {
  private InAppReaper() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    switch (args[0]) {
      case "app": app(Arrays.copyOfRange(args, 1, args.length)); break;
      case "integrity": integrity(Arrays.copyOfRange(args, 1, args.length)); break;
      default: usage();
    }
  }

  private static void usage() {
    System.err.println("usage: InAppReaper app [--no-reaper] -- command... | integrity ORPHANS CHILDREN DRAIN EXITWITH");
    System.exit(2);
  }

  private static void app(String[] args) throws Exception {
    boolean reap = true;
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i++) {
      if (args[i].equals("--no-reaper")) reap = false;
      else usage();
    }
    if (i >= args.length - 1) usage();
    System.out.println("policy=" + (reap ? Reapers.startDefault().label() : "none (JVM alone)"));
    System.out.flush();
    Process p = new ProcessBuilder(Arrays.asList(args).subList(i + 1, args.length)).inheritIO().start();
    p.waitFor();
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }

  private static void integrity(String[] args) throws Exception {
    if (args.length != 4) usage();
    int orphans = Integer.parseInt(args[0]);
    int children = Integer.parseInt(args[1]);
    String drain = args[2];
    String exitwith = args[3];
    System.out.println("policy=" + Reapers.startDefault().label());
    System.out.flush();

    Process storm = new ProcessBuilder(drain, Integer.toString(orphans), "--storm").redirectErrorStream(true).start();
    AtomicBoolean stormOver = new AtomicBoolean();
    StringBuilder stormOut = new StringBuilder();
    Thread stormWatcher = new Thread(() -> {
      try (InputStream in = storm.getInputStream()) {
        stormOut.append(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
      } catch (IOException e) {
        stormOut.append("drain output lost: ").append(e.getMessage());
      }
      stormOver.set(true);
    }, "storm-watcher");
    stormWatcher.start();

    record Started(Process process, int code) {}
    ConcurrentLinkedQueue<Started> started = new ConcurrentLinkedQueue<>();
    AtomicInteger count = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    List<Thread> starters = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      boolean shortLived = t % 2 == 1;
      Thread starter = new Thread(() -> {
        while (!stormOver.get() || count.get() < children) {
          int code = ThreadLocalRandom.current().nextInt(256);
          Runnable start = () -> {
            try {
              started.add(new Started(new ProcessBuilder(exitwith, Integer.toString(code)).start(), code));
              count.incrementAndGet();
            } catch (IOException e) {
              failures.incrementAndGet();
            }
          };
          if (shortLived) {
            // The child moves to the thread-group leader once this thread exits (kernel/exit.c, forget_original_parent).
            Thread once = new Thread(start, "short-lived-starter");
            once.start();
            try {
              once.join();
            } catch (InterruptedException e) {
              return;
            }
          } else {
            start.run();
          }
        }
      }, "starter-" + t);
      starter.start();
      starters.add(starter);
    }
    for (Thread t : starters) t.join();
    stormWatcher.join();
    int wrong = 0;
    for (Started s : started) {
      if (s.process().waitFor() != s.code()) wrong++;
    }
    System.out.println(stormOut);
    System.out.println("integrity children=" + started.size() + " wrong=" + wrong + " start_failures=" + failures.get());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
