/* Macros that expand to a lot: an expression of 2^13 terms and a function
   body of 2^10 blocks, each acquiring and releasing. */
#include <stdlib.h>

#define E0 x
#define S0 { char *q = malloc(1); if (q) free(q); }
#define E1 E0 + E0
#define E2 E1 + E1
#define E3 E2 + E2
#define E4 E3 + E3
#define E5 E4 + E4
#define E6 E5 + E5
#define E7 E6 + E6
#define E8 E7 + E7
#define E9 E8 + E8
#define E10 E9 + E9
#define E11 E10 + E10
#define E12 E11 + E11
#define E13 E12 + E12
#define S1 S0 S0
#define S2 S1 S1
#define S3 S2 S2
#define S4 S3 S3
#define S5 S4 S4
#define S6 S5 S5
#define S7 S6 S6
#define S8 S7 S7
#define S9 S8 S8
#define S10 S9 S9

int sum(int x) {
  return E13;
}

void blocks(void) {
  char *p = malloc(4);
  S10
}
