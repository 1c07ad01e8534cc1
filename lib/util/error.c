/* The per-thread last-error record (after libgit2 src/libgit2/errors.c). */
#include "util/util.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#define SC_ERROR_MSG_MAX 512

/* One record per thread, in static storage, so recording an error never allocates and
 * out-of-memory can always be reported. */
static _Thread_local struct {
    int code;
    char message[SC_ERROR_MSG_MAX];
    sc_error pub;
} last = {0, "no error", {0, NULL}};

/* out = a + sep + b, truncated to SC_ERROR_MSG_MAX - 1 bytes. */
static void join(char out[SC_ERROR_MSG_MAX], const char *a, const char *sep, const char *b)
{
    size_t n = 0;
    for (const char *parts[] = {a, sep, b}, **p = parts; p < parts + 3; p++)
        for (const char *c = *p; *c && n < SC_ERROR_MSG_MAX - 1; c++)
            out[n++] = *c;
    out[n] = '\0';
}

const sc_error *sc_error_last(void)
{
    last.pub.code = last.code;
    last.pub.message = last.message[0] ? last.message : "no error";
    return &last.pub;
}

void sc_error_clear(void)
{
    last.code = 0;
    memcpy(last.message, "no error", sizeof("no error"));
}

int sc_error_vset(int code, const char *fmt, va_list ap)
{
    char tmp[SC_ERROR_MSG_MAX];
    /* Format into a temporary: the arguments may point into the current message (propagation). */
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    memcpy(last.message, tmp, sizeof(tmp));
    last.code = code;
    return code;
}

int sc_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sc_error_vset(code, fmt, ap);
    va_end(ap);
    return code;
}

int sc_error_oom(void)
{
    last.code = SC_ENOMEM;
    memcpy(last.message, "out of memory", sizeof("out of memory"));
    return SC_ENOMEM;
}

int sc_error_set_ossl(int code, const char *fmt, ...)
{
    char tmp[SC_ERROR_MSG_MAX];
    char reason[256] = "";
    unsigned long e, last_e = 0;
    va_list ap;

    /* The last error in the queue is the most specific one; drain the rest. */
    while ((e = ERR_get_error()) != 0)
        last_e = e;
    if (last_e) {
        const char *r = ERR_reason_error_string(last_e);
        if (r)
            snprintf(reason, sizeof(reason), ": %s", r);
        else
            snprintf(reason, sizeof(reason), ": openssl error 0x%lx", last_e);
        if (ERR_GET_REASON(last_e) == ERR_R_MALLOC_FAILURE)
            code = SC_ENOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    join(last.message, tmp, "", reason);
    last.code = code;
    return code;
}

void sc_error_prefix(const char *fmt, ...)
{
    char prefix[SC_ERROR_MSG_MAX];
    char tmp[SC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    join(tmp, prefix, ": ", last.message);
    memcpy(last.message, tmp, sizeof(tmp));
}

const char *sc_error_name(int code)
{
    switch (code) {
    case SC_OK:
        return "ok";
    case SC_ENOMEM:
        return "nomem";
    case SC_EINVALID:
        return "invalid";
    case SC_EFORMAT:
        return "format";
    case SC_EUNSUPPORTED:
        return "unsupported";
    case SC_ENOTFOUND:
        return "notfound";
    case SC_EEXISTS:
        return "exists";
    case SC_EIO:
        return "io";
    case SC_EPASSWORD:
        return "password";
    case SC_ECRYPTO:
        return "crypto";
    case SC_ELIMIT:
        return "limit";
    default:
        return "error";
    }
}
