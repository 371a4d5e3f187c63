package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The experiment of the Kubernetes pause write-up, step by step, with real containers: a
 * {@code pause-me} container is PID 1 of a PID namespace; a JVM service, a shell and the
 * write-up's {@code zombie_demo} join it with {@code --pid=container:pause-me}; PID 1 must reap
 * the orphans zombie_demo leaves; {@code podman stop pause-me} ends it with exit code 0.
 *
 * <p>Each check of a step is recorded as passed or failed (the transcript says what was seen),
 * so that a PID 1 that does not reap shows which steps fail. What cannot be checked because
 * the engine broke (a container that does not start) fails at once.
 */
final class SeedExperiment {
  private static final Pattern PARENT = Pattern.compile("Parent process \\(PID=(\\d+)\\), child PID=(\\d+)");

  private final Podman podman;
  private final String pauseImage;
  private final String pid1Command;
  private final String zombieImage;
  private final Duration reapWait;
  final List<String> passed = new ArrayList<>();
  final List<String> failed = new ArrayList<>();
  private final StringBuilder transcript = new StringBuilder();

  /**
   * @param pauseImage the image of pause-me
   * @param pid1Command what {@code ps} shows for PID 1 of that image
   * @param reapWait how long PID 1 may take to reap an orphan that has exited
   */
  SeedExperiment(Podman podman, String pauseImage, String pid1Command, String zombieImage, Duration reapWait) {
    this.podman = podman;
    this.pauseImage = pauseImage;
    this.pid1Command = pid1Command;
    this.zombieImage = zombieImage;
    this.reapWait = reapWait;
  }

  /** Runs the steps; pause-me and the containers joined to it are removed at the end, whatever happened. */
  SeedExperiment run() {
    try {
      return steps();
    } finally {
      podman.note(transcript.toString());
      podman.removeContainer("pause-me");
    }
  }

  private SeedExperiment steps() {
    String service = podman.name("jvm-service");
    String shell = podman.name("shell");
    String holding = podman.name("zombie-demo-hold");
    String plain = podman.name("zombie-demo");

    step("1. the pause container: podman run --name pause-me " + pauseImage);
    start("pause-me", List.of(), pauseImage);
    say(podman.awaitLog("pause-me", "pause mode", Duration.ofSeconds(60)).strip());

    step("2. a JVM service joins its PID namespace: podman run --pid=container:pause-me orphan-reaping-app:inapp");
    start(service, List.of("--pid=container:pause-me"), "orphan-reaping-app:inapp");
    String serviceLog = podman.awaitLog(service, "running until SIGTERM", Duration.ofSeconds(60));
    check(serviceLog.contains("mode auto: child subreaper (not PID 1)"), "the JVM service is not PID 1 and registered as child subreaper",
        "the JVM service did not run as subreaper:\n" + serviceLog);
    check(serviceLog.contains("result: OK"), "the JVM service reaped its own orphans and kept its ProcessBuilder statuses (result: OK)",
        "the JVM service's own checks failed:\n" + serviceLog);

    step("3. a shell joins it: podman run --pid=container:pause-me busybox:1.36 sh -c ...");
    start(shell, List.of("--pid=container:pause-me"), "busybox:1.36", "sh", "-c", "echo shell: pid $$; while :; do sleep 1; done");
    say(podman.awaitLog(shell, "shell: pid", Duration.ofSeconds(30)).strip());

    step("4. ps -ef in the shell's container shows every container's processes, PID 1 first");
    String ps = podman.ok("exec", shell, "ps", "-ef").out();
    say(ps.strip());
    check(ps.lines().anyMatch(l -> l.trim().matches("1\\s+\\S+\\s+.*") && l.contains(pid1Command)),
        "PID 1 is pause-me's " + pid1Command, "PID 1 is not " + pid1Command);
    check(ps.contains("java -jar /app.jar --until-sigterm"), "the JVM service's java is listed", "the JVM service is not listed");
    check(ps.contains("sh -c echo shell"), "the shell is listed", "the shell is not listed");

    step("5. zombie_demo --hold 7 joins it: its parent exits at once, its child exits 5 s later, its container stays");
    start(holding, List.of("--pid=container:pause-me"), zombieImage, "--hold", "7");
    String holdLog = podman.awaitLog(holding, "child PID=", Duration.ofSeconds(30));
    say(holdLog.strip());
    String heldOrphan = orphan(holdLog);
    String status = podman.podman("exec", shell, "grep", "PPid", "/proc/" + heldOrphan + "/status").out().trim();
    check(status.matches("PPid:\\s+1"), "orphan " + heldOrphan + " was re-parented to PID 1 (" + status + ")",
        "orphan " + heldOrphan + " has '" + status + "', not PPid 1");

    step("6. zombie_demo as the write-up runs it: podman run --pid=container:pause-me zombie_demo");
    Podman.Result demo = podman.podman(concat(List.of("run", "--name", plain, "--pid=container:pause-me"), podman.label(), List.of(zombieImage)));
    say(demo.both().strip());
    if (demo.code() != 0) fail("zombie_demo did not run:\n" + demo.describe());
    String killedOrphan = orphan(demo.out());
    // Its container ended with the parent, and runc killed what was left of it (the orphan,
    // already re-parented to PID 1): a zombie of PID 1 at once, dead of SIGKILL.
    expectReaped(killedOrphan, "killed by SIGKILL");

    step("7. the held orphan exits by itself after its 5 s");
    String held = podman.awaitLog(holding, "Child process (PID=" + heldOrphan + ") exit", Duration.ofSeconds(30));
    say(held.strip().lines().reduce((a, b) -> b).orElse(""));
    expectReaped(heldOrphan, "exited 0");
    waitForNoZombieOfPid1(shell);

    step("8. podman stop pause-me");
    podman.ok("stop", "pause-me");
    int code = podman.exitCode("pause-me");
    check(code == 0, "pause-me exited 0", "pause-me exited " + code + ", not 0");
    say(podman.logs("pause-me").strip());
    int serviceCode = podman.awaitExit(service, Duration.ofSeconds(30));
    int shellCode = podman.awaitExit(shell, Duration.ofSeconds(30));
    check(serviceCode == 137 && shellCode == 137, "the joined containers ended with PID 1 (killed by the kernel: exit 137)",
        "the joined containers exited " + serviceCode + " (JVM service) and " + shellCode + " (shell), not 137");
    return this;
  }

