/* lib/ses: the verification cache gives the same findings as no cache, never a false hit, and
 * holds under eviction, threads and allocation failure. */
#include "common/test.h"

#include <pthread.h>
#include <stdlib.h>

#define AT_2021 ((sc_time)1622505600) /* 2021-06-01, inside the ofdrw samples' validity */

static const char *const samples[] = {
    "ofdrw/keys/UserV1.esl",
    "ofdrw/keys/UserV4.esl",
    "ofdrw/keys/UserV5.esl",
    "ofdrw/vectors/kinggrid_v1_Seal.esl",
    "ofdrw/vectors/SESealData_hebeigede_v4.der",
};
#define NSAMPLES (sizeof(samples) / sizeof(samples[0]))

static sc_report *verify(const sc_buf *der, sc_verify_cache *cache)
{
    sc_seal *seal = NULL;
    sc_report *r = NULL;
    sc_seal_verify_options o = SC_SEAL_VERIFY_OPTIONS_INIT;
    o.at = AT_2021;
    o.cache = cache;
    sc_assert_ok(sc_seal_parse_cached(&seal, der->ptr, der->size, cache));
    sc_assert_ok(sc_seal_verify(&r, seal, &o));
    sc_seal_free(seal);
    return r;
}

static void assert_same(const sc_report *a, const sc_report *b)
{
    assert_int_equal(sc_report_count(a), sc_report_count(b));
    for (size_t i = 0; i < sc_report_count(a); i++) {
        assert_string_equal(sc_report_get(a, i)->check, sc_report_get(b, i)->check);
        assert_int_equal(sc_report_get(a, i)->status, sc_report_get(b, i)->status);
        assert_string_equal(sc_report_get(a, i)->message, sc_report_get(b, i)->message);
    }
}

static void test_ses_cache__same_findings(void **state)
{
    sc_verify_cache *cache = NULL;
    (void)state;
    sc_assert_ok(sc_verify_cache_new(&cache, 0));
    for (size_t i = 0; i < NSAMPLES; i++) {
        sc_buf der = sctest_read(sctest_sample(samples[i]));
        sc_report *plain = verify(&der, NULL), *first = verify(&der, cache),
                  *second = verify(&der, cache);
        assert_same(plain, first);
        assert_same(plain, second); /* the hit */
        sc_report_free(plain);
        sc_report_free(first);
        sc_report_free(second);
        sc_buf_dispose(&der);
    }
    sc_verify_cache_free(cache);
}

/* A seal with one byte changed after its good twin was cached is still refused. */
static void test_ses_cache__no_false_hit(void **state)
{
    sc_verify_cache *cache = NULL;
    sc_buf der = sctest_read(sctest_sample("ofdrw/keys/UserV4.esl"));
    sc_report *r;
    (void)state;
    sc_assert_ok(sc_verify_cache_new(&cache, 0));
    r = verify(&der, cache);
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_report_free(r);
    der.ptr[5000] ^= 0x01; /* inside the picture: part of the signed SES_SealInfo */
    r = verify(&der, cache);
    assert_int_equal(sc_report_find(r, "maker_signature")->status, SC_STATUS_FAIL);
    sc_report_free(r);
    sc_buf_dispose(&der);
    sc_verify_cache_free(cache);
}

/* Certificates come back shared; a cache of 2 entries evicts and stays correct. */
static void test_ses_cache__shared_certs_and_eviction(void **state)
{
    sc_verify_cache *cache = NULL;
    sc_seal *a = NULL, *b = NULL;
    sc_buf der = sctest_read(sctest_sample("ofdrw/keys/UserV4.esl"));
    (void)state;
    sc_assert_ok(sc_verify_cache_new(&cache, 2));
    sc_assert_ok(sc_seal_parse_cached(&a, der.ptr, der.size, cache));
    sc_assert_ok(sc_seal_parse_cached(&b, der.ptr, der.size, cache));
    assert_ptr_equal(sc_seal_cert(a, 0), sc_seal_cert(b, 0));
    assert_ptr_equal(sc_seal_maker_cert(a), sc_seal_maker_cert(b));
    sc_seal_free(a);
    sc_verify_cache_free(cache); /* objects obtained through it stay valid */
    assert_non_null(sc_cert_subject(sc_seal_cert(b, 0)));
    sc_seal_free(b);
    sc_assert_ok(sc_verify_cache_new(&cache, 2));
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < NSAMPLES; i++) {
            sc_buf d = sctest_read(sctest_sample(samples[i]));
            sc_report *plain = verify(&d, NULL), *cached = verify(&d, cache);
            assert_same(plain, cached);
            sc_report_free(plain);
            sc_report_free(cached);
            sc_buf_dispose(&d);
        }
    sc_verify_cache_free(cache);
    sc_buf_dispose(&der);
}

typedef struct {
    sc_verify_cache *cache;
    sc_buf der[NSAMPLES];
    sc_verdict expected[NSAMPLES]; /* computed without the cache, on one thread */
    int failures;
} shared;

