/* A made-up library without a contract: custody triage names its
   allocating call as the contract to write next. */
#ifndef WIDGET_H
#define WIDGET_H

typedef struct widget widget;

/* A widget of `size` bytes; widget_free releases it. */
widget *widget_new(int size);
void widget_free(widget *w);

#endif
