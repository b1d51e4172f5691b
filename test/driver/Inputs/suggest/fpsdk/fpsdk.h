/* fpsdk: an imaginary fingerprint-reader SDK. */
#ifndef FPSDK_H
#define FPSDK_H

#include <stdio.h>  /* libc is not part of the SDK */
#include "fp_types.h"

/* create / destroy */
fp_context *fp_context_create(const char *license);
void fp_context_destroy(fp_context *ctx);
int fp_context_up_ref(fp_context *ctx);
void fp_context_state_cleanup(fp_context *ctx); /* not a second destructor */

/* out-parameter with an enum status (FP_OK) */
fp_status fp_device_open(fp_context *ctx, const char *id, fp_device **out);
fp_status fp_device_close(fp_device *dev);

/* new / free, dup, get0, get1 */
fp_template *fp_template_new(void);
void fp_template_free(fp_template *tpl);
fp_template *fp_template_dup(const fp_template *tpl);
fp_template *fp_device_get0_template(fp_device *dev);
fp_template *fp_device_get1_template(fp_device *dev);
const fp_template *fp_device_last_template(const fp_device *dev);
fp_template *fp_device_current_template(fp_device *dev);
fp_template *fp_template_copy(fp_template *to, const fp_template *from);
int fp_device_push_ref(fp_device *dev, const char *ref); /* not a retain */

/* out-parameter with an int status: FP_OK is 0 */
int fp_enroll(fp_device *dev, int finger, fp_template **out);

/* acquire / release */
fp_session *fp_session_acquire(fp_device *dev);
int fp_session_release(fp_session *s);

/* prefix forms */
fp_match *new_fp_match(fp_template *a, fp_template *b);
void free_fp_match(fp_match *m);

/* a pointer typedef handle */
fp_image fp_image_alloc(int width, int height);
void fp_image_free(fp_image img);
fp_context *fp_image_get_context(fp_image img);

/* a void typedef handle with a bare-name constructor */
FP_READER *fp_reader(void);
void fp_reader_cleanup(FP_READER *r);

/* out-parameter with no status */
void fp_device_scan(fp_device *dev, fp_image *out);

/* the SDK's heap */
void *fp_malloc(size_t n);
void *fp_realloc(void *p, size_t n);
void *fp_secure_malloc(size_t n); /* has a free of its own */
void fp_secure_free(void *p);
void fp_free(void *p);
char *fp_template_describe(const fp_template *tpl);
char *fp_strdup(const char *s);
char *fp_device_get0_name(fp_device *dev); /* borrowed: no entry */
char *fp_aprintf(const char *fmt, ...);
fp_status fp_device_serial(fp_device *dev, char **serial);

/* only uses its arguments */
int fp_template_quality(const fp_template *tpl);

#endif
