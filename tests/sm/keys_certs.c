/* lib/sm: reading keys and certificates (PEM, DER, PKCS#12), issuing, trust and chains. */
#include "common/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define KEYS "ofdrw/keys/"

static void test_sm_keys__sample_pem_and_pkcs12(void **state)
{
    sc_key *user = NULL, *p12key = NULL;
    sc_cert *cert = NULL, *p12cert = NULL;
    sc_buf sig = SC_BUF_INIT;
    int valid;
    (void)state;
    sc_assert_ok(sc_key_read_file(&user, sctest_sample(KEYS "user_key.pem"), NULL));
    assert_true(sc_key_has_private(user));
    sc_assert_ok(sc_cert_read_file(&cert, sctest_sample(KEYS "user_cert.pem"), NULL));
    assert_true(sc_key_equal_public(user, sc_cert_key(cert)));
    assert_string_equal(sc_cert_serial(cert), "01719D2DAB60");
    assert_non_null(strstr(sc_cert_subject(cert), "CN=Test Certificate"));
    assert_string_equal(sc_cert_sig_alg(cert), SC_OID_SM2_WITH_SM3);

    /* USER.p12 uses legacy PBE (3DES/RC2-40): needs OpenSSL's legacy provider. */
    sc_assert_ok(sc_key_read_file(&p12key, sctest_sample(KEYS "USER.p12"), "777777"));
    sc_assert_ok(sc_cert_read_file(&p12cert, sctest_sample(KEYS "USER.p12"), "777777"));
    assert_true(sc_key_equal_public(p12key, user));
    assert_true(sc_cert_equal(p12cert, cert));
    sc_assert_ok(sc_sm2_sign(&sig, p12key, "x", 1));
    sc_assert_ok(sc_sm2_verify(&valid, NULL, sc_cert_key(cert), "x", 1, sig.ptr, sig.size));
    assert_int_equal(valid, 1);
    sc_key_free(user);
    sc_key_free(p12key);
    sc_cert_free(cert);
    sc_cert_free(p12cert);
    sc_buf_dispose(&sig);
}

static void test_sm_keys__password_errors(void **state)
{
    sc_key *key = NULL;
    sc_buf pem = SC_BUF_INIT;
    (void)state;
    assert_int_equal(sc_key_read_file(&key, sctest_sample(KEYS "USER.p12"), "wrong"), SC_EPASSWORD);
    assert_non_null(strstr(sc_error_last()->message, "wrong password"));
    assert_int_equal(sc_key_read_file(&key, sctest_sample(KEYS "USER.p12"), NULL), SC_EPASSWORD);
    assert_null(key);

    /* encrypted PKCS#8 (SM4-CBC) round trip */
    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_key_write_pem(&pem, key, "s3cret"));
    assert_non_null(strstr((char *)pem.ptr, "ENCRYPTED PRIVATE KEY"));
    sc_key *back = NULL;
    sc_assert_ok(sc_key_parse(&back, pem.ptr, pem.size, "s3cret"));
    assert_true(sc_key_equal_public(back, key));
    sc_key_free(back);
    back = NULL;
    assert_int_equal(sc_key_parse(&back, pem.ptr, pem.size, "nope"), SC_EPASSWORD);
    assert_int_equal(sc_key_parse(&back, pem.ptr, pem.size, NULL), SC_EPASSWORD);
    assert_non_null(strstr(sc_error_last()->message, "password"));
    assert_int_equal(sc_key_parse(&back, "garbage", 7, NULL), SC_EFORMAT);
    assert_int_equal(sc_key_parse(&back, "", 0, NULL), SC_EFORMAT);
    sc_key_free(key);
    sc_buf_dispose(&pem);
}

static void test_sm_keys__public_only_and_der(void **state)
{
    sc_key *key = NULL, *pub = NULL;
    sc_buf pem = SC_BUF_INIT;
    (void)state;
    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_key_write_public_pem(&pem, key));
    sc_assert_ok(sc_key_parse(&pub, pem.ptr, pem.size, NULL));
    assert_false(sc_key_has_private(pub));
    assert_true(sc_key_equal_public(pub, key));
    sc_buf sig = SC_BUF_INIT;
    assert_int_equal(sc_sm2_sign(&sig, pub, "x", 1), SC_EINVALID);
    assert_int_equal(sc_key_write_pem(&pem, pub, NULL), SC_EINVALID);
    sc_key_free(key);
    sc_key_free(pub);
    sc_buf_dispose(&pem);
}

