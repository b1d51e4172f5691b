// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// jni-global-ref-field-leak: a global reference kept in a struct's field must
// be deleted by the function that frees the struct, and a setter must delete
// the reference a field held before it stores (or clears) another.

#include <jni.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct session {
  jobject listener;
  jobject selector;
  jobject verifier;
  int fd;
} session;

JNIEXPORT jlong JNICALL Java_Demo_open(JNIEnv *env, jclass cls, jobject sel) {
  session *s = calloc(1, sizeof *s);
  if (!s)
    return 0;
  s->selector = (*env)->NewGlobalRef(env, sel);
  return (jlong)(intptr_t)s;
}

/* Installing a second listener loses the first. */
JNIEXPORT void JNICALL Java_Demo_setListener(JNIEnv *env, jclass cls, jlong h,
                                             jobject l) {
  session *s = (session *)(intptr_t)h;
  s->listener = (*env)->NewGlobalRef(env, l);
  // CHECK: :[[@LINE-1]]:3: warning: 's->listener' is overwritten with the JNI global reference from 'NewGlobalRef' without releasing the JNI global reference an earlier call may have stored there; release it first (or test that the field is empty) [jni-global-ref-field-leak]
  // CHECK: :[[@LINE-2]]:17: note: the JNI global reference stored is acquired here
}

/* Deleted only when a new one comes: clearing just drops it. */
JNIEXPORT void JNICALL Java_Demo_setVerifier(JNIEnv *env, jclass cls, jlong h,
                                             jobject v) {
  session *s = (session *)(intptr_t)h;
  if (v != NULL) {
    if (s->verifier != NULL)
      (*env)->DeleteGlobalRef(env, s->verifier);
    s->verifier = (*env)->NewGlobalRef(env, v);
  } else {
    s->verifier = NULL;
    // CHECK: :[[@LINE-1]]:5: warning: 's->verifier' is cleared without releasing the JNI global reference an earlier call may have stored there; release it first (or test that the field is empty) [jni-global-ref-field-leak]
  }
}

/* The free path deletes two of the three references. */
JNIEXPORT void JNICALL Java_Demo_close(JNIEnv *env, jclass cls, jlong h) {
  session *s = (session *)(intptr_t)h;
  if (s->listener)
    (*env)->DeleteGlobalRef(env, s->listener);
  if (s->verifier)
    (*env)->DeleteGlobalRef(env, s->verifier);
  free(s);
  // CHECK: :[[@LINE-1]]:3: warning: 's->selector' still holds the JNI global reference that 'Java_Demo_open' stored there when 'free' frees the object; 'Java_Demo_close' (the destroy function of 'session') must release it [jni-global-ref-field-leak]
  // CHECK: :[[@LINE-36]]:3: note: the field owns the JNI global reference stored here
}

/* Correct setter. */
typedef struct conn {
  jobject cb;
} conn;

JNIEXPORT void JNICALL Java_Demo_setCallback(JNIEnv *env, jclass cls, jlong h,
                                             jobject cb) {
  conn *c = (conn *)(intptr_t)h;
  if (c->cb)
    (*env)->DeleteGlobalRef(env, c->cb);
  c->cb = cb ? (*env)->NewGlobalRef(env, cb) : NULL;
}

static void conn_free(JNIEnv *env, conn *c) {
  if (c->cb)
    (*env)->DeleteGlobalRef(env, c->cb);
  free(c);
}

JNIEXPORT void JNICALL Java_Demo_dispose(JNIEnv *env, jclass cls, jlong h) {
  conn_free(env, (conn *)(intptr_t)h);
}

/* A pointer into a direct buffer used after its reference is deleted. */

/* An init helper fills a field (its summary says so, on success): an error
   path of the caller that frees the struct after it loses the reference. */
typedef struct channel {
  jobject selector;
  int fd;
} channel;

static int channel_init(JNIEnv *env, channel *c, jobject sel) {
  c->selector = (*env)->NewGlobalRef(env, sel);
  if (!c->selector)
    return -1;
  return 0;
}

JNIEXPORT jlong JNICALL Java_Demo_openChannel(JNIEnv *env, jclass cls,
                                              jobject sel, jint fd) {
  channel *c = calloc(1, sizeof *c);
  if (!c)
    return 0;
  if (channel_init(env, c, sel) != 0) {
    free(c);
    return 0;
  }
  c->fd = fd;
  if (c->fd < 0) {
    free(c);
    // CHECK: :[[@LINE-1]]:5: warning: 'free' frees the object whose field 'selector' holds the JNI global reference from 'channel_init', which is never released [jni-global-ref-leak]
    // CHECK: :[[@LINE-8]]:7: note: JNI global reference acquired here from 'channel_init'; the contract says 'DeleteGlobalRef' releases it
    // CHECK: :[[@LINE-4]]:7: note: assuming 'c->fd < 0' is true
    return 0;
  }
  return (jlong)(intptr_t)c;
}

JNIEXPORT jlong JNICALL Java_Demo_openChannelOk(JNIEnv *env, jclass cls,
                                                jobject sel, jint fd) {
  channel *c = calloc(1, sizeof *c);
  if (!c)
    return 0;
  if (channel_init(env, c, sel) != 0) {
    free(c);
    return 0;
  }
  c->fd = fd;
  if (c->fd < 0) {
    (*env)->DeleteGlobalRef(env, c->selector);
    free(c);
    return 0;
  }
  return (jlong)(intptr_t)c;
}
