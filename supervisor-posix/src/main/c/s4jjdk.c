/*
 * libs4jsig, part two: the JDK's table of its own children, read through JNI.
 *
 * The cooperative reaper must never reap a child that the JDK's own "process reaper" thread
 * will reap (the JDK then reports exit value 0, silently). The exact answer is the private
 * static map java.lang.ProcessHandleImpl.completions (pid -> ExitCompletion with isReaping).
 * Java code can read it only with java.lang opened to it (--add-opens, an Add-Opens manifest
 * line, our agent) or through sun.misc.Unsafe, whose memory methods JDK 24 and later call
 * terminally deprecated and warn about. JNI's field and method access is not subject to the
 * module system's access checks (JNI spec, "Accessing Fields and Methods") and needs no flag.
 *
 * Called through JNI (Jni.jdkOpen and Jni.jdkClaimed, s4jjni.c), with the calling thread's
 * JNIEnv. s4j_jdk_open from one thread at a time (the Java side holds a lock; once the table
 * is set it returns at once), then s4j_jdk_claimed from any thread: it only reads what
 * s4j_jdk_open set. Build: with s4jsig.c and s4jjni.c, -I$JAVA_HOME/include{,/linux}.
 */
#include <jni.h>

#include "s4jsig.h"

static jobject table;        /* global ref: ProcessHandleImpl.completions */
static jclass long_class;    /* global ref: java.lang.Long */
static jmethodID map_get;    /* java.util.Map.get(Object) */
static jmethodID long_value_of;
static jfieldID is_reaping;  /* ProcessHandleImpl$ExitCompletion.isReaping */

/* True if a Java exception is pending; clears it (none must reach the Java caller). */
static int failed(JNIEnv *env) {
  if (!(*env)->ExceptionCheck(env)) return 0;
  (*env)->ExceptionClear(env);
  return 1;
}

/* 0 when the table can be read, else a negative step number (for the Java side's message; 4-11). */
int s4j_jdk_open(JNIEnv *env) {
  if (table != NULL) return 0;
  jclass impl = (*env)->FindClass(env, "java/lang/ProcessHandleImpl");
  if (impl == NULL || failed(env)) return -4;
  jfieldID field = (*env)->GetStaticFieldID(env, impl, "completions", "Ljava/util/concurrent/ConcurrentMap;");
  if (field == NULL || failed(env)) return -5;
  jobject map = (*env)->GetStaticObjectField(env, impl, field);
  if (map == NULL || failed(env)) return -6;
  jclass map_class = (*env)->FindClass(env, "java/util/Map");
  if (map_class == NULL || failed(env)) return -7;
  map_get = (*env)->GetMethodID(env, map_class, "get", "(Ljava/lang/Object;)Ljava/lang/Object;");
  jclass lc = (*env)->FindClass(env, "java/lang/Long");
  if (map_get == NULL || lc == NULL || failed(env)) return -8;
  long_value_of = (*env)->GetStaticMethodID(env, lc, "valueOf", "(J)Ljava/lang/Long;");
  jclass completion = (*env)->FindClass(env, "java/lang/ProcessHandleImpl$ExitCompletion");
  if (long_value_of == NULL || completion == NULL || failed(env)) return -9;
  is_reaping = (*env)->GetFieldID(env, completion, "isReaping", "Z");
  if (is_reaping == NULL || failed(env)) return -10;
  long_class = (*env)->NewGlobalRef(env, lc);
  table = (*env)->NewGlobalRef(env, map);
  return table != NULL && long_class != NULL ? 0 : -11;
}

/* 1 if the JDK will reap pid itself, 0 if not, negative if the table could not be read. */
int s4j_jdk_claimed(JNIEnv *env, int pid) {
  if (table == NULL) return -1;
  jobject key = (*env)->CallStaticObjectMethod(env, long_class, long_value_of, (jlong) pid);
  if (key == NULL || failed(env)) return -2;
  jobject completion = (*env)->CallObjectMethod(env, table, map_get, key);
  (*env)->DeleteLocalRef(env, key);
  if (failed(env)) return -3;
  if (completion == NULL) return 0;
  jboolean reaping = (*env)->GetBooleanField(env, completion, is_reaping);
  (*env)->DeleteLocalRef(env, completion);
  return reaping ? 1 : 0;
}
