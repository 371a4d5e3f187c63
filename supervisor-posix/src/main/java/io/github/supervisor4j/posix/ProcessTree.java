package io.github.supervisor4j.posix;

import io.github.supervisor4j.Signal;
import io.github.supervisor4j.SystemCallException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The processes this process is responsible for, read from /proc, and a way to signal them
 * that never hits a process that merely got one of their pids later.
 *
 * <p>Which processes: as PID 1 of a PID namespace, every other process of the namespace,
 * including processes that joined it from outside ({@code nsenter}, {@code docker exec}) whose
 * parent is not in the namespace. Otherwise (a
 * subreaper, or PID 1 with the host's /proc) only our descendants: a walk of {@code
 * /proc/<pid>/task/<tid>/children} from our own pid. That walk includes adopted orphans,
 * double-forked daemons and {@code setsid} escapees, because the kernel re-parents each of
 * them to us, the nearest subreaper, when its parent dies; and it can never include a process
 * outside our subtree. If /proc was mounted for another PID namespace than ours, its pids are
 * not ours to signal, and the tree is empty ({@link #ofThisProcess()}). Every thread's {@code
 * children} file is read, since a child belongs to the thread that forked it (a {@code
 * ProcessBuilder} child to the thread that called {@code start()}) until that thread exits
 * (kernel/exit.c, forget_original_parent).
 *
 * <p>Why not cgroup v2's {@code cgroup.kill}: it only sends SIGKILL (the SIGTERM step still
 * needs the list), and it needs a cgroup that we own and that holds nothing but our tree;
 * see docs/shutdown.md for what this machine offers and the measurements.
 *
 * <p>Pid reuse: a listed process may exit and its pid be given to an unrelated process before
 * we signal it. {@link #signal} therefore opens a pidfd first and then checks, on /proc, that
 * the pid still has the start time we listed; the pidfd then names that very process, and
 * pidfd_send_signal(2) cannot reach anyone else. Kernels before 5.3 have no pidfd_open: there
 * the start-time check and kill(2) leave a window of a few microseconds, which is logged once.
 *
 * <p>Thread-safe: it keeps no state but its own pid and scope. Each {@link #signal} is a few
 * /proc reads and at most three system calls.
 */
final class ProcessTree {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProcessTree.class);
  /**
   * Set once pidfd_open said ENOSYS (Linux before 5.3); {@code -Dsupervisor4j.pidfd=false}
   * sets it from the start, to exercise that fallback on a newer kernel.
   */
  private static volatile boolean pidfdMissing = "false".equals(System.getProperty("supervisor4j.pidfd"));

  static {
    if (pidfdMissing) log.debug("pidfds disabled by -Dsupervisor4j.pidfd=false: signalling by pid after a start-time check");
  }

  /** Which processes are ours: every other one in the PID namespace, our descendants, or none visible. */
  enum Scope { NAMESPACE, SUBTREE, NONE }

  private final int self;
  private final Scope scope;
  /** Which of the members this tree is about: all of them, or a part chosen by the caller. */
  private final UnaryOperator<List<Proc.Stat>> selection;

  ProcessTree(int self, Scope scope) {
    this(self, scope, UnaryOperator.identity());
  }

  private ProcessTree(int self, Scope scope, UnaryOperator<List<Proc.Stat>> selection) {
    this.self = self;
    this.scope = scope;
    this.selection = selection;
  }

  /**
   * The part of this tree that {@code selection} picks from each fresh listing of its members
   * (it may only drop members, never add any): an escalation on it signals and awaits only
   * those. Each signal still checks that its target is ours ({@link #signal}), so a selection
   * can never reach a process outside the tree.
   */
  ProcessTree selecting(UnaryOperator<List<Proc.Stat>> selection) {
    return new ProcessTree(self, scope, members -> selection.apply(this.selection.apply(members)));
  }

  /**
   * The tree of this process: the namespace when PID 1, else the subtree. If /proc belongs to
   * another PID namespace than ours (PID 1 of a namespace without {@code --mount-proc}), its pids
   * mean other processes than ours, and pidfd_open and kill would reach strangers: then the
   * tree is {@link Scope#NONE}, empty, and a warning says how to fix it.
   */
  static ProcessTree ofThisProcess() {
    int self = Os.getpid();
    OptionalInt seen = Proc.selfPid();
    if (seen.isEmpty() || seen.getAsInt() != self) {
      log.warn("process {} cannot use /proc, which shows another PID namespace (/proc/self is {}): no process but "
          + "the main child will be signalled on shutdown. Fix: mount /proc for this namespace (unshare --mount-proc; "
          + "container runtimes do it)", self, seen.isPresent() ? Integer.toString(seen.getAsInt()) : "unreadable");
      return new ProcessTree(self, Scope.NONE);
    }
    return new ProcessTree(self, self == 1 ? Scope.NAMESPACE : Scope.SUBTREE);
  }

  Scope scope() {
    return scope;
  }

  int self() {
    return self;
  }

  /** Every process that is ours, zombies included, ourselves excluded. */
  List<Proc.Stat> members() {
    switch (scope) {
      case NAMESPACE: return new ArrayList<>(selection.apply(namespace()));
      case SUBTREE: return new ArrayList<>(selection.apply(subtree()));
      default: return new ArrayList<>();
    }
  }

  /** {@link #members()} less the zombies: the processes a signal can still reach. */
  List<Proc.Stat> alive() {
    List<Proc.Stat> all = members();
    all.removeIf(Proc.Stat::isZombie);
    return all;
  }

  private List<Proc.Stat> namespace() {
    List<Proc.Stat> out = new ArrayList<>();
    for (int pid : Proc.pids()) {
      if (pid != self) Proc.stat(pid).ifPresent(out::add);
    }
    return out;
  }

  private List<Proc.Stat> subtree() {
    List<Proc.Stat> out = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    Deque<Integer> parents = new ArrayDeque<>();
    parents.add(self);
    seen.add(self);
    while (!parents.isEmpty()) {
      int parent = parents.poll();
      for (int child : Proc.childrenOfProcess(parent)) {
        if (!seen.add(child)) continue;
        Optional<Proc.Stat> m = Proc.stat(child);
        // Gone since its parent listed it, or its pid already reused by a process outside the
        // tree: skip it. A child re-parented to us meanwhile (its parent died) is still ours.
        if (m.isEmpty() || (m.get().ppid() != parent && m.get().ppid() != self)) continue;
        out.add(m.get());
        parents.add(child);
      }
    }
    return out;
  }

  /**
   * Sends {@code signal} to {@code m} if it is still that process (same pid and start time)
   * and not a zombie.
   *
   * @return true if sent; false if the process is gone, a zombie, or its pid now belongs to
   *     another process
   * @throws SystemCallException if the kernel refuses for another reason (EPERM)
   */
  boolean signal(Proc.Stat m, Signal signal) {
    if (m.pid() == self || m.pid() <= 0) throw new IllegalArgumentException("not a descendant: " + m);
    int pidfd = -1; // none: signal by pid
    if (!pidfdMissing) {
      try {
        OptionalInt fd = Os.pidfdOpen(m.pid());
        if (fd.isEmpty()) return false; // exited and reaped
        pidfd = fd.getAsInt();
      } catch (SystemCallException e) {
        if (e.errno() != Os.ENOSYS) throw e;
        pidfdMissing = true;
        log.warn("pidfd_open is missing (Linux before 5.3): signalling by pid after a start-time check, "
            + "which leaves a pid-reuse window of microseconds");
      }
    }
    try {
      // Checked after opening the pidfd: if the pid still shows the start time we listed, the
      // pidfd was opened on the process we listed, not on a newcomer that reused its pid.
      Proc.Stat now = Proc.stat(m.pid()).orElse(null);
      if (now == null || now.startTime() != m.startTime() || now.isZombie()) return false;
      if (!isOurs(now)) {
        log.error("refusing to send {} to process {}: it is not a descendant of process {}", signal, now, self);
        return false;
      }
      return pidfd >= 0 ? Os.pidfdSendSignal(pidfd, m.pid(), signal) : Os.kill(m.pid(), signal);
    } finally {
      if (pidfd >= 0) Os.close(pidfd);
    }
  }

  /**
   * Checked again right before each signal, so that a mistake in listing can never reach a
   * process outside the tree: in the namespace scope every process but ourselves is ours; in
   * the subtree scope the chain of parents must lead to us.
   */
  private boolean isOurs(Proc.Stat m) {
    if (scope == Scope.NAMESPACE) return m.pid() != self;
    if (scope == Scope.NONE) return false;
    int ppid = m.ppid();
    for (int depth = 0; depth < 4096; depth++) {
      if (ppid == self) return true;
      if (ppid <= 1) return false;
      Proc.Stat parent = Proc.stat(ppid).orElse(null);
      if (parent == null) {
        // The parent died meanwhile: the kernel re-parents m to its nearest subreaper (us,
        // if it was ours); look again.
        Proc.Stat again = Proc.stat(m.pid()).orElse(null);
        if (again == null || again.startTime() != m.startTime() || again.ppid() == ppid) return false;
        m = again;
        ppid = again.ppid();
        continue;
      }
      ppid = parent.ppid();
    }
    return false;
  }

  /** {@code 41 (sleep), 42 (sh)}, at most 20 of them, for a log line. */
  static String describe(Collection<Proc.Stat> members) {
    int limit = 20;
    String shown = members.stream().limit(limit).map(Proc.Stat::toString).collect(Collectors.joining(", "));
    return members.size() > limit ? shown + ", ... (" + (members.size() - limit) + " more)" : shown;
  }

  @Override
  public String toString() {
    switch (scope) {
      case NAMESPACE: return "PID namespace of process " + self;
      case SUBTREE: return "descendants of process " + self;
      default: return "no process of " + self + " visible in /proc";
    }
  }
}
