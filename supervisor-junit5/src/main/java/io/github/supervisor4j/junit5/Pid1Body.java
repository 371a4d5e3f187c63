package io.github.supervisor4j.junit5;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * The main class of a {@link RunAsPid1} JVM: reads which test method to run (and the test
 * JVM's system properties) from a request file, runs that method's body on a new instance,
 * and writes the outcome to a result file for {@link Pid1Run}: the string {@code "ok"}, or the
 * {@code Throwable}, serialised (a stand-in {@code AssertionError} with the same message and
 * stack trace when it cannot be). Then it exits, and as PID 1 it takes every process left in
 * its namespace with it.
 */
final class Pid1Body {
  static final String CLASS = "class";
  static final String METHOD = "method";
  static final String PROPERTY = "property.";

  private Pid1Body() {}

  public static void main(String[] args) throws Exception {
    Properties request = new Properties();
    try (InputStream in = Files.newInputStream(Paths.get(args[0]))) {
      request.load(in);
    }
    for (String key : request.stringPropertyNames()) {
      if (key.startsWith(PROPERTY) && System.getProperty(key.substring(PROPERTY.length())) == null) {
        System.setProperty(key.substring(PROPERTY.length()), request.getProperty(key));
      }
    }
    Object outcome;
    try {
      run(request.getProperty(CLASS), request.getProperty(METHOD));
      outcome = "ok";
    } catch (Throwable t) {
      outcome = t;
    }
    System.out.flush();
    System.err.flush();
    byte[] bytes = serialise(outcome);
    try (OutputStream out = Files.newOutputStream(Paths.get(args[1]))) {
      out.write(bytes);
    }
    System.exit(0);
  }

  private static void run(String className, String methodName) throws Throwable {
    Class<?> testClass = Class.forName(className, true, ClassLoader.getSystemClassLoader());
    Method method = find(testClass, methodName);
    method.setAccessible(true);
    Object instance = Modifier.isStatic(method.getModifiers()) ? null : instantiate(testClass);
    try {
      method.invoke(instance);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Method find(Class<?> c, String name) throws NoSuchMethodException {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      try {
        return k.getDeclaredMethod(name);
      } catch (NoSuchMethodException e) {
        // declared higher up
      }
    }
    throw new NoSuchMethodException(c.getName() + "." + name + "() (a @RunAsPid1 method takes no parameters)");
  }

  /** A new instance by the no-argument constructor; an inner ({@code @Nested}) class gets a new outer instance first. */
  private static Object instantiate(Class<?> c) throws ReflectiveOperationException {
    if (c.isMemberClass() && !Modifier.isStatic(c.getModifiers())) {
      Object outer = instantiate(c.getEnclosingClass());
      Constructor<?> ctor = c.getDeclaredConstructor(c.getEnclosingClass());
      ctor.setAccessible(true);
      return construct(ctor, outer);
    }
    Constructor<?> ctor;
    try {
      ctor = c.getDeclaredConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("@RunAsPid1 needs a constructor without parameters in " + c.getName(), e);
    }
    ctor.setAccessible(true);
    return construct(ctor);
  }

  private static Object construct(Constructor<?> ctor, Object... args) throws ReflectiveOperationException {
    try {
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      if (cause instanceof Error) throw (Error) cause;
      throw e;
    }
  }

  /** {@code outcome} serialised, or, if it cannot be, a stand-in that keeps its class name, message and stack trace. */
  static byte[] serialise(Object outcome) throws IOException {
    try {
      return bytes(outcome);
    } catch (IOException e) {
      return bytes(standIn((Throwable) outcome));
    }
  }

  private static byte[] bytes(Object o) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    }
    return b.toByteArray();
  }

  private static AssertionError standIn(Throwable t) {
    AssertionError e = new AssertionError(t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()),
        t.getCause() == null || t.getCause() == t ? null : standIn(t.getCause()));
    e.setStackTrace(t.getStackTrace());
    return e;
  }
}
