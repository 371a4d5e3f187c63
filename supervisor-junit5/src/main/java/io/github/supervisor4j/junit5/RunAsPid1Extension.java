package io.github.supervisor4j.junit5;

import java.lang.reflect.Method;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Behind {@link RunAsPid1}: intercepts the test method's invocation, skips it in this JVM and
 * runs the body as PID 1 of a new PID namespace ({@link Pid1Run}). Everything around the
 * invocation (callbacks, lifecycle methods, JUnit's time-out, which wraps this interceptor)
 * stays in this JVM. Stateless; thread-safe.
 */
final class RunAsPid1Extension implements InvocationInterceptor {
  /** Configuration parameter: {@code fail} (the default) or {@code abort} where no PID namespace can be made. */
  static final String UNAVAILABLE = "supervisor4j.runAsPid1.unavailable";
  /** Configuration parameter: the {@code unshare} program; default {@code unshare} on PATH. */
  static final String UNSHARE = "supervisor4j.runAsPid1.unshare";

  @Override
  public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    runAsPid1(invocation, call, context);
  }

  @Override
  public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
      ExtensionContext context) throws Throwable {
    runAsPid1(invocation, call, context);
  }

  @Override
  public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> call,
      ExtensionContext context) throws Throwable {
    invocation.skip();
    throw new ExtensionConfigurationException("@RunAsPid1 cannot run a @TestFactory (" + call.getExecutable().getName()
        + "): its dynamic tests would run in this JVM");
  }

  private static void runAsPid1(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    invocation.skip();
    Method method = call.getExecutable();
    if (method.getParameterCount() > 0) {
      throw new ExtensionConfigurationException("@RunAsPid1 cannot pass parameters to another JVM: " + method.getName()
          + " takes " + method.getParameterCount() + "; use fields initialised by the class itself");
    }
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      unavailable(context, "@RunAsPid1 needs Linux PID namespaces; this is " + System.getProperty("os.name"));
    }
    PidNamespaces.Result ns = PidNamespaces.find(context.getConfigurationParameter(UNSHARE).orElse("unshare"));
    if (!ns.available()) unavailable(context, ns.whyNot());
    Pid1Run.run(ns.prefix(), method, context.getRequiredTestClass());
  }

  private static void unavailable(ExtensionContext context, String why) {
    String mode = context.getConfigurationParameter(UNAVAILABLE).orElse("fail").trim().toLowerCase(Locale.ROOT);
    if (mode.equals("abort")) throw new TestAbortedException(why);
    if (!mode.equals("fail")) throw new ExtensionConfigurationException(UNAVAILABLE + " must be fail or abort: " + mode);
    throw new AssertionFailedError(why);
  }
}
