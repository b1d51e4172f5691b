/* fpsdk: an imaginary fingerprint-reader SDK (types and status codes). */
#ifndef FP_TYPES_H
#define FP_TYPES_H

#include <stddef.h>

typedef struct fp_context fp_context;
typedef struct fp_device fp_device;
typedef struct fp_template fp_template;
typedef struct fp_session fp_session;
typedef struct fp_match fp_match;
typedef struct fp_image_s *fp_image;  /* a handle that is a pointer typedef */
typedef void FP_READER;               /* an opaque void handle, curl-style */

typedef enum fp_status {
  FP_OK = 0,
  FP_ERR_NO_DEVICE = 1,
  FP_ERR_TIMEOUT = 2
} fp_status;

#define FPX_SUCCESS 0

#endif
