/* lib/ses seals: parsing the producer variants, strictness, verification, making, OOM. */
#include "common/test.h"
#include "ses/ses_asn1.h"

#include <stdio.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <unistd.h>

/* 2021-06-01T00:00:00Z: inside the validity of UserV1/V4.esl, kinggrid_v1_Seal.esl and their
 * certificates. */
#define AT_2021 ((sc_time)1622505600)
/* 2027-01-01T00:00:00Z: inside UserV5*.esl's window (2026-04-24..2028-04-24). */
#define AT_2027 ((sc_time)1798761600)

static void print_report(const sc_report *r)
{
    for (size_t i = 0; i < sc_report_count(r); i++) {
        const sc_finding *f = sc_report_get(r, i);
        fprintf(stderr, "  %-28s %-5s %s: %s\n", f->check, sc_status_name(f->status), f->field,
                f->message);
    }
}

/* The first finding of @p check has @p status (the report is printed when not). */
static const sc_finding *expect_status(const sc_report *r, const char *check, sc_status status)
{
    const sc_finding *f = sc_report_find(r, check);
    if (!f || f->status != status) {
        print_report(r);
        fail_msg("%s: expected %s, got %s", check, sc_status_name(status),
                 f ? sc_status_name(f->status) : "no finding");
    }
    return f;
}

/* Some finding of @p check with @p status mentions @p text. */
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

/* memmem() is a GNU extension; this is all the tests need. */
static const void *find_bytes(const void *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp((const char *)hay + i, needle, m) == 0)
            return (const char *)hay + i;
    return NULL;
}

static sc_seal *load(const char *rel)
{
    sc_seal *seal = NULL;
    sc_assert_ok(sc_seal_read_file(&seal, sctest_sample(rel)));
    return seal;
}

static sc_report *verify_at(const sc_seal *seal, sc_time at)
{
    sc_seal_verify_options o = SC_SEAL_VERIFY_OPTIONS_INIT;
    sc_report *r = NULL;
    o.at = at;
    sc_assert_ok(sc_seal_verify(&r, seal, &o));
    return r;
}

/* Parse @p der expecting @p code and a message containing @p text. */
static void expect_parse_error(const unsigned char *der, size_t len, int code, const char *text)
{
    sc_seal *seal = NULL;
    int rc = sc_seal_parse(&seal, der, len);
    if (rc != code || !strstr(sc_error_last()->message, text))
        fail_msg("expected %d \"%s\", got %d \"%s\"", code, text, rc, sc_error_last()->message);
    assert_null(seal);
}

/* ---- samples ----------------------------------------------------------------------------- */

static void test_ses_seal__v4_userv4(void **state)
{
    sc_seal *seal = load("ofdrw/keys/UserV4.esl");
    sc_report *r;
    size_t len;
    (void)state;

    assert_int_equal(sc_seal_version(seal), 4);
    assert_int_equal(sc_seal_layout_of(seal), SC_SEAL_LAYOUT_GBT38540);
    assert_string_equal(sc_seal_vid(seal), "OFDR&WTest");
    assert_string_equal(sc_seal_esid(seal), "51f044b76510434e9bc67a1185c2fba5");
    assert_string_equal(sc_seal_name(seal), "OFD R&W 测试用印章");
    assert_int_equal(sc_seal_type(seal), 3);
    assert_int_equal(sc_seal_cert_list_type(seal), 1);
    assert_int_equal(sc_seal_cert_count(seal), 1);
    assert_non_null(sc_seal_cert(seal, 0));
    assert_null(sc_seal_cert(seal, 1));
    assert_null(sc_seal_cert_digest(seal, 0, &len, NULL));
    assert_string_equal(sc_cert_subject(sc_seal_cert(seal, 0)),
                        sc_cert_subject(sc_seal_maker_cert(seal)));
    assert_int_equal(sc_seal_create_date(seal), 1587521340); /* 2020-04-22T02:09:00Z */
    assert_int_equal(sc_seal_valid_start(seal), 1587521340);
    assert_int_equal(sc_seal_valid_end(seal), 1650593340); /* 2022-04-22T02:09:00Z */
    assert_string_equal(sc_seal_picture_of(seal)->type, "PNG");
    assert_int_equal(sc_seal_picture_of(seal)->size, 15693);
    assert_int_equal(sc_seal_picture_of(seal)->width_mm, 40);
    assert_int_equal(sc_seal_picture_of(seal)->height_mm, 40);
    assert_memory_equal(sc_seal_picture_of(seal)->data, "\x89PNG", 4);
    assert_int_equal(sc_seal_ext_count(seal), 0);
    assert_string_equal(sc_seal_sig_alg(seal), SC_OID_SM2_WITH_SM3);
    assert_int_equal(sc_seal_has_timestamp(seal), 0);
    assert_non_null(sc_seal_der(seal, &len));
    assert_int_equal(len, 17011);

    r = verify_at(seal, AT_2021);
    expect_status(r, "format", SC_STATUS_INFO);
    expect_msg(r, "maker_signature", SC_STATUS_OK, "GB/T 38540 convention");
    expect_status(r, "maker_certificate", SC_STATUS_OK);
    expect_status(r, "maker_certificate_validity", SC_STATUS_OK);
    expect_status(r, "validity", SC_STATUS_OK);
    expect_status(r, "cert_list", SC_STATUS_OK);
    expect_status(r, "chain", SC_STATUS_SKIP);
    expect_msg(r, "picture", SC_STATUS_INFO, "PNG, 15693 bytes, 40x40 mm");
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_report_free(r);

    /* Now (2026 and later) the seal has expired. */
    r = verify_at(seal, SC_TIME_NOW);
    expect_msg(r, "validity", SC_STATUS_FAIL,
               "expired: valid 2020-04-22T02:09:00Z to "
               "2022-04-22T02:09:00Z, checked at");
    expect_status(r, "maker_signature", SC_STATUS_OK);
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_INVALID);
    sc_report_free(r);
    sc_seal_free(seal);
}

