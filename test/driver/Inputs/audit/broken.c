#include "acme/acme.h"

acme_ctx *broken(void) { return acme_create("x") }
