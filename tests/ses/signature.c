/* lib/ses seal signatures: parsing the producer variants, verification, strictness, OOM. */
#include "common/test.h"

#include <stdio.h>
#include <string.h>
#include <openssl/err.h>

static void print_report(const sc_report *r)
{
    for (size_t i = 0; i < sc_report_count(r); i++) {
        const sc_finding *f = sc_report_get(r, i);
        fprintf(stderr, "  %-28s %-5s %s: %s\n", f->check, sc_status_name(f->status), f->field,
                f->message);
    }
}

static void expect_status(const sc_report *r, const char *check, sc_status status)
{
    const sc_finding *f = sc_report_find(r, check);
    if (!f || f->status != status) {
        print_report(r);
        fail_msg("%s: expected %s, got %s", check, sc_status_name(status),
                 f ? sc_status_name(f->status) : "no finding");
    }
}

static void expect_msg(const sc_report *r, const char *check, sc_status status, const char *text)
{
    for (size_t i = 0; i < sc_report_count(r); i++) {
        const sc_finding *f = sc_report_get(r, i);
        if (strcmp(f->check, check) == 0 && f->status == status && strstr(f->message, text))
            return;
    }
    print_report(r);
    fail_msg("no %s %s finding mentioning \"%s\"", check, sc_status_name(status), text);
}

/* Some finding's field starts with @p prefix. */
static void expect_field_prefix(const sc_report *r, const char *check, const char *prefix)
{
    for (size_t i = 0; i < sc_report_count(r); i++) {
        const sc_finding *f = sc_report_get(r, i);
        if (strcmp(f->check, check) == 0 && strncmp(f->field, prefix, strlen(prefix)) == 0)
            return;
    }
    print_report(r);
    fail_msg("no %s finding with field %s...", check, prefix);
}

static sc_ses_signature *load(const char *rel)
{
    sc_buf b = sctest_read(sctest_sample(rel));
    sc_ses_signature *sig = NULL;
    sc_assert_ok(sc_ses_signature_parse(&sig, b.ptr, b.size));
    sc_buf_dispose(&b);
    return sig;
}

static sc_report *verify(const sc_ses_signature *sig, const sc_buf *data, sc_time at)
{
    sc_ses_verify_options o = SC_SES_VERIFY_OPTIONS_INIT;
    sc_report *r = NULL;
    o.at = at;
    if (data) {
        o.data = data->ptr;
        o.data_len = data->size;
    }
    sc_assert_ok(sc_ses_signature_verify(&r, sig, &o));
    return r;
}

/* ---- samples ----------------------------------------------------------------------------- */

/* ofdrw v4 and v5: dataHash is 32 zero bytes (not the hash of anything lying around). */
static void test_ses_signature__ofdrw_v4_v5(void **state)
{
    static const unsigned char zeros[32] = {0};
    static const char *files[] = {"ofdrw/vectors/SignedValueV4.dat",
                                  "ofdrw/vectors/SignedValueV5.dat"};
    (void)state;
    for (int i = 0; i < 2; i++) {
        sc_ses_signature *sig = load(files[i]);
        const sc_seal *seal = sc_ses_signature_seal(sig);
        sc_buf xml = sctest_read(sctest_sample("ofdrw/vectors/Signature_for_SignedValueV4V5.xml"));
        const unsigned char *h;
        size_t len;
        sc_report *r;

        assert_int_equal(sc_ses_signature_version(sig), 4 + i);
        assert_int_equal(sc_seal_version(seal), 4 + i);
        h = sc_ses_signature_data_hash(sig, &len);
        assert_int_equal(len, 32);
        assert_memory_equal(h, zeros, 32);
        assert_string_equal(sc_ses_signature_property_info(sig),
                            "/Doc_0/Signs/Sign_0/Signature.xml");
        assert_non_null(sc_ses_signature_cert(sig));
        assert_int_equal(sc_ses_signature_has_timestamp(sig), 0);
        /* V4 was signed 2020-10-12T11:14:03Z */
        if (i == 0)
            assert_int_equal(sc_ses_signature_time(sig), 1602501243);

        r = verify(sig, NULL, SC_TIME_NOW);
        expect_status(r, "data_hash", SC_STATUS_SKIP);
        expect_msg(r, "signature", SC_STATUS_OK, "DER(TBS_Sign)");
        expect_status(r, "signer_certificate", SC_STATUS_OK);
        expect_status(r, "signer_in_cert_list", SC_STATUS_OK);
        expect_status(r, "signer_chain", SC_STATUS_SKIP);
        expect_status(r, "maker_signature", SC_STATUS_OK);
        expect_field_prefix(r, "maker_signature", "eseal.SESeal");
        if (i == 0) {
            /* at = timeInfo: signer certificate and seal were valid then */
            expect_status(r, "signer_certificate_validity", SC_STATUS_OK);
            expect_status(r, "validity", SC_STATUS_OK);
            assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
        } else {
            /* ofdrw signed in 2026 with a signer certificate that expired in 2022 */
            expect_status(r, "signer_certificate_validity", SC_STATUS_FAIL);
        }
        sc_report_free(r);

        /* The dummy Signature.xml next to them is not what dataHash covers. */
        r = verify(sig, &xml, SC_TIME_NOW);
        expect_status(r, "data_hash", SC_STATUS_FAIL);
        sc_report_free(r);
        sc_buf_dispose(&xml);
        sc_ses_signature_free(sig);
    }
}

