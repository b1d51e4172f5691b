// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The built-in OpenSSL 3 contract (contracts/openssl.yaml) on the real
// <openssl/*.h>. SSL_get_peer_certificate, OPENSSL_free, EVP_RSA_gen ... are
// macros there: the contract names the functions they expand to, and the
// messages name the macro the code wrote.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// --- Must warn ---------------------------------------------------------------

SSL_CTX *checkLeak01ContextOnLoadError(const char *cert, const char *key) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx)
    return NULL;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); // SSL_CTX_ctrl
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) <= 0 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) <= 0) {
    ERR_print_errors_fp(stderr);
    return NULL;
    // CHECK: :[[@LINE-1]]:5: warning: 'ctx' (SSL_CTX from 'SSL_CTX_new') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-9]]:18: note: SSL_CTX acquired here from 'SSL_CTX_new'; the contract says 'SSL_CTX_free' releases it
  }
  return ctx;
}

int checkLeak02SslOnHandshakeError(SSL_CTX *ctx, int fd) {
  SSL *ssl = SSL_new(ctx);
  if (ssl == NULL)
    return -1;
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) <= 0) {
    ERR_print_errors_fp(stderr);
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: 'ssl' (SSL connection from 'SSL_new') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-8]]:14: note: SSL connection acquired here from 'SSL_new'; the contract says 'SSL_free' releases it
  }
  SSL_shutdown(ssl);
  SSL_free(ssl);
  return 0;
}

// SSL_get_peer_certificate is a macro for SSL_get1_peer_certificate, which
// returns a new reference.
int checkLeak03PeerCertificate(SSL *ssl, const char *host) {
  X509 *cert = SSL_get_peer_certificate(ssl);
  if (cert == NULL)
    return -1;
  return X509_check_host(cert, host, 0, 0, NULL) == 1;
  // CHECK: :[[@LINE-1]]:3: warning: 'cert' (X509 certificate from 'SSL_get_peer_certificate') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:16: note: X509 certificate acquired here from 'SSL_get_peer_certificate'; the contract says 'X509_free' releases it
}

EVP_PKEY *checkLeak04KeyFileOnReadError(const char *path) {
  BIO *in = BIO_new_file(path, "r");
  if (!in)
    return NULL;
  EVP_PKEY *pkey = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
  if (!pkey)
    return NULL;
  // CHECK: :[[@LINE-1]]:5: warning: 'in' (BIO from 'BIO_new_file') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-7]]:13: note: BIO acquired here from 'BIO_new_file'; the contract says 'BIO_free', 'BIO_free_all' or 'BIO_vfree' releases it
  BIO_free(in);
  return pkey;
}

int checkLeak05DigestContext(const unsigned char *data, size_t n,
                             unsigned char *md, unsigned int *mdlen) {
  EVP_MD_CTX *mdctx = EVP_MD_CTX_new();
  if (!mdctx)
    return 0;
  if (EVP_DigestInit_ex(mdctx, EVP_sha256(), NULL) != 1 ||
      EVP_DigestUpdate(mdctx, data, n) != 1)
    return 0;
  // CHECK: :[[@LINE-1]]:5: warning: 'mdctx' (EVP_MD_CTX from 'EVP_MD_CTX_new') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-7]]:23: note: EVP_MD_CTX acquired here from 'EVP_MD_CTX_new'; the contract says 'EVP_MD_CTX_free' releases it
  int ok = EVP_DigestFinal_ex(mdctx, md, mdlen);
  EVP_MD_CTX_free(mdctx);
  return ok;
}

// X509_get_pubkey returns a new reference (X509_get0_pubkey does not).
int checkLeak06CertificatePublicKey(X509 *cert) {
  EVP_PKEY *pub = X509_get_pubkey(cert);
  if (!pub)
    return -1;
  return EVP_PKEY_get_bits(pub);
  // CHECK: :[[@LINE-1]]:3: warning: 'pub' (EVP_PKEY from 'X509_get_pubkey') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:19: note: EVP_PKEY acquired here from 'X509_get_pubkey'; the contract says 'EVP_PKEY_free' releases it
}

