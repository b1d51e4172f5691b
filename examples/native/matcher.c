/*
 * matcher.c - native half of the matching bridge.
 *
 * Java keeps a `long` handle to a matcher (an SDK context plus a gallery);
 * matcher_open() creates it for Matcher.open(), matcher_close() destroys it
 * from Matcher.close(). Identification runs against a gallery file.
 *
 * This file is custody's demo: some functions below have ownership bugs on
 * their error paths, next to the correct idioms. See ../README.md.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme_bio.h"

typedef struct matcher {
  acme_context *ctx;
  acme_gallery *gal;
} matcher;

/* Correct: on success both handles move into the struct returned to Java. */
matcher *matcher_open(const char *license, const char *gallery_path) {
  acme_context *ctx = acme_context_create(license, ACME_FLAG_CACHE_LAST);
  if (!ctx)
    return NULL;
  acme_gallery *gal = acme_gallery_open(ctx, gallery_path);
  if (!gal) {
    fprintf(stderr, "acme: cannot open %s: %s\n", gallery_path,
            acme_context_last_error(ctx));
    acme_context_destroy(ctx);
    return NULL;
  }
  matcher *m = malloc(sizeof *m);
  if (!m) {
    acme_gallery_close(gal);
    acme_context_destroy(ctx);
    return NULL;
  }
  m->ctx = ctx;
  m->gal = gal;
  return m;
}

void matcher_close(matcher *m) {
  if (!m)
    return;
  acme_gallery_close(m->gal);
  acme_context_destroy(m->ctx);
  free(m);
}

/* Identifies a finger against a gallery file. */
int bridge_identify(acme_context *ctx, const char *gallery_path,
                    const unsigned char *img, size_t len, int threshold,
                    int *out_id) {
  acme_gallery *gal = NULL;
  acme_template *probe = NULL;
  int score = 0;
  int rc = ACME_E_IO;

  gal = acme_gallery_open(ctx, gallery_path);
  if (!gal)
    goto cleanup;
  rc = acme_template_create(ctx, img, len, &probe);
  if (rc != ACME_OK)
    goto cleanup;
  if (acme_template_quality(probe) < 40) {
    acme_template_destroy(probe);
    rc = ACME_E_LOW_QUALITY;
    goto cleanup; /* BUG: the cleanup label destroys probe again */
  }
  rc = acme_gallery_identify(gal, probe, out_id, &score);
  if (rc == ACME_OK && score < threshold)
    rc = ACME_E_NO_MATCH;

cleanup:
  acme_template_destroy(probe);
  acme_gallery_close(gal);
  return rc;
}

/* Returns a malloc'ed description of a probe, for the Java side to print
 * (the JNI layer turns it into a jstring and frees it). */
char *bridge_describe_probe(acme_context *ctx, const unsigned char *img,
                            size_t len) {
  acme_template *tpl = NULL;
  if (acme_template_create(ctx, img, len, &tpl) != ACME_OK)
    return NULL;
  char *sdk_desc = acme_template_describe(tpl);
  if (!sdk_desc) {
    acme_template_destroy(tpl);
    return NULL;
  }
  char *copy = strdup(sdk_desc); /* plain heap memory, freed with free() */
  acme_string_free(sdk_desc);
  if (!copy)
    return NULL; /* BUG: tpl leaks on this early return */
  acme_template_destroy(tpl);
  return copy; /* the caller owns it */
}

/* Enrolls a batch of captures into an open matcher; returns how many went in. */
int matcher_enroll_batch(matcher *m, const unsigned char *const *images,
                         const size_t *lens, int count) {
  int enrolled = 0;
  for (int i = 0; i < count; ++i) {
    acme_template *tpl = NULL;
    if (acme_template_create(m->ctx, images[i], lens[i], &tpl) != ACME_OK)
      continue;
    if (acme_gallery_add(m->gal, tpl, NULL) != ACME_OK) {
      acme_template_destroy(tpl);
      continue;
    }
    ++enrolled;
  }
  if (enrolled > 0 && acme_gallery_save(m->gal, NULL) != ACME_OK)
    return -1;
  return enrolled;
}