/* tongz (oesplugin): raw r||s TBS signature, TBS_Sign.extDatas, dataHash = SM3(Signature.xml). */
static void test_ses_signature__tongz_raw_rs(void **state)
{
    sc_ses_signature *sig = load("ofdrw/vectors/tongz_v4_raw_rs_SignedValue.dat");
    sc_buf xml = sctest_read(sctest_sample("ofdrw/vectors/tongz_v4_raw_rs_Signature.xml"));
    sc_report *r;
    (void)state;

    assert_int_equal(sc_ses_signature_version(sig), 4);
    r = verify(sig, &xml, SC_TIME_NOW);
    expect_status(r, "data_hash", SC_STATUS_OK);
    expect_status(r, "signature", SC_STATUS_OK);
    expect_msg(r, "format", SC_STATUS_WARN, "raw 64-byte r||s");
    expect_msg(r, "format", SC_STATUS_INFO, "TBS_Sign.extDatas present");
    expect_status(r, "signer_in_cert_list", SC_STATUS_OK);
    expect_status(r, "maker_signature", SC_STATUS_OK);
    expect_status(r, "signer_certificate_validity", SC_STATUS_OK);
    expect_status(r, "validity", SC_STATUS_OK);
    sc_report_free(r);
    sc_buf_dispose(&xml);
    sc_ses_signature_free(sig);
}

/* KingGrid GM/T 0031: TBS_Sign version 2, timeInfo a BIT STRING of ASCII text, seal header 2. */
static void test_ses_signature__kinggrid_v1(void **state)
{
    sc_ses_signature *sig = load("ofdrw/vectors/kinggrid_v1_SignedValue.dat");
    sc_buf xml = sctest_read(sctest_sample("ofdrw/vectors/kinggrid_v1_Signature.xml"));
    sc_buf esl = sctest_read(sctest_sample("ofdrw/vectors/kinggrid_v1_Seal.esl"));
    const sc_seal *seal = sc_ses_signature_seal(sig);
    const unsigned char *der;
    size_t len;
    sc_report *r;
    (void)state;

    assert_int_equal(sc_ses_signature_version(sig), 2);
    assert_int_equal(sc_ses_signature_time(sig), 1634182444); /* 20211014033404Z */
    assert_int_equal(sc_seal_version(seal), 2);
    assert_int_equal(sc_seal_layout_of(seal), SC_SEAL_LAYOUT_GMT0031);
    der = sc_seal_der(seal, &len);
    assert_int_equal(len, esl.size);
    assert_memory_equal(der, esl.ptr, len); /* the embedded seal is Seal.esl */

    r = verify(sig, &xml, SC_TIME_NOW);
    expect_status(r, "data_hash", SC_STATUS_OK);
    expect_status(r, "signature", SC_STATUS_OK);
    expect_msg(r, "format", SC_STATUS_WARN, "BIT STRING (KingGrid)");
    expect_msg(r, "maker_signature", SC_STATUS_OK, "GM/T 0031 convention");
    expect_status(r, "signer_in_cert_list", SC_STATUS_OK);
    expect_status(r, "validity", SC_STATUS_OK);
    expect_status(r, "signer_certificate_validity", SC_STATUS_OK);
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_report_free(r);

    /* Years later the seal has expired. */
    r = verify(sig, &xml, (sc_time)1893456000);
    expect_status(r, "validity", SC_STATUS_FAIL);
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_INVALID);
    assert_int_equal(ERR_peek_error(), 0);
    sc_report_free(r);
    sc_buf_dispose(&xml);
    sc_buf_dispose(&esl);
    sc_ses_signature_free(sig);
}

