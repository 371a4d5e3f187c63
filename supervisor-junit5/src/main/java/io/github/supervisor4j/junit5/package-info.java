/**
 * supervisor-junit5: process hygiene for test suites on Linux CI. The public names are the two
 * annotations, {@link io.github.supervisor4j.junit5.NoProcessLeaks} and {@link
 * io.github.supervisor4j.junit5.RunAsPid1}, the view {@link io.github.supervisor4j.junit5.ReapLog}
 * that a checked test may take as a parameter, and {@link
 * io.github.supervisor4j.junit5.NoProcessLeaksExtension}, public only for {@code ServiceLoader}
 * (suite-wide auto-detection) and for its configuration parameter names.
 *
 * <p>Which file holds what:
 *
 * <ul>
 *   <li><b>The leak check</b>: {@code NoProcessLeaksExtension} (the callbacks, the parallel
 *       rule, the {@code ReapLog} parameter), {@code CheckSettings} (annotation over
 *       configuration parameters over defaults), {@code TestWindow} (what was there before a
 *       test, what it left, the report and the stop, on supervisor-posix's {@code
 *       Posix.descendants} and {@code Posix.stop}), {@code TestJvmReaper} (the JVM's one
 *       subreaper with the cooperative reaper, feeding the open {@code ReapLog}s), {@code
 *       Durations} (the option grammar).
 *   <li><b>PID 1</b>: {@code RunAsPid1Extension} (the interceptor), {@code PidNamespaces} (which
 *       {@code unshare} works here, or why none does), {@code Pid1Run} (starts the new JVM,
 *       relays its output, returns its outcome) and {@code Pid1Body} (the new JVM's main).
 * </ul>
 */
package io.github.supervisor4j.junit5;
