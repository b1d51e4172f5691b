#include <fpsdk/fpsdk.h>

int scan(fp_context *ctx) {
  fp_device *dev;
  if (fp_device_open(ctx, "usb:0", &dev) != FP_OK)
    return -1;
  fp_template *tpl = fp_template_new();
  if (!tpl)
    return -2;
  fp_template_free(tpl);
  fp_device_close(dev);
  return 0;
}
