#include "acme/acme.h"
#include "util.h"
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <sqlite3.h>
#include <errno.h>
#include <stdlib.h>

/* A project macro: the call counts where the macro is used. */
#define DEFAULT_VFS() sqlite3_vfs_find(0)

int fetch(const char *url) {
  CURL *h = curl_easy_init();
  struct curl_httppost *first = NULL, *last = NULL;
  curl_formadd(&first, &last, CURLFORM_COPYNAME, "name", CURLFORM_END);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_cleanup(h);
  return 0;
}

int digest(const unsigned char *d, size_t n, unsigned char *md) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_MD_CTX_free(ctx);
  const unsigned char *p = d;
  X509 *x = d2i_X509(NULL, &p, (long)n);
  X509_free(x);
  return SHA256(d, n, md) != NULL;
}

sqlite3_vfs *vfs(void) { return DEFAULT_VFS(); }

void sdk(void) {
  acme_ctx *c = acme_create("a");
  acme_ctx *d = acme_create_default();
  acme_channel *ch;
  if (acme_channel_open(c, "/x", &ch) == 0)
    acme_channel_close(ch);
  acme_timer_stop(c, acme_timer_start(c, 10));
  char *s = util_join("a", "b");
  free(s);
  free(util_strbuf(4));
  (void)util_pool_get(acme_version());
  acme_destroy(d);
  acme_destroy(c);
}

/* Through OpenSSL's macros: OPENSSL_strdup is CRYPTO_strdup, and the stack
   macros call OPENSSL_sk_* through inline helpers (ossl_check_X509_sk_type)
   that are not counted; the contract describes them. BIO_get_app_data calls
   BIO_get_ex_data, which it does not. errno is a call of __errno_location,
   not counted either. */
int stacks(BIO *b) {
  char *s = OPENSSL_strdup("x");
  OPENSSL_free(s);
  STACK_OF(X509) *st = sk_X509_new_null();
  X509 *top = sk_X509_pop(st);
  sk_X509_free(st);
  X509_free(top);
  void *app = BIO_get_app_data(b);
  return errno + (app != NULL);
}
