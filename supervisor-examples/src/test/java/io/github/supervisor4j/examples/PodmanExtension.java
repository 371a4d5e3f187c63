package io.github.supervisor4j.examples;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For the container test classes: the {@link Podman} engine is checked before the class
 * runs (a class whose containers cannot run fails, never skips), every container and pod
 * is removed after each class (each test names its own), and the images once the whole run is over, whatever the outcome.
 */
final class PodmanExtension implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace TIMES = ExtensionContext.Namespace.create(PodmanExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(TIMES).put("started", System.nanoTime());
    Podman podman = Podman.engine();
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Podman.class, k -> podman); // AutoCloseable: closed when the run ends
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Podman podman = Podman.current();
    if (podman == null) return;
    podman.removeContainers();
    Long started = context.getStore(TIMES).get("started", Long.class);
    if (started != null) podman.classTook(context.getRequiredTestClass().getSimpleName(), System.nanoTime() - started);
  }
}
