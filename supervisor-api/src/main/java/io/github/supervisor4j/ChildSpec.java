package io.github.supervisor4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What to start: the command, its directory and environment, its process group or session,
 * and which inherited descriptors it keeps. Immutable; each {@code with} method returns a
 * copy, in the manner of {@link ProcessBuilder} but without its shared mutable state.
 *
 * <p>Defaults: the current directory and this process's own environment (the C library's
 * {@code environ}, byte for byte), the parent's process group, and descriptors 0, 1 and 2
 * only. Every other descriptor is closed in the child, except those named by {@link
 * #withPassedFds} and, when this process's environment has {@code LISTEN_FDS=n} (socket
 * activation), descriptors 3 to 3+n-1. The child always starts with an empty signal mask and
 * every signal at its default disposition.
 */
public final class ChildSpec {
  private final List<String> command;
  private final Path directory;
  private final Map<String, String> environment;
  private final boolean newProcessGroup;
  private final boolean newSession;
  private final SortedSet<Integer> passedFds;
  private final boolean foreground;

  private ChildSpec(List<String> command, Path directory, Map<String, String> environment,
      boolean newProcessGroup, boolean newSession, SortedSet<Integer> passedFds) {
    this(command, directory, environment, newProcessGroup, newSession, passedFds, false);
  }

  private ChildSpec(List<String> command, Path directory, Map<String, String> environment,
      boolean newProcessGroup, boolean newSession, SortedSet<Integer> passedFds, boolean foreground) {
    this.command = command;
    this.directory = directory;
    this.environment = environment;
    this.newProcessGroup = newProcessGroup;
    this.newSession = newSession;
    this.passedFds = passedFds;
    this.foreground = foreground;
  }

  /**
   * A child running {@code command}, looked up in {@code PATH} when it has no slash.
   *
   * @param command the program and its arguments
   * @return the spec, with the defaults above
   * @throws IllegalArgumentException if the command or its name is empty, or an argument has
   *     a NUL byte
   */
  public static ChildSpec of(List<String> command) {
    Objects.requireNonNull(command, "command == null");
    if (command.isEmpty()) throw new IllegalArgumentException("command is empty");
    for (String arg : command) {
      Objects.requireNonNull(arg, "command has a null argument");
      if (arg.indexOf('\0') >= 0) throw new IllegalArgumentException("argument has a NUL byte: " + arg);
    }
    if (command.get(0).isEmpty()) throw new IllegalArgumentException("command name is empty");
    return new ChildSpec(List.copyOf(command), null, null, false, false, Collections.emptySortedSet());
  }

  /**
   * A child running {@code command}; see {@link #of(List)}.
   *
   * @param command the program and its arguments
   * @return the spec, with the defaults above
   */
  public static ChildSpec of(String... command) {
    return of(Arrays.asList(command));
  }

  /**
   * Runs the child in {@code directory} instead of the current one.
   *
   * @param directory the child's working directory
   * @return a copy with that directory
   */
  public ChildSpec withDirectory(Path directory) {
    return new ChildSpec(command, Objects.requireNonNull(directory, "directory == null"), environment,
        newProcessGroup, newSession, passedFds, foreground);
  }

  /**
   * Gives the child exactly this environment instead of this process's own.
   *
   * @param environment the variables, copied in their iteration order
   * @return a copy with that environment
   * @throws IllegalArgumentException if a name is empty or has an {@code =}
   */
  public ChildSpec withEnvironment(Map<String, String> environment) {
    Map<String, String> copy = new LinkedHashMap<>();
    environment.forEach((k, v) -> {
      if (k.isEmpty() || k.indexOf('=') >= 0) throw new IllegalArgumentException("bad environment name: " + k);
      copy.put(k, Objects.requireNonNull(v, "environment value == null for " + k));
    });
    return new ChildSpec(command, directory, Collections.unmodifiableMap(copy), newProcessGroup, newSession, passedFds, foreground);
  }

  /**
   * Puts the child in a new process group whose id is its pid (setpgid(0, 0)).
   *
   * @param newProcessGroup true for a new group; the default is false
   * @return a copy with that setting
   */
  public ChildSpec withNewProcessGroup(boolean newProcessGroup) {
    return new ChildSpec(command, directory, environment, newProcessGroup, newSession, passedFds, foreground);
  }

  /**
   * Makes the child's new process group the foreground group of the terminal on standard
   * input, as tini does, so that Ctrl-C and Ctrl-Z reach the child. It applies only with
   * {@link #withNewProcessGroup}, and only when standard input is this process's controlling
   * terminal and this process is in its foreground group; otherwise it is ignored. The
   * hand-over happens in the child before it executes (glibc 2.35's
   * posix_spawn_file_actions_addtcsetpgrp_np), so the child never starts in the background.
   *
   * @param foreground true to hand the terminal over; the default is false
   * @return a copy with that setting
   */
  public ChildSpec withForeground(boolean foreground) {
    return new ChildSpec(command, directory, environment, newProcessGroup, newSession, passedFds, foreground);
  }

  /**
   * Starts the child in a new session (setsid), as dumb-init does by default. Implies a new group.
   *
   * @param newSession true for a new session; the default is false
   * @return a copy with that setting
   */
  public ChildSpec withNewSession(boolean newSession) {
    return new ChildSpec(command, directory, environment, newProcessGroup, newSession, passedFds, foreground);
  }

  /**
   * Keeps these inherited descriptors open in the child, besides 0, 1, 2 and socket
   * activation's.
   *
   * @param fds the descriptors, added to those already named
   * @return a copy that keeps them too
   * @throws IllegalArgumentException if a descriptor is negative
   */
  public ChildSpec withPassedFds(int... fds) {
    SortedSet<Integer> set = new TreeSet<>(passedFds);
    for (int fd : fds) {
      if (fd < 0) throw new IllegalArgumentException("fd < 0: " + fd);
      set.add(fd);
    }
    return new ChildSpec(command, directory, environment, newProcessGroup, newSession,
        Collections.unmodifiableSortedSet(set), foreground);
  }

  /** {@return the program and its arguments, unmodifiable} */
  public List<String> command() {
    return command;
  }

  /** {@return the working directory, or empty for this process's current one} */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** {@return the explicit environment, or empty to inherit this process's own} */
  public Optional<Map<String, String>> environment() {
    return Optional.ofNullable(environment);
  }

  /** {@return true if the child gets a new process group; see {@link #withNewProcessGroup}} */
  public boolean newProcessGroup() {
    return newProcessGroup;
  }

  /** {@return true if the child gets a new session; see {@link #withNewSession}} */
  public boolean newSession() {
    return newSession;
  }

  /** {@return true if the child's group is to become the terminal's foreground group; see {@link #withForeground}} */
  public boolean foreground() {
    return foreground;
  }

  /** {@return the descriptors named by {@link #withPassedFds}, ascending} */
  public SortedSet<Integer> passedFds() {
    return passedFds;
  }

  @Override
  public String toString() {
    return String.join(" ", new ArrayList<>(command));
  }
}
