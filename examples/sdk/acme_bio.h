/*
 * acme_bio.h - Acme FingerScan SDK, C API (version 4.2).
 *
 * A made-up fingerprint SDK used by custody's demo. It has the shape of the
 * vendor SDKs our users wrap: opaque handles, status codes, out-parameters,
 * a container that takes ownership of what is added to it, objects the SDK
 * keeps for itself and lends to the caller, and strings that must go back to
 * the SDK's own allocator. Declarations only: custody parses, never links.
 *
 * Ownership rules, as the vendor documents them (and as the contract in
 * ../.custody.yaml states them for custody):
 *
 *   - acme_context_create() returns a context, or NULL on failure; release it
 *     with acme_context_destroy().
 *   - acme_template_create() returns ACME_OK and stores a new template in
 *     *out_tpl, or returns an error and leaves *out_tpl untouched; release a
 *     template with acme_template_destroy().
 *   - acme_gallery_add() takes ownership of the template when it returns
 *     ACME_OK. On any error the caller still owns it.
 *   - acme_template_get_cached() lends the context's last captured template:
 *     the context owns it, never destroy it.
 *   - acme_template_describe() returns a string from the SDK's allocator;
 *     release it with acme_string_free(), never with free().
 *   - acme_template_serialize() returns ACME_OK and a buffer in *out_buf;
 *     release it with acme_buffer_free().
 *   - Every destroy/close/free function accepts NULL.
 */
#ifndef ACME_BIO_H
#define ACME_BIO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acme_context acme_context;   /* SDK instance, one per thread */
typedef struct acme_template acme_template; /* an extracted fingerprint */
typedef struct acme_gallery acme_gallery;   /* an on-disk enrollment store */

typedef enum acme_status {
  ACME_OK = 0,
  ACME_E_INVALID_ARG = -1,
  ACME_E_NO_MEMORY = -2,
  ACME_E_BAD_IMAGE = -3,
  ACME_E_LOW_QUALITY = -4,
  ACME_E_DUPLICATE = -5,
  ACME_E_GALLERY_FULL = -6,
  ACME_E_NO_MATCH = -7,
  ACME_E_LICENSE = -8,
  ACME_E_IO = -9
} acme_status;

#define ACME_FLAG_DEFAULT 0u
#define ACME_FLAG_FAST_EXTRACT 1u
#define ACME_FLAG_CACHE_LAST 2u

/* --- Contexts ------------------------------------------------------------ */

acme_context *acme_context_create(const char *license_key, unsigned flags);
void acme_context_destroy(acme_context *ctx);
/* Borrowed: valid until the next call on ctx. */
const char *acme_context_last_error(const acme_context *ctx);

/* --- Templates ----------------------------------------------------------- */

int acme_template_create(acme_context *ctx, const unsigned char *image,
                         size_t image_len, acme_template **out_tpl);
void acme_template_destroy(acme_template *tpl);
/* Quality score 0..100, or a negative acme_status. */
int acme_template_quality(const acme_template *tpl);
/* Borrowed: owned by ctx (needs ACME_FLAG_CACHE_LAST); NULL if none. */
acme_template *acme_template_get_cached(acme_context *ctx);
/* Release the result with acme_string_free(); NULL on failure. */
char *acme_template_describe(const acme_template *tpl);
/* Release *out_buf with acme_buffer_free(). */
int acme_template_serialize(const acme_template *tpl, unsigned char **out_buf,
                            size_t *out_len);

void acme_string_free(char *s);
void acme_buffer_free(unsigned char *buf);

/* --- Galleries ----------------------------------------------------------- */

acme_gallery *acme_gallery_open(acme_context *ctx, const char *path);
void acme_gallery_close(acme_gallery *gal);
/* Takes ownership of tpl when it returns ACME_OK; *out_id may be NULL. */
int acme_gallery_add(acme_gallery *gal, acme_template *tpl, int *out_id);
int acme_gallery_identify(acme_gallery *gal, const acme_template *probe,
                          int *out_id, int *out_score);
size_t acme_gallery_size(const acme_gallery *gal);
int acme_gallery_save(acme_gallery *gal, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* ACME_BIO_H */
