/* vault.h - a made-up key-value SDK for custody trace's tests. */
#ifndef VAULT_H
#define VAULT_H

typedef struct vault vault;
typedef struct vault_entry vault_entry;

/* Returns 0 and stores a new vault in *out, or -1 and leaves it alone. */
int vault_open(const char *name, vault **out);
void vault_close(vault *v);

/* A new entry for key, or NULL; release it with vault_entry_free(). */
vault_entry *vault_get(vault *v, const char *key);
void vault_entry_free(vault_entry *e);
int vault_entry_size(const vault_entry *e);

/* A new entry from a format: variadic, so not traced. */
vault_entry *vault_format(vault *v, const char *fmt, ...);
/* A macro: not traced either (its expansion, vault_get, is). */
#define vault_get_default(v) vault_get((v), "default")

#endif
