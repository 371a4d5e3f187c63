package io.github.supervisor4j.posix.launcher;

import io.github.supervisor4j.SpawnException;

/**
 * Every exit code of the launcher, in one place; {@code --help} (help.txt) repeats them, and
 * README.md and docs/launcher.md list them. As tini: the child's own code, or 128+N when the
 * child was killed by signal N, is passed through; these are the launcher's own.
 */
final class ExitCodes {
  /** --help, --version, --license; a pause ended by SIGINT or SIGTERM; a code remapped by -e. */
  static final int OK = 0;
  /** A usage error: unknown option, bad value, bad environment variable (one line on stderr). */
  static final int USAGE = 1;
  /** A failure of the launcher itself (one line on stderr). */
  static final int FAILURE = 1;
  /** The command was found but could not be executed. */
  static final int NOT_EXECUTABLE = SpawnException.NOT_EXECUTABLE;
  /** The command was not found. */
  static final int NOT_FOUND = SpawnException.NOT_FOUND;

  private ExitCodes() {}
}
