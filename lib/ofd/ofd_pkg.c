/* OFD packages (GB/T 33190-2016 clause 7.2, a zip container): reading every entry at open time
 * under limits, entry-name checks, package paths (ST_Loc, clause 7.3), the string pool. */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"
#include "ofd/ofdw_int.h"
#include "ses/ses_int.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zip.h>

/* ==== string pool ============================================================================ */

struct sc_ofd__chunk {
    sc_ofd__chunk *next; /* older chunk */
    size_t used, cap;    /* bytes of data in use, available */
    alignas(max_align_t) unsigned char data[];
};

#define POOL_CHUNK 8192

void *sc_ofd__palloc(sc_ofd__pool *pool, size_t n)
{
    sc_ofd__chunk *c = pool->head;
    size_t need = (n + 7) & ~(size_t)7;

    if (need < n) {
        sc_error_oom();
        return NULL;
    }
    if (!c || c->cap - c->used < need) {
        size_t cap = need > POOL_CHUNK / 2 ? need : POOL_CHUNK;
        if (!(c = sc_malloc(sizeof(*c) + cap))) {
            sc_error_oom();
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        /* A big allocation gets a chunk of its own behind the current one, so the free space of
         * the current chunk is not abandoned. */
        if (cap == need && pool->head) {
            c->next = pool->head->next;
            pool->head->next = c;
        } else {
            c->next = pool->head;
            pool->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += need;
    memset(p, 0, n);
    return p;
}

char *sc_ofd__pstrndup(sc_ofd__pool *pool, const char *s, size_t n)
{
    char *p;
    if (n == SIZE_MAX) {
        sc_error_oom();
        return NULL;
    }
    if (!(p = sc_ofd__palloc(pool, n + 1)))
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sc_ofd__pstrdup(sc_ofd__pool *pool, const char *s)
{
    return sc_ofd__pstrndup(pool, s ? s : "", s ? strlen(s) : 0);
}

char *sc_ofd__pprintf(sc_ofd__pool *pool, const char *fmt, ...)
{
    va_list ap;
    char small[256], *p;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        sc_error_set(SC_ERROR, "cannot format a message");
        return NULL;
    }
    if ((size_t)n < sizeof(small))
        return sc_ofd__pstrndup(pool, small, (size_t)n);
    if (!(p = sc_ofd__palloc(pool, (size_t)n + 1)))
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void sc_ofd__pool_free(sc_ofd__pool *pool)
{
    sc_ofd__chunk *c = pool->head;
    while (c) {
        sc_ofd__chunk *next = c->next;
        sc_free(c);
        c = next;
    }
    pool->head = NULL;
}

int sc_ofd__grow(void **arr, size_t *cap, size_t count, size_t elem, size_t max)
{
    size_t n, bytes;
    void *p;

    if (count < *cap)
        return 0;
    if (count >= max)
        return sc_error_set(SC_ELIMIT, "more than %zu items", max);
    n = *cap ? *cap * 2 : 4;
    if (n > max)
        n = max;
    if (sc_mul_overflow(&bytes, n, elem) || !(p = sc_realloc(*arr, bytes)))
        return sc_error_oom();
    *arr = p;
    *cap = n;
    return 0;
}

/* ==== warnings =============================================================================== */

int sc_ofd__warn(sc_ofd *ofd, const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    const char *p;
    int error;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* The same deviation met in many files (a wrong namespace on every page) is one warning. */
    for (size_t i = 0; i < ofd->warning_count; i++)
        if (strcmp(ofd->warnings[i], msg) == 0)
            return 0;
    if ((error = sc_ofd__grow((void **)&ofd->warnings, &ofd->warn_cap, ofd->warning_count,
                              sizeof(*ofd->warnings), 1000)) < 0)
        return error == SC_ELIMIT ? 0 : error; /* past 1000 warnings, the rest are dropped */
    if (!(p = sc_ofd__pstrdup(&ofd->pool, msg)))
        return SC_ENOMEM;
    ofd->warnings[ofd->warning_count++] = p;
    return 0;
}

/* ==== names and paths ======================================================================== */

/* Entries sort case-insensitively first, so names equal but for case are neighbours (collision
 * check) and one bsearch order serves both the exact and the case-insensitive lookup. */
int sc_ofd__name_cmp(const char *a, const char *b)
{
    int c = strcasecmp(a, b);
    return c ? c : strcmp(a, b);
}

static int entry_cmp(const void *a, const void *b)
{
    return sc_ofd__name_cmp(((const sc_ofd__entry *)a)->name, ((const sc_ofd__entry *)b)->name);
}

const sc_ofd__entry *sc_ofd__find(const sc_ofd *ofd, const char *abs, bool *is_folded)
{
    size_t lo = 0, hi = ofd->entry_count;
    const sc_ofd__entry *folded = NULL;

    if (is_folded)
        *is_folded = false;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sc_ofd__entry *e = &ofd->entries[mid];
        int c = strcasecmp(abs, e->name);
        if (c == 0) {
            c = strcmp(abs, e->name);
            if (c == 0)
                return e;
            folded = e;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    /* Names equal but for case were refused at open, so a case-insensitive match is unique. */
    if (folded && is_folded)
        *is_folded = true;
    return folded;
}

typedef struct {
    const char *p; /* start of the component */
    size_t n;      /* its length */
} component;

#define MAX_COMPONENTS 128

/* Push the '/'-separated components of s[0..len) onto comps, resolving "." and "..". */
static int push_components(component *comps, size_t *count, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '/')
            j++;
        if (j - i == 0 || (j - i == 1 && s[i] == '.')) {
            /* "//" and "./": nothing */
        } else if (j - i == 2 && s[i] == '.' && s[i + 1] == '.') {
            if (*count == 0)
                return sc_error_set(SC_EFORMAT, "path leaves the package");
            (*count)--;
        } else {
            if (*count == MAX_COMPONENTS)
                return sc_error_set(SC_ELIMIT, "path has more than %d components", MAX_COMPONENTS);
            comps[*count].p = s + i;
            comps[*count].n = j - i;
            (*count)++;
        }
        i = j + 1;
    }
    return 0;
}

int sc_ofd__resolve(char *out, const char *base_file, const char *loc)
{
    component comps[MAX_COMPONENTS];
    size_t count = 0, len, pos = 0;
    int error;

    while (*loc == ' ' || *loc == '\t' || *loc == '\r' || *loc == '\n')
        loc++;
    len = strlen(loc);
    while (len && (loc[len - 1] == ' ' || loc[len - 1] == '\t' || loc[len - 1] == '\r' ||
                   loc[len - 1] == '\n'))
        len--;
    if (len == 0)
        return sc_error_set(SC_EFORMAT, "empty path");
    if (len >= SC_OFD_MAX_PATH)
        return sc_error_set(SC_ELIMIT, "path longer than %d bytes", SC_OFD_MAX_PATH - 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)loc[i];
        if (c == '\\')
            return sc_error_set(SC_EFORMAT, "path \"%.*s\" contains a backslash", (int)len, loc);
        if (c < 0x20)
            return sc_error_set(SC_EFORMAT, "path contains a control character");
    }
    if (loc[0] != '/' && base_file) {
        const char *slash = strrchr(base_file, '/');
        if (slash &&
            (error = push_components(comps, &count, base_file, (size_t)(slash - base_file))) < 0)
            return error;
    }
    if ((error = push_components(comps, &count, loc, len)) < 0) {
        if (error == SC_EFORMAT)
            return sc_error_set(SC_EFORMAT, "path \"%.*s\" leaves the package", (int)len, loc);
        return error;
    }
    if (count == 0)
        return sc_error_set(SC_EFORMAT, "path \"%.*s\" names the package root", (int)len, loc);
    for (size_t i = 0; i < count; i++) {
        if (pos + 1 + comps[i].n >= SC_OFD_MAX_PATH)
            return sc_error_set(SC_ELIMIT, "path longer than %d bytes", SC_OFD_MAX_PATH - 1);
        out[pos++] = '/';
        memcpy(out + pos, comps[i].p, comps[i].n);
        pos += comps[i].n;
    }
    out[pos] = '\0';
    return 0;
}

/* A zip entry name as an absolute package path. Zip names are relative by definition (APPNOTE
 * 4.4.17): a leading '/', a drive, a backslash or a ".." is an attack on whoever extracts the
 * package, and is refused rather than repaired. */
static int entry_path(char *out, const char *name)
{
    component comps[MAX_COMPONENTS];
    size_t count = 0, pos = 0, len = strlen(name);
    int error;

    if (len == 0)
        return sc_error_set(SC_EFORMAT, "zip entry with an empty name");
    if (len >= SC_OFD_MAX_PATH)
        return sc_error_set(SC_ELIMIT, "zip entry name longer than %d bytes", SC_OFD_MAX_PATH - 1);
    if (name[0] == '/')
        return sc_error_set(SC_EFORMAT, "zip entry \"%s\": absolute path", name);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '\\')
            return sc_error_set(SC_EFORMAT, "zip entry \"%s\": backslash in the name", name);
        if (c < 0x20 || (c == ':' && i == 1))
            return sc_error_set(SC_EFORMAT, "zip entry \"%s\": control character or drive", name);
    }
    for (size_t i = 0; i + 1 < len; i++)
        if (name[i] == '.' && name[i + 1] == '.' && (i == 0 || name[i - 1] == '/') &&
            (i + 2 == len || name[i + 2] == '/'))
            return sc_error_set(SC_EFORMAT, "zip entry \"%s\": \"..\" in the name", name);
    if ((error = push_components(comps, &count, name, len)) < 0)
        return error;
    if (count == 0)
        return sc_error_set(SC_EFORMAT, "zip entry \"%s\": no file name", name);
    for (size_t i = 0; i < count; i++) {
        out[pos++] = '/';
        memcpy(out + pos, comps[i].p, comps[i].n);
        pos += comps[i].n;
    }
    out[pos] = '\0';
    return 0;
}