static void *worker(void *p)
{
    shared *s = p;
    for (int n = 0; n < 20; n++) {
        size_t i = (size_t)n % NSAMPLES;
        sc_seal *seal = NULL;
        sc_report *r = NULL;
        sc_seal_verify_options o = SC_SEAL_VERIFY_OPTIONS_INIT;
        o.at = AT_2021;
        o.cache = s->cache;
        if (sc_seal_parse_cached(&seal, s->der[i].ptr, s->der[i].size, s->cache) != 0 ||
            sc_seal_verify(&r, seal, &o) != 0 || sc_report_verdict(r) != s->expected[i])
            __atomic_add_fetch(&s->failures, 1, __ATOMIC_RELAXED);
        sc_report_free(r);
        sc_seal_free(seal);
    }
    return NULL;
}

static void test_ses_cache__threads(void **state)
{
    shared s = {0};
    pthread_t t[4];
    (void)state;
    sc_assert_ok(sc_init());
    sc_assert_ok(sc_verify_cache_new(&s.cache, 3)); /* small: evictions while others read */
    for (size_t i = 0; i < NSAMPLES; i++) {
        s.der[i] = sctest_read(sctest_sample(samples[i]));
        sc_report *r = verify(&s.der[i], NULL);
        s.expected[i] = sc_report_verdict(r);
        sc_report_free(r);
    }
    assert_int_equal(s.expected[1], SC_VERDICT_VALID);
    assert_int_equal(s.expected[NSAMPLES - 1], SC_VERDICT_INVALID);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, &s), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(s.failures, 0);
    for (size_t i = 0; i < NSAMPLES; i++)
        sc_buf_dispose(&s.der[i]);
    sc_verify_cache_free(s.cache);
}

/* File digests through the cache: the digest of exactly these bytes, every time; a file of the
 * same length with one byte changed is no hit; sizes outside 4-256 KB pass straight through. */
static void test_ses_cache__file_digests(void **state)
{
    (void)state;
    sc_verify_cache *cache = NULL;
    static const size_t sizes[] = {0, 100, 4095, 4096, 20000, 256 * 1024, 256 * 1024 + 1};
    size_t max = 256 * 1024 + 1;
    unsigned char *data = malloc(max), d1[SC_SM3_DIGEST_LEN], d2[SC_SM3_DIGEST_LEN];
    assert_non_null(data);
    for (size_t i = 0; i < max; i++)
        data[i] = (unsigned char)(i * 131 + (i >> 8));
    sc_assert_ok(sc_verify_cache_new(&cache, 0));
    for (int round = 0; round < 2; round++)
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            sc_assert_ok(sc_sm3(d1, data, sizes[k]));
            sc_assert_ok(sc_verify_cache_sm3(d2, cache, data, sizes[k]));
            assert_memory_equal(d1, d2, sizeof(d1));
            if (sizes[k] == 0)
                continue;
            data[sizes[k] / 2] ^= 1; /* same length, other bytes */
            sc_assert_ok(sc_sm3(d1, data, sizes[k]));
            sc_assert_ok(sc_verify_cache_sm3(d2, cache, data, sizes[k]));
            assert_memory_equal(d1, d2, sizeof(d1));
            data[sizes[k] / 2] ^= 1;
        }
    sc_assert_ok(sc_verify_cache_sm3(d2, NULL, data, 20000)); /* no cache */
    sc_assert_ok(sc_sm3(d1, data, 20000));
    assert_memory_equal(d1, d2, sizeof(d1));
    sc_verify_cache_free(cache);
    free(data);
}

static sc_buf oom_der;

static int cached_roundtrip(void *payload)
{
    sc_verify_cache *cache = NULL;
    sc_seal *seal = NULL;
    sc_report *r = NULL;
    sc_seal_verify_options o = SC_SEAL_VERIFY_OPTIONS_INIT;
    int error;
    (void)payload;
    o.at = AT_2021;
    if ((error = sc_verify_cache_new(&cache, 4)) == 0 &&
        (error = sc_seal_parse_cached(&seal, oom_der.ptr, oom_der.size, cache)) == 0) {
        o.cache = cache;
        error = sc_seal_verify(&r, seal, &o);
    }
    sc_report_free(r);
    sc_seal_free(seal);
    sc_verify_cache_free(cache);
    return error;
}

static void test_ses_cache__oom(void **state)
{
    (void)state;
    oom_der = sctest_read(sctest_sample("ofdrw/keys/UserV4.esl"));
    sctest_oom_loop(cached_roundtrip, NULL);
    sc_buf_dispose(&oom_der);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ses_cache__same_findings),
        cmocka_unit_test(test_ses_cache__no_false_hit),
        cmocka_unit_test(test_ses_cache__shared_certs_and_eviction),
        cmocka_unit_test(test_ses_cache__threads),
        cmocka_unit_test(test_ses_cache__file_digests),
        cmocka_unit_test(test_ses_cache__oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
