/* lib/ofd: the writer cache (sc_ofd_writer_cache in ofd.h): deflate streams, CRC-32 and SM3 of
 * package files that documents share byte for byte (template pages), made once. */
#include <string.h>

#include "ofd/ofdw_int.h"

/* Enough for the templates of a laboratory's certificate kinds (two or three each). */
#define DEFAULT_ENTRIES 64

struct sc_ofd_writer_cache {
    sc_bytemap *files; /* file bytes -> sc_ofd__cached_file (sc_malloc'd) */
};

int sc_ofd_writer_cache_new(sc_ofd_writer_cache **out, size_t max_entries)
{
    sc_ofd_writer_cache *c;
    int error;
    SC_ASSERT_ARG(out);
    *out = NULL;
    if (!(c = sc_calloc(1, sizeof(*c))))
        return sc_error_oom();
    if ((error = sc_bytemap_new(&c->files, max_entries ? max_entries : DEFAULT_ENTRIES, sc_free)) <
        0) {
        sc_free(c);
        return error;
    }
    *out = c;
    return 0;
}

void sc_ofd_writer_cache_free(sc_ofd_writer_cache *cache)
{
    if (!cache)
        return;
    sc_bytemap_free(cache->files);
    sc_free(cache);
}

static size_t cached_size(const sc_ofd__cached_file *f)
{
    return sizeof(*f) + f->deflated_len;
}

/* The caller's copy of an entry, made under the map's lock. */
static void *dup_cached(void *v)
{
    return sc_memdup(v, cached_size(v));
}

int sc_ofd__cache_file(sc_ofd__cached_file **out, sc_ofd_writer_cache *cache, const void *data,
                       size_t len, int level)
{
    sc_ofd__cached_file *f = NULL;
    sc_buf z = SC_BUF_INIT;
    int error;

    *out = NULL;
    if ((f = sc_bytemap_get(cache->files, data, len, dup_cached))) {
        if (f->level == level) {
            *out = f;
            return 0;
        }
        sc_free(f); /* made at another level: made again (the entry stays as it is) */
    }
    /* What the zip writer would store, decided as it decides. */
    bool stored = true;
    if ((error = sc_ofd__deflate_entry(&z, &stored, data, len, level)) < 0) {
        sc_buf_dispose_public(&z);
        return error;
    }
    size_t zlen = stored ? 0 : z.size;
    if (!(f = sc_malloc(sizeof(*f) + zlen))) {
        sc_buf_dispose_public(&z);
        return sc_error_oom();
    }
    f->level = level;
    f->crc = sc_ofd__crc32(data, len);
    f->deflated_len = zlen;
    if (zlen)
        memcpy(f->deflated, z.ptr, zlen);
    sc_buf_dispose_public(&z);
    if ((error = sc_sm3(f->sm3, data, len)) < 0) {
        sc_free(f);
        return error;
    }
    sc_ofd__cached_file *copy = sc_memdup(f, cached_size(f));
    if (copy && sc_bytemap_put(cache->files, data, len, copy) < 0)
        sc_error_clear(); /* not remembered; the document is still right */
    *out = f;
    return 0;
}