/* ==== opening ================================================================================ */

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned le16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/*
 * Where the zip archive lies in the input. libzip refuses bytes before the archive (a
 * self-extractor stub, a signature block a producer prepended) because central-directory
 * offsets count from the archive's first byte. We find the end of central directory record
 * ourselves (APPNOTE 4.3.16: the last "PK\5\6" within 65,557 bytes of the end), derive the
 * start from the directory's size and offset, and hand libzip that slice; leading or trailing
 * bytes become warnings. Zip64 archives are passed through unchanged.
 */
static int locate_zip(size_t *start, size_t *end, const unsigned char *d, size_t len)
{
    size_t lowest = len > 22 + 65535 ? len - 22 - 65535 : 0;

    *start = 0;
    *end = len;
    if (len < 22)
        return sc_error_set(SC_EFORMAT, "not a zip archive (%zu bytes)", len);
    for (size_t i = len - 22 + 1; i-- > lowest;) {
        if (d[i] != 'P' || d[i + 1] != 'K' || d[i + 2] != 5 || d[i + 3] != 6)
            continue;
        size_t comment = le16(d + i + 20);
        uint32_t cd_size = le32(d + i + 12), cd_off = le32(d + i + 16);
        if (i + 22 + comment > len)
            continue; /* a "PK\5\6" inside the comment or junk; look further back */
        if (cd_off == 0xFFFFFFFFu || cd_size == 0xFFFFFFFFu ||
            (i >= 20 && d[i - 20] == 'P' && d[i - 19] == 'K' && d[i - 18] == 6 && d[i - 17] == 7))
            return 0; /* zip64: let libzip decide */
        if ((uint64_t)cd_off + cd_size > i)
            return 0; /* inconsistent: libzip gives the error */
        *start = i - cd_size - cd_off;
        *end = i + 22 + comment;
        return 0;
    }
    return sc_error_set(SC_EFORMAT, "not a zip archive (no end of central directory record)");
}

