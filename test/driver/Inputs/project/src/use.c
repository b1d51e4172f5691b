#include "../lib/session.h"
void use(void) {
  session *s = session_open("x");
  if (!s)
    return;
}
