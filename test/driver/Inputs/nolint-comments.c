#include <stdio.h>
#include <stdlib.h>

void inString(void) {
  char *p = malloc(1);
  puts("// NOLINT"); }

void inWord(void) {
  char *p = malloc(1);
} // xNOLINT(contract-resource-leak)

void blockComment(void) {
  char *p = malloc(1);
} /* NOLINT(contract-resource-leak) */

// NOLINTBEGIN(contract-*)
void endWithOtherList(void) {
  char *p = malloc(1);
}
// NOLINTEND(contract-resource-leak)

void stringBegin(void) {
  puts("NOLINTBEGIN");
  char *p = malloc(1);
}

// NOLINTEND
