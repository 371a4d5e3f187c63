/**
 * supervisor4j's API: what a JVM needs to be a correct PID 1 or subreaper, with no native code.
 *
 * <ul>
 *   <li>The one entry point: {@link io.github.supervisor4j.Supervisors} (finds the implementation,
 *       supervisor-posix, with ServiceLoader).
 *   <li>Reaping: {@link io.github.supervisor4j.Reaper} with its {@link io.github.supervisor4j.ReaperConfig}
 *       and {@link io.github.supervisor4j.ReapPolicy}; its events {@link
 *       io.github.supervisor4j.ReapedProcess} and {@link io.github.supervisor4j.ReaperStats}.
 *   <li>Spawning: {@link io.github.supervisor4j.ChildSpec} (with its {@link
 *       io.github.supervisor4j.ProcessGroup}) and {@link io.github.supervisor4j.SupervisedProcess}.
 *   <li>Forwarding signals: {@link io.github.supervisor4j.SignalForwarder}, {@link
 *       io.github.supervisor4j.ForwarderConfig}, {@link io.github.supervisor4j.ForwardTarget}, {@link
 *       io.github.supervisor4j.ForwardEvent}, {@link io.github.supervisor4j.Signal}.
 *   <li>Shutting a tree down: {@link io.github.supervisor4j.TreeShutdown} and {@link
 *       io.github.supervisor4j.ShutdownConfig}.
 *   <li>In-app init, the one-liner for an application's main: {@link io.github.supervisor4j.Init},
 *       {@link io.github.supervisor4j.InitConfig}.
 *   <li>Values and failures: {@link io.github.supervisor4j.ExitStatus}, {@link
 *       io.github.supervisor4j.SupervisorException} and its subclasses.
 * </ul>
 */
package io.github.supervisor4j;
