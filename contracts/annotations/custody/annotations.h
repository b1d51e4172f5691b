/* custody/annotations.h - ownership contracts written in the source.
 *
 * The same facts a YAML contract states, attached to a project's own
 * declarations. They expand to Clang's annotate attribute when custody (or
 * any Clang) reads the code and to nothing for other compilers. RESOURCE is a
 * resource name from a contract in force ("pyobject" for CPython references,
 * "heap-memory" for malloc'd memory, or a resource of the project's own
 * contract).
 *
 *   PyObject *make_row(long id) CUSTODY_RETURNS_OWNED(pyobject);
 *   PyObject *row_cache_get(long id) CUSTODY_RETURNS_BORROWED(pyobject);
 *   int table_insert(table *t, PyObject *row CUSTODY_CONSUMES(pyobject));
 *   void row_free(PyObject *row CUSTODY_RELEASES(pyobject));
 *
 * A function annotated this way is described by its annotations only: its
 * parameters without one are treated as the function may keep them.
 */
#ifndef CUSTODY_ANNOTATIONS_H
#define CUSTODY_ANNOTATIONS_H

#if defined(__clang__)
#define CUSTODY_ANNOTATE(text) __attribute__((annotate("custody: " text)))
#else
#define CUSTODY_ANNOTATE(text)
#endif

/* On a function: what it returns. */
#define CUSTODY_RETURNS_OWNED(resource) CUSTODY_ANNOTATE("returns owned " #resource)
#define CUSTODY_RETURNS_OWNED_OR_NULL(resource)                                \
  CUSTODY_ANNOTATE("returns owned-or-null " #resource)
#define CUSTODY_RETURNS_BORROWED(resource)                                     \
  CUSTODY_ANNOTATE("returns borrowed " #resource)

/* On a parameter: what the function does with it. */
#define CUSTODY_CONSUMES(resource) CUSTODY_ANNOTATE("consumes " #resource)
#define CUSTODY_RELEASES(resource) CUSTODY_ANNOTATE("releases " #resource)
#define CUSTODY_KEEPS(resource) CUSTODY_ANNOTATE("keeps " #resource)
#define CUSTODY_BORROWS CUSTODY_ANNOTATE("borrows any")

/* On a struct's field or a global: it owns values of the resource, which the
 * struct's destroy function (or the library's unload function) must release
 * and a setter must release before storing another.
 *
 *   struct session { jobject listener CUSTODY_OWNS(jni-global-ref); };
 */
#define CUSTODY_OWNS(resource) CUSTODY_ANNOTATE("owns " #resource)

/* On a function or a function pointer typedef: it runs without CPython's
 * GIL (an audio or SDK callback, a thread's start routine). Python C-API
 * calls in it are reported until it takes the GIL.
 *
 *   static void on_frame(void *ctx, const uint8_t *buf) CUSTODY_RUNS_WITHOUT_GIL;
 *   typedef void (*sdk_event_cb)(void *ctx, int ev) CUSTODY_RUNS_WITHOUT_GIL;
 */
#define CUSTODY_RUNS_WITHOUT_GIL CUSTODY_ANNOTATE("runs-without-lock gil")

#endif
