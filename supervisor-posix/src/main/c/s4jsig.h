/*
 * libs4jsig's own functions, as s4jjni.c calls them: the signal fast path (s4jsig.c) and the
 * reader of the JDK's table of its children (s4jjdk.c). Each file says who may call what.
 */
#ifndef S4JSIG_H
#define S4JSIG_H

#include <jni.h>

int s4j_abi(void);
int s4j_record_size(void);
int s4j_open(void);
void s4j_set_action(int sig, int action);
void s4j_set_target(int pid);
int s4j_disposition(int sig);
int s4j_install(int sig);
int s4j_restore(int sig);
long s4j_close(void);

int s4j_jdk_open(JNIEnv *env);
int s4j_jdk_claimed(JNIEnv *env, int pid);

#endif
