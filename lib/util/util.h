/* lib/util: private helpers shared by the library, the CLI, the daemon and the tests:
 * allocation, the error record, buffers, files, overflow checks. Not part of the public API. */
#ifndef SC_UTIL_H
#define SC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sealcert/sealcert.h"
#include "util/limits.h"

/* ---- allocation (every allocation of ours goes through here, so tests can make it fail) ---- */

void *sc_malloc(size_t size);
void *sc_calloc(size_t count, size_t size);
void *sc_realloc(void *ptr, size_t size);
void sc_free(void *ptr);
char *sc_strdup(const char *s);
char *sc_strndup(const char *s, size_t n);
void *sc_memdup(const void *p, size_t n);

/**
 * Test hook: make the allocation number @p n (counted from this call, 1-based) fail, and every
 * later one too when @p persistent. n = 0 turns failure off. Returns the number of allocations
 * made since the previous call, so a test can first count, then fail each one in turn.
 */
size_t sc_alloc_fail_after(size_t n, bool persistent);

/* ---- errors ------------------------------------------------------------------------------ */

#if defined(__GNUC__)
#define SC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SC_PRINTF(f, a)
#endif

/** Record an error for this thread and return @p code (so callers can `return sc_error_set(..)`).
 */
int sc_error_set(int code, const char *fmt, ...) SC_PRINTF(2, 3);
int sc_error_vset(int code, const char *fmt, va_list ap) SC_PRINTF(2, 0);

/**
 * Record an error whose message ends with OpenSSL's reason for the most recent error in its queue
 * (": <reason>"), and empty the queue. Use at the OpenSSL call site.
 */
int sc_error_set_ossl(int code, const char *fmt, ...) SC_PRINTF(2, 3);

/** Record out-of-memory without allocating; returns SC_ENOMEM. */
int sc_error_oom(void);

/** Prefix the current message with "<prefix>: " (adds context when propagating). */
void sc_error_prefix(const char *fmt, ...) SC_PRINTF(1, 2);

