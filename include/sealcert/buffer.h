/* sealcert byte buffers handed to the caller (after libgit2 include/git2/buffer.h). */
#ifndef SC_INCLUDE_BUFFER_H
#define SC_INCLUDE_BUFFER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Bytes or a string returned by sealcert. The caller owns the memory and releases it with
 * sc_buf_dispose(). ptr is NUL-terminated (the NUL is not counted in size), so text can be used
 * as a C string. Initialise with SC_BUF_INIT.
 */
typedef struct {
    unsigned char *ptr; /**< the bytes, NUL-terminated; NULL when empty and never allocated */
    size_t size;        /**< number of bytes, without the terminating NUL */
    size_t asize;       /**< allocated size (internal) */
} sc_buf;

#define SC_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/**
 * Release the memory of a buffer and reset it to empty. Secret contents are wiped first.
 * @param buf the buffer; NULL is accepted
 */
SC_EXTERN void sc_buf_dispose(sc_buf *buf);

#ifdef __cplusplus
}
#endif
#endif
