/* Growable byte buffers with a hard maximum (after curl docs/internals/DYNBUF.md). */
#include "util/util.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

void sc_buf_dispose(sc_buf *buf)
{
    if (!buf)
        return;
    if (buf->ptr) {
        /* Buffers carry keys and passwords too; wiping costs little next to the allocation. */
        OPENSSL_cleanse(buf->ptr, buf->asize);
        sc_free(buf->ptr);
    }
    buf->ptr = NULL;
    buf->size = buf->asize = 0;
}

void sc_buf_dispose_public(sc_buf *buf)
{
    if (!buf)
        return;
    sc_free(buf->ptr);
    buf->ptr = NULL;
    buf->size = buf->asize = 0;
}

int sc_buf_grow(sc_buf *buf, size_t extra)
{
    size_t need, nsize;
    unsigned char *p;

    if (sc_add_overflow(&need, buf->size, extra) || sc_add_overflow(&need, need, 1) ||
        need > SC_BUF_MAX)
        return sc_error_set(SC_ELIMIT, "buffer over %zu bytes", (size_t)SC_BUF_MAX);
    if (need <= buf->asize)
        return 0;
    nsize = buf->asize ? buf->asize : 64;
    while (nsize < need)
        nsize = nsize > SC_BUF_MAX / 2 ? SC_BUF_MAX : nsize * 2;
    /* No realloc: the old block may hold secrets and must be wiped before release. */
    p = sc_malloc(nsize);
    if (!p)
        return sc_error_oom();
    if (buf->ptr) {
        memcpy(p, buf->ptr, buf->size + 1);
        OPENSSL_cleanse(buf->ptr, buf->asize);
        sc_free(buf->ptr);
    } else {
        p[0] = '\0';
    }
    buf->ptr = p;
    buf->asize = nsize;
    return 0;
}

int sc_buf__put_grow(sc_buf *buf, const void *data, size_t len)
{
    int error;
    if ((error = sc_buf_grow(buf, len)) < 0)
        return error;
    if (len)
        memcpy(buf->ptr + buf->size, data, len);
    buf->size += len;
    buf->ptr[buf->size] = '\0';
    return 0;
}

int sc_buf_printf(sc_buf *buf, const char *fmt, ...)
{
    va_list ap;
    int n, error;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return sc_error_set(SC_ERROR, "bad format string");
    if ((error = sc_buf_grow(buf, (size_t)n)) < 0)
        return error;
    va_start(ap, fmt);
    vsnprintf((char *)buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->size += (size_t)n;
    return 0;
}

int sc_buf_set(sc_buf *buf, const void *data, size_t len)
{
    sc_buf_clear(buf);
    return sc_buf_put(buf, data, len);
}

void sc_buf_clear(sc_buf *buf)
{
    buf->size = 0;
    if (buf->ptr)
        buf->ptr[0] = '\0';
}

unsigned char *sc_buf_detach(sc_buf *buf, size_t *len)
{
    unsigned char *p = buf->ptr;
    if (len)
        *len = buf->size;
    buf->ptr = NULL;
    buf->size = buf->asize = 0;
    return p;
}

void sc_cleanse(void *p, size_t len)
{
    if (p)
        OPENSSL_cleanse(p, len);
}

void sc_hex(char *out, const unsigned char *in, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}