int checkLeak07GeneratedKey(int bits, FILE *out) {
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, NULL);
  if (!kctx)
    return -1;
  if (EVP_PKEY_keygen_init(kctx) <= 0 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, bits) <= 0 ||
      EVP_PKEY_keygen(kctx, &pkey) <= 0) {
    EVP_PKEY_CTX_free(kctx);
    return -1;
  }
  EVP_PKEY_CTX_free(kctx);
  return PEM_write_PrivateKey(out, pkey, NULL, NULL, 0, NULL, NULL);
  // CHECK: :[[@LINE-1]]:3: warning: 'pkey' (EVP_PKEY from 'EVP_PKEY_keygen') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-7]]:7: note: EVP_PKEY acquired here through argument 1 of 'EVP_PKEY_keygen'; the contract says 'EVP_PKEY_free' releases it
}

void checkReleaseUnowned01Get0PeerCertificate(SSL *ssl) {
  X509 *cert = SSL_get0_peer_certificate(ssl);
  if (!cert)
    return;
  X509_NAME_print_ex_fp(stdout, X509_get_subject_name(cert), 0, 0);
  X509_free(cert);
  // CHECK: :[[@LINE-1]]:3: warning: 'cert' is borrowed from 'SSL_get0_peer_certificate' and must not be released by 'X509_free' [contract-release-unowned]
  // CHECK: :[[@LINE-6]]:16: note: X509 certificate borrowed here from 'SSL_get0_peer_certificate'; the contract does not make the caller its owner
}

void checkReleaseUnowned02SubjectName(X509 *cert) {
  X509_NAME *subject = X509_get_subject_name(cert);
  X509_NAME_print_ex_fp(stdout, subject, 0, XN_FLAG_ONELINE);
  X509_NAME_free(subject);
  // CHECK: :[[@LINE-1]]:3: warning: 'subject' is borrowed from 'X509_get_subject_name' and must not be released by 'X509_NAME_free' [contract-release-unowned]
  // CHECK: :[[@LINE-4]]:24: note: X509_NAME borrowed here from 'X509_get_subject_name'; the contract does not make the caller its owner
}

int checkReleaseUnowned03ContextCertificate(SSL_CTX *ctx) {
  X509 *cert = SSL_CTX_get0_certificate(ctx);
  if (!cert)
    return 0;
  int days = 0, secs = 0;
  ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert));
  X509_free(cert);
  // CHECK: :[[@LINE-1]]:3: warning: 'cert' is borrowed from 'SSL_CTX_get0_certificate' and must not be released by 'X509_free' [contract-release-unowned]
  // CHECK: :[[@LINE-7]]:16: note: X509 certificate borrowed here from 'SSL_CTX_get0_certificate'; the contract does not make the caller its owner
  return days;
}

int checkReleaseUnowned04Get0PublicKey(X509 *cert) {
  EVP_PKEY *pub = X509_get0_pubkey(cert);
  if (!pub)
    return -1;
  int bits = EVP_PKEY_get_bits(pub);
  EVP_PKEY_free(pub);
  // CHECK: :[[@LINE-1]]:3: warning: 'pub' is borrowed from 'X509_get0_pubkey' and must not be released by 'EVP_PKEY_free' [contract-release-unowned]
  // CHECK: :[[@LINE-6]]:19: note: EVP_PKEY borrowed here from 'X509_get0_pubkey'; the contract does not make the caller its owner
  return bits;
}

