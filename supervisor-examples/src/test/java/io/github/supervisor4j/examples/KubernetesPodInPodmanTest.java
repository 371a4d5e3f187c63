package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.condition.OS.LINUX;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

/**
 * containers/pod.yaml in {@code podman kube play}, from the locally built images, and a podman
 * pod whose infra container is our launcher in pause mode: the role of Kubernetes' pause.
 *
 * <p>Podman 4.3 stops a pod unlike the kubelet, which sends SIGTERM to every container, waits
 * up to terminationGracePeriodSeconds and only then removes the pause container. {@code podman
 * kube down} alone SIGKILLs every container at once (podman issue 22397, fixed upstream in 2024
 * by pull request 22398); {@code podman pod stop}, or {@code podman stop} of all containers,
 * stops them in parallel, and kube play's pod exit policy ("stop") stops the infra container,
 * and with it the shared PID namespace, as soon as no container is "running", killing those
 * still in their grace; and {@code podman kill -s TERM} lets the restart policy (Always)
 * restart them. So the JVM containers are stopped with {@code podman stop -t
 * terminationGracePeriodSeconds} in parallel while the shell keeps the pod running, then
 * {@code podman kube down} removes the rest (docs/examples.md).
 */
@EnabledOnOs(LINUX)
@ExtendWith(PodmanExtension.class)
@Timeout(120)
class KubernetesPodInPodmanTest {
  private static final Path POD_YAML = Built.module().resolve("containers/pod.yaml");
  private static Podman podman;

  @BeforeAll
  static void images() {
    podman = Podman.engine();
    podman.recipe("Dockerfile.launcher", ContainerRecipesInPodmanTest.LAUNCHER);
    podman.recipe("Dockerfile.inapp", ContainerRecipesInPodmanTest.INAPP);
  }

  @Test
  void kubePlayRunsThePodWhoseContainersReapTheirOrphansAndStopWithinTheGracePeriod() throws IOException {
    int grace = gracePeriod();
    String app = Podman.KUBE_POD + "-app";
    String batch = Podman.KUBE_POD + "-batch";
    String shell = Podman.KUBE_POD + "-shell";
    try {
      podman.ok("kube", "play", POD_YAML.toString());
      for (String c : List.of(app, batch)) {
        String log = podman.awaitLog(c, "running until SIGTERM", Duration.ofSeconds(60));
        assertTrue(log.contains("mode auto: child subreaper (not PID 1)"), c + ":\n" + log);
        assertTrue(Pattern.compile("zombies left: +ok +0").matcher(log).find() && log.contains("result: OK"), c + ":\n" + log);
      }
      String ps = podman.ok("exec", shell, "ps", "-o", "pid,ppid,stat,args").out();
      assertTrue(ps.lines().anyMatch(l -> l.trim().matches("1\\s+0\\s+\\S+\\s+/catatonit -P")), "podman's pause (catatonit) is PID 1:\n" + ps);
      assertTrue(ps.contains("java -jar /app.jar --until-sigterm") && ps.contains("java -jar /supervisor-launcher.jar -s --pre-stop-delay 5s"),
          "the shell sees both JVM containers:\n" + ps);
      assertFalse(ps.lines().anyMatch(l -> l.trim().matches("\\d+\\s+\\d+\\s+Z.*")), "no zombie in the pod:\n" + ps);

      long t0 = System.nanoTime();
      podman.ok(List.of("stop", "-t", Integer.toString(grace), app, batch));
      Duration stopped = Duration.ofNanos(System.nanoTime() - t0);
      int appCode = podman.exitCode(app);
      int batchCode = podman.exitCode(batch);
      String appLog = podman.logs(app);
      String batchLog = podman.logs(batch);
      podman.ok("kube", "down", POD_YAML.toString());
      Duration down = Duration.ofNanos(System.nanoTime() - t0);
      podman.note("# pod.yaml: podman stop of app and batch took " + stopped.toMillis() + " ms, kube down done after " + down.toMillis() + " ms");

      assertEquals(0, appCode, appLog);
      assertEquals(0, batchCode, batchLog);
      assertTrue(appLog.contains("shutdown: clean") && batchLog.contains("shutdown: clean"), appLog + batchLog);
      assertTrue(stopped.compareTo(Duration.ofSeconds(5)) > 0, "the batch container held SIGTERM for its --pre-stop-delay 5s: " + stopped);
      assertTrue(down.compareTo(Duration.ofSeconds(grace)) < 0, "terminationGracePeriodSeconds " + grace + " s, took " + down);
      assertEquals(1, podman.podman("pod", "exists", Podman.KUBE_POD).code(), "kube down removed the pod");
    } finally {
      podman.podman("kube", "down", POD_YAML.toString());
    }
  }