/* ---- strictness -------------------------------------------------------------------------- */

static void test_ses_signature__every_prefix_is_format_error(void **state)
{
    sc_buf b = sctest_read(sctest_sample("ofdrw/vectors/kinggrid_v1_SignedValue.dat"));
    (void)state;
    for (size_t n = 0; n < b.size; n++) {
        sc_ses_signature *sig = NULL;
        int rc = sc_ses_signature_parse(&sig, b.ptr, n);
        if (rc != SC_EFORMAT)
            fail_msg("prefix %zu: %d %s", n, rc, sc_error_last()->message);
        assert_null(sig);
    }
    sc_buf_dispose(&b);
}

static void expect_parse_error(const sc_buf *b, int code, const char *text)
{
    sc_ses_signature *sig = NULL;
    int rc = sc_ses_signature_parse(&sig, b->ptr, b->size);
    if (rc != code || !strstr(sc_error_last()->message, text))
        fail_msg("expected %d \"%s\", got %d \"%s\"", code, text, rc, sc_error_last()->message);
    assert_null(sig);
}

static void test_ses_signature__malformed(void **state)
{
    sc_buf b = sctest_read(sctest_sample("ofdrw/vectors/SignedValueV4.dat"));
    sc_buf m = SC_BUF_INIT;
    (void)state;

    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[0] = 0x04;
    expect_parse_error(&m, SC_EFORMAT, "SES_Signature: expected tag 0x30, found 0x04 (offset 0)");
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    sc_assert_ok(sc_buf_put(&m, "\x05\x00", 2));
    expect_parse_error(&m, SC_EFORMAT,
                       "SES_Signature: 2 trailing bytes after the outer SEQUENCE (offset 17726)");
    /* signer algorithm OID (offset 17641) changed to 1.2.156.10197.1.502 */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    assert_int_equal(m.ptr[17641], 0x06);
    m.ptr[17650] = 0x76;
    expect_parse_error(&m, SC_EUNSUPPORTED,
                       "SES_Signature.signatureAlgID: signature algorithm 1.2.156.10197.1.502");
    /* an error inside the embedded seal names its path and the offset in the signature */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    assert_int_equal(m.ptr[25], 0x02); /* eseal header version at 11 + 14 */
    m.ptr[25] = 0x04;
    expect_parse_error(&m, SC_EFORMAT,
                       "SES_Signature.toSign.eseal.esealInfo.header.version: wrong tag "
                       "(offset 25)");
    /* TBS_Sign.version 9 */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[10] = 9;
    expect_parse_error(&m, SC_EUNSUPPORTED, "SES_Signature.toSign.version: unsupported version 9");
    assert_int_equal(ERR_peek_error(), 0); /* every failure emptied OpenSSL's queue */
    sc_buf_dispose(&m);
    sc_buf_dispose(&b);
}

/* A flipped byte in TBS_Sign (propertyInfo) fails the signer's signature. */
static void test_ses_signature__flipped_byte(void **state)
{
    sc_buf b = sctest_read(sctest_sample("ofdrw/vectors/tongz_v4_raw_rs_SignedValue.dat"));
    sc_ses_signature *sig = NULL;
    sc_report *r;
    (void)state;
    b.ptr[11230] ^= 0x01;
    sc_assert_ok(sc_ses_signature_parse(&sig, b.ptr, b.size));
    r = verify(sig, NULL, SC_TIME_NOW);
    expect_msg(r, "signature", SC_STATUS_FAIL, "does not verify");
    expect_status(r, "maker_signature", SC_STATUS_OK);
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_INVALID);
    sc_report_free(r);
    sc_ses_signature_free(sig);
    sc_buf_dispose(&b);
}

/* Through a verification cache, the TBS_Sign is hashed from the SM3 state after its seal that
 * the cache keeps: the same findings as without, for every producer's layout (GB/T 38540 DER,
 * raw r||s, GM/T 0031 v1), and a byte changed after the seal (propertyInfo) still fails with the
 * state warm. */
