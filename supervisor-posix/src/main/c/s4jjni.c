/*
 * libs4jsig, part three: the C library and our own functions as JNI native methods of
 * io.github.supervisor4j.posix.Jni (Jni.java says what each is for).
 *
 * Why: the launcher's start-up. Calling libc through jffi costs jffi itself before the first
 * call: its classes (52 outside the JDK's CDS archive), its stub unpacked from the jar and
 * loaded, a call context per signature, and a cleaner thread. These functions are bound by the
 * JVM when libs4jsig is loaded with System.load, so a call is one JNI transition and nothing
 * is loaded but this library (issue 14, docs/launcher.md).
 *
 * Conventions, the same as jffi's so that Os reads the same either way: a pointer is a jlong
 * address (0 for NULL); errno is saved right after each call that may set it, per thread, and
 * Jni.errno() returns it (the JVM may change errno between two native calls); strings arrive as
 * NUL-terminated byte arrays, encoded on the Java side.
 *
 * Functions that an older glibc lacks (posix_spawn_file_actions_addclosefrom_np 2.34,
 * addchdir_np 2.29, addtcsetpgrp_np 2.35) are looked up with dlsym at their first call, so that
 * the library loads where they are missing; a missing one returns S4J_MISSING and Java throws
 * UnsatisfiedLinkError, as jffi does.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <jni.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "s4jsig.h"

/*
 * dlsym moved from libdl.so.2 into libc.so.6 in glibc 2.34 under a new version, GLIBC_2.34,
 * which a library linked on 2.34 or later binds: it then fails to load on any older glibc
 * ("version `GLIBC_2.34' not found"), and the JVM falls back to jffi, the slow start, on the
 * distributions JVM images are often built on (Debian 11, Ubuntu 20.04, RHEL 8). Bind the
 * version every glibc of the architecture has instead: libdl's before 2.34 (which the JVM has
 * loaded there: it calls dlopen itself), libc's compatible symbol since. Not linked against
 * libdl.so.2: a minimal image may have none, and then a library that needs it does not load.
 * S4jSigLibraryTest checks both; OldGlibcTest loads it on glibc 2.31.
 */
#if defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17");
#endif

#define J(name) Java_io_github_supervisor4j_posix_Jni_##name
#define S4J_MISSING (-1000)

extern char **environ;

static __thread int saved_errno;

/* The result of a call that sets errno on failure, with errno saved for Jni.errno(). */
#define SAVING_ERRNO(type, call) \
  do { \
    errno = 0; \
    type r_ = (call); \
    saved_errno = errno; \
    return r_; \
  } while (0)

JNIEXPORT jint JNICALL J(errno)(JNIEnv *env, jclass c) { return saved_errno; }

JNIEXPORT jint JNICALL J(getpid)(JNIEnv *env, jclass c) { return getpid(); }

JNIEXPORT jint JNICALL J(kill)(JNIEnv *env, jclass c, jint pid, jint sig) { SAVING_ERRNO(jint, kill(pid, sig)); }

JNIEXPORT jint JNICALL J(waitid)(JNIEnv *env, jclass c, jint idtype, jint id, jlong info, jint options) {
  SAVING_ERRNO(jint, waitid((idtype_t) idtype, (id_t) id, (siginfo_t *) (intptr_t) info, options));
}

JNIEXPORT jint JNICALL J(prctl)(JNIEnv *env, jclass c, jint option, jlong a2, jlong a3, jlong a4, jlong a5) {
  SAVING_ERRNO(jint, prctl(option, (unsigned long) a2, (unsigned long) a3, (unsigned long) a4, (unsigned long) a5));
}

JNIEXPORT jlong JNICALL J(syscall)(JNIEnv *env, jclass c, jlong number, jlong a1, jlong a2, jlong a3, jlong a4) {
  SAVING_ERRNO(jlong, syscall((long) number, (long) a1, (long) a2, (long) a3, (long) a4));
}

JNIEXPORT jint JNICALL J(close)(JNIEnv *env, jclass c, jint fd) { SAVING_ERRNO(jint, close(fd)); }

JNIEXPORT jlong JNICALL J(read)(JNIEnv *env, jclass c, jint fd, jlong buf, jlong count) {
  SAVING_ERRNO(jlong, read(fd, (void *) (intptr_t) buf, (size_t) count));
}

JNIEXPORT jint JNICALL J(getpgid)(JNIEnv *env, jclass c, jint pid) { SAVING_ERRNO(jint, getpgid(pid)); }

JNIEXPORT jint JNICALL J(tcgetpgrp)(JNIEnv *env, jclass c, jint fd) { SAVING_ERRNO(jint, tcgetpgrp(fd)); }

JNIEXPORT jint JNICALL J(tcsetpgrp)(JNIEnv *env, jclass c, jint fd, jint pgrp) { SAVING_ERRNO(jint, tcsetpgrp(fd, pgrp)); }