// SSL_set_bio hands both BIOs to the SSL; SSL_free releases them.
int checkDoubleRelease01BioAfterSetBio(SSL_CTX *ctx) {
  SSL *ssl = SSL_new(ctx);
  if (!ssl)
    return -1;
  BIO *rbio = BIO_new(BIO_s_mem());
  BIO *wbio = BIO_new(BIO_s_mem());
  if (!rbio || !wbio) {
    BIO_free(rbio);
    BIO_free(wbio);
    SSL_free(ssl);
    return -1;
  }
  SSL_set_bio(ssl, rbio, wbio);
  SSL_set_connect_state(ssl);
  int rc = SSL_do_handshake(ssl);
  SSL_free(ssl);
  BIO_free(wbio);
  // CHECK: :[[@LINE-1]]:3: warning: 'wbio' is released by 'BIO_free' after its ownership moved into 'SSL_set_bio' [contract-double-release]
  // CHECK: :[[@LINE-13]]:15: note: BIO acquired here from 'BIO_new'; the contract says 'BIO_free', 'BIO_free_all' or 'BIO_vfree' releases it
  // CHECK: :[[@LINE-7]]:3: note: ownership moved here
  return rc;
}

void checkDoubleRelease02CertificateFreedTwice(const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp)
    return;
  X509 *cert = PEM_read_X509(fp, NULL, NULL, NULL);
  fclose(fp);
  if (!cert)
    return;
  if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
    fprintf(stderr, "%s: expired\n", path);
    X509_free(cert);
  }
  X509_free(cert);
  // CHECK: :[[@LINE-1]]:3: warning: 'cert' is released by 'X509_free' after it was already released by 'X509_free' [contract-double-release]
  // CHECK: :[[@LINE-10]]:16: note: X509 certificate acquired here from 'PEM_read_X509'; the contract says 'X509_free' releases it
  // CHECK: :[[@LINE-5]]:5: note: first released here
}

char *checkWrongRelease01HexWithFree(const BIGNUM *bn) {
  char *hex = BN_bn2hex(bn);
  if (!hex)
    return NULL;
  char *copy = strdup(hex);
  free(hex);
  // CHECK: :[[@LINE-1]]:3: warning: 'hex' (OPENSSL_malloc memory from 'BN_bn2hex') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-6]]:15: note: OPENSSL_malloc memory acquired here from 'BN_bn2hex'; the contract says 'CRYPTO_free' or 'CRYPTO_clear_free' releases it
  return copy;
}

// OPENSSL_free is CRYPTO_free(p, __FILE__, __LINE__).
void checkWrongRelease02HeapWithOpensslFree(const char *s) {
  char *copy = strdup(s);
  puts(copy);
  OPENSSL_free(copy);
  // CHECK: :[[@LINE-1]]:3: warning: 'copy' (heap memory from 'strdup') is released with 'OPENSSL_free', which releases OPENSSL_malloc memory [contract-wrong-release]
  // CHECK: :[[@LINE-4]]:16: note: heap memory acquired here from 'strdup'; the contract says 'free' releases it
}

int checkUseAfterRelease01WriteAfterFree(SSL *ssl_in, SSL_CTX *ctx, int fd) {
  SSL *ssl = SSL_new(ctx);
  if (!ssl)
    return -1;
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) <= 0) {
    SSL_free(ssl);
    return SSL_write(ssl, "bye", 3);
    // CHECK: :[[@LINE-1]]:12: warning: 'ssl' is used after it was released by 'SSL_free' [contract-use-after-release]
    // CHECK: :[[@LINE-8]]:14: note: SSL connection acquired here from 'SSL_new'; the contract says 'SSL_free' releases it
    // CHECK: :[[@LINE-4]]:5: note: released here
  }
  SSL_free(ssl);
  return 0;
}

// --- Must stay silent --------------------------------------------------------

