/* lib/ofd: sealing at write time (sc_ofd_writer_add_seal): the package is the one sc_ofd_sign()
 * makes of the finished unsigned document, entry for entry and byte for byte but for the SM2
 * signature values, for one seal, several seals, a riding seal, keyword seals and digital
 * signatures; our verifier finds it valid; refusals leave no output. */
#include "ofd/sign_fixture.h"

#include <pthread.h>

typedef struct {
    const char *name;          /* entry name in the zip */
    const unsigned char *head; /* the local header and the stored bytes */
    size_t len;                /* bytes from head to the end of the stored bytes */
} zip_part;

/* The entries of a zip we wrote, in zip order (no extra fields, no data descriptors). */
static size_t zip_parts(zip_part *out, size_t cap, const sc_buf *z)
{
    size_t n = 0, pos = 0;
    while (pos + 30 <= z->size && memcmp(z->ptr + pos, "PK\3\4", 4) == 0 && n < cap) {
        const unsigned char *h = z->ptr + pos;
        size_t cs = h[18] | h[19] << 8 | (size_t)h[20] << 16 | (size_t)h[21] << 24;
        size_t nl = h[26] | h[27] << 8, el = h[28] | h[29] << 8;
        out[n].name = strndup((const char *)h + 30, nl);
        out[n].head = h;
        out[n].len = 30 + nl + el + cs;
        n++;
        pos += 30 + nl + el + cs;
    }
    return n;
}

/* The unsigned sample, sealed by the writer with @p n seals of options @p o. */
static sc_buf write_sealed(const sign_fixture *f, const sc_ofd_sign_options *o, size_t n)
{
    sc_ofd_writer *w = NULL;
    sc_buf out = SC_BUF_INIT;
    sc_assert_ok(sample_draw(&w, f->font, NULL, 1, NULL, NULL));
    for (size_t i = 0; i < n; i++) {
        /* the keyword in a buffer that is wiped before finish: the writer keeps its own copy */
        sc_ofd_sign_options oi = o[i];
        char *kw = oi.keyword ? strdup(oi.keyword) : NULL;
        oi.keyword = kw;
        sc_assert_ok(
            sc_ofd_writer_add_seal(w, fixture_seal(f, &oi), f->signer_key, f->signer, &oi));
        if (kw)
            memset(kw, 'x', strlen(kw));
        free(kw);
    }
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    sc_ofd_writer_free(w);
    return out;
}

/* The text of entry @p name with the CheckValues of the references to earlier SignedValue.dat
 * and Signature.xml files blanked (they hold or cover random SM2 values). */
static char *masked_entry(const sc_buf *z, const char *name)
{
    sc_ofd *ofd = NULL;
    const unsigned char *d;
    size_t len;
    char abs[256];
    snprintf(abs, sizeof(abs), "/%s", name);
    sc_assert_ok(sc_ofd_open(&ofd, z->ptr, z->size, NULL));
    sc_assert_ok(sc_ofd_entry(&d, &len, ofd, abs));
    char *text = strndup((const char *)d, len);
    static const char *const tags[] = {"/SignedValue.dat\"><ofd:CheckValue>",
                                       "/Signature.xml\"><ofd:CheckValue>"};
    for (size_t t = 0; t < 2; t++)
        for (char *p = strstr(text, tags[t]); p; p = strstr(p, tags[t]))
            for (p += strlen(tags[t]); *p && *p != '<'; p++)
                *p = 'x';
    sc_ofd_free(ofd);
    return text;
}

/* Same entries in the same order with the same stored bytes, and a valid, warning-free
 * verification. The SM2 values are random: SignedValue.dat differs, and so does every later
 * Signature.xml in its references to the earlier signatures' files (compared masked). */