static int zip_error_code(int ze)
{
    switch (ze) {
    case ZIP_ER_MEMORY:
        return SC_ENOMEM;
    case ZIP_ER_ENCRNOTSUPP:
    case ZIP_ER_COMPNOTSUPP:
    case ZIP_ER_NOPASSWD:
    case ZIP_ER_WRONGPASSWD:
        return SC_EUNSUPPORTED;
    default:
        return SC_EFORMAT;
    }
}

static int open_error(zip_t *za, const char *name)
{
    zip_error_t *ze = zip_get_error(za);
    return sc_error_set(zip_error_code(zip_error_code_zip(ze)), "zip entry \"%s\": %s", name,
                        zip_error_strerror(ze));
}

/* Read exactly @p size bytes of an opened entry into @p buf and require the end there: the
 * declared size is only a claim. */
static int read_exact(zip_file_t *zf, unsigned char *buf, size_t size, const char *name)
{
    unsigned char extra;
    zip_int64_t n = size ? zip_fread(zf, buf, size) : 0;
    if (n < 0 || (size_t)n != size) {
        zip_error_t *ze = zip_file_get_error(zf);
        return sc_error_set(n < 0 ? zip_error_code(zip_error_code_zip(ze)) : SC_EFORMAT,
                            "zip entry \"%s\": %s", name,
                            n < 0 ? zip_error_strerror(ze) : "shorter than its declared size");
    }
    if ((n = zip_fread(zf, &extra, 1)) != 0)
        return sc_error_set(SC_EFORMAT, "zip entry \"%s\": %s", name,
                            n < 0 ? zip_error_strerror(zip_file_get_error(zf))
                                  : "longer than its declared size");
    return 0;
}