static void test_ses_seal__v1_userv1(void **state)
{
    sc_seal *seal = load("ofdrw/keys/UserV1.esl");
    sc_report *r;
    (void)state;

    assert_int_equal(sc_seal_version(seal), 1);
    assert_int_equal(sc_seal_layout_of(seal), SC_SEAL_LAYOUT_GMT0031);
    assert_string_equal(sc_seal_name(seal), "OFDRW测试用印章");
    assert_int_equal(sc_seal_type(seal), 1);
    assert_int_equal(sc_seal_cert_list_type(seal), 1);
    assert_int_equal(sc_seal_cert_count(seal), 1);
    assert_int_equal(sc_seal_valid_end(seal), 1650593887); /* UTCTime 220422021807Z */
    assert_non_null(sc_seal_maker_cert(seal));

    r = verify_at(seal, AT_2021);
    expect_msg(r, "maker_signature", SC_STATUS_OK, "GM/T 0031 convention");
    expect_status(r, "validity", SC_STATUS_OK);
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_report_free(r);
    r = verify_at(seal, SC_TIME_NOW);
    expect_status(r, "validity", SC_STATUS_FAIL);
    sc_report_free(r);
    sc_seal_free(seal);
}

static void test_ses_seal__v5_userv5(void **state)
{
    static const char *files[] = {"ofdrw/keys/UserV5.esl", "ofdrw/keys/UserV5_ts.esl"};
    (void)state;
    for (int i = 0; i < 2; i++) {
        sc_seal *seal = load(files[i]);
        sc_report *r;
        assert_int_equal(sc_seal_version(seal), 5);
        assert_int_equal(sc_seal_layout_of(seal), SC_SEAL_LAYOUT_GBT38540);
        assert_string_equal(sc_seal_vid(seal), "OFDR&WTestV5");
        assert_int_equal(sc_seal_has_timestamp(seal), i);
        r = verify_at(seal, AT_2027);
        expect_status(r, "maker_signature", SC_STATUS_OK);
        expect_status(r, "validity", SC_STATUS_OK);
        /* ofdrw made these seals with a maker certificate that had expired in 2022. */
        expect_msg(r, "maker_certificate_validity", SC_STATUS_WARN, "not valid at createDate");
        if (i == 1)
            expect_msg(r, "format", SC_STATUS_INFO, "timeStamp present");
        assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
        sc_report_free(r);
        r = verify_at(seal, (sc_time)1893456000); /* 2030 */
        expect_status(r, "validity", SC_STATUS_FAIL);
        sc_report_free(r);
        sc_seal_free(seal);
    }
}

/* KingGrid: GM/T 0031 layout under header version 2, an empty extDatas, a GIF picture. */
static void test_ses_seal__kinggrid_v1_version2(void **state)
{
    sc_seal *seal = load("ofdrw/vectors/kinggrid_v1_Seal.esl");
    sc_report *r;
    (void)state;

    assert_int_equal(sc_seal_version(seal), 2);
    assert_int_equal(sc_seal_layout_of(seal), SC_SEAL_LAYOUT_GMT0031);
    assert_string_equal(sc_seal_vid(seal), "KingGrid");
    assert_string_equal(sc_seal_name(seal), "金格演示公章");
    assert_string_equal(sc_seal_picture_of(seal)->type, "gif");
    assert_int_equal(sc_seal_ext_count(seal), 0);
    r = verify_at(seal, AT_2021);
    expect_msg(r, "maker_signature", SC_STATUS_OK, "GM/T 0031 convention");
    expect_msg(r, "format", SC_STATUS_WARN, "header version 2 with the GM/T 0031-2014 layout");
    expect_status(r, "validity", SC_STATUS_OK);
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_report_free(r);
    r = verify_at(seal, SC_TIME_NOW);
    expect_status(r, "validity", SC_STATUS_FAIL);
    sc_report_free(r);
    sc_seal_free(seal);
}

/* 河北戈德: extDatas, two certificates, explicit DEFAULT FALSE; the maker signature verifies with
 * neither convention. */
