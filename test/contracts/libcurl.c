// RUN: not %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
// RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:

// The built-in libcurl contract (contracts/libcurl.yaml) on the real
// <curl/curl.h>. With Clang, curl_easy_setopt is a plain variadic call.

// The form API is deprecated: no deprecation warnings for its calls here.
#define CURL_DISABLE_DEPRECATION
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// --- Must warn ---------------------------------------------------------------

int checkLeak01EasyHandleOnSetoptError(const char *url) {
  CURL *curl = curl_easy_init();
  if (!curl)
    return -1;
  if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'curl' (curl easy handle from 'curl_easy_init') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-6]]:16: note: curl easy handle acquired here from 'curl_easy_init'; the contract says 'curl_easy_cleanup' releases it
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK ? 0 : -1;
}

// CURLOPT_HTTPHEADER keeps a pointer to the list but does not take it over.
int checkLeak02HeaderListNotFreed(CURL *curl, const char *token) {
  struct curl_slist *headers = curl_slist_append(NULL, token);
  if (!headers)
    return -1;
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
  return rc == CURLE_OK ? 0 : -1;
  // CHECK: :[[@LINE-1]]:3: warning: 'headers' (curl string list from 'curl_slist_append') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-8]]:32: note: curl string list acquired here from 'curl_slist_append'; the contract says 'curl_slist_free_all' releases it
}

// When the second append fails it returns NULL and the first list is lost,
// exactly like `p = realloc(p, n)`. curl's own documentation keeps the old
// head in a temporary for this reason (see checkNoLeak03).
int checkLeak03AppendOverwritesList(CURL *curl) {
  struct curl_slist *headers = NULL;
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Content-Type: application/json");
  // CHECK: :[[@LINE-1]]:3: warning: 'headers' (curl string list from 'curl_slist_append') is overwritten while it still owns the curl string list [contract-resource-leak]
  // CHECK: :[[@LINE-3]]:13: note: curl string list acquired here from 'curl_slist_append'; the contract says 'curl_slist_free_all' releases it
  // CHECK: :[[@LINE-3]]:13: note: assuming 'curl_slist_append' fails (returns null)
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  return rc == CURLE_OK ? 0 : -1;
}

void checkLeak04EscapedStringNotFreed(CURL *curl, const char *q) {
  char *enc = curl_easy_escape(curl, q, 0);
  if (enc)
    printf("q=%s\n", enc);
}
// CHECK: :[[@LINE-1]]:1: warning: 'enc' (curl string from 'curl_easy_escape') is not released on this path [contract-resource-leak]
// CHECK: :[[@LINE-5]]:15: note: curl string acquired here from 'curl_easy_escape'; the contract says 'curl_free' releases it

int checkLeak05UrlHandleOnParseError(const char *in) {
  CURLU *u = curl_url();
  if (!u)
    return -1;
  if (curl_url_set(u, CURLUPART_URL, in, 0) != CURLUE_OK) {
    fprintf(stderr, "bad URL: %s\n", in);
    return -1;
    // CHECK: :[[@LINE-1]]:5: warning: 'u' (curl URL handle from 'curl_url') is not released on this path [contract-resource-leak]
    // CHECK: :[[@LINE-7]]:14: note: curl URL handle acquired here from 'curl_url'; the contract says 'curl_url_cleanup' releases it
  }
  curl_url_cleanup(u);
  return 0;
}

int checkLeak06UrlPartNotFreed(CURLU *u) {
  char *host;
  if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
    return -1;
  return strcmp(host, "localhost") == 0;
  // CHECK: :[[@LINE-1]]:3: warning: 'host' (curl string from 'curl_url_get') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-4]]:7: note: curl string acquired here through argument 2 of 'curl_url_get'; the contract says 'curl_free' releases it
}

void checkWrongRelease01EscapedStringWithFree(CURL *curl, const char *q) {
  char *enc = curl_easy_escape(curl, q, (int)strlen(q));
  if (!enc)
    return;
  puts(enc);
  free(enc);
  // CHECK: :[[@LINE-1]]:3: warning: 'enc' (curl string from 'curl_easy_escape') is released with 'free', which releases heap memory [contract-wrong-release]
  // CHECK: :[[@LINE-6]]:15: note: curl string acquired here from 'curl_easy_escape'; the contract says 'curl_free' releases it
}

