typedef struct widget widget;
widget *widget_open(const char *name);
void widget_close(widget *w);
int widget_draw(widget *w);
