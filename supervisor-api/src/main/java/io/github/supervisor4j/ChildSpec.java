package io.github.supervisor4j;

import java.nio.file.Path;
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
 * What to start: the command, its directory and environment, its {@link ProcessGroup}, and
 * which inherited descriptors it keeps. Immutable; each {@code with} method returns a copy, in
 * the manner of {@link ProcessBuilder} but without its shared mutable state.
 *
 * <p>Defaults: the current directory and this process's own environment (the C library's
 * {@code environ}, byte for byte), {@link ProcessGroup#INHERIT}, and descriptors 0, 1 and 2
 * only. Every other descriptor is closed in the child, except those named by {@link
 * #withPassedFds} and, when this process's environment has {@code LISTEN_FDS=n} (socket
 * activation), descriptors 3 to 3+n-1. The child always starts with an empty signal mask and
 * every signal at its default disposition.
 */
public final class ChildSpec {
  private final List<String> command;
  private final Path directory; // null: the current one
  private final Map<String, String> environment; // null: this process's own
  private final ProcessGroup processGroup;
  private final SortedSet<Integer> passedFds;

  private ChildSpec(Copy c) {
    this.command = c.command;
    this.directory = c.directory;
    this.environment = c.environment;
    this.processGroup = c.processGroup;
    this.passedFds = c.passedFds;
  }

  /** The fields of a spec while one {@code with} method changes one of them. */
  private static final class Copy {
    List<String> command;
    Path directory;
    Map<String, String> environment;
    ProcessGroup processGroup = ProcessGroup.INHERIT;
    SortedSet<Integer> passedFds = Collections.emptySortedSet();

    Copy(List<String> command) {
      this.command = command;
    }

    Copy(ChildSpec s) {
      command = s.command;
      directory = s.directory;
      environment = s.environment;
      processGroup = s.processGroup;
      passedFds = s.passedFds;
    }
  }

  /**
   * A child running {@code command}, looked up in {@code PATH} when it has no slash.
   *
   * @param command the program and its arguments
   * @return the spec, with the defaults above
   * @throws IllegalArgumentException if the command is empty, its name is empty, or an
   *     argument holds a NUL byte
   * @throws NullPointerException if the command or an argument is null
   */
  public static ChildSpec of(List<String> command) {
    Objects.requireNonNull(command, "command == null");
    if (command.isEmpty()) throw new IllegalArgumentException("command is empty");
    for (String arg : command) {
      Objects.requireNonNull(arg, "command has a null argument");
      if (arg.indexOf('\0') >= 0) throw new IllegalArgumentException("argument has a NUL byte: " + arg);
    }
    if (command.get(0).isEmpty()) throw new IllegalArgumentException("command name is empty");
    return new ChildSpec(new Copy(List.copyOf(command)));
  }

  /**
   * A child running {@code command}; see {@link #of(List)}.
   *
   * @param command the program and its arguments
   * @return the spec, with the defaults above
   * @throws IllegalArgumentException as {@link #of(List)}
   */
  public static ChildSpec of(String... command) {
    return of(Arrays.asList(command));
  }

  /**
   * Runs the child in {@code directory} instead of the current one.
   *
   * @param directory the child's working directory
   * @return a copy with that directory
   * @throws NullPointerException if {@code directory} is null
   */
  public ChildSpec withDirectory(Path directory) {
    Copy c = new Copy(this);
    c.directory = Objects.requireNonNull(directory, "directory == null");
    return new ChildSpec(c);
  }

  /**
   * Gives the child exactly this environment instead of this process's own.
   *
   * @param environment the variables, copied in their iteration order
   * @return a copy with that environment
   * @throws IllegalArgumentException if a name is empty or holds '='
   * @throws NullPointerException if a value is null
   */
  public ChildSpec withEnvironment(Map<String, String> environment) {
    Map<String, String> copy = new LinkedHashMap<>();
    environment.forEach((k, v) -> {
      if (k.isEmpty() || k.indexOf('=') >= 0) throw new IllegalArgumentException("bad environment name: " + k);
      copy.put(k, Objects.requireNonNull(v, "environment value == null for " + k));
    });
    Copy c = new Copy(this);
    c.environment = Collections.unmodifiableMap(copy);
    return new ChildSpec(c);
  }

  /**
   * Puts the child in {@code group}: this process's, a new one, a new one in the terminal's
   * foreground, or a new session.
   *
   * @param group the choice; the default is {@link ProcessGroup#INHERIT}
   * @return a copy with that group
   * @throws NullPointerException if {@code group} is null
   */
  public ChildSpec withProcessGroup(ProcessGroup group) {
    Copy c = new Copy(this);
    c.processGroup = Objects.requireNonNull(group, "group == null");
    return new ChildSpec(c);
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
    Copy c = new Copy(this);
    c.passedFds = Collections.unmodifiableSortedSet(set);
    return new ChildSpec(c);
  }

  /** {@return the command and its arguments; unmodifiable} */
  public List<String> command() {
    return command;
  }

  /** {@return the directory the child starts in, or empty for this process's current one} */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** {@return the explicit environment, or empty to inherit this process's own} */
  public Optional<Map<String, String>> environment() {
    return Optional.ofNullable(environment);
  }

  /** {@return the process group and session the child joins} */
  public ProcessGroup processGroup() {
    return processGroup;
  }

  /** {@return the descriptors named by {@link #withPassedFds}, ascending} */
  public SortedSet<Integer> passedFds() {
    return passedFds;
  }

  @Override
  public String toString() {
    return String.join(" ", command);
  }
}
