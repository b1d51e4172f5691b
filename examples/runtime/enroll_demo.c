/*
 * enroll_demo.c - drives ../native/enroll.c as the Java side would: a batch
 * of fingerprints enrolled with bridge_enroll_unique (a finger scanned twice
 * is a duplicate), each new template described in the log, then one
 * enrollment from an empty image file. docs/runtime.md runs it under
 * `custody trace`.
 */
#include "acme_bio.h"
#include <stdio.h>

int bridge_enroll_unique(acme_context *ctx, acme_gallery *gal,
                         const unsigned char *img, size_t len, int *out_id);
void bridge_log_template(const acme_template *tpl);
int bridge_enroll_file(acme_context *ctx, acme_gallery *gal, const char *path,
                       int *out_id);

int main(int argc, char **argv) {
  acme_context *ctx = acme_context_create("demo-license", ACME_FLAG_DEFAULT);
  if (!ctx)
    return 1;
  acme_gallery *gal = acme_gallery_open(ctx, "/tmp/gallery.acme");
  if (!gal) {
    acme_context_destroy(ctx);
    return 1;
  }
  /* Five scans of three fingers: two are duplicates. */
  static const unsigned char scans[5][4] = {
      {1, 2, 3, 4}, {5, 6, 7, 8}, {1, 2, 3, 4}, {9, 9, 9, 9}, {5, 6, 7, 8}};
  for (int i = 0; i < 5; ++i) {
    int id = 0;
    if (bridge_enroll_unique(ctx, gal, scans[i], sizeof scans[i], &id) == 0 &&
        id >= 0) {
      acme_template *tpl = NULL;
      if (acme_template_create(ctx, scans[i], sizeof scans[i], &tpl) == 0) {
        bridge_log_template(tpl);
        acme_template_destroy(tpl);
      }
    }
  }
  /* The debug path: enrollment from a file (an empty one here). */
  int id = 0;
  if (argc > 1)
    bridge_enroll_file(ctx, gal, argv[1], &id);
  printf("gallery: %zu templates\n", acme_gallery_size(gal));
  acme_gallery_close(gal);
  acme_context_destroy(ctx);
  return 0;
}
