/*
 * enroll.c - native half of the enrollment bridge.
 *
 * The JNI entry points (Java_com_acme_demo_Enroll_*) unpack their jbyteArray
 * and jlong handles and call these functions with plain C arguments, so this
 * file builds without a JDK. The handles held by Java (context, gallery) are
 * created and destroyed in matcher.c.
 *
 * This file is custody's demo: some functions below have ownership bugs on
 * their error paths, next to the correct idioms. See ../README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acme_bio.h"

static void log_sdk_error(const acme_context *ctx, const char *what) {
  fprintf(stderr, "acme: %s failed: %s\n", what, acme_context_last_error(ctx));
}

/* Correct: the template is destroyed on every error path and handed to the
 * gallery on success (the gallery owns it from then on). */
int bridge_enroll(acme_context *ctx, acme_gallery *gal,
                  const unsigned char *img, size_t len, int min_quality,
                  int *out_id) {
  acme_template *tpl = NULL;
  int rc = acme_template_create(ctx, img, len, &tpl);
  if (rc != ACME_OK) {
    log_sdk_error(ctx, "template_create");
    return rc;
  }
  if (acme_template_quality(tpl) < min_quality) {
    rc = ACME_E_LOW_QUALITY;
    goto fail;
  }
  rc = acme_gallery_add(gal, tpl, out_id);
  if (rc != ACME_OK)
    goto fail;
  return ACME_OK; /* the gallery owns tpl now */

fail:
  acme_template_destroy(tpl);
  return rc;
}

/* Enrolls a new finger unless it is already known. */
int bridge_enroll_unique(acme_context *ctx, acme_gallery *gal,
                         const unsigned char *img, size_t len, int *out_id) {
  acme_template *tpl = NULL;
  int rc = acme_template_create(ctx, img, len, &tpl);
  if (rc != ACME_OK)
    return rc;
  rc = acme_gallery_add(gal, tpl, out_id);
  if (rc == ACME_E_DUPLICATE) {
    /* Already enrolled: not an error for the Java side. */
    *out_id = -1;
    return ACME_OK; /* BUG: the gallery refused tpl, so it is still ours */
  }
  if (rc != ACME_OK) {
    acme_template_destroy(tpl);
    return rc;
  }
  return ACME_OK;
}

/* Logs what the SDK says about a template. */
void bridge_log_template(const acme_template *tpl) {
  char *desc = acme_template_describe(tpl);
  if (!desc)
    return;
  fprintf(stderr, "acme: template %s\n", desc);
  free(desc); /* BUG: SDK strings go back through acme_string_free */
}

/* Reads a whole image file (the debug path behind Enroll.fromFile()).
 * Returns malloc'ed bytes the caller frees, or NULL. */
static unsigned char *read_image(const char *path, size_t *out_len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) != 0) {
    fclose(f);
    return NULL;
  }
  long size = ftell(f);
  if (size <= 0)
    return NULL; /* BUG: f leaks on an empty or unseekable file */
  rewind(f);
  unsigned char *buf = malloc((size_t)size);
  if (!buf) {
    fclose(f);
    return NULL;
  }
  if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *out_len = (size_t)size;
  return buf;
}

/* Correct: read_image's buffer is freed whatever bridge_enroll does. */
int bridge_enroll_file(acme_context *ctx, acme_gallery *gal, const char *path,
                       int *out_id) {
  size_t len = 0;
  unsigned char *img = read_image(path, &len);
  if (!img)
    return ACME_E_IO;
  int rc = bridge_enroll(ctx, gal, img, len, 50, out_id);
  free(img);
  return rc;
}

/* Correct: the SDK buffer and the FILE are both released on every path. */
int bridge_export_template(const acme_template *tpl, const char *path) {
  unsigned char *buf = NULL;
  size_t len = 0;
  int rc = acme_template_serialize(tpl, &buf, &len);
  if (rc != ACME_OK)
    return rc;
  FILE *f = fopen(path, "wb");
  if (!f) {
    acme_buffer_free(buf);
    return ACME_E_IO;
  }
  rc = fwrite(buf, 1, len, f) == len ? ACME_OK : ACME_E_IO;
  acme_buffer_free(buf);
  if (fclose(f) != 0)
    rc = ACME_E_IO;
  return rc;
}

/* Identifies the last finger the scanner captured (ACME_FLAG_CACHE_LAST). */
int bridge_identify_cached(acme_context *ctx, acme_gallery *gal, int *out_id,
                           int *out_score) {
  acme_template *probe = acme_template_get_cached(ctx);
  if (!probe)
    return ACME_E_INVALID_ARG;
  int rc = acme_gallery_identify(gal, probe, out_id, out_score);
  acme_template_destroy(probe); /* BUG: the context owns its cached template */
  return rc;
}