// CURLM and CURL are both `void` in the headers: the compiler accepts this.
void checkWrongRelease02MultiWithEasyCleanup(void) {
  CURLM *multi = curl_multi_init();
  if (!multi)
    return;
  curl_multi_perform(multi, NULL);
  curl_easy_cleanup(multi);
  // CHECK: :[[@LINE-1]]:3: warning: 'multi' (curl multi handle from 'curl_multi_init') is released with 'curl_easy_cleanup', which releases curl easy handle [contract-wrong-release]
  // CHECK: :[[@LINE-6]]:18: note: curl multi handle acquired here from 'curl_multi_init'; the contract says 'curl_multi_cleanup' releases it
}

void checkWrongRelease03ListWithCurlFree(void) {
  struct curl_slist *l = curl_slist_append(NULL, "x");
  curl_free(l);
  // CHECK: :[[@LINE-1]]:3: warning: 'l' (curl string list from 'curl_slist_append') is released with 'curl_free', which releases curl string [contract-wrong-release]
  // CHECK: :[[@LINE-3]]:26: note: curl string list acquired here from 'curl_slist_append'; the contract says 'curl_slist_free_all' releases it
}

void checkDoubleRelease01EasyCleanupTwice(const char *url) {
  CURL *curl = curl_easy_init();
  if (!curl)
    return;
  curl_easy_setopt(curl, CURLOPT_URL, url);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    fprintf(stderr, "%s\n", curl_easy_strerror(rc));
    curl_easy_cleanup(curl);
  }
  curl_easy_cleanup(curl);
  // CHECK: :[[@LINE-1]]:3: warning: 'curl' is released by 'curl_easy_cleanup' after it was already released by 'curl_easy_cleanup' [contract-double-release]
  // CHECK: :[[@LINE-11]]:16: note: curl easy handle acquired here from 'curl_easy_init'; the contract says 'curl_easy_cleanup' releases it
  // CHECK: :[[@LINE-5]]:5: note: first released here
}

long checkUseAfterRelease01InfoAfterCleanup(const char *url) {
  long code = 0;
  CURL *curl = curl_easy_init();
  if (!curl)
    return -1;
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  // CHECK: :[[@LINE-1]]:3: warning: 'curl' is used after it was released by 'curl_easy_cleanup' [contract-use-after-release]
  // CHECK: :[[@LINE-8]]:16: note: curl easy handle acquired here from 'curl_easy_init'; the contract says 'curl_easy_cleanup' releases it
  // CHECK: :[[@LINE-4]]:3: note: released here
  return code;
}

void checkReleaseUnowned01StrerrorFreed(CURLcode rc) {
  const char *msg = curl_easy_strerror(rc);
  fprintf(stderr, "curl: %s\n", msg);
  curl_free((char *)msg);
  // CHECK: :[[@LINE-1]]:3: warning: 'msg' is borrowed from 'curl_easy_strerror' and must not be released by 'curl_free' [contract-release-unowned]
  // CHECK: :[[@LINE-4]]:21: note: curl string borrowed here from 'curl_easy_strerror'; the contract does not make the caller its owner
}

int checkReleaseUnowned02MimePartFreed(CURL *curl, const char *path) {
  curl_mime *mime = curl_mime_init(curl);
  if (!mime)
    return -1;
  curl_mimepart *part = curl_mime_addpart(mime);
  if (!part) {
    curl_mime_free(mime);
    return -1;
  }
  if (curl_mime_filedata(part, path) != CURLE_OK) {
    curl_mime_free((curl_mime *)part);
    // CHECK: :[[@LINE-1]]:5: warning: 'part' is borrowed from 'curl_mime_addpart' and must not be released by 'curl_mime_free' [contract-release-unowned]
    // CHECK: :[[@LINE-8]]:25: note: curl MIME part borrowed here from 'curl_mime_addpart'; the contract does not make the caller its owner
    curl_mime_free(mime);
    return -1;
  }
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  CURLcode rc = curl_easy_perform(curl);
  curl_mime_free(mime);
  return rc == CURLE_OK ? 0 : -1;
}

// curl_multi_add_handle keeps the easy handle; the multi handle is ours.
int checkLeak07MultiHandleOnError(const char *url) {
  CURLM *multi = curl_multi_init();
  if (!multi)
    return -1;
  CURL *easy = curl_easy_init();
  if (!easy) {
    curl_multi_cleanup(multi);
    return -1;
  }
  curl_easy_setopt(easy, CURLOPT_URL, url);
  curl_multi_add_handle(multi, easy);
  int running = 0;
  if (curl_multi_perform(multi, &running) != CURLM_OK)
    return -1;
  // CHECK: :[[@LINE-1]]:5: warning: 'multi' (curl multi handle from 'curl_multi_init') is not released on this path [contract-resource-leak]
  // CHECK: :[[@LINE-14]]:18: note: curl multi handle acquired here from 'curl_multi_init'; the contract says 'curl_multi_cleanup' releases it
  curl_multi_remove_handle(multi, easy);
  curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);
  return running;
}

