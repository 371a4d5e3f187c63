package io.github.supervisor4j.posix;

import io.github.supervisor4j.SystemCallException;
import io.github.supervisor4j.UnavailableException;
import java.util.Optional;
import java.util.OptionalInt;

/** Whether this kernel, and this process's view of /proc, offer what a policy's safety rests on. */
final class KernelSupport {
  private KernelSupport() {}

  /**
   * Checks what {@link CooperativeStrategy}'s race analysis needs: a /proc of our own PID
   * namespace, a live primordial thread (orphans go to it), the {@code children} files,
   * pidfd_open (Linux 5.3) and waitid(P_PIDFD) (Linux 5.4).
   *
   * @throws UnavailableException naming what is missing and the alternatives
   */
  static void requireCooperativeReaping(int pid) {
    String why = null;
    OptionalInt procSelf = Proc.selfPid();
    Optional<Proc.Stat> leader = Proc.threadStat(pid);
    if (procSelf.isEmpty() || procSelf.getAsInt() != pid) {
      why = "/proc belongs to another PID namespace (/proc/self is " + (procSelf.isPresent() ? procSelf.getAsInt() : "unreadable")
          + ", getpid() is " + pid + "); mount a proc for this namespace (unshare --mount-proc, or a container runtime does it)";
    } else if (leader.isEmpty() || leader.get().isZombie()) {
      why = "the primordial thread " + pid + " has exited (state " + leader.map(s -> String.valueOf(s.state())).orElse("gone")
          + "), so orphans go to another thread";
    } else if (!Proc.hasChildrenFiles(pid)) {
      why = "/proc/" + pid + "/task/" + pid + "/children is missing (kernel built without CONFIG_PROC_CHILDREN)";
    } else {
      why = probePidfds(pid);
    }
    if (why != null) {
      throw new UnavailableException("process " + pid + ": the COOPERATIVE reap policy cannot run safely here: " + why
          + ". Use a C init (tini) as PID 1, or the supervisor4j launcher");
    }
  }

  /** Null if pidfd_open and waitid(P_PIDFD) both work, else what failed. */
  private static String probePidfds(int pid) {
    int fd;
    try {
      fd = Os.pidfdOpen(pid).orElseThrow();
    } catch (SystemCallException e) {
      return e.getMessage() + " (pidfd_open needs Linux 5.3)";
    }
    try {
      Os.waitid(Os.P_PIDFD, fd, new Os.SigInfo(), Os.WEXITED | Os.WNOHANG); // ECHILD: we are not our own child
      return null;
    } catch (SystemCallException e) {
      return e.getMessage() + " (waitid(P_PIDFD) needs Linux 5.4)";
    } finally {
      Os.close(fd);
    }
  }
}
