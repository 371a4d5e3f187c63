/**
 * What the supervisor4j modules' tests share, on the JDK and JUnit alone: {@link
 * io.github.supervisor4j.testing.ForkedProcess} (one runner of forked processes: output line by
 * line, bounded waits, signals, survivors), {@link io.github.supervisor4j.testing.PidNamespace}
 * (a real PID 1, and the rule that CI never skips what needs one) and {@link
 * io.github.supervisor4j.testing.JavaCommand} (a forked JVM's command line).
 */
package io.github.supervisor4j.testing;