  private void expectReaped(String orphan, String how) {
    String line = "reaped zombie process " + orphan + " (" + how + ")";
    long deadline = System.nanoTime() + reapWait.toNanos();
    String log = podman.logs("pause-me");
    while (!log.contains(line) && System.nanoTime() < deadline) {
      Podman.sleep(200);
      log = podman.logs("pause-me");
    }
    check(log.contains(line), "pause-me's log names the orphan it reaped: " + line,
        "pause-me's log does not say '" + line + "' within " + reapWait);
  }

  /** No zombie whose parent is PID 1 (those only PID 1 can reap), once PID 1 had time to reap. */
  private void waitForNoZombieOfPid1(String shell) {
    long deadline = System.nanoTime() + reapWait.toNanos();
    List<String> zombies;
    while (true) {
      zombies = podman.ok("exec", shell, "ps", "-o", "pid,ppid,stat,args").out().lines()
          .filter(l -> l.trim().matches("\\d+\\s+1\\s+Z.*")).toList();
      if (zombies.isEmpty() || System.nanoTime() > deadline) break;
      Podman.sleep(200);
    }
    check(zombies.isEmpty(), "no zombie left for PID 1 (ps: no child of PID 1 in state Z)",
        zombies.size() + " zombie(s) left for PID 1: " + zombies);
  }

  private String orphan(String output) {
    Matcher m = PARENT.matcher(output);
    if (!m.find()) fail("zombie_demo did not name its child:\n" + output);
    return m.group(2);
  }

  private void start(String name, List<String> options, String image, String... args) {
    podman.ok(concat(List.of("run", "-d", "--name", name), podman.label(), options, List.of(image), List.of(args)));
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> out = new ArrayList<>();
    for (List<String> p : parts) out.addAll(p);
    return out;
  }

  private void step(String text) {
    transcript.append("\n== ").append(text).append('\n');
  }

  private void say(String text) {
    text.lines().forEach(l -> transcript.append("   | ").append(l).append('\n'));
  }

  private void check(boolean held, String pass, String failure) {
    (held ? passed : failed).add(held ? pass : failure);
    transcript.append(held ? "   PASS: " + pass : "   FAIL: " + failure).append('\n');
  }

  String transcript() {
    return transcript.toString();
  }
}
