/* The verification cache: parsed certificates and seal makers' signature results shared by many
 * verifications (servers, batch verifiers). See sc_verify_cache in ses.h. */
#include "ses/ses_int.h"

#include <string.h>

/* Default entries per table: a laboratory's or a platform's seals and signers number in the
 * hundreds; 4096 covers them with room, at a few MB. */
#define SC_VERIFY_CACHE_DEFAULT 4096

/* Package files whose SM3 is remembered: from a seal file's size (a picture, ~10-30 KB) to a
 * font subset's; the table holds their bytes, so it is small: 128 x 256 KB = 32 MB at the most.
 * Smaller files hash faster than they are looked up. */
#define SC_VERIFY_CACHE_DIGEST_MIN     4096
#define SC_VERIFY_CACHE_DIGEST_MAX     (256 * 1024)
#define SC_VERIFY_CACHE_DIGEST_ENTRIES 128

/* SM3 states after Z || the start of a TBS_Sign through its seal: one per seal. */
#define SC_VERIFY_CACHE_TBS_ENTRIES 256

struct sc_verify_cache {
    sc_bytemap *certs;    /* cert DER -> sc_cert* (a reference) */
    sc_bytemap *maker;    /* seal DER -> sc_ses_maker_result* (sc_malloc'd) */
    sc_bytemap *digests;  /* file bytes -> their SM3 (sc_malloc'd) */
    sc_bytemap *tbs;      /* TBS_Sign prefix -> sc_sm3_ctx* after Z || it (Z of one signer) */
    sc_bytemap *inflated; /* deflate stream -> inflated_entry* (sc_malloc'd) */
};

/* What a deflate stream of a zip entry gave: the entry's CRC and size as declared, and the
 * bytes, which matched them. */
typedef struct {
    uint32_t crc;
    size_t len;
    bool is_exact; /* the stream ended exactly at its compressed size */
    unsigned char data[];
} inflated_entry;

static void free_state(void *v)
{
    sc_sm3_free(v);
}

static void free_cert(void *v)
{
    sc_cert_free(v);
}

static void *ref_cert(void *v)
{
    return sc_cert_ref(v);
}

int sc_verify_cache_new(sc_verify_cache **out, size_t max_entries)
{
    sc_verify_cache *c;
    int error;
    SC_ASSERT_ARG(out);
    *out = NULL;
    if (!max_entries)
        max_entries = SC_VERIFY_CACHE_DEFAULT;
    if (!(c = sc_calloc(1, sizeof(*c))))
        return sc_error_oom();
    /* The tables holding bytes (digests, inflated entries) are kept small. */
    size_t small =
        max_entries < SC_VERIFY_CACHE_DIGEST_ENTRIES ? max_entries : SC_VERIFY_CACHE_DIGEST_ENTRIES;
    size_t states =
        max_entries < SC_VERIFY_CACHE_TBS_ENTRIES ? max_entries : SC_VERIFY_CACHE_TBS_ENTRIES;
    if ((error = sc_bytemap_new(&c->certs, max_entries, free_cert)) < 0 ||
        (error = sc_bytemap_new(&c->maker, max_entries, sc_free)) < 0 ||
        (error = sc_bytemap_new(&c->digests, small, sc_free)) < 0 ||
        (error = sc_bytemap_new(&c->tbs, states, free_state)) < 0 ||
        (error = sc_bytemap_new(&c->inflated, small, sc_free)) < 0) {
        sc_verify_cache_free(c);
        return error;
    }
    *out = c;
    return 0;
}

void sc_verify_cache_free(sc_verify_cache *cache)
{
    if (!cache)
        return;
    sc_bytemap_free(cache->certs);
    sc_bytemap_free(cache->maker);
    sc_bytemap_free(cache->digests);
    sc_bytemap_free(cache->tbs);
    sc_bytemap_free(cache->inflated);
    sc_free(cache);
}

int sc_verify_cache_cert(sc_cert **out, sc_verify_cache *cache, const void *der, size_t len)
{
    sc_cert *cert = NULL;
    int error;
    SC_ASSERT_ARG(out);
    *out = NULL;
    if (!cache)
        return sc_cert_parse(out, der, len);
    if ((*out = sc_bytemap_get(cache->certs, der, len, ref_cert)) != NULL)
        return 0;
    if ((error = sc_cert_parse(&cert, der, len)) < 0)
        return error; /* failures are not cached: they are rare and their message matters */
    if ((error = sc_bytemap_put(cache->certs, der, len, sc_cert_ref(cert))) < 0) {
        sc_cert_free(cert);
        return error;
    }
    *out = cert;
    return 0;
}

/* Runs under the map's lock: the entry may be dropped by another thread's insertion as soon as
 * the lock is released, so the result is copied out here. */
static void *dup_result(void *v)
{
    return sc_memdup(v, sizeof(sc_ses_maker_result));
}

