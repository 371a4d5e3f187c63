package io.github.supervisor4j.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * Fails a test that leaves a process behind, then stops that process. On a test class (every
 * test in it, and the class itself) or on one test method; on Linux only.
 *
 * <p>While checked tests run, the test JVM is a child subreaper with supervisor4j's
 * cooperative reaper (started once, kept until the JVM exits): orphans of tests come back to
 * the JVM and are reaped, never left as zombies, and no {@code Process} exit status is taken
 * from the JDK. After each test (after its {@code @AfterEach} methods), every process the test
 * started, directly or not, that is still there (running, stopped or a zombie) is listed with
 * its pid, command line, state and how long it lived; the test fails with that list ({@link
 * OnLeak#WARN}: one warning on stderr instead), and the processes are stopped: SIGTERM (and
 * SIGCONT if stopped), SIGKILL after the {@link #grace()}, then reaped, so that one leak does not
 * fail every later test. On a class, the same check runs after {@code @AfterAll} for processes
 * started by {@code @BeforeAll} and never stopped.
 *
 * <p>Which processes are the test's: those in the JVM's subtree that were not there when the
 * test began (pid and start time, read from /proc before the first {@code @BeforeEach}), that
 * do not descend from a process that was (a server from {@code @BeforeAll} and the workers it
 * forks stay its own), and whose name is not {@linkplain #allowed() allowed}. A process that
 * is exiting right then (a {@code destroy()} without {@code waitFor()}) gets up to 500 ms to go
 * before it counts. Signals go through pidfds after a start-time and ancestry check: a process
 * outside the JVM's subtree is never touched.
 *
 * <p>Parallel execution: a process cannot always be tied to one of several tests that run at
 * once, so a checked test runs alone. This annotation takes JUnit's global read-write lock, as
 * {@code @Isolated} does: no other test runs while an annotated class (or a class with an
 * annotated method) runs, and its tests run one at a time. Without parallel execution the lock
 * changes nothing.
 *
 * <p>Options, each also a JUnit configuration parameter for the whole suite (an attribute set
 * here wins): {@value NoProcessLeaksExtension#ON_LEAK} ({@code fail} or {@code warn}), {@value
 * NoProcessLeaksExtension#GRACE} (default {@code 2s}), {@value NoProcessLeaksExtension#ALLOWED}
 * (comma-separated names, added to {@link #allowed()}). Without annotating each class: {@code
 * junit.jupiter.extensions.autodetection.enabled=true} and {@value
 * NoProcessLeaksExtension#ENABLED}{@code =true}.
 *
 * <p>A test method may take a {@link ReapLog} parameter: what the reaper reaped while it ran.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(NoProcessLeaksExtension.class)
@ResourceLock(value = Resources.GLOBAL, mode = ResourceAccessMode.READ_WRITE)
public @interface NoProcessLeaks {
  /**
   * Whether a leak fails the test or only warns.
   *
   * @return {@link OnLeak#FAIL}, {@link OnLeak#WARN}, or {@link OnLeak#CONFIGURED}: as the
   *     configuration parameter says, else fail
   */
  OnLeak onLeak() default OnLeak.CONFIGURED;

  /**
   * How long a leaked process gets between SIGTERM and SIGKILL.
   *
   * @return a duration as {@code 500ms}, {@code 2s} or {@code 1m}; empty: the configuration
   *     parameter, else {@code 2s}
   */
  String grace() default "";

  /**
   * Processes that may outlive a test (an agent the test starts on purpose, say). Such a
   * process and its descendants are neither blamed nor stopped.
   *
   * @return names, matched against the kernel's name ({@code comm}) and the base name of the
   *     first argument; added to those of the configuration parameter
   */
  String[] allowed() default {};

  /** What a leak does to the test. */
  enum OnLeak {
    /** The test fails with the list of leaked processes. */
    FAIL,
    /** One warning on stderr (and a JUnit report entry) lists them; the test passes. */
    WARN,
    /** As the configuration parameter says; {@link #FAIL} if it is not set. */
    CONFIGURED
  }
}