// A TLS client with one cleanup label.
int checkNoLeak01ClientGotoCleanup(int fd, const char *host) {
  int ret = -1;
  SSL_CTX *ctx = NULL;
  SSL *ssl = NULL;
  X509 *cert = NULL;

  ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx)
    goto out;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  if (SSL_CTX_set_default_verify_paths(ctx) != 1)
    goto out;
  if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
    goto out;
  ssl = SSL_new(ctx);
  if (!ssl)
    goto out;
  SSL_set_tlsext_host_name(ssl, host);
  SSL_set1_host(ssl, host);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1)
    goto out;
  cert = SSL_get1_peer_certificate(ssl);
  if (!cert || SSL_get_verify_result(ssl) != X509_V_OK)
    goto out;
  if (SSL_write(ssl, "GET / HTTP/1.0\r\n\r\n", 18) <= 0)
    goto out;
  ret = 0;
out:
  X509_free(cert);
  if (ssl) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  SSL_CTX_free(ctx);
  return ret;
}

// Memory BIOs handed over to the SSL: SSL_free releases them.
SSL *checkNoLeak02SetBioHandsOver(SSL_CTX *ctx) {
  BIO *rbio = BIO_new(BIO_s_mem());
  if (!rbio)
    return NULL;
  BIO *wbio = BIO_new(BIO_s_mem());
  if (!wbio) {
    BIO_free(rbio);
    return NULL;
  }
  SSL *ssl = SSL_new(ctx);
  if (!ssl) {
    BIO_free(rbio);
    BIO_free(wbio);
    return NULL;
  }
  SSL_set_bio(ssl, rbio, wbio);
  SSL_set_accept_state(ssl);
  return ssl;
}

int checkNoLeak03PeerCertificateFreed(SSL *ssl, const char *host) {
  X509 *cert = SSL_get_peer_certificate(ssl);
  if (cert == NULL)
    return 0;
  int ok = X509_check_host(cert, host, 0, 0, NULL) == 1;
  X509_free(cert);
  return ok;
}

// Borrowed pointers are used, never freed.
void checkNoLeak04BorrowedUsed(SSL *ssl) {
  X509 *cert = SSL_get0_peer_certificate(ssl);
  if (!cert)
    return;
  X509_NAME *subject = X509_get_subject_name(cert);
  X509_NAME_print_ex_fp(stdout, subject, 0, XN_FLAG_ONELINE);
  EVP_PKEY *pub = X509_get0_pubkey(cert);
  printf(" (%d bits)\n", EVP_PKEY_get_bits(pub));
}

EVP_PKEY *checkNoLeak05LoadKey(const char *path) {
  BIO *in = BIO_new_file(path, "r");
  if (in == NULL)
    return NULL;
  EVP_PKEY *pkey = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
  BIO_free(in);
  if (pkey == NULL)
    ERR_print_errors_fp(stderr);
  return pkey;
}

int checkNoLeak06DigestGotoErr(const void *data, size_t n, unsigned char *out,
                               unsigned int *outlen) {
  int ok = 0;
  EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
  EVP_MD_CTX *mdctx = EVP_MD_CTX_new();
  if (md == NULL || mdctx == NULL)
    goto err;
  if (!EVP_DigestInit_ex(mdctx, md, NULL))
    goto err;
  if (!EVP_DigestUpdate(mdctx, data, n))
    goto err;
  if (!EVP_DigestFinal_ex(mdctx, out, outlen))
    goto err;
  ok = 1;
err:
  EVP_MD_CTX_free(mdctx);
  EVP_MD_free(md);
  return ok;
}

EVP_PKEY *checkNoLeak07Keygen(int bits) {
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  if (kctx == NULL)
    return NULL;
  if (EVP_PKEY_keygen_init(kctx) <= 0 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, bits) <= 0 ||
      EVP_PKEY_keygen(kctx, &pkey) <= 0) {
    EVP_PKEY_CTX_free(kctx);
    return NULL;
  }
  EVP_PKEY_CTX_free(kctx);
  return pkey;
}