static void test_sm_certs__sample_chain(void **state)
{
    sc_cert *root = NULL, *user = NULL, *maker = NULL;
    sc_trust *trust = NULL;
    sc_chain_result res;
    sc_time at;
    int valid;
    (void)state;
    sc_assert_ok(sc_cert_read_file(&root, sctest_sample(KEYS "root_cert.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&user, sctest_sample(KEYS "user_cert.pem"), NULL));
    sc_assert_ok(sc_cert_read_file(&maker, sctest_sample(KEYS "sealbuilder_cert.pem"), NULL));
    /* The ofdrw root signed both (SM2 with the default ID)... */
    sc_assert_ok(sc_cert_check_signature(&valid, user, root));
    assert_int_equal(valid, 1);
    sc_assert_ok(sc_cert_check_signature(&valid, maker, root));
    assert_int_equal(valid, 1);
    sc_assert_ok(sc_cert_check_signature(&valid, user, maker));
    assert_int_equal(valid, 0);
    /* ...but its keyUsage lacks keyCertSign, so strict path validation refuses it, inside the
     * validity period as well as after it. */
    const sc_cert *anchors[] = {root};
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    sc_assert_ok(sc_time_parse(&at, "2021-06-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, user, trust, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_FAIL);
    if (!strstr(res.message, "certificate signing"))
        fail_msg("chain message: %s", res.message);
    assert_int_equal(sc_cert_not_after(user) - sc_cert_not_before(user), 2 * 365 * 86400);
    sc_trust_free(trust);
    sc_cert_free(root);
    sc_cert_free(user);
    sc_cert_free(maker);
}

/* Issue a root, a seal maker and a signer; check profiles, chain at several times, and that the
 * OpenSSL CLI accepts the chain with the SM2 ID. */
static void test_sm_certs__issue_and_chain(void **state)
{
    sc_key *rk = NULL, *mk = NULL, *other_k = NULL;
    sc_cert *root = NULL, *maker = NULL, *other = NULL, *back = NULL;
    sc_trust *trust = NULL, *wrong = NULL;
    sc_cert_issue_options o = SC_CERT_ISSUE_OPTIONS_INIT;
    sc_chain_result res;
    sc_buf pem = SC_BUF_INIT;
    static const unsigned char serial[] = {0x01, 0x02};
    (void)state;

    sc_assert_ok(sc_key_generate(&rk));
    sc_assert_ok(sc_key_generate(&mk));
    sc_assert_ok(sc_key_generate(&other_k));
    o.profile = SC_CERT_ROOT_CA;
    o.subject = "CN=sealcert 测试根 CA,O=sealcert,C=CN";
    sc_assert_ok(sc_time_parse(&o.not_before, "2026-01-01"));
    sc_assert_ok(sc_time_parse(&o.not_after, "2036-01-01"));
    sc_assert_ok(sc_cert_issue(&root, rk, rk, NULL, &o));
    assert_string_equal(sc_cert_subject(root), "CN=sealcert 测试根 CA,O=sealcert,C=CN");
    assert_string_equal(sc_cert_issuer(root), sc_cert_subject(root));
    sc_assert_ok(sc_cert_issue(&other, other_k, other_k, NULL, &o));

    o.profile = SC_CERT_SEAL_MAKER;
    o.subject = "/C=CN/O=某某计量院/CN=制章人";
    o.serial = serial;
    o.serial_len = sizeof(serial);
    sc_assert_ok(sc_time_parse(&o.not_after, "2028-01-01"));
    sc_assert_ok(sc_cert_issue(&maker, mk, rk, root, &o));
    assert_string_equal(sc_cert_subject(maker), "CN=制章人,O=某某计量院,C=CN");
    assert_string_equal(sc_cert_serial(maker), "0102");

    const sc_cert *anchors[] = {root}, *wrong_anchors[] = {other};
    sc_assert_ok(sc_trust_new(&trust, anchors, 1));
    sc_assert_ok(sc_trust_new(&wrong, wrong_anchors, 1));
    sc_time at;
    sc_assert_ok(sc_time_parse(&at, "2027-01-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, maker, trust, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_OK);
    sc_assert_ok(sc_time_parse(&at, "2029-01-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, maker, trust, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_FAIL);
    assert_non_null(strstr(res.message, "expired"));
    sc_assert_ok(sc_time_parse(&at, "2027-01-01"));
    sc_assert_ok(sc_cert_verify_chain(&res, maker, wrong, NULL, 0, at));
    assert_int_equal(res.status, SC_STATUS_UNTRUSTED);

    /* PEM round trip, then `openssl verify` with the SM2 ID */
    sc_assert_ok(sc_cert_write_pem(&pem, maker));
    sc_assert_ok(sc_cert_parse(&back, pem.ptr, pem.size));
    assert_true(sc_cert_equal(back, maker));
    const char *mf = sctest_tmp("maker.pem"), *rf = sctest_tmp("root.pem");
    sc_assert_ok(sc_fs_write_atomic(mf, pem.ptr, pem.size, true, 0644));
    sc_assert_ok(sc_cert_write_pem(&pem, root));
    sc_assert_ok(sc_fs_write_atomic(rf, pem.ptr, pem.size, true, 0644));
    char cmd[2048];
    snprintf(cmd, sizeof(cmd),
             "openssl verify -attime %lld -vfyopt distid:1234567812345678 -CAfile %s %s "
             ">/dev/null 2>&1",
             (long long)at, rf, mf);
    assert_int_equal(system(cmd), 0);

    /* misuse */
    o.subject = "no equals sign";
    sc_cert *bad = NULL;
    assert_int_equal(sc_cert_issue(&bad, mk, rk, root, &o), SC_EINVALID);
    o.subject = "CN=x";
    assert_int_equal(sc_cert_issue(&bad, mk, mk, root, &o), SC_EINVALID); /* key != issuer's */
    o.not_after = o.not_before;
    assert_int_equal(sc_cert_issue(&bad, mk, rk, root, &o), SC_EINVALID);
    assert_null(bad);

    sc_trust_free(trust);
    sc_trust_free(wrong);
    sc_cert_free(root);
    sc_cert_free(maker);
    sc_cert_free(other);
    sc_cert_free(back);
    sc_key_free(rk);
    sc_key_free(mk);
    sc_key_free(other_k);
    sc_buf_dispose(&pem);
}

static void test_sm_certs__bad_input(void **state)
{
    sc_cert *c = NULL;
    sc_trust *t = NULL;
    sc_buf der = SC_BUF_INIT;
    (void)state;
    assert_int_equal(sc_cert_parse(&c, "junk", 4), SC_EFORMAT);
    assert_int_equal(sc_cert_parse(&c, "-----BEGIN CERTIFICATE-----\nAA\n", 31), SC_EFORMAT);
    der = sctest_read(sctest_sample("ofdrw/keys/user_cert.pem"));
    sc_assert_ok(sc_cert_parse(&c, der.ptr, der.size));
    size_t len;
    const unsigned char *p = sc_cert_der(c, &len);
    unsigned char *copy = malloc(len + 1);
    memcpy(copy, p, len);
    copy[len] = 0;
    sc_cert *c2 = NULL;
    assert_int_equal(sc_cert_parse(&c2, copy, len + 1), SC_EFORMAT); /* trailing byte */
    assert_non_null(strstr(sc_error_last()->message, "trailing"));
    for (size_t cut = 1; cut < len; cut += 37)
        assert_int_equal(sc_cert_parse(&c2, copy, cut), SC_EFORMAT);
    free(copy);
    assert_int_equal(sc_trust_load_dir(&t, "/nonexistent"), SC_ENOTFOUND);
    sc_assert_ok(sc_trust_load_dir(&t, sctest_sample("ofdrw/keys")));
    assert_true(sc_trust_count(t) >= 4); /* the PEM certificates; keys and p12 skipped */
    sc_trust_free(t);
    sc_cert_free(c);
    sc_buf_dispose(&der);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_keys__sample_pem_and_pkcs12),
        cmocka_unit_test(test_sm_keys__password_errors),
        cmocka_unit_test(test_sm_keys__public_only_and_der),
        cmocka_unit_test(test_sm_certs__sample_chain),
        cmocka_unit_test(test_sm_certs__issue_and_chain),
        cmocka_unit_test(test_sm_certs__bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