JNIEXPORT jint JNICALL J(isatty)(JNIEnv *env, jclass c, jint fd) { SAVING_ERRNO(jint, isatty(fd)); }

JNIEXPORT jint JNICALL J(sigemptyset)(JNIEnv *env, jclass c, jlong set) { return sigemptyset((sigset_t *) (intptr_t) set); }

JNIEXPORT jint JNICALL J(sigfillset)(JNIEnv *env, jclass c, jlong set) { return sigfillset((sigset_t *) (intptr_t) set); }

/* posix_spawn's functions return an error number and leave errno alone. */
#define ATTR(a) ((posix_spawnattr_t *) (intptr_t) (a))
#define ACTIONS(a) ((posix_spawn_file_actions_t *) (intptr_t) (a))
#define SIGSET(a) ((const sigset_t *) (intptr_t) (a))

JNIEXPORT jint JNICALL J(spawnattrInit)(JNIEnv *env, jclass c, jlong attr) { return posix_spawnattr_init(ATTR(attr)); }

JNIEXPORT jint JNICALL J(spawnattrDestroy)(JNIEnv *env, jclass c, jlong attr) { return posix_spawnattr_destroy(ATTR(attr)); }

JNIEXPORT jint JNICALL J(spawnattrSetflags)(JNIEnv *env, jclass c, jlong attr, jshort flags) {
  return posix_spawnattr_setflags(ATTR(attr), flags);
}

JNIEXPORT jint JNICALL J(spawnattrSetsigmask)(JNIEnv *env, jclass c, jlong attr, jlong set) {
  return posix_spawnattr_setsigmask(ATTR(attr), SIGSET(set));
}

JNIEXPORT jint JNICALL J(spawnattrSetsigdefault)(JNIEnv *env, jclass c, jlong attr, jlong set) {
  return posix_spawnattr_setsigdefault(ATTR(attr), SIGSET(set));
}

JNIEXPORT jint JNICALL J(spawnattrSetpgroup)(JNIEnv *env, jclass c, jlong attr, jint pgroup) {
  return posix_spawnattr_setpgroup(ATTR(attr), pgroup);
}

JNIEXPORT jint JNICALL J(actionsInit)(JNIEnv *env, jclass c, jlong actions) {
  return posix_spawn_file_actions_init(ACTIONS(actions));
}

JNIEXPORT jint JNICALL J(actionsDestroy)(JNIEnv *env, jclass c, jlong actions) {
  return posix_spawn_file_actions_destroy(ACTIONS(actions));
}

JNIEXPORT jint JNICALL J(actionsAddclose)(JNIEnv *env, jclass c, jlong actions, jint fd) {
  return posix_spawn_file_actions_addclose(ACTIONS(actions), fd);
}

/* A function this glibc may lack, found once; NULL if it has none. */
static void *optional(void **cache, int *looked, const char *name) {
  if (!__atomic_load_n(looked, __ATOMIC_ACQUIRE)) {
    __atomic_store_n(cache, dlsym(RTLD_DEFAULT, name), __ATOMIC_RELAXED);
    __atomic_store_n(looked, 1, __ATOMIC_RELEASE);
  }
  return __atomic_load_n(cache, __ATOMIC_RELAXED);
}

typedef int (*action_fd)(posix_spawn_file_actions_t *, int);
typedef int (*action_path)(posix_spawn_file_actions_t *, const char *);

static void *closefrom_fn, *tcsetpgrp_fn, *chdir_fn;
static int closefrom_looked, tcsetpgrp_looked, chdir_looked;

JNIEXPORT jint JNICALL J(actionsAddclosefrom)(JNIEnv *env, jclass c, jlong actions, jint from) {
  action_fd f = (action_fd) optional(&closefrom_fn, &closefrom_looked, "posix_spawn_file_actions_addclosefrom_np");
  return f == NULL ? S4J_MISSING : f(ACTIONS(actions), from);
}

JNIEXPORT jint JNICALL J(actionsAddtcsetpgrp)(JNIEnv *env, jclass c, jlong actions, jint fd) {
  action_fd f = (action_fd) optional(&tcsetpgrp_fn, &tcsetpgrp_looked, "posix_spawn_file_actions_addtcsetpgrp_np");
  return f == NULL ? S4J_MISSING : f(ACTIONS(actions), fd);
}

JNIEXPORT jint JNICALL J(actionsAddchdir)(JNIEnv *env, jclass c, jlong actions, jbyteArray path) {
  action_path f = (action_path) optional(&chdir_fn, &chdir_looked, "posix_spawn_file_actions_addchdir_np");
  if (f == NULL) return S4J_MISSING;
  jbyte *p = (*env)->GetByteArrayElements(env, path, NULL);
  if (p == NULL) return ENOMEM; /* OutOfMemoryError pending */
  int r = f(ACTIONS(actions), (const char *) p); /* glibc copies the path */
  (*env)->ReleaseByteArrayElements(env, path, p, JNI_ABORT);
  return r;
}