// The context takes the store over.
SSL_CTX *checkNoLeak08CertStoreHandedOver(const char *cafile) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx)
    return NULL;
  X509_STORE *store = X509_STORE_new();
  if (!store) {
    SSL_CTX_free(ctx);
    return NULL;
  }
  if (X509_STORE_load_file(store, cafile) != 1) {
    X509_STORE_free(store);
    SSL_CTX_free(ctx);
    return NULL;
  }
  SSL_CTX_set_cert_store(ctx, store);
  return ctx;
}

struct tls_server {
  SSL_CTX *ctx;
  EVP_PKEY *key;
};

int checkNoLeak09StoredInStruct(struct tls_server *srv, const char *keyfile) {
  FILE *fp = fopen(keyfile, "r");
  if (!fp)
    return -1;
  EVP_PKEY *key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
  fclose(fp);
  if (!key)
    return -1;
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) {
    EVP_PKEY_free(key);
    return -1;
  }
  if (SSL_CTX_use_PrivateKey(ctx, key) != 1) {
    SSL_CTX_free(ctx);
    EVP_PKEY_free(key);
    return -1;
  }
  srv->ctx = ctx;
  srv->key = key;
  return 0;
}

int checkNoLeak10HexWithOpensslFree(const BIGNUM *bn) {
  char *hex = BN_bn2hex(bn);
  if (!hex)
    return -1;
  printf("%s\n", hex);
  OPENSSL_free(hex);
  return 0;
}

// BIO_push builds a chain that BIO_free_all releases whole.
void checkNoLeak11BioChain(const char *msg) {
  BIO *b64 = BIO_new(BIO_f_base64());
  if (!b64)
    return;
  BIO *out = BIO_new_fp(stdout, BIO_NOCLOSE);
  if (!out) {
    BIO_free(b64);
    return;
  }
  out = BIO_push(b64, out);
  BIO_write(out, msg, (int)strlen(msg));
  BIO_flush(out);
  BIO_free_all(out);
}

// The SSL holds its own reference to the context.
SSL *checkNoLeak12ContextFreedAfterSslNew(void) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx)
    return NULL;
  SSL *ssl = SSL_new(ctx);
  SSL_CTX_free(ctx);
  return ssl;
}

int checkNoLeak13VerifyWithStore(X509 *leaf, X509 *ca) {
  int ok = 0;
  X509_STORE *store = X509_STORE_new();
  X509_STORE_CTX *vctx = X509_STORE_CTX_new();
  if (!store || !vctx)
    goto done;
  if (X509_STORE_add_cert(store, ca) != 1)
    goto done;
  if (X509_STORE_CTX_init(vctx, store, leaf, NULL) != 1)
    goto done;
  ok = X509_verify_cert(vctx) == 1;
  if (!ok)
    fprintf(stderr, "%s\n", X509_verify_cert_error_string(
                                X509_STORE_CTX_get_error(vctx)));
done:
  X509_STORE_CTX_free(vctx);
  X509_STORE_free(store);
  return ok;
}

int checkNoLeak14QuickKeygen(FILE *out) {
  EVP_PKEY *pkey = EVP_RSA_gen(2048);
  if (!pkey)
    return -1;
  int rc = PEM_write_PUBKEY(out, pkey);
  EVP_PKEY_free(pkey);
  return rc;
}

int checkNoLeak15BioPair(const char *msg, char *buf, int n) {
  BIO *internal = NULL, *network = NULL;
  if (BIO_new_bio_pair(&internal, 0, &network, 0) != 1)
    return -1;
  BIO_write(internal, msg, (int)strlen(msg));
  int got = BIO_read(network, buf, n);
  BIO_free(internal);
  BIO_free(network);
  return got;
}

