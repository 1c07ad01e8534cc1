/* lib/ses: making GB/T 38540 seal signatures, read back and verified; every refusal. */
#include "common/test.h"

#include <stdlib.h>

#define KEYS    "ofdrw/keys/"
#define AT_2021 ((sc_time)1622505600) /* 2021-06-01: inside USER's certificate and UserV4.esl */
#define AT_2023 ((sc_time)1672531200) /* 2023-01-01: both expired */

static const char xml[] = "<ofd:Signature xmlns:ofd=\"http://www.ofdspec.org/2016\"/>";

typedef struct {
    sc_seal *v4, *v1;
    sc_key *key, *other_key;
    sc_cert *cert, *other_cert;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    sc_assert_ok(sc_seal_read_file(&f->v4, sctest_sample(KEYS "UserV4.esl")));
    sc_assert_ok(sc_seal_read_file(&f->v1, sctest_sample(KEYS "UserV1.esl")));
    sc_assert_ok(sc_key_read_file(&f->key, sctest_sample(KEYS "user_key.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&f->cert, sctest_sample(KEYS "user_cert.pem"), NULL));
    sc_assert_ok(sc_key_read_file(&f->other_key, sctest_sample(KEYS "sign_key.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&f->other_cert, sctest_sample(KEYS "sign_cert.pem"), NULL));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    sc_seal_free(f->v4);
    sc_seal_free(f->v1);
    sc_key_free(f->key);
    sc_key_free(f->other_key);
    sc_cert_free(f->cert);
    sc_cert_free(f->other_cert);
    free(f);
    return 0;
}

/* With ofdrw's own seal and signer key: the signature reads back with every field and verifies
 * fully over the signed data, and only over it. */
static void test_ses_signature_make__roundtrip(void **state)
{
    fixture *f = *state;
    sc_ses_sign_options o = SC_SES_SIGN_OPTIONS_INIT;
    sc_ses_verify_options vo = SC_SES_VERIFY_OPTIONS_INIT;
    sc_buf der = SC_BUF_INIT;
    sc_ses_signature *sig = NULL;
    sc_report *r = NULL;
    size_t hlen, slen, len;
    unsigned char want[32];

    o.time = AT_2021;
    o.property_info = "/Doc_0/Signs/Sign_0/Signature.xml";
    sc_assert_ok(sc_ses_signature_make(&der, f->v4, f->key, f->cert, xml, sizeof(xml) - 1, &o));
    sc_assert_ok(sc_ses_signature_parse(&sig, der.ptr, der.size));
    assert_int_equal(sc_ses_signature_version(sig), 4);
    assert_int_equal(sc_ses_signature_time(sig), AT_2021);
    assert_string_equal(sc_ses_signature_property_info(sig), o.property_info);
    assert_true(sc_cert_equal(sc_ses_signature_cert(sig), f->cert));
    assert_int_equal(sc_ses_signature_has_timestamp(sig), 0);
    sc_assert_ok(sc_sm3(want, xml, sizeof(xml) - 1));
    assert_memory_equal(sc_ses_signature_data_hash(sig, &hlen), want, 32);
    assert_int_equal(hlen, 32);
    /* the seal is embedded byte for byte */
    const unsigned char *a = sc_seal_der(sc_ses_signature_seal(sig), &slen);
    const unsigned char *b = sc_seal_der(f->v4, &len);
    assert_int_equal(slen, len);
    assert_memory_equal(a, b, len);

    vo.data = xml;
    vo.data_len = sizeof(xml) - 1;
    sc_assert_ok(sc_ses_signature_verify(&r, sig, &vo));
    for (size_t i = 0; i < sc_report_count(r); i++) {
        const sc_finding *x = sc_report_get(r, i);
        if (x->status == SC_STATUS_WARN || x->status == SC_STATUS_FAIL)
            fail_msg("%s: %s: %s", x->check, sc_status_name(x->status), x->message);
    }
    assert_int_equal(sc_report_verdict(r), SC_VERDICT_VALID);
    sc_report_free(r);
    vo.data = "<x/>";
    vo.data_len = 4;
    sc_assert_ok(sc_ses_signature_verify(&r, sig, &vo));
    assert_int_equal(sc_report_find(r, "data_hash")->status, SC_STATUS_FAIL);
    assert_int_equal(sc_report_find(r, "signature")->status, SC_STATUS_OK);
    sc_report_free(r);
    sc_ses_signature_free(sig);

    /* one flipped byte anywhere in TBS_Sign breaks the signer's signature */
    der.ptr[der.size / 2] ^= 0x01;
    if (sc_ses_signature_parse(&sig, der.ptr, der.size) == 0) {
        vo.data = xml;
        vo.data_len = sizeof(xml) - 1;
        sc_assert_ok(sc_ses_signature_verify(&r, sig, &vo));
        assert_int_equal(sc_report_verdict(r), SC_VERDICT_INVALID);
        sc_report_free(r);
        sc_ses_signature_free(sig);
    }
    sc_buf_dispose(&der);
}

/* The seal keeps the digest state of its part of TBS_Sign: signatures made again and again with
 * it, with TBS lengths that change and come back, all verify. */
static void test_ses_signature_make__cached_seal_digest(void **state)
{
    fixture *f = *state;
    static const char *const props[] = {
        "/Doc_0/Signs/Sign_0/Signature.xml",
        "p",
        "/Doc_0/Signs/Sign_0/Signature.xml",
        "/Doc_0/Signs/Sign_12/Signature.xml",
    };
    for (size_t i = 0; i < 2 * sizeof(props) / sizeof(props[0]); i++) {
        sc_ses_sign_options o = SC_SES_SIGN_OPTIONS_INIT;
        sc_ses_verify_options vo = SC_SES_VERIFY_OPTIONS_INIT;
        sc_buf der = SC_BUF_INIT;
        sc_ses_signature *sig = NULL;
        sc_report *r = NULL;
        o.time = AT_2021;
        o.property_info = props[i % 4];
        sc_assert_ok(sc_ses_signature_make(&der, f->v4, f->key, f->cert, xml, sizeof(xml) - 1, &o));
        sc_assert_ok(sc_ses_signature_parse(&sig, der.ptr, der.size));
        vo.data = xml;
        vo.data_len = sizeof(xml) - 1;
        sc_assert_ok(sc_ses_signature_verify(&r, sig, &vo));
        assert_int_equal(sc_report_find(r, "signature")->status, SC_STATUS_OK);
        sc_report_free(r);
        sc_ses_signature_free(sig);
        sc_buf_dispose(&der);
    }
}

static void test_ses_signature_make__refusals(void **state)
{
    fixture *f = *state;
    sc_ses_sign_options o = SC_SES_SIGN_OPTIONS_INIT;
    sc_buf der = SC_BUF_INIT;
    o.time = AT_2021;

    /* a signer the seal does not list */
    assert_int_equal(sc_ses_signature_make(&der, f->v4, f->other_key, f->other_cert, "x", 1, &o),
                     SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "certList"));
    /* a key that is not the certificate's */
    assert_int_equal(sc_ses_signature_make(&der, f->v4, f->other_key, f->cert, "x", 1, &o),
                     SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "does not match"));
    /* outside the seal's validity */
    o.time = AT_2023;
    assert_int_equal(sc_ses_signature_make(&der, f->v4, f->key, f->cert, "x", 1, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "seal: not valid at 2023-01-01"));
    /* a GM/T 0031 seal */
    o.time = AT_2021;
    assert_int_equal(sc_ses_signature_make(&der, f->v1, f->key, f->cert, "x", 1, &o),
                     SC_EUNSUPPORTED);
    /* propertyInfo must be an IA5String */
    o.property_info = "签章";
    assert_int_equal(sc_ses_signature_make(&der, f->v4, f->key, f->cert, "x", 1, &o), SC_EINVALID);
    assert_null(der.ptr);
}

/* A certificate that is listed but expired at the signing time is refused too. */
static void test_ses_signature_make__expired_certificate(void **state)
{
    fixture *f = *state;
    sc_seal_make_options mo = SC_SEAL_MAKE_OPTIONS_INIT;
    sc_ses_sign_options o = SC_SES_SIGN_OPTIONS_INIT;
    sc_key *maker_key = NULL;
    sc_cert *maker = NULL;
    sc_seal *seal = NULL;
    sc_buf png = sctest_read(sctest_sample(KEYS "StampImg.png")), der = SC_BUF_INIT;
    const sc_cert *signers[] = {f->cert};

    sc_assert_ok(sc_key_read_file(&maker_key, sctest_sample(KEYS "sealbuilder_key.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&maker, sctest_sample(KEYS "sealbuilder_cert.pem"), NULL));
    mo.esid = "test-expired";
    mo.name = "测试章";
    mo.signer_certs = signers;
    mo.signer_cert_count = 1;
    mo.create_date = AT_2021;
    mo.valid_start = AT_2021;
    mo.valid_end = AT_2023 + 86400 * 365;
    mo.picture_type = "png";
    mo.picture = png.ptr;
    mo.picture_size = png.size;
    sc_assert_ok(sc_seal_make(&seal, maker_key, maker, &mo));
    o.time = AT_2023; /* the seal is valid, USER's certificate (to 2022-04-21) is not */
    assert_int_equal(sc_ses_signature_make(&der, seal, f->key, f->cert, "x", 1, &o), SC_EINVALID);
    assert_non_null(strstr(sc_error_last()->message, "cert: \"CN=Test Certificate"));
    o.time = AT_2021;
    sc_assert_ok(sc_ses_signature_make(&der, seal, f->key, f->cert, "x", 1, &o));
    sc_buf_dispose(&der);
    sc_buf_dispose(&png);
    sc_seal_free(seal);
    sc_cert_free(maker);
    sc_key_free(maker_key);
}

static fixture *oom_f;

static int make_roundtrip(void *payload)
{
    sc_ses_sign_options o = SC_SES_SIGN_OPTIONS_INIT;
    sc_buf der = SC_BUF_INIT;
    sc_ses_signature *sig = NULL;
    int error;
    (void)payload;
    o.time = AT_2021;
    o.property_info = "/Doc_0/Signs/Sign_0/Signature.xml";
    if ((error = sc_ses_signature_make(&der, oom_f->v4, oom_f->key, oom_f->cert, "x", 1, &o)) == 0)
        error = sc_ses_signature_parse(&sig, der.ptr, der.size);
    sc_ses_signature_free(sig);
    sc_buf_dispose(&der);
    return error;
}

static void test_ses_signature_make__oom(void **state)
{
    oom_f = *state;
    sctest_oom_loop(make_roundtrip, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ses_signature_make__roundtrip),
        cmocka_unit_test(test_ses_signature_make__cached_seal_digest),
        cmocka_unit_test(test_ses_signature_make__refusals),
        cmocka_unit_test(test_ses_signature_make__expired_certificate),
        cmocka_unit_test(test_ses_signature_make__oom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