JNIEXPORT jint JNICALL J(spawnp)(JNIEnv *env, jclass c, jintArray pid_out, jbyteArray file, jlong actions, jlong attr,
                                 jlong argv, jlong envp) {
  jbyte *f = (*env)->GetByteArrayElements(env, file, NULL);
  if (f == NULL) return ENOMEM; /* OutOfMemoryError pending */
  pid_t pid = 0;
  int r = posix_spawnp(&pid, (const char *) f, ACTIONS(actions), ATTR(attr), (char *const *) (intptr_t) argv,
                       (char *const *) (intptr_t) envp);
  (*env)->ReleaseByteArrayElements(env, file, f, JNI_ABORT);
  jint out = pid;
  (*env)->SetIntArrayRegion(env, pid_out, 0, 1, &out);
  return r;
}

/* Native memory. */

JNIEXPORT jlong JNICALL J(allocate)(JNIEnv *env, jclass c, jlong size) { return (jlong) (intptr_t) calloc(1, (size_t) size); }

JNIEXPORT void JNICALL J(free)(JNIEnv *env, jclass c, jlong address) { free((void *) (intptr_t) address); }

JNIEXPORT jint JNICALL J(getInt)(JNIEnv *env, jclass c, jlong address) {
  jint v;
  memcpy(&v, (void *) (intptr_t) address, sizeof v);
  return v;
}

JNIEXPORT jlong JNICALL J(getLong)(JNIEnv *env, jclass c, jlong address) {
  jlong v;
  memcpy(&v, (void *) (intptr_t) address, sizeof v);
  return v;
}

JNIEXPORT void JNICALL J(putLong)(JNIEnv *env, jclass c, jlong address, jlong value) {
  memcpy((void *) (intptr_t) address, &value, sizeof value);
}

JNIEXPORT void JNICALL J(putBytes)(JNIEnv *env, jclass c, jlong address, jbyteArray bytes) {
  (*env)->GetByteArrayRegion(env, bytes, 0, (*env)->GetArrayLength(env, bytes), (jbyte *) (intptr_t) address);
}

JNIEXPORT jlong JNICALL J(environ)(JNIEnv *env, jclass c) { return (jlong) (intptr_t) environ; }

/*
 * A child that exits at once: its exit ends a waitid(P_ALL, WEXITED | WNOWAIT) blocked in the
 * reaper's thread, which then finds the reaper closed and leaves native code. HotSpot's exit
 * waits up to 300 ms for every thread in native code (VM_Exit::wait_for_threads_in_native_to_block):
 * the launcher's exit with a descendant still alive took ~320 ms instead of ~8. vfork, so that
 * nothing is copied; every signal blocked around it, so that no handler runs in the child while
 * it shares our memory, until its _exit. The pid, or -errno.
 */
JNIEXPORT jint JNICALL J(spawnExitingChild)(JNIEnv *env, jclass c) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  pid_t pid = vfork();
  if (pid == 0) _exit(0);
  int error = errno;
  sigprocmask(SIG_SETMASK, &old, NULL);
  return pid > 0 ? pid : -error;
}

/* libs4jsig's own functions (s4jsig.c, s4jjdk.c). */

JNIEXPORT jint JNICALL J(s4jAbi)(JNIEnv *env, jclass c) { return s4j_abi(); }

JNIEXPORT jint JNICALL J(s4jRecordSize)(JNIEnv *env, jclass c) { return s4j_record_size(); }

JNIEXPORT jint JNICALL J(s4jOpen)(JNIEnv *env, jclass c) { return s4j_open(); }

JNIEXPORT void JNICALL J(s4jSetAction)(JNIEnv *env, jclass c, jint sig, jint action) { s4j_set_action(sig, action); }

JNIEXPORT void JNICALL J(s4jSetTarget)(JNIEnv *env, jclass c, jint pid) { s4j_set_target(pid); }

JNIEXPORT jint JNICALL J(s4jDisposition)(JNIEnv *env, jclass c, jint sig) { return s4j_disposition(sig); }

JNIEXPORT jint JNICALL J(s4jInstall)(JNIEnv *env, jclass c, jint sig) { return s4j_install(sig); }

JNIEXPORT jint JNICALL J(s4jRestore)(JNIEnv *env, jclass c, jint sig) { return s4j_restore(sig); }

JNIEXPORT jlong JNICALL J(s4jClose)(JNIEnv *env, jclass c) { return s4j_close(); }

JNIEXPORT jint JNICALL J(jdkOpen)(JNIEnv *env, jclass c) { return s4j_jdk_open(env); }

JNIEXPORT jint JNICALL J(jdkClaimed)(JNIEnv *env, jclass c, jint pid) { return s4j_jdk_claimed(env, pid); }
