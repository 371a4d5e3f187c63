/**
 * Runnable examples of supervisor4j, tested in CI and not deployed: {@link
 * io.github.supervisor4j.examples.OrphanReapingApp} (the README's demo: a JVM service that
 * reaps orphans as subreaper or PID 1 and keeps every ProcessBuilder status), and {@link
 * io.github.supervisor4j.examples.PodWorker} (the JVM service of the pod experiment). The
 * scripts and container recipes are next to this module's sources (pod-experiment.sh,
 * containers/); docs/examples.md says what each shows.
 */
package io.github.supervisor4j.examples;