static void test_ses_seal__hebeigede_neither_convention(void **state)
{
    sc_seal *seal = load("ofdrw/vectors/SESealData_hebeigede_v4.der");
    sc_report *r;
    (void)state;

    assert_int_equal(sc_seal_version(seal), 4);
    assert_string_equal(sc_seal_vid(seal), "Vid HebeiGede");
    assert_string_equal(sc_seal_esid(seal), "esID130600");
    assert_int_equal(sc_seal_cert_count(seal), 2);
    assert_non_null(sc_seal_cert(seal, 0));
    assert_non_null(sc_seal_cert(seal, 1));
    assert_int_equal(sc_seal_ext_count(seal), 3);
    assert_string_equal(sc_seal_picture_of(seal)->type, "GIF");
    assert_int_equal(sc_seal_picture_of(seal)->width_mm, 42);
    r = verify_at(seal, (sc_time)1609459200); /* 2021-01-01 */
    expect_msg(r, "maker_signature", SC_STATUS_FAIL, "both conventions were tried");
    assert_int_equal(ERR_peek_error(), 0); /* no OpenSSL errors left behind */
    expect_msg(r, "format", SC_STATUS_WARN, "not DER");
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_INVALID);
    sc_report_free(r);
    sc_seal_free(seal);
}

/* Suwell writes the number of trailing zero bits of the last byte as the BIT STRING's unused-bits
 * count. UserV1.esl's signature ends in 0x1e (one trailing zero bit): setting its count to 1 gives
 * the Suwell form of the same seal, which must still verify over the unchanged bytes. */
static void test_ses_seal__suwell_unused_bits(void **state)
{
    sc_buf b = sctest_read(sctest_sample("ofdrw/keys/UserV1.esl"));
    sc_seal *seal = NULL;
    sc_report *r;
    (void)state;

    assert_int_equal(b.ptr[16929], 0x03); /* signInfo.signData BIT STRING */
    assert_int_equal(b.ptr[16931], 0x00);
    assert_int_equal(b.ptr[b.size - 1], 0x1e);
    b.ptr[16931] = 1;
    sc_assert_ok(sc_seal_parse(&seal, b.ptr, b.size));
    r = verify_at(seal, AT_2021);
    expect_status(r, "maker_signature", SC_STATUS_OK);
    expect_msg(r, "format", SC_STATUS_WARN, "1 unused bits (Suwell)");
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_report_free(r);
    sc_seal_free(seal);
    sc_buf_dispose(&b);
}

/* ---- strictness -------------------------------------------------------------------------- */

static void test_ses_seal__every_prefix_is_format_error(void **state)
{
    static const char *files[] = {"ofdrw/keys/UserV4.esl", "ofdrw/keys/UserV1.esl",
                                  "ofdrw/vectors/SESealData_hebeigede_v4.der"};
    (void)state;
    for (int f = 0; f < 3; f++) {
        sc_buf b = sctest_read(sctest_sample(files[f]));
        for (size_t n = 0; n < b.size; n++) {
            sc_seal *seal = NULL;
            int rc = sc_seal_parse(&seal, b.ptr, n);
            if (rc != SC_EFORMAT)
                fail_msg("%s prefix %zu: %d %s", files[f], n, rc, sc_error_last()->message);
            assert_null(seal);
        }
        sc_buf_dispose(&b);
    }
}

