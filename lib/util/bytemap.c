/* A bounded, thread-safe map from byte strings to owned values, for caches shared by many
 * verifications (parsed certificates, maker-signature results).
 *
 * Chained hashing with a fixed bucket array sized for the maximum entry count. When the map is
 * full it is emptied before the next insertion: cheaper and simpler than LRU bookkeeping, and a
 * cache that overflows is a workload that does not repeat enough to profit from finer eviction.
 * Keys are compared byte for byte after a 64-bit FNV-1a-style hash: the hash only picks the
 * bucket, so a collision can never make two different keys share a value. */
#include "util/util.h"

#include <pthread.h>
#include <string.h>

typedef struct entry {
    struct entry *next;  /* bucket chain */
    uint64_t hash;       /* fnv1a() of the key */
    size_t len;          /* bytes in key */
    void *value;         /* owned; released with the map's free_value */
    unsigned char key[]; /* a copy of the key */
} entry;

struct sc_bytemap {
    pthread_mutex_t lock;       /* guards everything below */
    entry **buckets;            /* owned array of nbuckets chains */
    size_t nbuckets;            /* a power of two */
    size_t count;               /* entries in the map */
    size_t max;                 /* entries at most */
    void (*free_value)(void *); /* releases a value */
};

/* FNV-1a over 8-byte words in two interleaved lanes (then the tail bytes): a seal's 20 KB key
 * hashes in a few microseconds instead of one multiply per byte in a single chain. */
static uint64_t fnv1a(const unsigned char *p, size_t len)
{
    uint64_t h1 = 0xcbf29ce484222325ULL, h2 = 0x84222325cbf29ce4ULL ^ len;
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        uint64_t a, b;
        memcpy(&a, p + i, 8);
        memcpy(&b, p + i + 8, 8);
        h1 = (h1 ^ a) * 0x100000001b3ULL;
        h2 = (h2 ^ b) * 0x100000001b3ULL;
    }
    for (; i < len; i++)
        h1 = (h1 ^ p[i]) * 0x100000001b3ULL;
    /* fmix64 (MurmurHash3's finalizer): every input bit reaches the low bits that pick the
     * bucket (word-wise FNV alone carries bits only upwards). */
    h1 ^= h2 * 0x9E3779B97F4A7C15ULL;
    h1 ^= h1 >> 33;
    h1 *= 0xff51afd7ed558ccdULL;
    h1 ^= h1 >> 33;
    h1 *= 0xc4ceb9fe1a85ec53ULL;
    return h1 ^ (h1 >> 33);
}

int sc_bytemap_new(sc_bytemap **out, size_t max_entries, void (*free_value)(void *))
{
    sc_bytemap *m;
    size_t n = 16;
    *out = NULL;
    if (max_entries == 0 || !free_value)
        return sc_error_set(SC_EINVALID, "bytemap: zero size or no free function");
    while (n < max_entries && n < ((size_t)1 << 24))
        n <<= 1;
    if (!(m = sc_calloc(1, sizeof(*m))))
        return sc_error_oom();
    if (!(m->buckets = sc_calloc(n, sizeof(*m->buckets)))) {
        sc_free(m);
        return sc_error_oom();
    }
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        sc_free(m->buckets);
        sc_free(m);
        return sc_error_set(SC_ERROR, "bytemap: cannot create a mutex");
    }
    m->nbuckets = n;
    m->max = max_entries;
    m->free_value = free_value;
    *out = m;
    return 0;
}

static void clear(sc_bytemap *m)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        entry *e = m->buckets[i];
        while (e) {
            entry *next = e->next;
            m->free_value(e->value);
            sc_free(e);
            e = next;
        }
        m->buckets[i] = NULL;
    }
    m->count = 0;
}

void sc_bytemap_free(sc_bytemap *m)
{
    if (!m)
        return;
    clear(m);
    pthread_mutex_destroy(&m->lock);
    sc_free(m->buckets);
    sc_free(m);
}

void *sc_bytemap_get(sc_bytemap *m, const void *key, size_t len, void *(*use)(void *))
{
    uint64_t h = fnv1a(key, len);
    void *found = NULL;
    pthread_mutex_lock(&m->lock);
    for (entry *e = m->buckets[h & (m->nbuckets - 1)]; e; e = e->next)
        if (e->hash == h && e->len == len && memcmp(e->key, key, len) == 0) {
            found = use ? use(e->value) : e->value;
            break;
        }
    pthread_mutex_unlock(&m->lock);
    return found;
}

int sc_bytemap_put(sc_bytemap *m, const void *key, size_t len, void *value)
{
    uint64_t h = fnv1a(key, len);
    size_t b = h & (m->nbuckets - 1), size;
    entry *e;

    if (sc_add_overflow(&size, sizeof(entry), len) || !(e = sc_malloc(size))) {
        m->free_value(value);
        return sc_error_oom();
    }
    e->hash = h;
    e->len = len;
    e->value = value;
    memcpy(e->key, key, len);
    pthread_mutex_lock(&m->lock);
    for (entry *x = m->buckets[b]; x; x = x->next)
        if (x->hash == h && x->len == len && memcmp(x->key, key, len) == 0) {
            /* Another thread got there first: keep its value. */
            pthread_mutex_unlock(&m->lock);
            m->free_value(value);
            sc_free(e);
            return 0;
        }
    if (m->count >= m->max) {
        clear(m);
    }
    e->next = m->buckets[b];
    m->buckets[b] = e;
    m->count++;
    pthread_mutex_unlock(&m->lock);
    return 0;
}

size_t sc_bytemap_count(sc_bytemap *m)
{
    size_t n;
    pthread_mutex_lock(&m->lock);
    n = m->count;
    pthread_mutex_unlock(&m->lock);
    return n;
}
