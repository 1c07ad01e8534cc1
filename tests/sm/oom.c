/* lib/sm under allocation failure: each of our allocations fails in turn (tests/common). */
#include "common/test.h"

static sc_buf cert_pem, key_pem;

static int parse_cert_and_key(void *payload)
{
    sc_cert *cert = NULL;
    sc_key *key = NULL;
    int error;
    (void)payload;
    if ((error = sc_cert_parse(&cert, cert_pem.ptr, cert_pem.size)) == 0)
        error = sc_key_parse(&key, key_pem.ptr, key_pem.size, NULL);
    sc_cert_free(cert);
    sc_key_free(key);
    return error;
}

static int issue_and_chain(void *payload)
{
    sc_key *key = payload;
    sc_cert *root = NULL;
    sc_trust *trust = NULL;
    sc_chain_result res;
    sc_cert_issue_options o = SC_CERT_ISSUE_OPTIONS_INIT;
    int error;
    o.profile = SC_CERT_ROOT_CA;
    o.subject = "CN=oom,C=CN";
    if ((error = sc_cert_issue(&root, key, key, NULL, &o)) == 0 &&
        (error = sc_trust_new(&trust, (const sc_cert *const *)&root, 1)) == 0)
        error = sc_cert_verify_chain(&res, root, trust, NULL, 0, SC_TIME_NOW);
    sc_trust_free(trust);
    sc_cert_free(root);
    return error;
}

static int aead_roundtrip(void *payload)
{
    unsigned char k[32] = {1};
    sc_buf sealed = SC_BUF_INIT, plain = SC_BUF_INIT;
    int error;
    (void)payload;
    if ((error = sc_aead_seal(&sealed, k, "a", 1, "message", 7)) == 0)
        error = sc_aead_open(&plain, k, "a", 1, sealed.ptr, sealed.size);
    sc_buf_dispose(&sealed);
    sc_buf_dispose(&plain);
    return error;
}

static void test_sm_oom__parse(void **state)
{
    (void)state;
    cert_pem = sctest_read(sctest_sample("ofdrw/keys/user_cert.pem"));
    key_pem = sctest_read(sctest_sample("ofdrw/keys/user_key.pem"));
    sctest_oom_loop(parse_cert_and_key, NULL);
    sc_buf_dispose(&cert_pem);
    sc_buf_dispose(&key_pem);
}

static void test_sm_oom__issue_and_chain(void **state)
{
    sc_key *key = NULL;
    (void)state;
    sc_assert_ok(sc_key_generate(&key));
    sctest_oom_loop(issue_and_chain, key);
    sc_key_free(key);
}

static void test_sm_oom__aead(void **state)
{
    (void)state;
    sctest_oom_loop(aead_roundtrip, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_oom__parse),
        cmocka_unit_test(test_sm_oom__issue_and_chain),
        cmocka_unit_test(test_sm_oom__aead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
