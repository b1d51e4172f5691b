/* The two functions of bitshuffle's API that BitShuffleNative.cpp calls
   (Debian ships no bitshuffle C header). */
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
int64_t bshuf_bitshuffle(const void *in, void *out, const size_t size,
                         const size_t elem_size, size_t block_size);
int64_t bshuf_bitunshuffle(const void *in, void *out, const size_t size,
                           const size_t elem_size, size_t block_size);
#ifdef __cplusplus
}
#endif