static void assert_like_sign(const sign_fixture *f, const sc_ofd_sign_options *o, size_t n)
{
    sc_buf a = write_sealed(f, o, n), b = SC_BUF_INIT;
    zip_part pa[64], pb[64];
    sc_assert_ok(sc_buf_set(&b, f->doc.ptr, f->doc.size));
    for (size_t i = 0; i < n; i++) {
        sc_buf next = fixture_sign(f, &b, &o[i]);
        sc_buf_dispose(&b);
        b = next;
    }
    size_t na = zip_parts(pa, 64, &a), nb = zip_parts(pb, 64, &b);
    assert_int_equal(na, nb);
    size_t values = 0;
    for (size_t i = 0; i < na; i++) {
        assert_string_equal(pa[i].name, pb[i].name);
        if (strstr(pa[i].name, "/SignedValue.dat")) {
            values++;
        } else if (strstr(pa[i].name, "/Signature.xml") && !strstr(pa[i].name, "/Sign_0/")) {
            char *ta = masked_entry(&a, pa[i].name), *tb = masked_entry(&b, pb[i].name);
            if (strcmp(ta, tb) != 0) {
                size_t k = 0;
                while (ta[k] == tb[k])
                    k++;
                fail_msg("%s differs at %zu: %.80s | %.80s", pa[i].name, k,
                         ta + (k > 40 ? k - 40 : 0), tb + (k > 40 ? k - 40 : 0));
            }
            free(ta);
            free(tb);
        } else {
            assert_int_equal(pa[i].len, pb[i].len);
            assert_memory_equal(pa[i].head, pb[i].head, pa[i].len);
        }
        free((char *)pa[i].name);
        free((char *)pb[i].name);
    }
    assert_int_equal(values, n);
    /* valid, every signature, nothing unprotected */
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    const sc_cert *anchors[] = {f->root};
    sc_ofd_verify_options vo = SC_OFD_VERIFY_OPTIONS_INIT;
    sc_trust *trust = NULL;
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    vo.trust = trust;
    sc_assert_ok(sc_ofd_open(&ofd, a.ptr, a.size, NULL));
    sc_assert_ok(sc_ofd_verify(&rep, ofd, &vo));
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    assert_int_equal(sc_ofd_report_signature_count(rep), n);
    for (size_t s = 0; s < n; s++) {
        const sc_report *r = sc_ofd_report_signature(rep, s)->report;
        for (size_t i = 0; i < sc_report_count(r); i++) {
            const sc_finding *x = sc_report_get(r, i);
            if (x->status == SC_STATUS_FAIL || x->status == SC_STATUS_WARN)
                fail_msg("signature %zu: %s: %s", s, x->check, x->message);
        }
    }
    assert_int_equal(sc_report_find(sc_ofd_report_file(rep), "unprotected")->status, SC_STATUS_OK);
    sc_ofd_report_free(rep);
    sc_trust_free(trust);
    sc_ofd_free(ofd);
    sc_buf_dispose(&a);
    sc_buf_dispose(&b);
}

static void test_ofd_sign_writer__one_seal_as_sign(void **state)
{
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    o.time = SIGN_TIME;
    assert_like_sign(*state, &o, 1);
}

/* Continue-sign: a seal on page 1, a second on the last page an hour later, a riding seal. */
static void test_ofd_sign_writer__several_seals_as_sign(void **state)
{
    sc_ofd_sign_options o[3] = {SC_OFD_SIGN_OPTIONS_INIT, SC_OFD_SIGN_OPTIONS_INIT,
                                SC_OFD_SIGN_OPTIONS_INIT};
    o[0].time = SIGN_TIME;
    o[0].page = 1;
    o[0].x_mm = 60.25;
    o[0].y_mm = 80;
    o[1].time = SIGN_TIME + 3600;
    o[2].time = SIGN_TIME + 7200;
    o[2].riding = 1;
    assert_like_sign(*state, o, 3);
}

/* A keyword seal (the keyword's buffer gone before finish: the writer copied it), a digital
 * signature with and without a stamp, and a digital signature between two seals. */
static void test_ofd_sign_writer__keyword_and_digital_as_sign(void **state)
{
    sc_ofd_sign_options o[3] = {SC_OFD_SIGN_OPTIONS_INIT, SC_OFD_SIGN_OPTIONS_INIT,
                                SC_OFD_SIGN_OPTIONS_INIT};
    o[0].time = SIGN_TIME;
    o[0].keyword = "校准";
    assert_like_sign(*state, o, 1);

    o[0].keyword = NULL;
    o[0].digital = 1;
    assert_like_sign(*state, o, 1);
    o[0].keyword = "校准证书";
    assert_like_sign(*state, o, 1);

    o[0] = (sc_ofd_sign_options)SC_OFD_SIGN_OPTIONS_INIT;
    o[0].time = SIGN_TIME;
    o[1].time = SIGN_TIME + 60;
    o[1].digital = 1;
    o[2].time = SIGN_TIME + 120;
    o[2].riding = 1;
    assert_like_sign(*state, o, 3);
}

/* Deterministic for a fixed time but for the SM2 values; refusals at finish leave no output and
 * a finished writer takes no seal. */