/*
 * Deflated entries are read raw (ZIP_FL_COMPRESSED) and inflated here, so the package keeps the
 * stream as stored: the signer copies untouched entries into its output verbatim instead of
 * deflating them again (a third of a 1-page sign). The checks libzip makes on that path are
 * made here instead: exactly the declared size, the stream ends there, the CRC matches. A
 * stream followed by junk inside its compressed size still gives the data, but not the stream.
 * Other methods go through libzip.
 */
static int read_entry(sc_ofd__entry *e, zip_t *za, zip_uint64_t i, const zip_stat_t *st,
                      const char *name, sc_verify_cache *cache)
{
    zip_file_t *zf = NULL;
    size_t size = (size_t)st->size;
    bool is_raw = (st->valid & ZIP_STAT_COMP_METHOD) && (st->valid & ZIP_STAT_COMP_SIZE) &&
                  (st->valid & ZIP_STAT_CRC) && st->comp_method == ZIP_CM_DEFLATE &&
                  st->comp_size <= SIZE_MAX - 1;
    int error = 0;

    if (!(e->data = sc_malloc(size + 1)))
        return sc_error_oom();
    if (is_raw) {
        size_t csize = (size_t)st->comp_size;
        bool is_exact;
        if (!(e->raw = sc_malloc(csize + 1)))
            return sc_error_oom();
        if (!(zf = zip_fopen_index(za, i, ZIP_FL_COMPRESSED)))
            return open_error(za, name);
        if ((error = read_exact(zf, e->raw, csize, name)) < 0)
            goto done;
        /* A verifier sees the same seal files and signed values in package after package. */
        if (!sc_ses__cache_inflated_get(cache, e->data, size, st->crc, e->raw, csize, &is_exact)) {
            if ((error = sc_ofd__inflate(e->data, size, e->raw, csize, &is_exact)) < 0) {
                char why[128];
                snprintf(why, sizeof(why), "%s", sc_error_last()->message);
                if (error != SC_ENOMEM)
                    error = sc_error_set(error, "zip entry \"%s\": %s", name, why);
                goto done;
            }
            if (sc_ofd__crc32(e->data, size) != st->crc) {
                error = sc_error_set(SC_EFORMAT, "zip entry \"%s\": CRC error", name);
                goto done;
            }
            sc_ses__cache_inflated_put(cache, e->raw, csize, st->crc, e->data, size, is_exact);
        }
        e->crc = st->crc;
        e->raw_len = csize;
        if (!is_exact) {
            sc_free(e->raw);
            e->raw = NULL;
            e->raw_len = 0;
        }
    } else {
        if (!(zf = zip_fopen_index(za, i, 0)))
            return open_error(za, name);
        if ((error = read_exact(zf, e->data, size, name)) < 0)
            goto done;
        /* libzip checked the CRC on this path. */
        e->crc = (st->valid & ZIP_STAT_CRC) ? st->crc : sc_ofd__crc32(e->data, size);
    }
    e->data[size] = '\0';
    e->len = size;
done:
    zip_fclose(zf);
    return error;
}

