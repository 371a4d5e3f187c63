package io.github.supervisor4j.posix;

import io.github.supervisor4j.SystemCallException;
import java.io.UncheckedIOException;
import java.util.OptionalInt;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link io.github.supervisor4j.ReapPolicy#COOPERATIVE}: reap orphans and our own spawned
 * children, never a child that {@link java.lang.Process} is waiting for.
 *
 * <h2>The kernel and JDK facts it rests on</h2>
 *
 * <ol>
 *   <li>An orphan re-parented to this process (PID 1 or child subreaper) becomes a child of the
 *       first live thread of the thread group, the leader (tid == pid), as long as the leader
 *       lives (kernel/exit.c find_new_reaper, find_alive_thread). With the {@code java}
 *       launcher the leader only waits in pthread_join for the main thread: it runs no Java
 *       code and starts no process.
 *   <li>A child is the child of the thread that forked it, and moves to the leader when that
 *       thread exits (same function). {@code /proc/self/task/<leader>/children} lists exactly
 *       the leader's children.
 *   <li>{@code ProcessBuilder.start()} registers the child's pid in {@code
 *       ProcessHandleImpl.completions} with {@code isReaping} before it returns, and the JDK
 *       removes it only after its own {@code waitpid(pid)} reaped the child ({@link
 *       JdkChildClaims}). {@link PosixReaper#spawn} registers its children under its lock in
 *       the same critical section as posix_spawn, and only this strategy's thread reaps them.
 *   <li>A pid names one process from fork until that process is reaped; only then can the
 *       pid be reused. A pidfd ({@code pidfd_open}, Linux 5.3) pins one process, and {@code
 *       waitid(P_PIDFD, fd, WEXITED)} (Linux 5.4) reaps that process or fails with ECHILD once
 *       it was reaped by someone else; never another process that got its pid.
 * </ol>
 *
 * <h2>The loop</h2>
 *
 * <p>Wake-up ({@link #awaitExit}): {@code waitid(P_ALL, WEXITED | WNOWAIT)} blocks in the kernel
 * until some child is a zombie and reaps nothing. It may report a JDK child that the JDK has not
 * reaped yet; the kernel keeps reporting the first zombie in list order, so when the same pid
 * comes back and a sweep reaped nothing we back off 1, 2, 4, ... 20 ms (never spin) and sweep
 * again each time, which still catches orphans behind that zombie.
 *
 * <p>Then the reaper hands {@link #reap} a snapshot S of the pids registered by {@code
 * Reaper.spawn} and not yet reaped, read after the wake-up, and one callback to report each
 * reaped process. The callback looks the pid up in the reaper's registry itself: the strategy
 * never asks the registry anything.
 *
 * <p>Sweep, children in S: each is reaped with {@code waitid(P_PID, pid, WEXITED | WNOHANG)}.
 * Safe by pid: only this thread reaps them, so a registered pid names the registered process
 * until this thread reaps it. They are handled by pid because a spawned child of a live thread
 * is not on the leader's list.
 *
 * <p>Sweep, everything else: for each pid P on the leader's list (read 1) that is not in S and
 * is a zombie (peek: {@code waitid(P_PID, P, WEXITED|WNOHANG|WNOWAIT)}): {@code fd =
 * pidfd_open(P)}; then read the leader's list again (read 2, once per batch of up to {@value
 * #BATCH} pids); then, only if P is on read 2 and the JDK's table ({@link JdkChildClaims#admit})
 * lets it go, {@code waitid(P_PIDFD, fd, WEXITED | WNOHANG)}.
 *
 * <h2>Why no exit status is ever stolen</h2>
 *
 * <p>Let X be the process that fd pins. If the final waitid reaps X, X was unreaped during the
 * whole interval from pidfd_open to that waitid (fact 4), so P named X throughout. Read 2 lies
 * in that interval and listed P, so X was the leader's child then: X is an orphan, or X's
 * starting thread had exited (fact 2), in which case that thread had finished start() or
 * spawn() and registered X (fact 3). A JDK registration lasts until the JDK reaps X, and the
 * claim check comes after read 2, so it sees it and skips X. A registration by our own spawn()
 * that S missed (made after the snapshot) is harmless: X is then ours, and the callback finds
 * it in the registry and completes its {@code SupervisedProcess} with the status. Hence the
 * reaped X is never a JDK child. The interleavings, one by one:
 *
 * <ul>
 *   <li>P reused between read 1 and pidfd_open: fd pins the new process; the argument above
 *       is about whatever fd pins, so nothing changes.
 *   <li>The JDK reaps X between any two of our steps: our waitid on fd fails with ECHILD; we
 *       reap nothing. If P is then reused by a new JDK child Y of a live thread, Y is not on
 *       read 2 (skip), and even if it were, fd still names X, not Y.
 *   <li>X's starting thread exits during the sweep: X joins the leader's list, but it was
 *       registered before that thread ended, and stays registered until it is reaped.
 *   <li>A child of a live thread (JDK or spawned, not yet registered) is never on the leader's
 *       list, so it is never a candidate: start() may take as long as it likes.
 *   <li>A stale entry (the JDK reaped the child but has not removed the key yet, P was reused
 *       by an orphan while the key lingers, or a pid in S was reaped earlier in this sweep and
 *       reused by an orphan): we skip the orphan in this sweep only. It stays a zombie, so the
 *       wake-up returns at once and a later sweep reaps it.
 *   <li>{@code ProcessHandle.of(P).onExit()} on an orphan puts a non-reaping entry in the
 *       table. We ignore it: that watcher polls until the zombie is gone, so honouring it would
 *       leave both of us waiting forever.
 * </ul>
 *
 * <h2>Corners it cannot close (documented in docs/inapp.md)</h2>
 *
 * <ul>
 *   <li>A JVM whose primordial thread runs Java code that starts processes (a custom JNI
 *       launcher): its children are on the leader's list before they are registered. The
 *       {@code java} launcher never does this; {@code Supervisors.installInit()} warns when it
 *       is called on the primordial thread.
 *   <li>Without access to the JDK's table the {@link JdkChildClaims#heuristic() heuristic}
 *       reaps a leader-list zombie only after it was seen unclaimed twice, 20 ms apart; a JDK
 *       reaper thread held off the CPU longer than that loses its status. A warning at start
 *       says which flag closes it.
 *   <li>A child forked by native code on a thread that then exited, and waited for by another
 *       thread with waitpid: we reap it as an orphan.
 * </ul>
 *
 * <p>Not thread-safe: used by the one reaper thread.
 */
final class CooperativeStrategy implements ReapStrategy {
  private static final Logger log = LoggerFactory.getLogger(CooperativeStrategy.class);
  static final int BATCH = 256;
  private static final long MIN_BACKOFF_NANOS = 1_000_000L;
  private static final long MAX_BACKOFF_NANOS = 20_000_000L;

  private final JdkChildClaims jdk;
  private final int leader = Os.getpid();
  private final Os.SigInfo wake = new Os.SigInfo();
  private final Os.SigInfo info = new Os.SigInfo();
  private final int[] pids = new int[BATCH];
  private final int[] fds = new int[BATCH];
  private int lastWoken;
  private long backoffNanos;
  private boolean warnedDescriptors;
  /** False once the report said the reaper is closed, until the next sweep. */
  private boolean open;

  /**
   * @throws io.github.supervisor4j.UnavailableException if the kernel lacks what the race
   *     analysis needs ({@link KernelSupport#requireCooperativeReaping})
   */
  CooperativeStrategy(JdkChildClaims jdk) {
    KernelSupport.requireCooperativeReaping(leader);
    this.jdk = jdk;
  }

  @Override
  public boolean awaitExit() {
    if (Os.waitid(Os.P_ALL, 0, wake, Os.WEXITED | Os.WNOWAIT)) return true;
    jdk.forget();
    return false;
  }

  @Override
  public void reap(int[] spawned, Report report) {
    open = true;
    int woken = wake.pid();
    int reaped;
    try {
      reaped = reapSpawned(spawned, report) + reapAdopted(spawned, report);
    } catch (SystemCallException | UncheckedIOException e) {
      // Skipping a sweep never takes a status from anyone; retry after the longest back-off.
      log.error("process {}: reaping sweep failed, retrying in {} ms: {}", leader, MAX_BACKOFF_NANOS / 1_000_000, e.getMessage());
      LockSupport.parkNanos(MAX_BACKOFF_NANOS);
      return;
    }
    if (reaped > 0 || woken != lastWoken) {
      backoffNanos = 0;
    } else {
      // The same zombie again and nothing for us: it is the JDK's, not yet reaped by its thread.
      backoffNanos = Math.min(Math.max(MIN_BACKOFF_NANOS, backoffNanos * 2), MAX_BACKOFF_NANOS);
      LockSupport.parkNanos(backoffNanos);
    }
    lastWoken = woken;
  }

  private int reapSpawned(int[] spawned, Report report) {
    int n = 0;
    for (int i = 0; i < spawned.length && open; i++) {
      if (Os.waitid(Os.P_PID, spawned[i], info, Os.WEXITED | Os.WNOHANG)) {
        open = report.reaped(spawned[i], info.exitStatus());
        n++;
      }
    }
    return n;
  }

  private int reapAdopted(int[] spawned, Report report) {
    int[] first = Proc.childrenOf(leader);
    int n = 0;
    int i = 0;
    while (i < first.length && open) {
      int k = 0;
      boolean outOfDescriptors = false;
      try {
        for (; i < first.length && k < BATCH; i++) {
          int pid = first[i];
          if (Proc.contains(spawned, pid) || !isZombie(pid)) continue;
          OptionalInt fd;
          try {
            fd = Os.pidfdOpen(pid);
          } catch (SystemCallException e) {
            if (e.errno() != Os.EMFILE) throw e;
            outOfDescriptors = true;
            break;
          }
          if (fd.isEmpty()) continue; // reaped meanwhile (by the JDK)
          pids[k] = pid;
          fds[k] = fd.getAsInt();
          k++;
        }
      } catch (RuntimeException e) {
        closeAll(0, k);
        throw e;
      }
      if (k == 0) {
        if (outOfDescriptors) warnDescriptors();
        break;
      }
      int consumed = 0; // reapPinned takes each fd it is given, even when it throws
      try {
        int[] second = Proc.childrenOf(leader);
        jdk.beginBatch();
        while (consumed < k) {
          int j = consumed++;
          n += reapPinned(pids[j], fds[j], second, report);
        }
      } finally {
        closeAll(consumed, k);
      }
    }
    jdk.endSweep();
    return n;
  }

  /** The steps after read 2 for one pinned candidate; always takes {@code fd}. */
  private int reapPinned(int pid, int fd, int[] second, Report report) {
    if (!open || !Proc.contains(second, pid)) {
      Os.close(fd);
      return 0;
    }
    OptionalInt admitted = jdk.admit(pid, fd);
    if (admitted.isEmpty()) return 0;
    int reapFd = admitted.getAsInt();
    try {
      report.reaping(pid);
      if (!Os.waitid(Os.P_PIDFD, reapFd, info, Os.WEXITED | Os.WNOHANG)) return 0;
      open = report.reaped(pid, info.exitStatus());
      return 1;
    } finally {
      Os.close(reapFd);
    }
  }

  /**
   * 100 ms, not 1 s: in an app, children mostly come from ProcessBuilder, which cannot wake
   * the reaper, so the first orphan of an app that had no child waits up to this long.
   */
  @Override
  public long idleRecheckMillis() {
    return 100;
  }

  @Override
  public void release() {
    jdk.forget();
  }

  private void closeAll(int from, int to) {
    for (int j = from; j < to; j++) Os.close(fds[j]);
  }

  private boolean isZombie(int pid) {
    return Os.waitid(Os.P_PID, pid, info, Os.WEXITED | Os.WNOHANG | Os.WNOWAIT);
  }

  private void warnDescriptors() {
    if (!warnedDescriptors) {
      warnedDescriptors = true;
      log.warn("process {}: pidfd_open failed: EMFILE (Too many open files); orphans wait until descriptors are free. "
          + "Raise the limit (ulimit -n)", leader);
    }
  }
}
