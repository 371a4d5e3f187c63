package io.github.supervisor4j.posix;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * {@link LibC} on jffi's {@link Invoker} directly, without jnr-ffi's {@link LibraryLoader}.
 *
 * <p>Why: the launcher's start-up. Loading {@code LibC} through jnr-ffi's LibraryLoader
 * (interface analysis, type mappers, an invoker per method, and with ASM a generated class)
 * was about half of the launcher's CPU time before its child could be spawned; calling the
 * same C functions through jffi's invoker costs a few symbol look-ups (docs/launcher.md has
 * the measurements). {@code LibC} stays the one declaration of our native calls, with C names
 * and types: this is only another way to bind it.
 *
 * <p>Each call keeps jnr-ffi's conventions: a {@link Pointer} argument passes its address, an
 * {@code int[]} argument is copied in and out, a String is passed as a NUL-terminated copy
 * in the JDK's file-name charset, errno is saved for {@code Os.errno()} (jffi's
 * {@code LastError}, which jnr-ffi reads too), and a function missing from this C library
 * throws {@link UnsatisfiedLinkError} when called, as jnr-ffi does. A method this class does
 * not know yet (added to {@code LibC} later), or with a type it does not pass (a struct, a
 * returned pointer), goes to a jnr-ffi binding loaded on first use, so extending {@code LibC}
 * needs no change here to work; adding its name to the table below makes it fast.
 *
 * <p>Thread-safe: it holds only immutable call contexts and addresses.
 */
final class JffiLibC implements InvocationHandler {
  private static final Invoker INVOKER = Invoker.getInstance();
  private static final MemoryIO MEMORY = MemoryIO.getInstance();
  private static final Library C = Library.getDefault();

  /** One C function: its address (0 if absent) and how to call it. */
  private static final class Function {
    final String name;
    final long address;
    final CallContext context;

    Function(String name, Type result, int fixed, Type... params) {
      this.name = name;
      this.address = C.getSymbolAddress(name);
      this.context = fixed < 0
          ? CallContext.getCallContext(result, params, CallingConvention.DEFAULT, true)
          : CallContext.getCallContext(result, fixed, params, CallingConvention.DEFAULT, true);
    }
  }

  private final Map<String, Function> functions = new HashMap<>();
  private final Charset charset;
  private volatile LibC fallback;

  private JffiLibC(Charset charset) {
    this.charset = charset;
    Type i = Type.SINT64; // every argument travels as a 64-bit register value (x86_64, aarch64)
    Type p = Type.POINTER;
    Type r = Type.SINT;
    add("getpid", r, -1);
    add("kill", r, -1, i, i);
    add("waitid", r, -1, i, i, p, i);
    add("prctl", r, 1, i, i, i, i, i);
    functions.put("syscall", new Function("syscall", Type.SINT64, 1, i, i, i));
    add("close", r, -1, i);
    functions.put("read", new Function("read", Type.SINT64, -1, i, p, i));
    add("getpgid", r, -1, i);
    add("tcgetpgrp", r, -1, i);
    add("tcsetpgrp", r, -1, i, i);
    add("isatty", r, -1, i);
    add("sigemptyset", r, -1, p);
    add("sigfillset", r, -1, p);
    add("posix_spawnattr_init", r, -1, p);
    add("posix_spawnattr_destroy", r, -1, p);
    add("posix_spawnattr_setflags", r, -1, p, i);
    add("posix_spawnattr_setsigmask", r, -1, p, p);
    add("posix_spawnattr_setsigdefault", r, -1, p, p);
    add("posix_spawnattr_setpgroup", r, -1, p, i);
    add("posix_spawn_file_actions_init", r, -1, p);
    add("posix_spawn_file_actions_destroy", r, -1, p);
    add("posix_spawn_file_actions_addclose", r, -1, p, i);
    add("posix_spawn_file_actions_addclosefrom_np", r, -1, p, i);
    add("posix_spawn_file_actions_addchdir_np", r, -1, p, p);
    add("posix_spawn_file_actions_addtcsetpgrp_np", r, -1, p, i);
    add("posix_spawnp", r, -1, p, p, p, p, p, p);
  }

  private void add(String name, Type result, int fixed, Type... params) {
    functions.put(name, new Function(name, result, fixed, params));
  }

