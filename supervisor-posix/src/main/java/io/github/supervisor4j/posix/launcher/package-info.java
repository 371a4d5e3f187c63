/**
 * The {@code java -jar supervisor-posix-<version>-launcher.jar} program, a drop-in for tini:
 * {@link io.github.supervisor4j.posix.launcher.Launcher} (the story, as tini's {@code main}),
 * {@code LauncherOptions} (tini's and dumb-init's command line and environment), {@code
 * ShutdownOptions} (the graceful-shutdown options' grammar), {@code ExitCodes} (every exit code),
 * {@code LauncherLog} with its slf4j provider and logger (tini-style lines on stderr), and
 * help.txt (the {@code --help} text, a resource next to these classes).
 *
 * <p>It is built on the public API and on the library's entry points {@link
 * io.github.supervisor4j.posix.Posix} and {@link io.github.supervisor4j.posix.ShutdownCoordinator},
 * nothing else of supervisor-posix.
 */
package io.github.supervisor4j.posix.launcher;