static void test_ofd_sign_writer__refusals(void **state)
{
    sign_fixture *f = *state;
    sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
    sc_ofd_writer *w = NULL;
    sc_buf out = SC_BUF_INIT;

    o.time = SIGN_TIME;
    o.page = 3; /* the sample has 2 pages */
    sc_assert_ok(sample_draw(&w, f->font, NULL, 1, NULL, NULL));
    sc_assert_ok(sc_ofd_writer_add_seal(w, f->seal, f->signer_key, f->signer, &o));
    assert_int_equal(sc_ofd_writer_finish(&out, w), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "page: 3"));
    assert_int_equal(out.size, 0);
    sc_ofd_writer_free(w);

    /* a signer the seal does not list (the maker) */
    o.page = 0;
    sc_assert_ok(sample_draw(&w, f->font, NULL, 1, NULL, NULL));
    sc_assert_ok(sc_ofd_writer_add_seal(w, f->seal, f->maker_key, f->maker, &o));
    assert_int_equal(sc_ofd_writer_finish(&out, w), SC_EINVALID);
    assert_int_equal(out.size, 0);
    sc_ofd_writer_free(w);

    /* a keyword that is not in the text: refused at finish, as sc_ofd_sign() refuses it */
    o.keyword = "盖章";
    sc_assert_ok(sample_draw(&w, f->font, NULL, 1, NULL, NULL));
    sc_assert_ok(sc_ofd_writer_add_seal(w, f->seal, f->signer_key, f->signer, &o));
    assert_int_equal(sc_ofd_writer_finish(&out, w), SC_ENOTFOUND);
    assert_non_null(strstr(sc_error_last()->message, "盖章"));
    assert_int_equal(out.size, 0);
    /* options that cannot work are refused at once */
    o.x_mm = 50;
    assert_int_equal(sc_ofd_writer_add_seal(w, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    o.x_mm = -1;
    o.keyword = NULL;
    o.digital = 1;
    assert_int_equal(sc_ofd_writer_add_seal(w, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    o.digital = 0;
    assert_int_equal(sc_ofd_writer_add_seal(w, NULL, f->signer_key, f->signer, &o), SC_EINVALID);
    sc_ofd_writer_free(w);

    sc_assert_ok(sample_draw(&w, f->font, NULL, 1, NULL, NULL));
    sc_assert_ok(sc_ofd_writer_finish(&out, w));
    assert_int_equal(sc_ofd_writer_add_seal(w, f->seal, f->signer_key, f->signer, &o), SC_EINVALID);
    sc_ofd_writer_free(w);
    sc_buf_dispose(&out);
}

/* Threads sealing with one seal, key and font at once (the seal's cached digests, the subset's
 * SM3): every document verifies. Checked in the main thread (cmocka is not thread-safe). */
#define THREADS 4
#define ROUNDS  6

typedef struct {
    const sign_fixture *f;
    int valid; /* documents that verified */
} thread_job;

static void *seal_thread(void *payload)
{
    thread_job *job = payload;
    for (int r = 0; r < ROUNDS; r++) {
        sc_ofd_sign_options o = SC_OFD_SIGN_OPTIONS_INIT;
        sc_ofd_writer *w = NULL;
        sc_buf out = SC_BUF_INIT;
        sc_ofd *ofd = NULL;
        sc_ofd_report *rep = NULL;
        o.time = SIGN_TIME + r; /* the TBS length stays, the time varies */
        if (sample_draw(&w, job->f->font, NULL, 1, NULL, NULL) == 0 &&
            sc_ofd_writer_add_seal(w, job->f->seal, job->f->signer_key, job->f->signer, &o) == 0 &&
            sc_ofd_writer_finish(&out, w) == 0 && sc_ofd_open(&ofd, out.ptr, out.size, NULL) == 0 &&
            sc_ofd_verify(&rep, ofd, NULL) == 0 && sc_ofd_report_verdict(rep) == SC_VERDICT_VALID)
            job->valid++;
        sc_ofd_report_free(rep);
        sc_ofd_free(ofd);
        sc_ofd_writer_free(w);
        sc_buf_dispose(&out);
    }
    return NULL;
}

static void test_ofd_sign_writer__threads_share_a_seal(void **state)
{
    pthread_t t[THREADS];
    thread_job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (thread_job){*state, 0};
        assert_int_equal(pthread_create(&t[i], NULL, seal_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(jobs[i].valid, ROUNDS);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_sign_writer__one_seal_as_sign),
        cmocka_unit_test(test_ofd_sign_writer__several_seals_as_sign),
        cmocka_unit_test(test_ofd_sign_writer__keyword_and_digital_as_sign),
        cmocka_unit_test(test_ofd_sign_writer__refusals),
        cmocka_unit_test(test_ofd_sign_writer__threads_share_a_seal),
    };
    return cmocka_run_group_tests(tests, sign_fixture_setup, sign_fixture_teardown);
}
