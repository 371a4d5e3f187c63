package io.github.supervisor4j.posix;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native calls a reaper and a forwarder make on their hot paths, through our own layers
 * ({@link Os} over {@link LibC}), so that a regression in the Java layer shows up next to the
 * raw jnr call. Lives in {@code io.github.supervisor4j.posix} to reach the package-private
 * classes from the classpath.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class NativeCallsBenchmark {
  private final Os.SigInfo info = new Os.SigInfo();
  private final byte[] buffer = new byte[64 * 1024];
  private int self;
  private Path procSelfStat;
  private Path taskSyscall;
  private Path taskChildren;

  @Setup
  public void setUp() {
    self = Os.getpid();
    procSelfStat = Path.of("/proc/" + self + "/stat");
    taskSyscall = Path.of("/proc/self/task/" + self + "/syscall");
    taskChildren = Path.of("/proc/self/task/" + self + "/children");
  }

  /** A JDK-owned child is alive, so waitid(P_ALL, WNOHANG) finds a child but nothing to reap. */
  @State(Scope.Benchmark)
  public static class LiveChild {
    Process sleeper;

    @Setup(Level.Trial)
    public void start() throws IOException {
      sleeper = new ProcessBuilder("sleep", "3600").start();
    }

    @TearDown(Level.Trial)
    public void stop() {
      sleeper.destroyForcibly();
    }
  }

  @Benchmark
  public boolean waitidNoChildEchild() {
    return Os.waitid(Os.P_ALL, 0, info, Os.WEXITED | Os.WNOHANG);
  }

  @Benchmark
  public boolean waitidLiveChildNothingToReap(LiveChild child) {
    return Os.waitid(Os.P_ALL, 0, info, Os.WEXITED | Os.WNOHANG);
  }

  @Benchmark
  public boolean waitidNowaitNohangLiveChild(LiveChild child) {
    return Os.waitid(Os.P_ALL, 0, info, Os.WEXITED | Os.WNOWAIT | Os.WNOHANG);
  }

  @Benchmark
  public boolean killSelfSignal0() {
    return Os.kill(self, 0);
  }

  @Benchmark
  public int readProcPidStat() throws IOException {
    try (FileInputStream in = new FileInputStream(procSelfStat.toFile())) {
      return in.read(buffer);
    }
  }

  @Benchmark
  public byte[] readProcPidStatFilesApi() throws IOException {
    return Files.readAllBytes(procSelfStat);
  }

  @Benchmark
  public int readTaskSyscall() throws IOException {
    try (FileInputStream in = new FileInputStream(taskSyscall.toFile())) {
      return in.read(buffer);
    }
  }

  /** Needs CONFIG_PROC_CHILDREN; bench/run leaves it out where the file does not exist. */
  @Benchmark
  public int readTaskChildren(LiveChild child) throws IOException {
    try (FileInputStream in = new FileInputStream(taskChildren.toFile())) {
      return in.read(buffer);
    }
  }

  @Benchmark
  public String[] listProcSelfTask() {
    return new java.io.File("/proc/self/task").list();
  }
}
