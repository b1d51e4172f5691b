/* A library of plain functions: nothing to own. */
int plain_add(int a, int b);
double plain_scale(double x);