static int open_entries(sc_ofd *ofd, const unsigned char *data, size_t len,
                        const sc_ofd_open_options *o)
{
    zip_error_t zerr;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_int64_t n;
    size_t start, end, total = 0;
    char path[SC_OFD_MAX_PATH];
    int error;

    if ((error = locate_zip(&start, &end, data, len)) < 0)
        return error;
    zip_error_init(&zerr);
    if (!(src = zip_source_buffer_create(data + start, end - start, 0, &zerr))) {
        error = sc_error_set(SC_ENOMEM, "zip: %s", zip_error_strerror(&zerr));
        goto done;
    }
    if (!(za = zip_open_from_source(src, ZIP_RDONLY, &zerr))) {
        error = sc_error_set(zip_error_code(zip_error_code_zip(&zerr)), "not a zip archive: %s",
                             zip_error_strerror(&zerr));
        goto done;
    }
    src = NULL; /* owned by za now */
    /* Producer quirk tolerated: bytes around the archive (a prepended stub, a trailing
     * signature block); the entries are read as the directory describes them. */
    if (start > 0 && (error = sc_ofd__warn(ofd,
                                           "package: %zu bytes before the zip archive "
                                           "ignored",
                                           start)) < 0)
        goto done;
    if (end < len && (error = sc_ofd__warn(ofd, "package: %zu bytes after the zip archive ignored",
                                           len - end)) < 0)
        goto done;
    if ((n = zip_get_num_entries(za, 0)) < 0) {
        error = sc_error_set(SC_EFORMAT, "not a zip archive");
        goto done;
    }
    if ((size_t)n > o->max_entries) {
        error = sc_error_set(SC_ELIMIT, "zip archive has %lld entries, more than %zu", (long long)n,
                             o->max_entries);
        goto done;
    }
    if (n && !(ofd->entries = sc_calloc((size_t)n, sizeof(*ofd->entries)))) {
        error = sc_error_oom();
        goto done;
    }
    /* Every limit is checked on the central directory before the first byte is inflated. */
    zip_stat_t *stats = NULL;
    if (n && !(stats = sc_calloc((size_t)n, sizeof(*stats)))) {
        error = sc_error_oom();
        goto done;
    }
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t *st = &stats[i];
        if (zip_stat_index(za, (zip_uint64_t)i, 0, st) < 0 || !(st->valid & ZIP_STAT_NAME) ||
            !(st->valid & ZIP_STAT_SIZE)) {
            error = sc_error_set(SC_EFORMAT, "zip entry %lld: unreadable directory record",
                                 (long long)i);
            goto stats_done;
        }
        if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) && st->encryption_method != ZIP_EM_NONE) {
            error = sc_error_set(SC_EUNSUPPORTED, "zip entry \"%s\": encrypted", st->name);
            goto stats_done;
        }
        if (st->size > o->max_entry_size) {
            error = sc_error_set(SC_ELIMIT,
                                 "zip entry \"%s\": %llu bytes uncompressed, more than "
                                 "%zu",
                                 st->name, (unsigned long long)st->size, o->max_entry_size);
            goto stats_done;
        }
        /* The stored bytes lie in the archive: a larger declared size is a lie, and would make
         * read_entry() allocate it. */
        if ((st->valid & ZIP_STAT_COMP_SIZE) && st->comp_size > len) {
            error = sc_error_set(SC_EFORMAT,
                                 "zip entry \"%s\": %llu bytes compressed, more than the whole "
                                 "archive (%zu)",
                                 st->name, (unsigned long long)st->comp_size, len);
            goto stats_done;
        }
        if (sc_add_overflow(&total, total, (size_t)st->size) || total > o->max_total_size) {
            error = sc_error_set(SC_ELIMIT, "zip entries hold more than %zu bytes uncompressed",
                                 o->max_total_size);
            goto stats_done;
        }
        if (st->size > SC_OFD_RATIO_MIN_SIZE && (st->valid & ZIP_STAT_COMP_SIZE) &&
            st->size / (st->comp_size ? st->comp_size : 1) > o->max_ratio) {
            error = sc_error_set(SC_ELIMIT,
                                 "zip entry \"%s\": compression ratio over %u:1 (%llu "
                                 "bytes from %llu)",
                                 st->name, o->max_ratio, (unsigned long long)st->size,
                                 (unsigned long long)st->comp_size);
            goto stats_done;
        }
    }
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t *st = &stats[i];
        size_t nl = strlen(st->name);
        sc_ofd__entry *e;
        /* Directory records carry no data; OFD has no empty directories worth keeping. */
        if (nl && st->name[nl - 1] == '/' && st->size == 0)
            continue;
        if ((error = entry_path(path, st->name)) < 0)
            goto stats_done;
        e = &ofd->entries[ofd->entry_count];
        if (!(e->name = sc_ofd__pstrdup(&ofd->pool, path))) {
            error = SC_ENOMEM;
            goto stats_done;
        }
        if ((error = read_entry(e, za, (zip_uint64_t)i, st, st->name, o->cache)) < 0) {
            sc_free(e->data);
            sc_free(e->raw);
            e->data = e->raw = NULL;
            goto stats_done;
        }
        ofd->entry_count++;
    }