int checkNoLeak16EncryptGotoCleanup(const unsigned char *key,
                                    const unsigned char *iv,
                                    const unsigned char *in, int inlen,
                                    unsigned char *out) {
  int len = 0, total = -1;
  EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
  EVP_CIPHER_CTX *cctx = NULL;
  if (!cipher)
    goto cleanup;
  cctx = EVP_CIPHER_CTX_new();
  if (!cctx)
    goto cleanup;
  if (EVP_EncryptInit_ex2(cctx, cipher, key, iv, NULL) != 1)
    goto cleanup;
  if (EVP_EncryptUpdate(cctx, out, &len, in, inlen) != 1)
    goto cleanup;
  total = len;
  if (EVP_EncryptFinal_ex(cctx, out + len, &len) != 1) {
    total = -1;
    goto cleanup;
  }
  total += len;
cleanup:
  EVP_CIPHER_CTX_free(cctx);
  EVP_CIPHER_free(cipher);
  return total;
}

// X509_STORE_add_cert takes a reference of its own: the caller still frees.
int checkNoLeak17LoadCertificates(X509_STORE *store, const char *pem) {
  BIO *in = BIO_new_file(pem, "r");
  if (!in)
    return -1;
  int n = 0;
  X509 *x;
  while ((x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL) {
    int ok = X509_STORE_add_cert(store, x);
    X509_free(x);
    if (ok != 1)
      break;
    ++n;
  }
  ERR_clear_error();
  BIO_free(in);
  return n;
}

struct resumable {
  SSL_SESSION *session;
};

void checkNoLeak18SessionKept(struct resumable *r, SSL *ssl) {
  SSL_SESSION *s = SSL_get1_session(ssl);
  if (!s)
    return;
  SSL_SESSION_free(r->session);
  r->session = s;
}

// One BIO for both directions: OpenSSL takes it over once.
int checkNoLeak19SameBioBothWays(SSL_CTX *ctx, int fd) {
  SSL *ssl = SSL_new(ctx);
  if (!ssl)
    return -1;
  BIO *bio = BIO_new_socket(fd, BIO_NOCLOSE);
  if (!bio) {
    SSL_free(ssl);
    return -1;
  }
  SSL_set_bio(ssl, bio, bio);
  int rc = SSL_connect(ssl);
  SSL_free(ssl);
  return rc;
}

// SSL_CTX_add_extra_chain_cert (SSL_CTX_ctrl) takes the certificate over.
int checkNoLeak20ExtraChainCertificate(SSL_CTX *ctx, const char *pem) {
  BIO *in = BIO_new_file(pem, "r");
  if (!in)
    return -1;
  X509 *ca = PEM_read_bio_X509(in, NULL, NULL, NULL);
  BIO_free(in);
  if (!ca)
    return -1;
  if (!SSL_CTX_add_extra_chain_cert(ctx, ca)) {
    X509_free(ca);
    return -1;
  }
  return 0;
}

// X509_up_ref gives the caller a reference of its own to a borrowed
// certificate, so releasing it afterwards is right.
X509 *checkNoLeakUpRefBorrowed(SSL *ssl, int keep) {
  X509 *cert = SSL_get0_peer_certificate(ssl);
  if (!cert)
    return NULL;
  X509_up_ref(cert);
  if (keep)
    return cert;
  X509_free(cert);
  return NULL;
}

void checkLeakUpRefNotReleased(SSL *ssl) {
  X509 *cert = SSL_get0_peer_certificate(ssl);
  if (!cert)
    return;
  X509_up_ref(cert);
}
// CHECK: :[[@LINE-1]]:1: warning: 'cert' (X509 certificate from 'X509_up_ref') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-3]]:3: note: X509 certificate acquired here from 'X509_up_ref'; the contract says 'X509_free' releases it

void checkDoubleReleaseUpRefOnce(void) {
  X509 *c = X509_new();
  if (!c)
    return;
  X509_up_ref(c);
  X509_free(c);
  X509_free(c);
  X509_free(c);
}
// CHECK: :[[@LINE-2]]:3: warning: 'c' is released by 'X509_free' after it was already released by 'X509_free' [contract-double-release]
// CHECK: :[[@LINE-9]]:13: note: X509 certificate acquired here from 'X509_new'; the contract says 'X509_free' releases it
// CHECK: :[[@LINE-5]]:3: note: first released here

// --- Stacks, DER certificates, issuers ------------------------------------------
// STACK_OF(T) and the sk_T_* macros, which call OPENSSL_sk_* through inline
// casts: messages name the macro the code wrote.

int checkLeakStackOnError(X509 *ca) {
  STACK_OF(X509) *chain = sk_X509_new_null();
  if (!chain)
    return -1;
  X509 *copy = X509_dup(ca);
  if (!copy)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'chain' (OpenSSL stack from 'sk_X509_new_null') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-7]]:27: note: OpenSSL stack acquired here from 'sk_X509_new_null'; the contract says 'OPENSSL_sk_free' or 'OPENSSL_sk_pop_free' releases it
  // CHECK: :[[@LINE-5]]:16: note: assuming 'X509_dup' fails (returns null)
  if (!sk_X509_push(chain, copy)) {
    X509_free(copy);
    sk_X509_pop_free(chain, X509_free);
    return -1;
  }
  int n = sk_X509_num(chain);
  sk_X509_pop_free(chain, X509_free);
  return n;
}

