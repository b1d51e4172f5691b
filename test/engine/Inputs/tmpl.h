// A fingerprint SDK of the kind a user describes with a contract.
typedef struct fp_ctx fp_ctx;
typedef struct fp_template fp_template;
int fp_template_load(fp_ctx *ctx, const char *buf, fp_template **out);
void fp_template_free(fp_template *t);
