package io.github.supervisor4j.posix;

import io.github.supervisor4j.ForwardTarget;
import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.Signal;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code SignalPathProbe COUNT SIGRTT forwarder|direct}: splits the signal round trip of a
 * JVM into its legs. Runs bench/c/sigrtt with {@code -v} as a child: it sends SIGUSR1 to this
 * JVM COUNT times and prints when it sent each one and when it got it back. {@code
 * System.nanoTime()} is CLOCK_MONOTONIC on Linux, the child's clock, so the JVM's own
 * timestamps fall in between:
 * <ul>
 *   <li>{@code forwarder}: the real {@link PosixSignalForwarder}; its listener, which runs on
 *       the handler thread after the forwarding kill returned and the forwarder built its
 *       event, notes the time. Legs: in (child's kill until then) and out (until the child
 *       woke); out can be negative, as the child, on the other CPU, may wake before the
 *       listener runs.
 *   <li>{@code direct}: a bare {@code sun.misc.Signal} handler that notes when it began and
 *       calls {@link Os#kill}: the floor of any {@code sun.misc.Signal} design. Legs: in
 *       (kernel, HotSpot's handler, Signal Dispatcher wake-up, a new thread created and
 *       started), kill (the jnr call) and out.
 * </ul>
 * Prints the p50, p99 and max of each leg in microseconds.
 */
public final class SignalPathProbe {
  private SignalPathProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !(args[2].equals("forwarder") || args[2].equals("direct"))) {
      System.err.println("usage: SignalPathProbe COUNT SIGRTT forwarder|direct");
      System.exit(2);
    }
    int count = Integer.parseInt(args[0]);
    boolean direct = args[2].equals("direct");
    long[] began = new long[count];
    long[] killed = new long[count];
    int[] seen = new int[1];
    // Set once the child is started; the handler waits for it, since kill(0, ...) would
    // signal our whole process group.
    int[] target = new int[1];
    Object lock = new Object();
    PosixSignalForwarder forwarder = null;
    if (direct) {
      sun.misc.Signal.handle(new sun.misc.Signal("USR1"), s -> {
        long t = System.nanoTime();
        int to;
        synchronized (lock) {
          while ((to = target[0]) == 0) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              return;
            }
          }
        }
        Os.kill(to, 10);
        long k = System.nanoTime();
        synchronized (lock) {
          if (seen[0] < count) {
            began[seen[0]] = t;
            killed[seen[0]++] = k;
          }
        }
      });
    } else {
      forwarder = new PosixSignalForwarder(ForwarderConfig.of(Signal.SIGUSR1));
      forwarder.subscribe(e -> {
        long k = System.nanoTime();
        if (e.outcome() != io.github.supervisor4j.ForwardEvent.Outcome.FORWARDED) return;
        synchronized (lock) {
          if (seen[0] < count) killed[seen[0]++] = k;
        }
      });
      forwarder.start();
    }
    Process p = new ProcessBuilder(args[1], Integer.toString(count), "-v").redirectErrorStream(true).start();
    synchronized (lock) {
      target[0] = (int) p.pid();
      lock.notifyAll();
    }
    if (forwarder != null) forwarder.target(ForwardTarget.pid(target[0]));
    List<long[]> sent = new ArrayList<>();
    String summary = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("t ")) {
          String[] f = line.split(" ");
          sent.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        } else {
          summary = line;
        }
      }
    }
    p.waitFor();
    int m = Math.min(sent.size(), seen[0]);
    long[] in = new long[m];
    long[] kill = new long[m];
    long[] out = new long[m];
    for (int i = 0; i < m; i++) {
      in[i] = (direct ? began[i] : killed[i]) - sent.get(i)[0];
      kill[i] = killed[i] - began[i];
      out[i] = sent.get(i)[1] - killed[i];
    }
    System.out.println(summary);
    System.out.println(args[2] + (direct ? " in (to handler running)  " : " in (to forward kill done)") + legs(in));
    if (direct) System.out.println(args[2] + " kill (jnr Os.kill)        " + legs(kill));
    System.out.println(args[2] + " out (back to the child)   " + legs(out));
    System.exit(0);
  }

  private static String legs(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    if (s.length == 0) return "no data";
    return String.format(" p50_us=%.1f p99_us=%.1f max_us=%.1f", s[s.length / 2] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[s.length - 1] / 1e3);
  }
}