// The macros pass the stack and the element through inline casts
// (ossl_check_X509_sk_type, ossl_check_X509_type) that only give their
// argument back: the stack is still followed after them.
int checkLeakStackAfterPush(X509 *ca) {
  STACK_OF(X509) *chain = sk_X509_new_null();
  if (!chain)
    return -1;
  X509 *copy = X509_dup(ca);
  if (!copy) {
    sk_X509_free(chain);
    return -1;
  }
  if (!sk_X509_push(chain, copy)) {
    X509_free(copy);
    sk_X509_pop_free(chain, X509_free);
    return -1;
  }
  if (sk_X509_num(chain) > 8)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'chain' (OpenSSL stack from 'sk_X509_new_null') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-16]]:27: note: OpenSSL stack acquired here from 'sk_X509_new_null'; the contract says 'OPENSSL_sk_free' or 'OPENSSL_sk_pop_free' releases it
  // CHECK: :[[@LINE-9]]:7: note: assuming '!sk_X509_push(chain, copy)' is false
  // CHECK: :[[@LINE-5]]:7: note: assuming 'sk_X509_num(chain) > 8' is true
  sk_X509_pop_free(chain, X509_free);
  return 0;
}

// Silent: the stack, with the element it keeps, goes to the caller.
STACK_OF(X509) *checkSilentStackReturned(X509 *ca) {
  STACK_OF(X509) *chain = sk_X509_new_null();
  if (!chain)
    return NULL;
  X509 *copy = X509_dup(ca);
  if (!copy || !sk_X509_push(chain, copy)) {
    X509_free(copy);
    sk_X509_free(chain);
    return NULL;
  }
  return chain;
}

int checkLeakInfoStackNotFreed(BIO *in) {
  STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(in, NULL, NULL, NULL);
  if (!infos)
    return -1;
  return sk_X509_INFO_num(infos);
  // CHECK: :[[@LINE-1]]:3: warning: 'infos' (OpenSSL stack from 'PEM_X509_INFO_read_bio') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-5]]:32: note: OpenSSL stack acquired here from 'PEM_X509_INFO_read_bio'; the contract says 'OPENSSL_sk_free' or 'OPENSSL_sk_pop_free' releases it
}

void checkWrongReleaseStackWithFree(void) {
  STACK_OF(X509) *sk = sk_X509_new_null();
  if (sk)
    OPENSSL_free(sk);
  // CHECK: :[[@LINE-1]]:5: warning: 'sk' (OpenSSL stack from 'sk_X509_new_null') is released with 'OPENSSL_free', which releases OPENSSL_malloc memory [contract-wrong-release]
  // CHECK: :[[@LINE-4]]:24: note: OpenSSL stack acquired here from 'sk_X509_new_null'; the contract says 'OPENSSL_sk_free' or 'OPENSSL_sk_pop_free' releases it
}

