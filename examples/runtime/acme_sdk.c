/*
 * acme_sdk.c - a small stand-in for the Acme FingerScan SDK library, so that
 * the example can run under `custody trace` (docs/runtime.md). The real SDK
 * is closed; this one keeps to what ../sdk/acme_bio.h documents: handles
 * from malloc, a gallery that refuses a template it already holds
 * (ACME_E_DUPLICATE) and then leaves it to the caller, strings and buffers
 * the caller gives back.
 */
#include "acme_bio.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct acme_context {
  char error[64];
};
struct acme_template {
  unsigned long hash;
};
struct acme_gallery {
  acme_template *items[64];
  size_t count;
};

acme_context *acme_context_create(const char *license_key, unsigned flags) {
  (void)flags;
  if (!license_key)
    return NULL;
  return calloc(1, sizeof(acme_context));
}

void acme_context_destroy(acme_context *ctx) { free(ctx); }

const char *acme_context_last_error(const acme_context *ctx) {
  return ctx->error;
}

int acme_template_create(acme_context *ctx, const unsigned char *image,
                         size_t image_len, acme_template **out_tpl) {
  if (!ctx || !image || !out_tpl)
    return ACME_E_INVALID_ARG;
  if (image_len == 0)
    return ACME_E_BAD_IMAGE;
  acme_template *t = malloc(sizeof *t);
  if (!t)
    return ACME_E_NO_MEMORY;
  t->hash = 5381;
  for (size_t i = 0; i < image_len; ++i)
    t->hash = t->hash * 33 + image[i];
  *out_tpl = t;
  return ACME_OK;
}

void acme_template_destroy(acme_template *tpl) { free(tpl); }

int acme_template_quality(const acme_template *tpl) {
  return (int)(tpl->hash % 50) + 50;
}

acme_template *acme_template_get_cached(acme_context *ctx) {
  (void)ctx;
  return NULL;
}

char *acme_template_describe(const acme_template *tpl) {
  char *s = malloc(32);
  if (s)
    snprintf(s, 32, "#%08lx", tpl->hash & 0xffffffffUL);
  return s;
}

int acme_template_serialize(const acme_template *tpl, unsigned char **out_buf,
                            size_t *out_len) {
  unsigned char *b = malloc(sizeof tpl->hash);
  if (!b)
    return ACME_E_NO_MEMORY;
  memcpy(b, &tpl->hash, sizeof tpl->hash);
  *out_buf = b;
  *out_len = sizeof tpl->hash;
  return ACME_OK;
}

void acme_string_free(char *s) { free(s); }
void acme_buffer_free(unsigned char *buf) { free(buf); }

acme_gallery *acme_gallery_open(acme_context *ctx, const char *path) {
  (void)path;
  if (!ctx)
    return NULL;
  return calloc(1, sizeof(acme_gallery));
}

void acme_gallery_close(acme_gallery *gal) {
  if (!gal)
    return;
  for (size_t i = 0; i < gal->count; ++i)
    free(gal->items[i]);
  free(gal);
}

int acme_gallery_add(acme_gallery *gal, acme_template *tpl, int *out_id) {
  for (size_t i = 0; i < gal->count; ++i)
    if (gal->items[i]->hash == tpl->hash)
      return ACME_E_DUPLICATE; /* the caller keeps tpl */
  if (gal->count == sizeof gal->items / sizeof *gal->items)
    return ACME_E_GALLERY_FULL;
  gal->items[gal->count] = tpl;
  if (out_id)
    *out_id = (int)gal->count;
  ++gal->count;
  return ACME_OK;
}

int acme_gallery_identify(acme_gallery *gal, const acme_template *probe,
                          int *out_id, int *out_score) {
  for (size_t i = 0; i < gal->count; ++i)
    if (gal->items[i]->hash == probe->hash) {
      *out_id = (int)i;
      *out_score = 100;
      return ACME_OK;
    }
  return ACME_E_NO_MATCH;
}

size_t acme_gallery_size(const acme_gallery *gal) { return gal->count; }

int acme_gallery_save(acme_gallery *gal, const char *path) {
  (void)gal;
  (void)path;
  return ACME_OK;
}