static void test_ses_seal__malformed(void **state)
{
    sc_buf b = sctest_read(sctest_sample("ofdrw/keys/UserV4.esl"));
    sc_buf m = SC_BUF_INIT;
    (void)state;

    expect_parse_error(b.ptr, 0, SC_EFORMAT, "SESeal: empty input");
    /* wrong outer tag */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[0] = 0x31;
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal: expected tag 0x30, found 0x31 (offset 0)");
    /* the maker cert's length (offset 16397, 82 02 0e) made to run past the end */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    assert_int_equal(m.ptr[16398], 0x82);
    m.ptr[16399] = 0x7f;
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal: length 32526 runs past the end (offset 16397, 610 bytes left)");
    /* non-minimal long-form length (0x81 0x13 for 19) */
    {
        sc_buf x = SC_BUF_INIT;
        const unsigned char h[] = {0x30, 0x05, 0x30, 0x81, 0x02, 0x05, 0x00};
        sc_assert_ok(sc_buf_set(&x, h, sizeof(h)));
        expect_parse_error(x.ptr, x.size, SC_EFORMAT, "not DER (offset 2)");
        x.ptr[1] = 0x80; /* indefinite */
        expect_parse_error(x.ptr, x.size, SC_EFORMAT, "indefinite length");
        sc_buf_dispose(&x);
    }
    /* trailing bytes */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    sc_assert_ok(sc_buf_put(&m, "\0\0\0", 3));
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal: 3 trailing bytes after the outer SEQUENCE (offset 17011)");
    /* unknown signature algorithm: 1.2.156.10197.1.501 -> .502 */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    assert_int_equal(m.ptr[16927], 0x06);
    assert_int_equal(m.ptr[16936], 0x75);
    m.ptr[16936] = 0x76;
    expect_parse_error(
        m.ptr, m.size, SC_EUNSUPPORTED,
        "SESeal.signAlgID: signature algorithm 1.2.156.10197.1.502 is not SM2-with-SM3");
    /* a wrong inner tag: SES_Header.version INTEGER (offset 14) made an OCTET STRING */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    assert_int_equal(m.ptr[14], 0x02);
    m.ptr[14] = 0x04;
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal.esealInfo.header.version: wrong tag (offset 14)");
    /* header ID not "ES" */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[13] = 'X';
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal.esealInfo.header.ID: \"EX\", expected \"ES\" (offset 10)");
    /* unsupported header version */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[16] = 9;
    expect_parse_error(m.ptr, m.size, SC_EUNSUPPORTED,
                       "SESeal.esealInfo.header.version: unsupported version 9 (offset 14)");
    /* esID with a control character */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[31] = 0x07;
    expect_parse_error(m.ptr, m.size, SC_EFORMAT, "SESeal.esealInfo.esID: byte 0x07");
    /* name that is not UTF-8: the first byte of 测 (offset 78) made a lone continuation byte */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[80] = 0x80;
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal.esealInfo.property.name: not valid UTF-8");
    /* certListType 3 */
    sc_assert_ok(sc_buf_set(&m, b.ptr, b.size));
    m.ptr[97] = 3;
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal.esealInfo.property.certListType: 3 is not in 1..2 (offset 95)");
    /* certListType 2 over a list of certificates */
    m.ptr[97] = 2;
    expect_parse_error(m.ptr, m.size, SC_EFORMAT,
                       "SESeal.esealInfo.property.certList[0]: certListType 2 needs a "
                       "CertDigestObj SEQUENCE, found tag 0x04 (offset 102)");
    assert_int_equal(ERR_peek_error(), 0); /* every failure emptied OpenSSL's queue */
    /* too large */
    assert_int_equal(sc_seal_parse(&(sc_seal *){NULL}, b.ptr, SC_SES_MAX_SEAL_SIZE + 1), SC_ELIMIT);
    sc_buf_dispose(&m);
    sc_buf_dispose(&b);
}

/* An empty certList, crafted with the templates themselves (SES_ESPropertyInfo shrinks to a
 * 2-byte header, so certList moves from offset 98 to 96). */
static void test_ses_seal__empty_cert_list(void **state)
{
    sc_buf b = sctest_read(sctest_sample("ofdrw/keys/UserV4.esl"));
    const unsigned char *p = b.ptr;
    SESeal *s = d2i_SESeal(NULL, &p, (long)b.size);
    unsigned char *der = NULL;
    int len;
    (void)state;

    assert_non_null(s);
    sk_ASN1_TYPE_pop_free(s->esealInfo->property->certList, ASN1_TYPE_free);
    s->esealInfo->property->certList = sk_ASN1_TYPE_new_null();
    len = i2d_SESeal(s, &der);
    assert_true(len > 0);
    expect_parse_error(der, (size_t)len, SC_EFORMAT,
                       "SESeal.esealInfo.property.certList: empty (offset 96)");
    OPENSSL_free(der);
    SESeal_free(s);
    sc_buf_dispose(&b);
}

/* One flipped byte in the signed part (the picture) must fail the maker signature, clearly. */
static void test_ses_seal__flipped_byte(void **state)
{
    static const char *files[] = {"ofdrw/keys/UserV4.esl", "ofdrw/keys/UserV1.esl"};
    (void)state;
    for (int f = 0; f < 2; f++) {
        sc_buf b = sctest_read(sctest_sample(files[f]));
        sc_seal *seal = NULL;
        sc_report *r;
        b.ptr[5000] ^= 0x01;
        sc_assert_ok(sc_seal_parse(&seal, b.ptr, b.size));
        r = verify_at(seal, AT_2021);
        expect_msg(r, "maker_signature", SC_STATUS_FAIL, "does not verify with the maker's key");
        assert_int_equal(sc_report_verdict(r), SC_VERDICT_INVALID);
        sc_report_free(r);
        sc_seal_free(seal);
        sc_buf_dispose(&b);
    }
}

/* A certList entry that is not a certificate: the seal parses, "cert_list" fails naming it. */
static void test_ses_seal__bad_cert_list_entry(void **state)
{
    sc_buf b = sctest_read(sctest_sample("ofdrw/keys/UserV4.esl"));
    sc_seal *seal = NULL;
    sc_report *r;
    (void)state;
    assert_int_equal(b.ptr[106], 0x30); /* the certificate inside certList[0] */
    b.ptr[106] = 0x31;
    sc_assert_ok(sc_seal_parse(&seal, b.ptr, b.size));
    assert_null(sc_seal_cert(seal, 0));
    r = verify_at(seal, AT_2021);
    expect_msg(r, "cert_list", SC_STATUS_FAIL, "entry 0 of 1 is not a certificate");
    sc_report_free(r);
    sc_seal_free(seal);
    sc_buf_dispose(&b);
}

/* ---- making ------------------------------------------------------------------------------ */