int checkDoubleReleaseStack(void) {
  OPENSSL_STACK *sk = OPENSSL_sk_new_null();
  if (sk == NULL)
    return -1;
  OPENSSL_sk_free(sk);
  OPENSSL_sk_pop_free(sk, free);
  // CHECK: :[[@LINE-1]]:3: warning: 'sk' is released by 'OPENSSL_sk_pop_free' after it was already released by 'OPENSSL_sk_free' [contract-double-release]
  // CHECK: :[[@LINE-6]]:23: note: OpenSSL stack acquired here from 'OPENSSL_sk_new_null'; the contract says 'OPENSSL_sk_free' or 'OPENSSL_sk_pop_free' releases it
  // CHECK: :[[@LINE-4]]:3: note: first released here
  return 0;
}

int checkLeakDerCertificate(const unsigned char *der, long len) {
  const unsigned char *p = der;
  X509 *cert = d2i_X509(NULL, &p, len);
  if (cert == NULL)
    return -1;
  if (p != der + len)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'cert' (X509 certificate from 'd2i_X509') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:16: note: X509 certificate acquired here from 'd2i_X509'; the contract says 'X509_free' releases it
  // CHECK: :[[@LINE-4]]:7: note: assuming 'p != der + len' is true
  X509_free(cert);
  return 0;
}

int checkLeakIssuer(X509_STORE_CTX *ctx, X509 *cert) {
  X509 *issuer = NULL;
  if (X509_STORE_CTX_get1_issuer(&issuer, ctx, cert) != 1)
    return 0;
  return X509_cmp(issuer, cert) == 0;
  // CHECK: :[[@LINE-1]]:3: warning: 'issuer' (X509 certificate from 'X509_STORE_CTX_get1_issuer') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-4]]:7: note: X509 certificate acquired here through argument 0 of 'X509_STORE_CTX_get1_issuer'; the contract says 'X509_free' releases it
}

int checkNoLeakChainPopFree(X509 *ca, X509 *extra) {
  STACK_OF(X509) *chain = sk_X509_new_null();
  if (chain == NULL)
    return -1;
  X509 *copy = X509_dup(ca);
  if (!copy || !sk_X509_push(chain, copy)) {
    X509_free(copy);
    sk_X509_pop_free(chain, X509_free);
    return -1;
  }
  X509_up_ref(extra);
  if (!sk_X509_push(chain, extra)) {
    X509_free(extra);
    sk_X509_pop_free(chain, X509_free);
    return -1;
  }
  int n = sk_X509_num(chain);
  sk_X509_pop_free(chain, X509_free);
  return n;
}

int checkNoLeakLoadInfoStack(X509_STORE *store, BIO *in) {
  STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(in, NULL, NULL, NULL);
  if (infos == NULL)
    return -1;
  int added = 0;
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO *info = sk_X509_INFO_value(infos, i);
    if (info->x509 && X509_STORE_add_cert(store, info->x509) == 1)
      ++added;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  return added;
}

STACK_OF(X509) *checkNoLeakStackReturned(X509 *ca) {
  STACK_OF(X509) *sk = sk_X509_new_null();
  if (!sk)
    return NULL;
  if (!sk_X509_push(sk, ca)) {
    sk_X509_free(sk);
    return NULL;
  }
  return sk;
}

int checkNoLeakDerCertificate(const unsigned char *der, long len) {
  const unsigned char *p = der;
  X509 *cert = d2i_X509(NULL, &p, len);
  if (!cert)
    return -1;
  int v = (int)X509_get_version(cert);
  X509_free(cert);
  return v;
}

int checkNoLeakIssuer(X509_STORE_CTX *ctx, X509 *cert) {
  X509 *issuer;
  int rc = X509_STORE_CTX_get1_issuer(&issuer, ctx, cert);
  if (rc <= 0)
    return rc;
  int self = X509_cmp(issuer, cert) == 0;
  X509_free(issuer);
  return self;
}
