package io.github.supervisor4j.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test method's body in a fresh JVM that is PID 1 of a new PID namespace, so that code
 * which must behave as PID 1 (reap orphans, handle signals that PID 1 would ignore) can be
 * tested as PID 1. Linux only.
 *
 * <p>The JVM is started with {@code unshare --pid --fork --mount-proc --kill-child} when the
 * test JVM runs as root, else with an unprivileged user namespace ({@code unshare --user
 * --map-root-user ...}) where the kernel allows one; it has the test JVM's class path, JVM
 * options (a debugger agent and {@code -XX:+UsePerfData} aside) and system properties, the same
 * working directory, and its own /proc. Its stdout and stderr go to the test's. A failure or
 * exception in the body is thrown again in the test JVM, with its class, message and stack
 * trace (an exception that cannot be serialised comes back as an {@link AssertionError} that
 * names its class, with the same message and stack trace); an aborted assumption aborts the
 * test.
 *
 * <p>What runs where: everything JUnit does around the body (extensions, {@code @BeforeEach},
 * {@code @AfterEach}, {@code @BeforeAll}) runs in the test JVM as usual, on JUnit's instance.
 * The body runs in the new JVM on a new instance made by the class's no-argument constructor
 * (field initialisers and static initialisers run there again); it does not see fields that
 * {@code @BeforeEach} set, and {@code @AfterEach} does not see what the body set. Methods with
 * parameters are refused. A time-out ({@code @Timeout}, {@code
 * junit.jupiter.execution.timeout.default}) covers the new JVM's whole run: when it expires, the
 * PID namespace is killed (every process in it) and JUnit reports the time-out.
 *
 * <p>Where no PID namespace can be made (no root, user namespaces disabled, no {@code
 * unshare}), the test fails with one line that says why; the configuration parameter {@code
 * supervisor4j.runAsPid1.unavailable=abort} makes that an aborted (skipped) test with the same
 * line. {@code supervisor4j.runAsPid1.unshare} names the {@code unshare} program (default:
 * found on PATH).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(RunAsPid1Extension.class)
public @interface RunAsPid1 {}
