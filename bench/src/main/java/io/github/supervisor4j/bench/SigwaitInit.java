package io.github.supervisor4j.bench;

import io.github.supervisor4j.ChildSpec;
import io.github.supervisor4j.ExitStatus;
import io.github.supervisor4j.ReapPolicy;
import io.github.supervisor4j.Reaper;
import io.github.supervisor4j.ReaperConfig;
import io.github.supervisor4j.SupervisedProcess;
import io.github.supervisor4j.Supervisors;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A PROTOTYPE, for the signal round-trip investigation only: {@code SigwaitInit -- command...}
 * forwards SIGUSR1 without HotSpot's per-signal thread.
 *
 * <p>HotSpot runs every {@code sun.misc.Signal} handler on a new Java thread, which is most of
 * our round trip. A thread that blocks in {@code sigwaitinfo} instead needs the signal blocked
 * in <em>every</em> thread, and a JVM's threads exist before any of our code runs. But a
 * blocked mask survives {@code execve} (same pid, so still PID 1) and every thread HotSpot
 * creates inherits it (HotSpot unblocks only its own signals: SEGV, BUS, FPE, ILL, USR2, and
 * HUP INT TERM unless -Xrs). So stage 1 blocks SIGUSR1 and re-executes the same java command
 * line; stage 2 forwards from one long-lived thread, as tini does from its main loop. The price
 * is a second JVM start.
 */
public final class SigwaitInit {
  private static final String STAGE = "SUPERVISOR4J_SIGWAIT_STAGE";
  private static final int SIG_BLOCK = 0;
  private static final int SIGUSR1 = 10;

  /** The few libc calls this prototype needs, kept out of the project's LibC. */
  public interface Libc {
    int sigemptyset(Pointer set);

    int sigaddset(Pointer set, int signum);

    int pthread_sigmask(int how, Pointer set, Pointer old);

    int sigwaitinfo(Pointer set, Pointer info);

    int kill(int pid, int sig);

    int setenv(String name, String value, int overwrite);

    int execv(String path, Pointer argv);
  }

  private SigwaitInit() {}

  public static void main(String[] args) throws Exception {
    Libc libc = LibraryLoader.create(Libc.class).load("c");
    Runtime rt = Runtime.getRuntime(libc);
    Pointer set = Memory.allocateDirect(rt, 128);
    libc.sigemptyset(set);
    libc.sigaddset(set, SIGUSR1);
    if (System.getenv(STAGE) == null) {
      libc.pthread_sigmask(SIG_BLOCK, set, null);
      libc.setenv(STAGE, "2", 1);
      List<String> cmdline = commandLine();
      List<Object> keep = new ArrayList<>();
      libc.execv("/proc/self/exe", strings(rt, cmdline, keep));
      System.err.println("SigwaitInit: execv /proc/self/exe failed");
      System.exit(1);
    }
    int dash = Arrays.asList(args).indexOf("--");
    Reaper reaper = Supervisors.reaper(ReaperConfig.defaults().withPolicy(ReapPolicy.EXCLUSIVE)).start();
    SupervisedProcess child = reaper.spawn(ChildSpec.of(Arrays.asList(args).subList(dash + 1, args.length)));
    int pid = child.pid();
    Thread forwarder = new Thread(() -> {
      while (true) {
        int sig = libc.sigwaitinfo(set, null);
        if (sig > 0) libc.kill(pid, sig);
      }
    }, "sigwait-forwarder");
    forwarder.setDaemon(true);
    forwarder.start();
    System.err.println("SigwaitInit: threads that do not block SIGUSR1: " + threadsNotBlocking());
    ExitStatus status = child.waitFor();
    java.lang.Runtime.getRuntime().halt(status.shellCode());
  }

  private static List<String> commandLine() throws IOException {
    String raw = new String(Files.readAllBytes(Path.of("/proc/self/cmdline")), StandardCharsets.UTF_8);
    return Arrays.asList(raw.split("\0"));
  }

  /** The threads (by name) that do not block SIGUSR1 after the re-exec. */
  private static List<String> threadsNotBlocking() throws IOException {
    List<String> names = new ArrayList<>();
    for (File task : new File("/proc/self/task").listFiles()) {
      String name = Files.readString(task.toPath().resolve("comm")).trim();
      for (String line : Files.readAllLines(task.toPath().resolve("status"))) {
        if (line.startsWith("SigBlk:") && (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (SIGUSR1 - 1))) == 0) names.add(name);
      }
    }
    return names;
  }

  private static Pointer strings(Runtime rt, List<String> strings, List<Object> keep) {
    int ptr = rt.addressSize();
    Pointer array = Memory.allocateDirect(rt, (strings.size() + 1) * ptr);
    keep.add(array);
    for (int i = 0; i < strings.size(); i++) {
      byte[] b = strings.get(i).getBytes(StandardCharsets.UTF_8);
      Pointer s = Memory.allocateDirect(rt, b.length + 1);
      s.put(0, b, 0, b.length);
      s.putByte(b.length, (byte) 0);
      keep.add(s);
      array.putPointer((long) i * ptr, s);
    }
    array.putAddress((long) strings.size() * ptr, 0L);
    return array;
  }
}
