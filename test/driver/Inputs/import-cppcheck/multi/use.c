#include <stddef.h>

void *mx_alloc(size_t n);
void mx_free(void *p);
void *xx_alloc(size_t n);
void xx_free(void *p);
int mx_get(int key, void **out);
void *mx_open(const char *name);
void mx_close(void *h);
void *mx_map(size_t n);
void mx_unmap(void *m);
char *mx_dup(const char *s);
void mx_release(char *s);
void xx_dup_free(char *s);
size_t mx_len(const void *p);
size_t xx_len(const void *p);

/* mx_free and xx_free release the memory of either group. */
void crossed(size_t n) {
  void *a = mx_alloc(n);
  void *b = xx_alloc(n);
  xx_free(a);
  mx_free(b);
}
/* mx_get sets *out only when it returns 0. */
int got(int key) {
  void *v;
  if (mx_get(key, &v) != 0)
    return -1;
  if (xx_len(v) > 4)
    return 1;
  xx_free(v);
  return 0;
}
/* mx_map allocates, base.cfg's <leak-ignore/> notwithstanding. */
int mapped(size_t n) {
  void *m = mx_map(n);
  if (!m)
    return -1;
  if (xx_len(m) > n)
    return 1;
  mx_unmap(m);
  return 0;
}
/* mx_dup's memory is base.cfg's, released by mx_release. */
void duplicated(const char *s) {
  char *d = mx_dup(s);
  xx_dup_free(d);
}
int opened(const char *name) {
  void *h = mx_open(name);
  if (!h)
    return -1;
  if (mx_len(h))
    return 1;
  mx_close(h);
  return 0;
}
