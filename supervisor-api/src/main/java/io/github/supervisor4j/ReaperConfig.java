package io.github.supervisor4j;

import java.util.Objects;

/**
 * How to build a {@link Reaper}. Immutable; each {@code with} method returns a copy.
 *
 * <p>Defaults: {@link ReapPolicy#COOPERATIVE}, register as a child subreaper when not PID 1,
 * warn once when neither PID 1 nor a subreaper.
 */
public final class ReaperConfig {
  private final ReapPolicy policy;
  private final boolean subreaper;
  private final boolean warnIfNotReaper;

  private ReaperConfig(ReapPolicy policy, boolean subreaper, boolean warnIfNotReaper) {
    this.policy = Objects.requireNonNull(policy, "policy == null");
    this.subreaper = subreaper;
    this.warnIfNotReaper = warnIfNotReaper;
  }

  /** {@return the defaults described above} */
  public static ReaperConfig defaults() {
    return new ReaperConfig(ReapPolicy.COOPERATIVE, true, true);
  }

  /**
   * Which children the reaper may reap.
   *
   * @param policy the policy; the default is {@link ReapPolicy#COOPERATIVE}
   * @return a copy with that policy
   */
  public ReaperConfig withPolicy(ReapPolicy policy) {
    return new ReaperConfig(policy, subreaper, warnIfNotReaper);
  }

  /**
   * Whether {@link Reaper#start()} registers this process as a child subreaper (PR_SET_CHILD_SUBREAPER).
   *
   * @param subreaper true to register; the default is true
   * @return a copy with that setting
   */
  public ReaperConfig withSubreaper(boolean subreaper) {
    return new ReaperConfig(policy, subreaper, warnIfNotReaper);
  }

  /**
   * Whether to warn once when the process is neither PID 1 nor a subreaper.
   *
   * @param warn true to warn; the default is true
   * @return a copy with that setting
   */
  public ReaperConfig withWarnIfNotReaper(boolean warn) {
    return new ReaperConfig(policy, subreaper, warn);
  }

  /** {@return the reap policy} */
  public ReapPolicy policy() {
    return policy;
  }

  /** {@return true if the reaper registers as child subreaper when not PID 1} */
  public boolean subreaper() {
    return subreaper;
  }

  /** {@return true if the reaper warns when it is neither PID 1 nor a subreaper} */
  public boolean warnIfNotReaper() {
    return warnIfNotReaper;
  }

  @Override
  public String toString() {
    return "ReaperConfig{policy=" + policy + ", subreaper=" + subreaper + ", warnIfNotReaper=" + warnIfNotReaper + "}";
  }
}
