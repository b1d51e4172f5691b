/* A stand-in for a vendor SDK with no built-in contract. */
#ifndef ACME_ACME_H
#define ACME_ACME_H

typedef struct acme_ctx acme_ctx;
typedef struct acme_channel acme_channel;
/* An integer handle: an index into the SDK's table of timers. */
typedef int acme_handle_t;

acme_ctx *acme_create(const char *name);
void acme_destroy(acme_ctx *ctx);
/* Returns 0 and sets *out on success. */
int acme_channel_open(acme_ctx *ctx, const char *path, acme_channel **out);
void acme_channel_close(acme_channel *ch);
acme_handle_t acme_timer_start(acme_ctx *ctx, int ms);
void acme_timer_stop(acme_ctx *ctx, acme_handle_t t);
int acme_version(void);
/* Input arrays, not out-parameters: not listed. */
int acme_batch_submit(acme_ctx *ctx, const acme_channel **chans, int n);
int acme_set_paths(acme_ctx *ctx, char **paths, acme_channel *const *chans);

/* Its body is in the header: the analysis reads it. */
static inline acme_ctx *acme_create_default(void) {
  return acme_create("default");
}

#endif
