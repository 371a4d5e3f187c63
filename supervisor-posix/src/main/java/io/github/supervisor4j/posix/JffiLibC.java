package io.github.supervisor4j.posix;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.nio.charset.Charset;
import jnr.ffi.LibraryLoader;

/**
 * {@link LibC} on jffi's {@link Invoker} directly, without jnr-ffi's {@link LibraryLoader}:
 * one plain method per C function, each a call of the invoker with the function's address.
 *
 * <p>Why: start-up and the cost of each call. Loading {@code LibC} through jnr-ffi's
 * LibraryLoader (interface analysis, type mappers, an invoker per method, and with ASM a
 * generated class) was about half of the launcher's CPU time before its child could be
 * spawned (docs/launcher.md). An earlier version of this class was a {@code
 * java.lang.reflect.Proxy}: generating the proxy class loaded about 40 classes at start-up, and
 * every call boxed its arguments into an {@code Object[]} and looked its method up in two maps,
 * which is most of what a reaper in an orphan storm runs per reap (docs/bench.md, issue 14).
 * {@code LibC} stays the one declaration of our native calls, with C names and types; adding a
 * method there makes this class fail to compile until it has its line here.
 *
 * <p>Each call keeps jnr-ffi's conventions: a pointer is an address ({@code long}, 0 for NULL),
 * an {@code int[]} argument is copied in and out, a String is passed as a NUL-terminated copy
 * in the JDK's file-name charset, errno is saved for {@code Os.errno()}
 * (jffi's {@code LastError}, which jnr-ffi reads too), and a function missing from this C
 * library throws {@link UnsatisfiedLinkError} when called, as jnr-ffi does.
 *
 * <p>Thread-safe: it holds only immutable call contexts and addresses.
 */
final class JffiLibC implements LibC {
  private static final Invoker INVOKER = Invoker.getInstance();
  private static final MemoryIO MEMORY = MemoryIO.getInstance();
  private static final Library C = Library.getDefault();
  /**
   * Every argument, pointers included, travels as a 64-bit register value (x86_64, aarch64: LP64,
   * integers and pointers in the same registers). One type for both means fewer distinct call
   * contexts, and each context costs jffi a reflective Cleaner registration: past 15, the JDK
   * generates a method accessor class at start-up (seen with -Xlog:class+load).
   */
  private static final Type I = Type.SINT64;
  private static final Type P = I;
  private static final Type R = Type.SINT;

  /** One C function: its address (0 if absent) and how to call it. */
  private static final class Function {
    final String name;
    final long address;
    final CallContext context;

    /** {@code fixed} is the number of fixed arguments of a variadic function, or -1. */
    Function(String name, Type result, int fixed, Type... params) {
      this.name = name;
      this.address = C.getSymbolAddress(name);
      this.context = fixed < 0
          ? CallContext.getCallContext(result, params, CallingConvention.DEFAULT, true)
          : CallContext.getCallContext(result, fixed, params, CallingConvention.DEFAULT, true);
    }

    /** The address to call. */
    long at() {
      if (address == 0) throw new UnsatisfiedLinkError("function " + name + " not found in the C library");
      return address;
    }
  }

  private final Charset charset;
  private final Function getpid = new Function("getpid", R, -1);
  private final Function kill = new Function("kill", R, -1, I, I);
  private final Function waitid = new Function("waitid", R, -1, I, I, P, I);
  private final Function prctl = new Function("prctl", R, 1, I, I, I, I, I);
  private final Function syscall3 = new Function("syscall", Type.SINT64, 1, I, I, I);
  private final Function syscall5 = new Function("syscall", Type.SINT64, 1, I, I, I, I, I);
  private final Function close = new Function("close", R, -1, I);
  private final Function read = new Function("read", Type.SINT64, -1, I, P, I);
  private final Function getpgid = new Function("getpgid", R, -1, I);
  private final Function tcgetpgrp = new Function("tcgetpgrp", R, -1, I);
  private final Function tcsetpgrp = new Function("tcsetpgrp", R, -1, I, I);
  private final Function isatty = new Function("isatty", R, -1, I);
  private final Function sigemptyset = new Function("sigemptyset", R, -1, P);
  private final Function sigfillset = new Function("sigfillset", R, -1, P);
  private final Function attrInit = new Function("posix_spawnattr_init", R, -1, P);
  private final Function attrDestroy = new Function("posix_spawnattr_destroy", R, -1, P);
  private final Function attrSetflags = new Function("posix_spawnattr_setflags", R, -1, P, I);
  private final Function attrSetsigmask = new Function("posix_spawnattr_setsigmask", R, -1, P, P);
  private final Function attrSetsigdefault = new Function("posix_spawnattr_setsigdefault", R, -1, P, P);
  private final Function attrSetpgroup = new Function("posix_spawnattr_setpgroup", R, -1, P, I);
  private final Function actionsInit = new Function("posix_spawn_file_actions_init", R, -1, P);
  private final Function actionsDestroy = new Function("posix_spawn_file_actions_destroy", R, -1, P);
  private final Function addclose = new Function("posix_spawn_file_actions_addclose", R, -1, P, I);
  private final Function addclosefrom = new Function("posix_spawn_file_actions_addclosefrom_np", R, -1, P, I);
  private final Function addchdir = new Function("posix_spawn_file_actions_addchdir_np", R, -1, P, P);
  private final Function addtcsetpgrp = new Function("posix_spawn_file_actions_addtcsetpgrp_np", R, -1, P, I);
  private final Function spawnp = new Function("posix_spawnp", R, -1, P, P, P, P, P, P);

