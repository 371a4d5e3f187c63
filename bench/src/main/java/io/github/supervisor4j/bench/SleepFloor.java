package io.github.supervisor4j.bench;

/**
 * {@code SleepFloor SECONDS}: a JVM that only sleeps, the floor of bench/run's footprint and
 * idle rows (issue 14): whatever a JVM costs before any code of ours runs. It loads no class of
 * supervisor4j and starts no thread; it says "sleeping" on stdout once it is in main.
 */
public final class SleepFloor {
  private SleepFloor() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: SleepFloor SECONDS");
      System.exit(2);
    }
    long millis = (long) (Double.parseDouble(args[0]) * 1000);
    System.out.println("sleeping"); // bench/run starts its idle window from here
    System.out.flush();
    Thread.sleep(millis);
  }
}
