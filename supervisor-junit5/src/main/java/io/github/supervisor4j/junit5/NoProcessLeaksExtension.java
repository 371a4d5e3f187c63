package io.github.supervisor4j.junit5;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

/**
 * The JUnit Jupiter extension behind {@link NoProcessLeaks}; what it checks is described
 * there. Registered by the annotation, or for a whole suite by JUnit's extension
 * auto-detection (it is listed in {@code META-INF/services}), where it does nothing unless
 * {@value #ENABLED}{@code =true}. Public only because {@code ServiceLoader} needs it so; use
 * the annotation.
 *
 * <p>Thread-safe: it keeps its state in each test's {@code ExtensionContext.Store}. Failures:
 * a leak fails the test (or class) with an {@code AssertionFailedError} that lists the
 * processes; a bad option value, a suite-wide check under parallel execution for a class that
 * does not run alone, or a JVM where the reaper cannot run fails it with an {@code
 * ExtensionConfigurationException} of one line. Defaults: fail, a grace of 2 s, nothing allowed.
 */
public final class NoProcessLeaksExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  /** Configuration parameter: {@code true} checks every test of the suite (with extension auto-detection). */
  public static final String ENABLED = "supervisor4j.processLeaks.enabled";
  /** Configuration parameter: {@code fail} (the default) or {@code warn}. */
  public static final String ON_LEAK = "supervisor4j.processLeaks.onLeak";
  /** Configuration parameter: the time between SIGTERM and SIGKILL, as {@code 500ms}, {@code 2s}, {@code 1m}. */
  public static final String GRACE = "supervisor4j.processLeaks.grace";
  /** Configuration parameter: comma-separated process names that may outlive a test. */
  public static final String ALLOWED = "supervisor4j.processLeaks.allowed";

  private static final String PARALLEL = "junit.jupiter.execution.parallel.enabled";
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(NoProcessLeaksExtension.class);

  /** For JUnit (the annotation, or auto-detection). */
  public NoProcessLeaksExtension() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<CheckSettings> settings = CheckSettings.of(context);
    if (settings.isEmpty()) return;
    refuseUnisolatedParallelRun(context, settings.get());
    open(context, settings.get(), "class " + context.getRequiredTestClass().getSimpleName());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    close(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Optional<CheckSettings> settings = CheckSettings.of(context);
    if (settings.isEmpty()) return;
    refuseUnisolatedParallelRun(context, settings.get());
    open(context, settings.get(), "test");
  }

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    close(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ReapLog.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestWindow window = context.getTestMethod().isPresent() ? store(context).get(key(context), TestWindow.class) : null;
    if (window == null) {
      throw new ParameterResolutionException("a ReapLog parameter needs the test checked for process leaks: put "
          + "@NoProcessLeaks on the test method or its class (or set " + ENABLED + "=true with extension auto-detection)");
    }
    return window.log;
  }

  /**
   * A second registration (auto-detected and annotated at once) finds the window the first
   * one opened for this very context and leaves it alone.
   */
  private static void open(ExtensionContext context, CheckSettings settings, String subject) {
    ExtensionContext.Store store = store(context);
    if (store.get(key(context)) != null) return;
    store.put(key(context), new TestWindow(subject, settings, TestJvmReaper.get()));
  }

  private static void close(ExtensionContext context) throws InterruptedException {
    TestWindow window = store(context).remove(key(context), TestWindow.class);
    if (window == null) return;
    // A test that timed out (JUnit interrupts it) may leave the flag set: the check and the
    // clean-up must still run, so the flag is put back only afterwards.
    boolean interrupted = Thread.interrupted();
    Optional<String> report;
    try {
      report = window.close();
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
    if (report.isEmpty()) return;
    if (window.fails()) throw new AssertionFailedError(report.get());
    System.err.println("[supervisor4j] WARNING: " + report.get());
    context.publishReportEntry("supervisor4j.processLeaks", report.get());
  }

  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(NAMESPACE);
  }

  /** The context's own key: a store also answers for its parents' keys. */
  private static String key(ExtensionContext context) {
    return "window " + context.getUniqueId();
  }

  /**
   * A suite-wide check cannot tell which of several concurrent tests started a process, and
   * guessing would kill another test's process. Annotated classes run alone (the annotation's
   * global lock), so they are fine; for the rest the check refuses in one line.
   */
  private static void refuseUnisolatedParallelRun(ExtensionContext context, CheckSettings settings) {
    if (settings.annotated || !CheckSettings.flag(context, PARALLEL)) return;
    Class<?> top = context.getRequiredTestClass();
    while (isNested(top)) top = top.getEnclosingClass();
    if (runsAlone(top)) return;
    throw new ExtensionConfigurationException(ENABLED + "=true cannot check " + context.getRequiredTestClass().getName()
        + " while " + PARALLEL + "=true: a process cannot be tied to one of several tests running at once. Annotate "
        + "the class with @NoProcessLeaks (JUnit then runs it alone), or run the suite without parallel execution");
  }

  /**
   * True if JUnit runs {@code top} alone: it, a {@code @Nested} class in it or a method holds
   * the global lock for writing (JUnit then takes that lock for the whole top-level class).
   */
  private static boolean runsAlone(Class<?> top) {
    Deque<Class<?>> classes = new ArrayDeque<>();
    classes.add(top);
    while (!classes.isEmpty()) {
      Class<?> c = classes.poll();
      if (takesGlobalLock(c) || AnnotationSupport.isAnnotated(c, Isolated.class)) return true;
      for (Method m : c.getDeclaredMethods()) {
        if (takesGlobalLock(m)) return true;
      }
      for (Class<?> inner : c.getDeclaredClasses()) {
        if (isNested(inner)) classes.add(inner);
      }
    }
    return false;
  }

  /** An inner class (a {@code @Nested} one) runs inside its enclosing class's run; a static member class is a test class of its own. */
  private static boolean isNested(Class<?> c) {
    return c.isMemberClass() && !java.lang.reflect.Modifier.isStatic(c.getModifiers());
  }

  private static boolean takesGlobalLock(AnnotatedElement e) {
    return AnnotationSupport.findRepeatableAnnotations(e, ResourceLock.class).stream()
        .anyMatch(l -> Resources.GLOBAL.equals(l.value()) && l.mode() == ResourceAccessMode.READ_WRITE);
  }
}