  private JffiLibC(Charset charset) {
    this.charset = charset;
  }

  /** A {@link LibC} bound through jffi, strings in {@code charset}. */
  static LibC load(Charset charset) {
    return new JffiLibC(charset);
  }

  private static int call0(Function f) {
    return (int) INVOKER.invokeL0(f.context, f.at());
  }

  private static int call1(Function f, long a0) {
    return (int) INVOKER.invokeL1(f.context, f.at(), a0);
  }

  private static int call2(Function f, long a0, long a1) {
    return (int) INVOKER.invokeL2(f.context, f.at(), a0, a1);
  }

  @Override public int getpid() { return call0(getpid); }

  @Override public int kill(int pid, int sig) { return call2(kill, pid, sig); }

  @Override
  public int waitid(int idtype, int id, long infop, int options) {
    return (int) INVOKER.invokeL4(waitid.context, waitid.at(), idtype, id, infop, options);
  }

  @Override
  public int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
    return (int) INVOKER.invokeL5(prctl.context, prctl.at(), option, arg2, arg3, arg4, arg5);
  }

  @Override
  public long syscall(long number, long arg1, long arg2) {
    return INVOKER.invokeL3(syscall3.context, syscall3.at(), number, arg1, arg2);
  }

  @Override
  public long syscall(long number, long arg1, long arg2, long arg3, long arg4) {
    return INVOKER.invokeL5(syscall5.context, syscall5.at(), number, arg1, arg2, arg3, arg4);
  }

  @Override public int close(int fd) { return call1(close, fd); }

  @Override
  public long read(int fd, long buf, long count) {
    return INVOKER.invokeL3(read.context, read.at(), fd, buf, count);
  }

  @Override public int getpgid(int pid) { return call1(getpgid, pid); }

  @Override public int tcgetpgrp(int fd) { return call1(tcgetpgrp, fd); }

  @Override public int tcsetpgrp(int fd, int pgrp) { return call2(tcsetpgrp, fd, pgrp); }

  @Override public int isatty(int fd) { return call1(isatty, fd); }

  @Override public int sigemptyset(long set) { return call1(sigemptyset, set); }

  @Override public int sigfillset(long set) { return call1(sigfillset, set); }

  @Override public int posix_spawnattr_init(long attr) { return call1(attrInit, attr); }

  @Override public int posix_spawnattr_destroy(long attr) { return call1(attrDestroy, attr); }

  @Override public int posix_spawnattr_setflags(long attr, short flags) { return call2(attrSetflags, attr, flags); }

  @Override
  public int posix_spawnattr_setsigmask(long attr, long sigmask) {
    return call2(attrSetsigmask, attr, sigmask);
  }

  @Override
  public int posix_spawnattr_setsigdefault(long attr, long sigdefault) {
    return call2(attrSetsigdefault, attr, sigdefault);
  }

  @Override public int posix_spawnattr_setpgroup(long attr, int pgroup) { return call2(attrSetpgroup, attr, pgroup); }

  @Override public int posix_spawn_file_actions_init(long actions) { return call1(actionsInit, actions); }

  @Override public int posix_spawn_file_actions_destroy(long actions) { return call1(actionsDestroy, actions); }

  @Override
  public int posix_spawn_file_actions_addclose(long actions, int fd) {
    return call2(addclose, actions, fd);
  }

  @Override
  public int posix_spawn_file_actions_addclosefrom_np(long actions, int from) {
    return call2(addclosefrom, actions, from);
  }

  @Override
  public int posix_spawn_file_actions_addchdir_np(long actions, String path) {
    long s = cString(path);
    try {
      return call2(addchdir, actions, s);
    } finally {
      free(s);
    }
  }

  @Override
  public int posix_spawn_file_actions_addtcsetpgrp_np(long actions, int fd) {
    return call2(addtcsetpgrp, actions, fd);
  }

  @Override
  public int posix_spawnp(int[] pid, String file, long actions, long attr, long argv, long envp) {
    long out = pid == null ? 0 : intArray(pid);
    long f = cString(file);
    try {
      int r = (int) INVOKER.invokeL6(spawnp.context, spawnp.at(), out, f, actions, attr, argv, envp);
      if (pid != null) {
        for (int j = 0; j < pid.length; j++) pid[j] = MEMORY.getInt(out + 4L * j);
      }
      return r;
    } finally {
      free(out);
      free(f);
    }
  }

  /** An int array in and out, as jnr-ffi passes one without {@code @In}/{@code @Out}. */
  private static long intArray(int[] values) {
    long address = MEMORY.allocateMemory(Math.max(4L, 4L * values.length), true);
    for (int j = 0; j < values.length; j++) MEMORY.putInt(address + 4L * j, values[j]);
    return address;
  }

  /** A NUL-terminated copy of {@code s}, or NULL for null. */
  private long cString(String s) {
    if (s == null) return 0;
    byte[] bytes = s.getBytes(charset);
    long address = MEMORY.allocateMemory(bytes.length + 1, true);
    MEMORY.putZeroTerminatedByteArray(address, bytes, 0, bytes.length);
    return address;
  }

  private static void free(long address) {
    if (address != 0) MEMORY.freeMemory(address);
  }

  @Override
  public String toString() {
    return "LibC via jffi";
  }
}
