package io.github.supervisor4j;

/**
 * This JVM acting as a correct PID 1 (or child subreaper) from inside the application: a
 * {@link ReapPolicy#COOPERATIVE} reaper that reaps every orphan and never steals a {@link
 * Process} exit status, plus signal handlers that pass SIGTERM and friends on to the children
 * started through {@link #spawn} before the JVM's own handling (shutdown hooks) runs.
 *
 * <p>Made by {@link Supervisors#installInit()}, once per JVM: installing again returns the
 * same instance. Thread-safe. {@link #close()} restores the JVM's signal handlers and stops
 * reaping; installing after that starts a new one.
 */
public interface Init extends AutoCloseable {

  /** {@return the running cooperative reaper} */
  Reaper reaper();

  /**
   * Starts a child that this init reaps and forwards signals to.
   *
   * @param spec what to start
   * @return the running child
   * @throws SpawnException if the command cannot be started (127 not found, 126 not executable)
   */
  SupervisedProcess spawn(ChildSpec spec);

  /** {@return the configuration it was installed with} */
  InitConfig config();

  /** Restores the JVM's signal handlers and stops the reaper. */
  @Override
  void close();
}