// The form list made by the first curl_formadd is lost when the second fails.
int checkLeak08FormOnSecondFieldError(CURL *curl, const char *name,
                                      const char *file) {
  struct curl_httppost *post = NULL, *last = NULL;
  if (curl_formadd(&post, &last, CURLFORM_COPYNAME, "name",
                   CURLFORM_COPYCONTENTS, name, CURLFORM_END) != CURL_FORMADD_OK)
    return -1;
  if (curl_formadd(&post, &last, CURLFORM_COPYNAME, "file", CURLFORM_FILE,
                   file, CURLFORM_END) != CURL_FORMADD_OK)
    return -1;
  // CHECK: libcurl.c:[[@LINE-1]]:5: warning: 'post' (curl form post list from 'curl_formadd') is not released on this path [contract-resource-leak]
  curl_easy_setopt(curl, CURLOPT_HTTPPOST, post);
  CURLcode rc = curl_easy_perform(curl);
  curl_formfree(post);
  return rc == CURLE_OK ? 0 : -1;
}

// --- Must stay silent --------------------------------------------------------

static size_t sink(char *data, size_t size, size_t n, void *user) {
  (void)data;
  *(size_t *)user += size * n;
  return size * n;
}

int checkNoLeak01SimpleGet(const char *url, size_t *bytes) {
  CURL *curl = curl_easy_init();
  if (curl == NULL)
    return -1;
  curl_easy_setopt(curl, CURLOPT_URL, url);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, bytes);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK)
    fprintf(stderr, "GET %s: %s\n", url, curl_easy_strerror(rc));
  curl_easy_cleanup(curl);
  return rc == CURLE_OK ? 0 : -1;
}

int checkNoLeak02GotoCleanup(const char *base, const char *path,
                             const char *token) {
  int ret = -1;
  CURL *curl = NULL;
  CURLU *url = NULL;
  struct curl_slist *headers = NULL;
  char *full = NULL;

  url = curl_url();
  if (!url)
    goto out;
  if (curl_url_set(url, CURLUPART_URL, base, 0) != CURLUE_OK)
    goto out;
  if (curl_url_set(url, CURLUPART_PATH, path, CURLU_URLENCODE) != CURLUE_OK)
    goto out;
  if (curl_url_get(url, CURLUPART_URL, &full, 0) != CURLUE_OK)
    goto out;
  headers = curl_slist_append(headers, token);
  if (!headers)
    goto out;
  curl = curl_easy_init();
  if (!curl)
    goto out;
  curl_easy_setopt(curl, CURLOPT_URL, full);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (curl_easy_perform(curl) == CURLE_OK)
    ret = 0;
out:
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  curl_free(full);
  curl_url_cleanup(url);
  return ret;
}

// The pattern from curl_slist_append's documentation.
struct curl_slist *checkNoLeak03AppendWithTemporary(const char *a,
                                                    const char *b) {
  struct curl_slist *slist = NULL;
  struct curl_slist *temp = NULL;
  slist = curl_slist_append(slist, a);
  if (!slist)
    return NULL;
  temp = curl_slist_append(slist, b);
  if (!temp) {
    curl_slist_free_all(slist);
    return NULL;
  }
  slist = temp;
  return slist;
}

