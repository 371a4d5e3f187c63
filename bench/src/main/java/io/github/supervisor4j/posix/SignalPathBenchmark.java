package io.github.supervisor4j.posix;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where a forwarded signal's time goes inside HotSpot. HotSpot's native handler only posts
 * the signal; the "Signal Dispatcher" thread wakes and {@code jdk.internal.misc.Signal.dispatch}
 * starts a new Java thread per signal to run the handler (JDK 17). So:
 * <ul>
 *   <li>{@link #threadStartJoin}: the cost of that new thread alone;
 *   <li>{@link #killSelfUntilHandlerRan}: kill(getpid(), SIGUSR1) until the Java handler has
 *       run: kernel delivery + dispatcher wake-up + new thread + handler, the JVM half of the
 *       round trip; sampled to give percentiles.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SignalPathBenchmark {
  private final AtomicLong handled = new AtomicLong();
  private sun.misc.SignalHandler previous;
  private int self;

  @Setup
  public void setUp() {
    self = Os.getpid();
    previous = sun.misc.Signal.handle(new sun.misc.Signal("USR1"), s -> handled.incrementAndGet());
  }

  @TearDown
  public void tearDown() {
    sun.misc.Signal.handle(new sun.misc.Signal("USR1"), previous);
  }

  @Benchmark
  public void threadStartJoin() throws InterruptedException {
    Thread t = new Thread(() -> {});
    t.start();
    t.join();
  }

  @Benchmark
  public long killSelfUntilHandlerRan() {
    long before = handled.get();
    Os.kill(self, 10);
    long now;
    while ((now = handled.get()) == before) {
      Thread.onSpinWait();
    }
    return now;
  }
}
