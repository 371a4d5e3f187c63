/**
 * supervisor-posix: the Linux implementation of supervisor4j, found by {@code ServiceLoader}
 * ({@link io.github.supervisor4j.posix.PosixSupervisorProvider}). Applications use {@code
 * io.github.supervisor4j.Supervisors}; the only other public types are {@link
 * io.github.supervisor4j.posix.Posix} and {@link io.github.supervisor4j.posix.ShutdownCoordinator}
 * (the entry points of the launcher and of supervisor-junit5), {@link
 * io.github.supervisor4j.posix.ProcessSnapshot} (one process as /proc showed it, which those
 * entry points hand out), {@link io.github.supervisor4j.posix.InitAgent} (the {@code
 * -javaagent}) and {@link io.github.supervisor4j.posix.LibC} (public for jnr-ffi only).
 *
 * <p>The rooms, by what they do:
 *
 * <ul>
 *   <li><b>Reaping</b>: {@code PosixReaper} (the thread, the registry of spawned children, the
 *       events) runs a {@code ReapStrategy}: {@code ExclusiveStrategy} ({@code waitid(P_ALL)})
 *       or {@code CooperativeStrategy} (never a {@code Process} child: its race analysis is in
 *       its class comment), which asks {@code JdkChildClaims} which zombies the JDK will reap.
 *       {@code KernelSupport} checks what COOPERATIVE needs; {@code WaitStatus} decodes how a
 *       child ended.
 *   <li><b>Forwarding signals</b>: {@code PosixSignalForwarder} holds the one rule; its {@code
 *       SignalPath} is {@code NativeSignalPath} (libs4jsig's C handler, src/main/c, loaded by
 *       {@code NativeSignals}, bound by {@code S4jSig}) or {@code JavaSignalPath}; {@code
 *       SignalHandlers} is the one installer of {@code sun.misc.Signal} handlers; {@code
 *       Forwarding} sends and reports one signal. {@code PosixInit} is the in-app init.
 *   <li><b>Spawning</b>: {@code Spawner} (posix_spawnp, clean signals and descriptors, the
 *       terminal hand-over) and {@code PosixSupervisedProcess}.
 *   <li><b>Shutting a tree down</b>: {@code ProcessTree} (who is ours, pidfd-safe signalling; a
 *       selection of it for {@code Posix.stop}),
 *       {@code Escalation} (SIGTERM, SIGKILL, reap), {@code ShutdownCoordinator} (the
 *       launcher's sequence around a main child), {@code PosixTreeShutdown} (in-app), {@code
 *       Waker} (their one wait loop).
 *   <li><b>The native line</b>: {@code LibC} (C names) and its bindings, {@code JniLibC}
 *       (libs4jsig's JNI functions, {@code Jni}; loaded by {@code NativeSignals}) and {@code
 *       JffiLibC} (jffi, where libs4jsig cannot load), each with its {@code NativeMemory}, are
 *       called only by {@code Os} (Java names, {@code SystemCallException}s); {@code
 *       JffiSetup} says where native code is unpacked and prepares jffi before it loads; {@code Proc} is the one reader of /proc;
 *       {@code Platform} the one reader of os.name and os.arch.
 * </ul>
 *
 * <p>The launcher lives over these in {@link io.github.supervisor4j.posix.launcher}.
 */
package io.github.supervisor4j.posix;
