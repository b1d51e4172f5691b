/* Declared here, defined nowhere: listed under the file itself. */
extern char *legacy_lookup(int key);

char *lookup(int key) { return legacy_lookup(key); }
