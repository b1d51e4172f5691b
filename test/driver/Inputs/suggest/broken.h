typedef struct bad bad;
bad *bad_new(void)
void bad_free(bad *b);
