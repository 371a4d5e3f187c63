package io.github.supervisor4j.examples;

import java.util.concurrent.CountDownLatch;

/**
 * Example 2's JVM "container": a long-running worker that joins the pod's PID namespace
 * ({@code nsenter -t <pod> -p -m}) and prints every process it can see there, one line each
 * ({@code pod-worker sees pid 2: sh -c ...}), the way {@code ps} in one container of a pod with
 * a shared PID namespace shows the others. Then it works until it is stopped. JDK only: it
 * needs no supervisor4j, because the pod's PID 1 reaps for it.
 */
public final class PodWorker {
  private PodWorker() {}

  public static void main(String[] args) throws InterruptedException {
    long self = ProcessHandle.current().pid();
    System.out.println("pod-worker: I am pid " + self + " of the pod's PID namespace");
    ProcessHandle.allProcesses().forEach(p -> System.out.println("pod-worker sees pid " + p.pid() + ": "
        + p.info().commandLine().orElse(p.info().command().orElse("?")) + (p.pid() == self ? " (me)" : "")));
    System.out.println("pod-worker: working until stopped");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