static void test_ses_signature__cached_prefix(void **state)
{
    static const char *files[] = {"ofdrw/vectors/SignedValueV4.dat",
                                  "ofdrw/vectors/tongz_v4_raw_rs_SignedValue.dat",
                                  "ofdrw/vectors/kinggrid_v1_SignedValue.dat"};
    (void)state;
    sc_verify_cache *cache = NULL;
    sc_assert_ok(sc_verify_cache_new(&cache, 0));
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        sc_buf b = sctest_read(sctest_sample(files[i]));
        sc_ses_signature *sig = NULL;
        sc_ses_verify_options o = SC_SES_VERIFY_OPTIONS_INIT;
        sc_report *plain, *cached;
        o.cache = cache;
        sc_assert_ok(sc_ses_signature_parse(&sig, b.ptr, b.size));
        plain = verify(sig, NULL, SC_TIME_NOW);
        for (int round = 0; round < 2; round++) { /* cold, then warm */
            sc_assert_ok(sc_ses_signature_verify(&cached, sig, &o));
            assert_int_equal(sc_report_count(cached), sc_report_count(plain));
            for (size_t k = 0; k < sc_report_count(plain); k++) {
                assert_string_equal(sc_report_get(cached, k)->check,
                                    sc_report_get(plain, k)->check);
                assert_int_equal(sc_report_get(cached, k)->status, sc_report_get(plain, k)->status);
            }
            expect_status(cached, "signature", SC_STATUS_OK);
            sc_report_free(cached);
        }
        sc_report_free(plain);
        sc_ses_signature_free(sig);

        unsigned char *at = NULL;
        for (size_t k = 0; k + 13 <= b.size && !at; k++)
            if (memcmp(b.ptr + k, "Signature.xml", 13) == 0)
                at = b.ptr + k;
        assert_non_null(at);
        at[0] ^= 0x01; /* "signature.xml": after the seal in TBS_Sign */
        sc_assert_ok(sc_ses_signature_parse(&sig, b.ptr, b.size));
        sc_assert_ok(sc_ses_signature_verify(&cached, sig, &o));
        expect_msg(cached, "signature", SC_STATUS_FAIL, "does not verify");
        sc_report_free(cached);
        sc_ses_signature_free(sig);
        sc_buf_dispose(&b);
    }
    sc_verify_cache_free(cache);
}

/* ---- out of memory ----------------------------------------------------------------------- */

typedef struct {
    sc_buf der; /* SES_Signature */
    sc_buf xml; /* the signed Signature.xml */
} sig_payload;

static int parse_and_verify(void *payload)
{
    const sig_payload *p = payload;
    sc_ses_signature *sig = NULL;
    sc_ses_verify_options o = SC_SES_VERIFY_OPTIONS_INIT;
    sc_report *r = NULL;
    int rc = sc_ses_signature_parse(&sig, p->der.ptr, p->der.size);
    o.data = p->xml.ptr;
    o.data_len = p->xml.size;
    if (rc == 0)
        rc = sc_ses_signature_verify(&r, sig, &o);
    sc_report_free(r);
    sc_ses_signature_free(sig);
    return rc;
}

static void test_ses_signature__oom(void **state)
{
    static const char *files[][2] = {
        {"ofdrw/vectors/kinggrid_v1_SignedValue.dat", "ofdrw/vectors/kinggrid_v1_Signature.xml"},
        {"ofdrw/vectors/tongz_v4_raw_rs_SignedValue.dat",
         "ofdrw/vectors/tongz_v4_raw_rs_Signature.xml"},
    };
    (void)state;
    for (int fi = 0; fi < 2; fi++) {
        sig_payload p = {sctest_read(sctest_sample(files[fi][0])),
                         sctest_read(sctest_sample(files[fi][1]))};
        sctest_oom_loop(parse_and_verify, &p);
        sc_buf_dispose(&p.der);
        sc_buf_dispose(&p.xml);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ses_signature__ofdrw_v4_v5),
        cmocka_unit_test(test_ses_signature__tongz_raw_rs),
        cmocka_unit_test(test_ses_signature__kinggrid_v1),
        cmocka_unit_test(test_ses_signature__every_prefix_is_format_error),
        cmocka_unit_test(test_ses_signature__malformed),
        cmocka_unit_test(test_ses_signature__flipped_byte),
        cmocka_unit_test(test_ses_signature__cached_prefix),
        cmocka_unit_test(test_ses_signature__oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
