/* A stand-in for a user's own C SDK: the kind of library contracts are for. */
#ifndef TEST_SDK_H
#define TEST_SDK_H
typedef struct sdk_ctx sdk_ctx;
typedef struct sdk_tpl sdk_tpl;
typedef struct sdk_gallery sdk_gallery;

sdk_ctx *sdk_ctx_create(const char *license);
void sdk_ctx_destroy(sdk_ctx *ctx);
int sdk_tpl_open(sdk_ctx *ctx, const unsigned char *img, int len, sdk_tpl **out);
void sdk_tpl_destroy(sdk_tpl *tpl);
void sdk_tpl_destroy_secure(sdk_tpl *tpl);
sdk_tpl *sdk_tpl_get_cached(sdk_ctx *ctx);
int sdk_gallery_add(sdk_gallery *gal, sdk_tpl *tpl);
void sdk_engine_enroll(sdk_ctx *ctx, sdk_tpl *tpl);
int sdk_tpl_score(const sdk_tpl *tpl);
char *sdk_tpl_describe(const sdk_tpl *tpl);
void sdk_string_free(char *s);
void sdk_ctx_register(sdk_ctx *ctx, sdk_tpl *tpl);
void sdk_pair_take(sdk_ctx *ctx, sdk_tpl *a, sdk_tpl *b);
void sdk_ctx_set_user_data(sdk_ctx *ctx, void *data);
void sdk_tpl_ref(sdk_tpl *tpl);
sdk_tpl *sdk_tpl_dup(sdk_ctx *ctx, int fresh);
void sdk_log_values(const char *fmt, ...);
void sdk_queue_push_all(sdk_ctx *ctx, int n, ...);
#endif