/* Argument checks on public entry points: abort in debug builds, SC_EINVALID in release builds. */
#ifdef NDEBUG
#define SC_ASSERT_ARG(expr)                                                                        \
    do {                                                                                           \
        if (!(expr))                                                                               \
            return sc_error_set(SC_EINVALID, "invalid argument: %s", #expr);                       \
    } while (0)
#else
#include <assert.h>
#define SC_ASSERT_ARG(expr) assert(expr)
#endif

/* Conditions that cannot happen but must not crash if they do (SQLite's ALWAYS/NEVER). */
#ifdef NDEBUG
#define SC_ALWAYS(x) (x)
#define SC_NEVER(x)  (x)
#else
#define SC_ALWAYS(x) ((x) ? 1 : (assert(0), 0))
#define SC_NEVER(x)  ((x) ? (assert(0), 1) : 0)
#endif

/* ---- overflow-checked size arithmetic ---------------------------------------------------- */

/** out = a + b; true on overflow. */
static inline bool sc_add_overflow(size_t *out, size_t a, size_t b)
{
    return __builtin_add_overflow(a, b, out);
}

/** out = a * b; true on overflow. */
static inline bool sc_mul_overflow(size_t *out, size_t a, size_t b)
{
    return __builtin_mul_overflow(a, b, out);
}

/* ---- buffers ----------------------------------------------------------------------------- */

/** Make room for @p extra more bytes (plus the NUL); SC_ENOMEM or SC_ELIMIT past SC_BUF_MAX. */
int sc_buf_grow(sc_buf *buf, size_t extra);
/** sc_buf_put() when the bytes do not fit yet: grows, then appends. */
int sc_buf__put_grow(sc_buf *buf, const void *data, size_t len);
/** Append bytes. Inline: the writers append millions of short pieces (numbers, tags). */
static inline int sc_buf_put(sc_buf *buf, const void *data, size_t len)
{
    if (buf->ptr && len < buf->asize - buf->size) { /* room for the bytes and the NUL */
        if (len)
            memcpy(buf->ptr + buf->size, data, len);
        buf->size += len;
        buf->ptr[buf->size] = '\0';
        return 0;
    }
    return sc_buf__put_grow(buf, data, len);
}
/** Append a string. */
static inline int sc_buf_puts(sc_buf *buf, const char *s)
{
    return sc_buf_put(buf, s, strlen(s));
}
/** Append printf-formatted text. */
int sc_buf_printf(sc_buf *buf, const char *fmt, ...) SC_PRINTF(2, 3);
/** Replace the contents with a copy of @p data. */
int sc_buf_set(sc_buf *buf, const void *data, size_t len);
/** Empty the buffer, keeping its memory. */
void sc_buf_clear(sc_buf *buf);
/** Hand the memory over: returns ptr (caller frees with sc_free) and resets the buffer. */
unsigned char *sc_buf_detach(sc_buf *buf, size_t *len);
/**
 * sc_buf_dispose() without the wipe, for buffers that never hold a secret (document XML, zip
 * bytes): wiping the ~100 KB a document passes through cost ~1% of writing and sealing it.
 */
void sc_buf_dispose_public(sc_buf *buf);

/* ---- files ------------------------------------------------------------------------------- */

/**
 * Read a whole file into @p out, refusing files over @p max bytes (SC_ELIMIT).
 * @return 0, SC_ENOTFOUND, SC_EIO or SC_ELIMIT; the message names the path
 */
int sc_fs_read_file(sc_buf *out, const char *path, size_t max);
/** sc_fs_read_file() of a regular file only: a FIFO, device or socket is refused (SC_EIO, "not
 * a regular file") without blocking on it. For files a configuration names (template images). */
int sc_fs_read_regular(sc_buf *out, const char *path, size_t max);

/**
 * Write @p data to @p path atomically: a temporary file in the same directory, fsync, rename,
 * fsync of the directory. On failure the temporary is removed and an existing file is untouched.
 * @param overwrite when false and @p path exists: SC_EEXISTS
 * @param mode permission bits of a new file (0600 for secrets, 0644 otherwise)
 */
int sc_fs_write_atomic(const char *path, const void *data, size_t len, bool overwrite,
                       unsigned int mode);

/*
 * sc_fs_write_atomic() for many files at once, with one sync for them all: write each to a
 * temporary (sc_fs_write_temp: not synced; *tmp_out its path, sc_free), make them all durable
 * (sc_fs_sync_dir with whole_fs: syncfs of the directory's file system), rename each into place
 * (sc_fs_commit: the temporary is removed on failure), and make the renames durable
 * (sc_fs_sync_dir of the directory). A crash before the sync leaves temporaries, never a partial
 * file under a final name.
 */
int sc_fs_write_temp(char **tmp_out, const char *path, const void *data, size_t len, bool overwrite,
                     unsigned int mode);
int sc_fs_sync_dir(const char *dir, bool whole_fs);
int sc_fs_commit(const char *tmp, const char *path, bool overwrite);

/** I/O fault injection for tests: make the Nth (1-based) file operation fail with @p err; 0 off. */
void sc_fs_fail_after(size_t n, int err);

/* ---- OpenSSL ----------------------------------------------------------------------------- */

/** Load the OpenSSL providers once (default + legacy); thread-safe. @return 0 or SC_ECRYPTO */
int sc_util__ossl_init(void);

/* ---- reports (report.c) ------------------------------------------------------------------ */

/**
 * Change every finding of one of @p checks (NULL-terminated) that has status @p from to status
 * @p to, appending @p note to its message. @return the number changed, or SC_ENOMEM
 */
int sc_report__restatus(sc_report *report, const char *const *checks, sc_status from, sc_status to,
                        const char *note);

/* ---- bounded thread-safe byte-string map (bytemap.c) ----------------------------------------- */

typedef struct sc_bytemap sc_bytemap;

/** A map holding at most @p max_entries; values are released with @p free_value. */
int sc_bytemap_new(sc_bytemap **out, size_t max_entries, void (*free_value)(void *));
/** Release the map and every value; NULL is accepted. */
void sc_bytemap_free(sc_bytemap *map);
/**
 * Look a key up. When found and @p use is not NULL, use(value) runs under the map's lock and its
 * result is returned (e.g. taking a reference); otherwise the value itself. NULL when absent.
 */
void *sc_bytemap_get(sc_bytemap *map, const void *key, size_t len, void *(*use)(void *));
/** Insert (the key is copied, the value owned; an existing key keeps its value and @p value is
 * released). A full map is emptied first. @return 0 or SC_ENOMEM (value released) */
int sc_bytemap_put(sc_bytemap *map, const void *key, size_t len, void *value);
/** Entries in the map. */
size_t sc_bytemap_count(sc_bytemap *map);

/* ---- time ------------------------------------------------------------------------------ */

/** Seconds since the epoch of a UTC calendar time (proleptic Gregorian; fields not checked). */
sc_time sc_time_from_utc(int year, int month, int day, int hour, int minute, int second);

/* ---- UTF-8 ------------------------------------------------------------------------------ */

/**
 * Decode one character of UTF-8 at *s and advance *s past it. Strict: no overlong forms,
 * surrogates or values over U+10FFFF. @p end bounds the input; NULL for a NUL-terminated string.
 * @return false on a malformed or cut sequence
 */
bool sc_utf8_next(const unsigned char **s, const unsigned char *end, uint32_t *cp);

/** Write @p c (at most U+10FFFF) as 1-4 bytes of UTF-8 at @p out, no NUL; @return the bytes. */
size_t sc_utf8_put(char *out, uint32_t c);

/**
 * The start of @p s for a message, in @p out (@p size bytes, at least 8): at most @p max bytes,
 * cut at a character boundary, "…" appended when cut, so that a message stays valid UTF-8;
 * control characters (a line break) become spaces, so that it stays one line.
 * NULL is "". @return out
 */
const char *sc_utf8_excerpt(char *out, size_t size, const char *s, size_t max);

/* ---- misc -------------------------------------------------------------------------------- */

/** Wipe secret memory (not optimised away). */
void sc_cleanse(void *p, size_t len);

/** Lower-case hexadecimal of @p len bytes into @p out (2*len+1 bytes). */
void sc_hex(char *out, const unsigned char *in, size_t len);

#endif