int sc_ses__cache_maker_get(sc_verify_cache *cache, const sc_seal *seal, sc_ses_maker_result *out)
{
    sc_ses_maker_result *r;
    if (!cache || !(r = sc_bytemap_get(cache->maker, seal->der, seal->len, dup_result)))
        return 0; /* absent, or no memory for the copy: verify again */
    *out = *r;
    sc_free(r);
    return 1;
}

int sc_ses__cache_maker_put(sc_verify_cache *cache, const sc_seal *seal,
                            const sc_ses_maker_result *res)
{
    sc_ses_maker_result *copy;
    if (!cache)
        return 0;
    if (!(copy = sc_memdup(res, sizeof(*res))))
        return sc_error_oom();
    return sc_bytemap_put(cache->maker, seal->der, seal->len, copy);
}

/* A key the byte-holding tables take: large enough to pay, small enough to keep. */
static bool is_cached_size(size_t len)
{
    return len >= SC_VERIFY_CACHE_DIGEST_MIN && len <= SC_VERIFY_CACHE_DIGEST_MAX;
}

static void *dup_digest(void *v)
{
    return sc_memdup(v, SC_SM3_DIGEST_LEN);
}

int sc_verify_cache_sm3(unsigned char out[SC_SM3_DIGEST_LEN], sc_verify_cache *cache,
                        const void *data, size_t len)
{
    unsigned char *d;
    int error;
    if (!cache || !is_cached_size(len))
        return sc_sm3(out, data, len);
    if ((d = sc_bytemap_get(cache->digests, data, len, dup_digest)) != NULL) {
        memcpy(out, d, SC_SM3_DIGEST_LEN);
        sc_free(d);
        return 0;
    }
    if ((error = sc_sm3(out, data, len)) < 0)
        return error;
    if (!(d = sc_memdup(out, SC_SM3_DIGEST_LEN)))
        return 0; /* the digest is right; it is only not remembered */
    (void)sc_bytemap_put(cache->digests, data, len, d);
    sc_error_clear();
    return 0;
}

/* Runs under the map's lock, as dup_result. */
static void *dup_state(void *v)
{
    sc_sm3_ctx *copy = NULL;
    return sc_sm3_dup(&copy, v) == 0 ? copy : NULL;
}

int sc_ses__cache_tbs_state(sc_sm3_ctx **out, sc_verify_cache *cache, const sc_key *key,
                            const unsigned char *prefix, size_t len)
{
    sc_sm3_ctx *kept = NULL;
    int error;

    *out = sc_bytemap_get(cache->tbs, prefix, len, dup_state);
    if (*out && sc_sm2_prefix_is_for(*out, key))
        return 0;
    /* Absent, or remembered for another signer of the same seal: that one keeps its entry. */
    bool is_other = *out != NULL;
    sc_sm3_free(*out);
    *out = NULL;
    if ((error = sc_sm2_prefix_new(out, key, prefix, len)) == 0 && !is_other &&
        sc_sm3_dup(&kept, *out) == 0) {
        (void)sc_bytemap_put(cache->tbs, prefix, len, kept); /* not remembered on failure */
        sc_error_clear();
    }
    return error;
}

/* Runs under the map's lock: the whole entry is copied out. */
static void *dup_inflated(void *v)
{
    const inflated_entry *e = v;
    return sc_memdup(e, sizeof(*e) + e->len);
}

static bool inflated_fits(sc_verify_cache *cache, size_t raw_len, size_t len)
{
    /* The key is the stream: bounded too (junk after a final block makes it long). */
    return cache && is_cached_size(raw_len) && len <= SC_VERIFY_CACHE_DIGEST_MAX;
}

int sc_ses__cache_inflated_get(sc_verify_cache *cache, unsigned char *out, size_t len, uint32_t crc,
                               const unsigned char *raw, size_t raw_len, bool *is_exact)
{
    inflated_entry *e;
    int hit = 0;
    if (!inflated_fits(cache, raw_len, len) ||
        !(e = sc_bytemap_get(cache->inflated, raw, raw_len, dup_inflated)))
        return 0;
    if (e->crc == crc && e->len == len) { /* else another entry's claim: inflate it */
        memcpy(out, e->data, len);
        *is_exact = e->is_exact;
        hit = 1;
    }
    sc_free(e);
    return hit;
}

void sc_ses__cache_inflated_put(sc_verify_cache *cache, const unsigned char *raw, size_t raw_len,
                                uint32_t crc, const unsigned char *data, size_t len, bool is_exact)
{
    inflated_entry *e;
    if (!inflated_fits(cache, raw_len, len) || !(e = sc_malloc(sizeof(*e) + len)))
        return; /* not remembered */
    e->crc = crc, e->len = len, e->is_exact = is_exact;
    memcpy(e->data, data, len);
    (void)sc_bytemap_put(cache->inflated, raw, raw_len, e);
    sc_error_clear();
}
