package io.github.supervisor4j.examples;

import java.util.concurrent.CountDownLatch;

/**
 * A broken pause for {@link PodExperimentTest}: it logs a pause-mode line, exits 0 on SIGTERM,
 * and reaps nothing, so that the pod experiment must report the orphan it left a zombie.
 */
public final class NonReapingPause {
  private NonReapingPause() {}

  public static void main(String[] args) throws InterruptedException {
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> System.exit(0));
    System.err.println("[INFO  non-reaping-pause (" + ProcessHandle.current().pid() + ")] pause mode: reaping nothing");
    new CountDownLatch(1).await();
  }
}