stats_done:
    sc_free(stats);
    if (error < 0)
        goto done;
    if (ofd->entry_count > 1)
        qsort(ofd->entries, ofd->entry_count, sizeof(*ofd->entries), entry_cmp);
    /* Names that differ only by case would reach different files on different systems; equal
     * names are ambiguous. Refused, but for one quirk (below). */
    for (size_t i = 1; i < ofd->entry_count; i++) {
        sc_ofd__entry *a = &ofd->entries[i - 1], *b = &ofd->entries[i];
        if (strcasecmp(a->name, b->name) != 0)
            continue;
        if (strcmp(a->name, b->name) == 0 && a->len == b->len &&
            memcmp(a->data, b->data, a->len) == 0) {
            /* KingGrid on a Foxit document (foxit-kinggrid sample) stores
             * Doc_0/Signs/Sign_0/Seal.esl twice with identical bytes: harmless, one is kept. */
            if ((error = sc_ofd__warn(ofd,
                                      "package: %s stored twice with identical bytes "
                                      "(KingGrid); one copy used",
                                      a->name)) < 0)
                goto done;
            sc_free(b->data);
            sc_free(b->raw);
            memmove(b, b + 1, (ofd->entry_count - i - 1) * sizeof(*b));
            ofd->entry_count--;
            i--;
            continue;
        }
        error = sc_error_set(SC_EFORMAT, "zip entries \"%s\" and \"%s\" collide%s", a->name + 1,
                             b->name + 1,
                             strcmp(a->name, b->name) == 0 ? " (same name, different bytes)"
                                                           : " (names differ only by case)");
        goto done;
    }
done:
    if (za)
        zip_discard(za);
    zip_source_free(src);
    zip_error_fini(&zerr); /* zip_error_strerror() keeps its message there */
    return error;
}