  /** A {@link LibC} bound through jffi, strings in {@code charset}. */
  static LibC load(Charset charset) {
    return (LibC) Proxy.newProxyInstance(LibC.class.getClassLoader(), new Class<?>[] {LibC.class}, new JffiLibC(charset));
  }

  /** Whether this class can make the call itself; anything else goes to jnr-ffi. */
  private final Map<Method, Boolean> direct = new java.util.concurrent.ConcurrentHashMap<>();

  private boolean isDirect(Method method) {
    Boolean known = direct.get(method);
    if (known != null) return known;
    boolean ok = method.getDeclaringClass() == LibC.class && functions.containsKey(method.getName()) && method.getParameterCount() <= 6;
    Class<?> r = method.getReturnType();
    ok &= r == int.class || r == long.class || r == void.class;
    for (Class<?> t : method.getParameterTypes()) {
      ok &= t == int.class || t == long.class || t == short.class || t == Pointer.class || t == int[].class || t == String.class;
    }
    direct.put(method, ok);
    return ok;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (!isDirect(method)) return viaJnr(method, args);
    Function f = functions.get(method.getName());
    if (f.address == 0) throw new UnsatisfiedLinkError("function " + f.name + " not found in the C library");
    int n = args == null ? 0 : args.length;
    long[] a = new long[6];
    long[] temporary = new long[6];
    try {
      for (int k = 0; k < n; k++) {
        Object v = args[k];
        if (v instanceof Integer) a[k] = (Integer) v;
        else if (v instanceof Long) a[k] = (Long) v;
        else if (v instanceof Short) a[k] = (Short) v;
        else if (v instanceof Pointer) a[k] = ((Pointer) v).address();
        else if (v == null) a[k] = 0;
        else if (v instanceof int[]) a[k] = temporary[k] = intArray((int[]) v);
        else if (v instanceof String) a[k] = temporary[k] = cString((String) v);
        else throw new IllegalArgumentException(f.name + ": cannot pass " + v.getClass().getName());
      }
      long result = call(f, n, a);
      for (int k = 0; k < n; k++) {
        if (args[k] instanceof int[]) {
          int[] out = (int[]) args[k];
          for (int j = 0; j < out.length; j++) out[j] = MEMORY.getInt(temporary[k] + 4L * j);
        }
      }
      Class<?> type = method.getReturnType();
      if (type == int.class) return (int) result;
      if (type == long.class) return result;
      return null; // void; isDirect admits nothing else
    } finally {
      for (long t : temporary) {
        if (t != 0) MEMORY.freeMemory(t);
      }
    }
  }

  private static long call(Function f, int n, long[] a) {
    switch (n) {
      case 0: return INVOKER.invokeL0(f.context, f.address);
      case 1: return INVOKER.invokeL1(f.context, f.address, a[0]);
      case 2: return INVOKER.invokeL2(f.context, f.address, a[0], a[1]);
      case 3: return INVOKER.invokeL3(f.context, f.address, a[0], a[1], a[2]);
      case 4: return INVOKER.invokeL4(f.context, f.address, a[0], a[1], a[2], a[3]);
      case 5: return INVOKER.invokeL5(f.context, f.address, a[0], a[1], a[2], a[3], a[4]);
      default: return INVOKER.invokeL6(f.context, f.address, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
  }

  /** An int array in and out, as jnr-ffi passes one without {@code @In}/{@code @Out}. */
  private static long intArray(int[] values) {
    long address = MEMORY.allocateMemory(Math.max(4L, 4L * values.length), true);
    for (int j = 0; j < values.length; j++) MEMORY.putInt(address + 4L * j, values[j]);
    return address;
  }

  private long cString(String s) {
    byte[] bytes = s.getBytes(charset);
    long address = MEMORY.allocateMemory(bytes.length + 1, true);
    MEMORY.putZeroTerminatedByteArray(address, bytes, 0, bytes.length);
    return address;
  }

  /** Methods added to LibC after this class: bound by jnr-ffi on first use. */
  private Object viaJnr(Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      switch (method.getName()) {
        case "hashCode": return System.identityHashCode(this);
        case "equals": return args[0] == this;
        default: return "LibC via jffi";
      }
    }
    LibC jnr = fallback;
    if (jnr == null) {
      synchronized (this) {
        if (fallback == null) fallback = LibraryLoader.create(LibC.class).failImmediately().load("c");
        jnr = fallback;
      }
    }
    try {
      return method.invoke(jnr, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
