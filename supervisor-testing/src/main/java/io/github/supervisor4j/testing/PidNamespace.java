package io.github.supervisor4j.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as PID 1 of a fresh PID namespace ({@code unshare --pid --fork --mount-proc
 * --kill-child}), which needs root.
 *
 * <p>The rule for tests that need one: without root a developer's run skips them; in CI
 * ({@code CI=true}, or the system property {@code supervisor4j.requireNamespaces=true}) they
 * fail instead, with one line saying why, so that a CI run can never pass with them silently
 * skipped.
 */
public final class PidNamespace {
  private static Boolean usable; // guarded by PidNamespace.class

  private PidNamespace() {}

  /** Aborts (locally) or fails (in CI) the calling test if PID namespaces cannot be made here. */
  public static synchronized void require() {
    if (usable == null) usable = probe();
    if (usable) return;
    String why = "cannot create a PID namespace here (needs root and unshare from util-linux)";
    if (required()) fail(why + "; CI requires PID-namespace tests to run");
    assumeTrue(false, why);
  }

  /** Whether tests that need a PID namespace must run (CI) rather than be skipped. */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("supervisor4j.requireNamespaces");
  }

  /**
   * {@code command} prefixed so that its first word runs as PID 1 of a new PID namespace with
   * its own /proc; the namespace dies with unshare ({@code --kill-child}).
   */
  public static List<String> wrap(List<String> command) {
    List<String> out = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child"));
    out.addAll(command);
    return out;
  }

  /**
   * As {@link #wrap}, and with its own /tmp, as in a container: JVMs that are PID 1 of
   * different namespaces would otherwise share /tmp/hsperfdata_root/1 and the attach socket
   * /tmp/.java_pid1. {@code sh} mounts the tmpfs, then execs the command, which keeps pid 1.
   */
  public static List<String> wrapWithPrivateTmp(List<String> command) {
    List<String> out = new ArrayList<>(List.of("sh", "-c", mountPrivateTmp("") + " && exec \"$@\"", "sh"));
    out.addAll(command);
    return wrap(out);
  }

  private static boolean probe() {
    try {
      Process p = new ProcessBuilder(wrap(List.of("sh", "-c", "test $$ -eq 1"))).inheritIO().start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * A {@code sh} command that mounts a fresh tmpfs on /tmp (then remounts it with {@code
   * options}, e.g. {@code noexec} or {@code ro}, if not empty); run it in a new mount namespace.
   * A build that lies under /tmp (a CI clone in /tmp/x, say) would vanish under the tmpfs, with
   * the classpath and the fixtures; so its top directory there is first bound back in place.
   */
  public static String mountPrivateTmp(String options) {
    String remount = options.isEmpty() ? "" : " && mount -o remount," + options + " /tmp";
    Path dir = Paths.get("").toAbsolutePath().normalize();
    Path tmp = Paths.get("/tmp");
    if (!dir.startsWith(tmp) || dir.equals(tmp)) return "mount -t tmpfs tmpfs /tmp" + remount;
    String top = "/tmp/" + tmp.relativize(dir).getName(0);
    return "k=$(mktemp -d /dev/shm/s4j-tmp.XXXXXX) && mount --bind /tmp \"$k\" && mount -t tmpfs tmpfs /tmp"
        + " && mkdir -p '" + top + "' && mount --bind \"$k" + top.substring(4) + "\" '" + top + "'"
        + " && umount \"$k\" && rmdir \"$k\"" + remount;
  }
}