#define AT_2021_01_01 ((sc_time)1609459200)
#define AT_2021_12_31 ((sc_time)1640908800)

typedef struct {
    sc_key *maker_key;
    sc_cert *maker_cert;
    sc_cert *user_cert;
    sc_buf picture;
} make_fixture;

static make_fixture fixture_load(void)
{
    make_fixture f = {NULL, NULL, NULL, SC_BUF_INIT};
    sc_assert_ok(
        sc_key_read_file(&f.maker_key, sctest_sample("ofdrw/keys/sealbuilder_key.pem"), NULL));
    sc_assert_ok(
        sc_cert_read_file(&f.maker_cert, sctest_sample("ofdrw/keys/sealbuilder_cert.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&f.user_cert, sctest_sample("ofdrw/keys/user_cert.pem"), NULL));
    f.picture = sctest_read(sctest_sample("ofdrw/keys/StampImg.png"));
    return f;
}

static void fixture_free(make_fixture *f)
{
    sc_key_free(f->maker_key);
    sc_cert_free(f->maker_cert);
    sc_cert_free(f->user_cert);
    sc_buf_dispose(&f->picture);
}

static sc_seal_make_options make_options(const make_fixture *f, const sc_cert *const *certs,
                                         int version, int cert_list_type)
{
    sc_seal_make_options o = SC_SEAL_MAKE_OPTIONS_INIT;
    o.seal_version = version;
    o.esid = "33010000000001";
    o.name = "测试单位 校准电子证书专用章";
    o.cert_list_type = cert_list_type;
    o.signer_certs = certs;
    o.signer_cert_count = 1;
    o.create_date = AT_2021_01_01;
    o.valid_start = AT_2021_01_01;
    o.valid_end = AT_2021_12_31;
    o.picture_type = "PNG";
    o.picture = f->picture.ptr;
    o.picture_size = f->picture.size;
    return o;
}

/* No finding worse than INFO except the chain skip: a made seal is clean. */
static void expect_clean(const sc_report *r)
{
    for (size_t i = 0; i < sc_report_count(r); i++) {
        const sc_finding *fd = sc_report_get(r, i);
        if (fd->status != SC_STATUS_OK && fd->status != SC_STATUS_INFO &&
            strcmp(fd->check, "chain") != 0) {
            print_report(r);
            fail_msg("%s: %s", fd->check, fd->message);
        }
    }
}

static void test_ses_seal__make_v4_round_trip(void **state)
{
    make_fixture f = fixture_load();
    const sc_cert *certs[] = {f.user_cert};
    sc_seal_make_options o = make_options(&f, certs, 4, 1);
    sc_seal *seal = NULL, *again = NULL;
    sc_report *r;
    const unsigned char *der;
    size_t len;
    (void)state;

    sc_assert_ok(sc_seal_make(&seal, f.maker_key, f.maker_cert, &o));
    assert_int_equal(sc_seal_version(seal), 4);
    assert_int_equal(sc_seal_layout_of(seal), SC_SEAL_LAYOUT_GBT38540);
    assert_string_equal(sc_seal_vid(seal), "sealcert");
    assert_string_equal(sc_seal_esid(seal), "33010000000001");
    assert_string_equal(sc_seal_name(seal), "测试单位 校准电子证书专用章");
    assert_int_equal(sc_seal_type(seal), 3);
    assert_int_equal(sc_seal_create_date(seal), AT_2021_01_01);
    assert_int_equal(sc_seal_valid_end(seal), AT_2021_12_31);
    assert_int_equal(sc_seal_picture_of(seal)->size, f.picture.size);
    assert_int_equal(sc_seal_picture_of(seal)->width_mm, 40);
    assert_true(sc_cert_equal(sc_seal_cert(seal, 0), f.user_cert));
    assert_true(sc_cert_equal(sc_seal_maker_cert(seal), f.maker_cert));
    assert_int_equal(sc_seal_lists_cert(seal, f.user_cert), 1);
    assert_int_equal(sc_seal_lists_cert(seal, f.maker_cert), 0);
    r = verify_at(seal, AT_2021);
    expect_msg(r, "maker_signature", SC_STATUS_OK, "GB/T 38540 convention");
    expect_clean(r);
    sc_report_free(r);

    /* The bytes parse back to the same seal. */
    der = sc_seal_der(seal, &len);
    sc_assert_ok(sc_seal_parse(&again, der, len));
    assert_string_equal(sc_seal_esid(again), sc_seal_esid(seal));
    sc_seal_free(again);
    sc_seal_free(seal);
    fixture_free(&f);
}

static void test_ses_seal__make_v1_and_digests(void **state)
{
    make_fixture f = fixture_load();
    const sc_cert *certs[] = {f.user_cert};
    sc_seal_make_options o = make_options(&f, certs, 1, 1);
    sc_seal *seal = NULL;
    sc_report *r;
    const unsigned char *d;
    const char *alg;
    size_t len;
    (void)state;

    sc_assert_ok(sc_seal_make(&seal, f.maker_key, f.maker_cert, &o));
    assert_int_equal(sc_seal_version(seal), 1);
    assert_int_equal(sc_seal_layout_of(seal), SC_SEAL_LAYOUT_GMT0031);
    r = verify_at(seal, AT_2021);
    expect_msg(r, "maker_signature", SC_STATUS_OK, "GM/T 0031 convention");
    expect_clean(r);
    sc_report_free(r);
    /* UTCTime: 2021-01-01 is "210101000000Z" */
    d = sc_seal_der(seal, &len);
    assert_non_null(find_bytes(d, len,
                               "\x17\x0d"
                               "210101000000Z",
                               15));
    sc_seal_free(seal);

    o = make_options(&f, certs, 4, 2);
    sc_assert_ok(sc_seal_make(&seal, f.maker_key, f.maker_cert, &o));
    assert_int_equal(sc_seal_cert_list_type(seal), 2);
    assert_null(sc_seal_cert(seal, 0));
    d = sc_seal_cert_digest(seal, 0, &len, &alg);
    assert_non_null(d);
    assert_int_equal(len, 32);
    assert_string_equal(alg, "SM3");
    assert_int_equal(sc_seal_lists_cert(seal, f.user_cert), 1);
    assert_int_equal(sc_seal_lists_cert(seal, f.maker_cert), 0);
    r = verify_at(seal, AT_2021);
    expect_msg(r, "cert_list", SC_STATUS_OK, "1 certificate digest");
    expect_clean(r);
    sc_report_free(r);
    /* GeneralizedTime in v4 */
    d = sc_seal_der(seal, &len);
    assert_non_null(find_bytes(d, len,
                               "\x18\x0f"
                               "20210101000000Z",
                               17));
    sc_seal_free(seal);
    fixture_free(&f);
}

/* The signed part is a function of the inputs; only the SM2 signature (random k) differs. */
static void test_ses_seal__make_deterministic(void **state)
{
    make_fixture f = fixture_load();
    const sc_cert *certs[] = {f.user_cert};
    sc_seal_make_options o = make_options(&f, certs, 4, 1);
    sc_seal *a = NULL, *b = NULL;
    const unsigned char *da, *db, *p;
    size_t la, lb;
    SESeal *sa, *sb;
    (void)state;

    sc_assert_ok(sc_seal_make(&a, f.maker_key, f.maker_cert, &o));
    sc_assert_ok(sc_seal_make(&b, f.maker_key, f.maker_cert, &o));
    da = sc_seal_der(a, &la);
    db = sc_seal_der(b, &lb);
    p = da;
    sa = d2i_SESeal(NULL, &p, (long)la);
    p = db;
    sb = d2i_SESeal(NULL, &p, (long)lb);
    assert_non_null(sa);
    assert_non_null(sb);
    {
        unsigned char *ia = NULL, *ib = NULL;
        int na = i2d_SES_SealInfo(sa->esealInfo, &ia), nb = i2d_SES_SealInfo(sb->esealInfo, &ib);
        assert_int_equal(na, nb);
        assert_memory_equal(ia, ib, (size_t)na);
        /* and it is a prefix of the seal after the outer header: the seal is strict DER */
        assert_non_null(find_bytes(da, la, ia, (size_t)na));
        OPENSSL_free(ia);
        OPENSSL_free(ib);
    }
    SESeal_free(sa);
    SESeal_free(sb);
    sc_seal_free(a);
    sc_seal_free(b);
    fixture_free(&f);
}

/* The OpenSSL command line agrees on the maker signature of a made seal. */
static void test_ses_seal__make_openssl_cross_check(void **state)
{
    make_fixture f = fixture_load();
    const sc_cert *certs[] = {f.user_cert};
    sc_seal_make_options o = make_options(&f, certs, 4, 1);
    sc_seal *seal = NULL;
    const unsigned char *der, *p;
    size_t len;
    SESeal *s;
    unsigned char *info = NULL;
    int info_len;
    char cmd[4096];
    const char *info_path = sctest_tmp("sealinfo.der"), *sig_path = sctest_tmp("sig.der"),
               *pub_path = sctest_tmp("maker_pub.pem");
    sc_buf pub = SC_BUF_INIT;
    (void)state;

    sc_assert_ok(sc_seal_make(&seal, f.maker_key, f.maker_cert, &o));
    der = sc_seal_der(seal, &len);
    p = der;
    assert_non_null(s = d2i_SESeal(NULL, &p, (long)len));
    info_len = i2d_SES_SealInfo(s->esealInfo, &info);
    assert_true(info_len > 0);
    sc_assert_ok(sc_fs_write_atomic(info_path, info, (size_t)info_len, true, 0644));
    sc_assert_ok(sc_fs_write_atomic(sig_path, s->signedValue->data, (size_t)s->signedValue->length,
                                    true, 0644));
    sc_assert_ok(sc_key_write_public_pem(&pub, sc_cert_key(f.maker_cert)));
    sc_assert_ok(sc_fs_write_atomic(pub_path, pub.ptr, pub.size, true, 0644));
    snprintf(cmd, sizeof(cmd),
             "openssl pkeyutl -verify -pubin -inkey '%s' -rawin -digest sm3 "
             "-pkeyopt distid:1234567812345678 -in '%s' -sigfile '%s' >/dev/null 2>&1",
             pub_path, info_path, sig_path);
    assert_int_equal(system(cmd), 0);
    /* and refuses a changed SES_SealInfo */
    info[info_len - 1] ^= 1;
    sc_assert_ok(sc_fs_write_atomic(info_path, info, (size_t)info_len, true, 0644));
    assert_int_not_equal(system(cmd), 0);
    unlink(info_path);
    unlink(sig_path);
    unlink(pub_path);
    OPENSSL_free(info);
    SESeal_free(s);
    sc_buf_dispose(&pub);
    sc_seal_free(seal);
    fixture_free(&f);
}

static void expect_make_error(const make_fixture *f, const sc_key *key,
                              const sc_seal_make_options *o, const char *text)
{
    sc_seal *seal = NULL;
    int rc = sc_seal_make(&seal, key, f->maker_cert, o);
    if (rc != SC_EINVALID || !strstr(sc_error_last()->message, text))
        fail_msg("expected SC_EINVALID \"%s\", got %d \"%s\"", text, rc, sc_error_last()->message);
    assert_null(seal);
}

static void test_ses_seal__make_options(void **state)
{
    make_fixture f = fixture_load();
    const sc_cert *certs[] = {f.user_cert};
    sc_seal_make_options o;
    sc_key *pub = NULL, *other = NULL;
    sc_buf pem = SC_BUF_INIT;
    (void)state;

    o = make_options(&f, certs, 4, 1);
    o.esid = "";
    expect_make_error(&f, f.maker_key, &o, "esid");
    o = make_options(&f, certs, 4, 1);
    o.signer_cert_count = 0;
    expect_make_error(&f, f.maker_key, &o, "signer_certs");
    o = make_options(&f, certs, 4, 1);
    o.valid_end = o.valid_start;
    expect_make_error(&f, f.maker_key, &o, "valid_end");
    o = make_options(&f, certs, 4, 1);
    o.picture = NULL;
    expect_make_error(&f, f.maker_key, &o, "picture");
    o = make_options(&f, certs, 1, 2);
    expect_make_error(&f, f.maker_key, &o, "cert_list_type");
    o = make_options(&f, certs, 3, 1);
    expect_make_error(&f, f.maker_key, &o, "seal_version");
    o = make_options(&f, certs, 1, 1);
    o.valid_end = (sc_time)2556144000; /* 2051: not a UTCTime */
    {
        sc_seal *seal = NULL;
        assert_int_equal(sc_seal_make(&seal, f.maker_key, f.maker_cert, &o), SC_EINVALID);
        assert_non_null(strstr(sc_error_last()->message, "valid_end"));
    }
    /* a public key only */
    o = make_options(&f, certs, 4, 1);
    sc_assert_ok(sc_key_write_public_pem(&pem, f.maker_key));
    sc_assert_ok(sc_key_parse(&pub, pem.ptr, pem.size, NULL));
    expect_make_error(&f, pub, &o, "maker_key: no private key");
    /* a key that is not the maker certificate's */
    sc_assert_ok(sc_key_generate(&other));
    expect_make_error(&f, other, &o, "maker_key: does not match maker_cert");
    sc_key_free(pub);
    sc_key_free(other);
    sc_buf_dispose(&pem);
    fixture_free(&f);
}

/* With trust anchors the maker's chain is checked: ofdrw's ROOT lacks keyCertSign, so strict
 * path validation refuses it; a chain issued here passes. */
static void test_ses_seal__chain(void **state)
{
    sc_seal *seal = load("ofdrw/keys/UserV4.esl");
    sc_cert *root = NULL;
    sc_trust *trust = NULL;
    sc_seal_verify_options o = SC_SEAL_VERIFY_OPTIONS_INIT;
    sc_report *r = NULL;
    (void)state;

    sc_assert_ok(sc_cert_read_file(&root, sctest_sample("ofdrw/keys/root_cert.pem"), NULL));
    sc_assert_ok(sc_trust_new(&trust, (const sc_cert *const *)&root, 1));
    o.at = AT_2021;
    o.trust = trust;
    sc_assert_ok(sc_seal_verify(&r, seal, &o));
    expect_msg(r, "chain", SC_STATUS_FAIL, "certificate signing");
    sc_report_free(r);
    sc_trust_free(trust);
    sc_cert_free(root);
    sc_seal_free(seal);

    /* a fresh root, maker and signer */
    {
        sc_key *rk = NULL, *mk = NULL, *uk = NULL;
        sc_cert *rc = NULL, *mc = NULL, *uc = NULL;
        sc_cert_issue_options io = SC_CERT_ISSUE_OPTIONS_INIT;
        sc_seal_make_options mo = SC_SEAL_MAKE_OPTIONS_INIT;
        const sc_cert *certs[1];
        unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
        sc_assert_ok(sc_key_generate(&rk));
        sc_assert_ok(sc_key_generate(&mk));
        sc_assert_ok(sc_key_generate(&uk));
        io.not_before = AT_2021_01_01 - 86400;
        io.not_after = AT_2021_12_31 + 86400;
        io.profile = SC_CERT_ROOT_CA;
        io.subject = "CN=Test Root,O=sealcert,C=CN";
        sc_assert_ok(sc_cert_issue(&rc, rk, rk, NULL, &io));
        io.profile = SC_CERT_SEAL_MAKER;
        io.subject = "CN=Test Maker,O=sealcert,C=CN";
        sc_assert_ok(sc_cert_issue(&mc, mk, rk, rc, &io));
        io.profile = SC_CERT_SIGNER;
        io.subject = "CN=Test Signer,O=sealcert,C=CN";
        sc_assert_ok(sc_cert_issue(&uc, uk, rk, rc, &io));
        certs[0] = uc;
        mo.esid = "1";
        mo.name = "章";
        mo.signer_certs = certs;
        mo.signer_cert_count = 1;
        mo.create_date = AT_2021_01_01;
        mo.valid_start = AT_2021_01_01;
        mo.valid_end = AT_2021_12_31;
        mo.picture_type = "png";
        mo.picture = png;
        mo.picture_size = sizeof(png);
        sc_assert_ok(sc_seal_make(&seal, mk, mc, &mo));
        sc_assert_ok(sc_trust_new(&trust, (const sc_cert *const *)&rc, 1));
        o.trust = trust;
        sc_assert_ok(sc_seal_verify(&r, seal, &o));
        expect_status(r, "chain", SC_STATUS_OK);
        assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
        sc_report_free(r);
        sc_trust_free(trust);
        sc_seal_free(seal);
        sc_cert_free(rc);
        sc_cert_free(mc);
        sc_cert_free(uc);
        sc_key_free(rk);
        sc_key_free(mk);
        sc_key_free(uk);
    }
}

/* ---- out of memory ----------------------------------------------------------------------- */

static int parse_and_verify(void *payload)
{
    const sc_buf *b = payload;
    sc_seal *seal = NULL;
    sc_report *r = NULL;
    int rc = sc_seal_parse(&seal, b->ptr, b->size);
    if (rc == 0)
        rc = sc_seal_verify(&r, seal, NULL);
    sc_report_free(r);
    sc_seal_free(seal);
    return rc;
}

/* Fail each allocation of one parse + verify in turn (SQLite's malloc test). */
static void test_ses_seal__oom(void **state)
{
    static const char *files[] = {"ofdrw/keys/UserV4.esl", "ofdrw/keys/UserV1.esl",
                                  "ofdrw/vectors/SESealData_hebeigede_v4.der"};
    (void)state;
    for (int fi = 0; fi < 3; fi++) {
        sc_buf b = sctest_read(sctest_sample(files[fi]));
        sctest_oom_loop(parse_and_verify, &b);
        sc_buf_dispose(&b);
    }
}

typedef struct {
    make_fixture *f;
    sc_seal_make_options o;
} make_payload;

static int make_once(void *payload)
{
    make_payload *m = payload;
    sc_seal *seal = NULL;
    int rc = sc_seal_make(&seal, m->f->maker_key, m->f->maker_cert, &m->o);
    sc_seal_free(seal);
    return rc;
}

static void test_ses_seal__oom_make(void **state)
{
    make_fixture f = fixture_load();
    const sc_cert *certs[] = {f.user_cert};
    make_payload m = {&f, make_options(&f, certs, 1, 1)};
    (void)state;
    sctest_oom_loop(make_once, &m);
    m.o = make_options(&f, certs, 4, 2);
    sctest_oom_loop(make_once, &m);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ses_seal__v4_userv4),
        cmocka_unit_test(test_ses_seal__v1_userv1),
        cmocka_unit_test(test_ses_seal__v5_userv5),
        cmocka_unit_test(test_ses_seal__kinggrid_v1_version2),
        cmocka_unit_test(test_ses_seal__hebeigede_neither_convention),
        cmocka_unit_test(test_ses_seal__suwell_unused_bits),
        cmocka_unit_test(test_ses_seal__every_prefix_is_format_error),
        cmocka_unit_test(test_ses_seal__malformed),
        cmocka_unit_test(test_ses_seal__empty_cert_list),
        cmocka_unit_test(test_ses_seal__flipped_byte),
        cmocka_unit_test(test_ses_seal__bad_cert_list_entry),
        cmocka_unit_test(test_ses_seal__make_v4_round_trip),
        cmocka_unit_test(test_ses_seal__make_v1_and_digests),
        cmocka_unit_test(test_ses_seal__make_deterministic),
        cmocka_unit_test(test_ses_seal__make_openssl_cross_check),
        cmocka_unit_test(test_ses_seal__make_options),
        cmocka_unit_test(test_ses_seal__chain),
        cmocka_unit_test(test_ses_seal__oom),
        cmocka_unit_test(test_ses_seal__oom_make),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
