typedef struct fp_ctx fp_ctx;
typedef struct fp_template fp_template;
fp_ctx *fp_ctx_create(void);
void fp_ctx_destroy(fp_ctx *ctx);
fp_template *fp_template_create(fp_ctx *ctx);
void fp_template_destroy(fp_template *t);