int checkNoLeak04AppendInLoop(CURL *curl, const char **lines, int n) {
  struct curl_slist *list = NULL;
  for (int i = 0; i < n; ++i) {
    struct curl_slist *t = curl_slist_append(list, lines[i]);
    if (t == NULL) {
      curl_slist_free_all(list);
      return -1;
    }
    list = t;
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(list);
  return rc == CURLE_OK ? 0 : -1;
}

struct client {
  CURL *curl;
  struct curl_slist *headers;
};

int checkNoLeak05StoredInStruct(struct client *c, const char *agent) {
  CURL *curl = curl_easy_init();
  if (!curl)
    return -1;
  struct curl_slist *h = curl_slist_append(NULL, "Accept: */*");
  if (!h) {
    curl_easy_cleanup(curl);
    return -1;
  }
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
  c->curl = curl;
  c->headers = h;
  return 0;
}

CURL *checkNoLeak06Returned(const char *url) {
  CURL *curl = curl_easy_init();
  if (!curl)
    return NULL;
  if (curl_easy_setopt(curl, CURLOPT_URL, url) != CURLE_OK) {
    curl_easy_cleanup(curl);
    return NULL;
  }
  return curl;
}

int checkNoLeak07Duphandle(CURL *tmpl, const char *url) {
  CURL *copy = curl_easy_duphandle(tmpl);
  if (!copy)
    return -1;
  curl_easy_setopt(copy, CURLOPT_URL, url);
  CURLcode rc = curl_easy_perform(copy);
  curl_easy_cleanup(copy);
  return rc;
}

char *checkNoLeak08EscapeCopied(CURL *curl, const char *q) {
  char *enc = curl_easy_escape(curl, q, 0);
  if (!enc)
    return NULL;
  char *copy = strdup(enc);
  curl_free(enc);
  return copy;
}

int checkNoLeak09UnescapeLength(CURL *curl, const char *in) {
  int len = 0;
  char *raw = curl_easy_unescape(curl, in, 0, &len);
  if (raw == NULL)
    return -1;
  fwrite(raw, 1, (size_t)len, stdout);
  curl_free(raw);
  return len;
}

// curl_easy_cleanup(NULL) is allowed.
int checkNoLeak10CleanupNullHandle(const char *url) {
  CURL *curl = curl_easy_init();
  if (curl)
    curl_easy_setopt(curl, CURLOPT_URL, url);
  int ok = curl && curl_easy_perform(curl) == CURLE_OK;
  curl_easy_cleanup(curl);
  return ok;
}

int checkNoLeak11MultiTransfer(const char *url) {
  CURLM *multi = curl_multi_init();
  if (!multi)
    return -1;
  CURL *easy = curl_easy_init();
  if (!easy) {
    curl_multi_cleanup(multi);
    return -1;
  }
  curl_easy_setopt(easy, CURLOPT_URL, url);
  curl_multi_add_handle(multi, easy);
  int running = 1;
  while (running) {
    if (curl_multi_perform(multi, &running) != CURLM_OK)
      break;
    if (running)
      curl_multi_poll(multi, NULL, 0, 1000, NULL);
  }
  curl_multi_remove_handle(multi, easy);
  curl_easy_cleanup(easy);
  curl_multi_cleanup(multi);
  return 0;
}

int checkNoLeak12UrlPartFreed(const char *in) {
  CURLU *u = curl_url();
  if (!u)
    return -1;
  int port = -1;
  char *p = NULL;
  if (curl_url_set(u, CURLUPART_URL, in, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK) {
    port = atoi(p);
    curl_free(p);
  }
  curl_url_cleanup(u);
  return port;
}

int checkNoLeak13MimePost(CURL *curl, const char *path) {
  curl_mime *mime = curl_mime_init(curl);
  if (!mime)
    return -1;
  curl_mimepart *part = curl_mime_addpart(mime);
  curl_mime_name(part, "file");
  curl_mime_filedata(part, path);
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, NULL);
  curl_mime_free(mime);
  return rc == CURLE_OK ? 0 : -1;
}

struct timer_state {
  long timeout_ms;
};

static int on_timer(CURLM *multi, long timeout_ms, void *user) {
  (void)multi;
  ((struct timer_state *)user)->timeout_ms = timeout_ms;
  return 0;
}

// CURLMOPT_TIMERDATA keeps the pointer for the multi handle's lifetime.
CURLM *checkNoLeak14MultiTimerData(void) {
  CURLM *multi = curl_multi_init();
  if (!multi)
    return NULL;
  struct timer_state *ts = calloc(1, sizeof *ts);
  if (!ts) {
    curl_multi_cleanup(multi);
    return NULL;
  }
  curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(multi, CURLMOPT_TIMERDATA, ts);
  return multi;
}

// Several fields added to one list, released once after the transfer; a
// failed first call leaves nothing.
int checkNoLeak14FormPost(CURL *curl, const char *name, const char *file) {
  struct curl_httppost *post = NULL, *last = NULL;
  if (curl_formadd(&post, &last, CURLFORM_COPYNAME, "name",
                   CURLFORM_COPYCONTENTS, name, CURLFORM_END) != CURL_FORMADD_OK)
    return -1;
  if (curl_formadd(&post, &last, CURLFORM_COPYNAME, "file", CURLFORM_FILE,
                   file, CURLFORM_END) != CURL_FORMADD_OK) {
    curl_formfree(post);
    return -1;
  }
  curl_formadd(&post, &last, CURLFORM_COPYNAME, "submit",
               CURLFORM_COPYCONTENTS, "send", CURLFORM_END);
  curl_easy_setopt(curl, CURLOPT_HTTPPOST, post);
  CURLcode rc = curl_easy_perform(curl);
  curl_formfree(post);
  return rc == CURLE_OK ? 0 : -1;
}
