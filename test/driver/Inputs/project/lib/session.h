typedef struct session session;
session *session_open(const char *name);
void session_close(session *s);