void sc_ofd_free(sc_ofd *ofd)
{
    if (!ofd)
        return;
    for (size_t i = 0; i < ofd->entry_count; i++) {
        sc_free(ofd->entries[i].data);
        sc_free(ofd->entries[i].raw);
    }
    sc_free(ofd->entries);
    sc_free(ofd->warnings);
    sc_ofd__model_free(ofd);
    sc_ofd__pool_free(&ofd->pool);
    sc_free(ofd);
}

int sc_ofd_open(sc_ofd **out, const void *data, size_t len, const sc_ofd_open_options *opts)
{
    sc_ofd_open_options o = SC_OFD_OPEN_OPTIONS_INIT;
    sc_ofd *ofd = NULL;
    int error;

    SC_ASSERT_ARG(out);
    *out = NULL;
    SC_ASSERT_ARG(data || len == 0);
    if (opts) {
        if (opts->version != 1 && opts->version != SC_OFD_OPEN_OPTIONS_VERSION)
            return sc_error_set(SC_EINVALID, "sc_ofd_open_options: version %u", opts->version);
        /* A version-1 struct ends before the cache. */
        memcpy(&o, opts, opts->version >= 2 ? sizeof(o) : offsetof(sc_ofd_open_options, cache));
    }
    if (!o.max_entries)
        o.max_entries = SC_OFD_MAX_ENTRIES;
    if (!o.max_entry_size)
        o.max_entry_size = SC_OFD_MAX_ENTRY_SIZE;
    if (!o.max_total_size)
        o.max_total_size = SC_OFD_MAX_TOTAL_SIZE;
    if (!o.max_ratio)
        o.max_ratio = SC_OFD_MAX_RATIO;
    if (!(ofd = sc_calloc(1, sizeof(*ofd))))
        return sc_error_oom();
    if (!data)
        data = "";
    if ((error = open_entries(ofd, data, len, &o)) < 0)
        goto done;
    if ((error = sc_ofd__model_load(ofd)) < 0)
        goto done;
    *out = ofd;
    ofd = NULL;
done:
    sc_ofd_free(ofd);
    return error;
}

int sc_ofd_open_file(sc_ofd **out, const char *path, const sc_ofd_open_options *opts)
{
    sc_buf buf = SC_BUF_INIT;
    int error;

    SC_ASSERT_ARG(out);
    *out = NULL;
    SC_ASSERT_ARG(path);
    if ((error = sc_fs_read_file(&buf, path, SC_OFD_MAX_FILE_SIZE)) < 0)
        return error;
    error = sc_ofd_open(out, buf.ptr, buf.size, opts);
    sc_buf_dispose(&buf);
    return error;
}

/* ==== accessors ============================================================================== */

size_t sc_ofd_entry_count(const sc_ofd *ofd)
{
    return ofd ? ofd->entry_count : 0;
}

const char *sc_ofd_entry_name(const sc_ofd *ofd, size_t i)
{
    return ofd && i < ofd->entry_count ? ofd->entries[i].name : NULL;
}

int sc_ofd_entry(const unsigned char **data, size_t *len, const sc_ofd *ofd, const char *path)
{
    char abs[SC_OFD_MAX_PATH];
    const sc_ofd__entry *e;
    int error;

    SC_ASSERT_ARG(data && len && ofd && path);
    *data = NULL;
    *len = 0;
    /* A name as sc_ofd_entry_name() gives it first: resolving trims blanks, and a zip may name
     * an entry "Doc_0 ". */
    if (!(path[0] == '/' && (e = sc_ofd__find(ofd, path, NULL)))) {
        if ((error = sc_ofd__resolve(abs, "/", path)) < 0)
            return error;
        if (!(e = sc_ofd__find(ofd, abs, NULL)))
            return sc_error_set(SC_ENOTFOUND, "%s: not in the package", abs);
    }
    *data = e->data;
    *len = e->len;
    return 0;
}

size_t sc_ofd_warning_count(const sc_ofd *ofd)
{
    return ofd ? ofd->warning_count : 0;
}

const char *sc_ofd_warning(const sc_ofd *ofd, size_t i)
{
    return ofd && i < ofd->warning_count ? ofd->warnings[i] : NULL;
}