  /**
   * Our launcher in the role of Kubernetes' pause: {@code podman pod create --infra-image} the
   * pause-me image (containers/Dockerfile.pause) {@code --infra-command} its pause mode,
   * sharing the PID namespace; zombie_demo's orphan in the pod is reaped by it, and the pod
   * stops with the infra container's exit code 0.
   */
  @Test
  void podWithTheLauncherAsInfraContainerReapsTheOrphansOfItsContainers() throws IOException {
    String pauseImage = podman.recipe("Dockerfile.pause", podman.name("pause-me"));
    String zombieDemo = SeedExperimentInPodmanTest.zombieDemoImage(podman);
    String pod = podman.name("pod");
    String infra = podman.name("pod-infra");
    List<String> create = new ArrayList<>(List.of("pod", "create", "--name", pod, "--infra-name", infra));
    create.addAll(podman.label());
    create.addAll(List.of("--share", "ipc,net,uts,pid", "--infra-image", pauseImage,
        "--infra-command", "java -jar /supervisor-launcher.jar --pause -v"));
    podman.ok(create);
    podman.ok("pod", "start", pod);
    podman.awaitLog(infra, "pause mode: reaping orphans", Duration.ofSeconds(60));

    String shell = podman.name("pod-shell");
    List<String> runShell = new ArrayList<>(List.of("run", "-d", "--name", shell, "--pod", pod));
    runShell.addAll(podman.label());
    runShell.addAll(List.of("busybox:1.36", "sh", "-c", "while :; do sleep 1; done"));
    podman.ok(runShell);
    List<String> runDemo = new ArrayList<>(List.of("run", "--name", podman.name("pod-zombie-demo"), "--pod", pod));
    runDemo.addAll(podman.label());
    runDemo.add(zombieDemo);
    Podman.Result demo = podman.ok(runDemo);
    Matcher m = Pattern.compile("child PID=(\\d+)").matcher(demo.out());
    assertTrue(m.find(), demo.describe());
    String line = "reaped zombie process " + m.group(1) + " (killed by SIGKILL)";
    podman.awaitLog(infra, line, Duration.ofSeconds(15));

    String ps = podman.ok("exec", shell, "ps", "-o", "pid,ppid,stat,args").out();
    assertTrue(ps.lines().anyMatch(l -> l.trim().matches("1\\s+0\\s+\\S+\\s+java -jar /supervisor-launcher.jar --pause -v")), "our launcher is PID 1 of the pod:\n" + ps);
    podman.ok("pod", "stop", pod);
    assertEquals(0, podman.exitCode(infra), podman.logs(infra));
    assertTrue(podman.logs(infra).contains("pause mode: received SIGTERM, exiting; reaped 1 orphans"), podman.logs(infra));
  }

  private static int gracePeriod() throws IOException {
    try (Reader r = Files.newBufferedReader(POD_YAML)) {
      Map<?, ?> pod = new Yaml().load(r);
      return (Integer) ((Map<?, ?>) pod.get("spec")).get("terminationGracePeriodSeconds");
    }
  }
}
