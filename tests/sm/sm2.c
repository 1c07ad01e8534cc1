/* lib/sm: SM2 signatures: the GB/T 32918.2 example, round trips, encodings, OpenSSL CLI. */
#include "common/test.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "sm/sm_int.h"

/* GB/T 32918.2-2016 Annex A.2: the example curve Fp-256 (not the recommended curve), user ID
 * "ALICE123@YAHOO.COM", message "message digest", and the signature (r, s) printed there. */
static const char *const ex_p = "8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3";
static const char *const ex_a = "787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498";
static const char *const ex_b = "63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A";
static const char *const ex_g = "04421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"
                                "0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2";
static const char *const ex_n = "8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7";
static const char *const ex_pub =
    "040AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A"
    "7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857";
static const char *const ex_rs = "40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1"
                                 "6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7";

static BIGNUM *bn(const char *hex)
{
    BIGNUM *b = NULL;
    assert_true(BN_hex2bn(&b, hex) > 0);
    return b;
}

static void put_bn(unsigned char *out, const BIGNUM *b)
{
    assert_int_equal(BN_bn2binpad(b, out, 32), 32);
}

/* OpenSSL's SM2 key type accepts only the recommended curve, so the example (on its own curve) is
 * checked step by step as clause 7 of GB/T 32918.2 describes: Z_A and e with our SM3, then
 * R = (e + x1) mod n with (x1, y1) = [s]G + [t]P_A, t = (r + s) mod n. The intermediate values
 * Z_A and e are the ones printed in Annex A.2. */
static void test_sm_sm2__standard_example_verifies(void **state)
{
    static const char id[] = "ALICE123@YAHOO.COM", msg[] = "message digest";
    BN_CTX *bnctx = BN_CTX_new();
    BIGNUM *p = bn(ex_p), *a = bn(ex_a), *b = bn(ex_b), *n = bn(ex_n), *r, *s, *t, *e, *x1, *big_r;
    sc_buf g = sctest_hex(ex_g), pub = sctest_hex(ex_pub), rs = sctest_hex(ex_rs);
    unsigned char za_in[2 + sizeof(id) - 1 + 6 * 32], za[32], e_in[32 + sizeof(msg) - 1], dig[32];
    EC_GROUP *group;
    EC_POINT *gp, *pa, *pt;
    size_t off = 0;
    (void)state;

    assert_non_null(group = EC_GROUP_new_curve_GFp(p, a, b, bnctx));
    gp = EC_POINT_new(group);
    pa = EC_POINT_new(group);
    pt = EC_POINT_new(group);
    assert_true(EC_POINT_oct2point(group, gp, g.ptr, g.size, bnctx));
    assert_true(EC_GROUP_set_generator(group, gp, n, BN_value_one()));
    assert_true(EC_POINT_oct2point(group, pa, pub.ptr, pub.size, bnctx));

    /* Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A) */
    za_in[off++] = (unsigned char)(((sizeof(id) - 1) * 8) >> 8);
    za_in[off++] = (unsigned char)((sizeof(id) - 1) * 8);
    memcpy(za_in + off, id, sizeof(id) - 1);
    off += sizeof(id) - 1;
    put_bn(za_in + off, a);
    put_bn(za_in + off + 32, b);
    memcpy(za_in + off + 64, g.ptr + 1, 64);
    memcpy(za_in + off + 128, pub.ptr + 1, 64);
    sc_assert_ok(sc_sm3(za, za_in, sizeof(za_in)));
    sc_buf want_za = sctest_hex("F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A");
    assert_memory_equal(za, want_za.ptr, 32);

    /* e = SM3(Z_A || M) */
    memcpy(e_in, za, 32);
    memcpy(e_in + 32, msg, sizeof(msg) - 1);
    sc_assert_ok(sc_sm3(dig, e_in, sizeof(e_in)));
    sc_buf want_e = sctest_hex("B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76");
    assert_memory_equal(dig, want_e.ptr, 32);

    r = BN_bin2bn(rs.ptr, 32, NULL);
    s = BN_bin2bn(rs.ptr + 32, 32, NULL);
    e = BN_bin2bn(dig, 32, NULL);
    t = BN_new();
    x1 = BN_new();
    big_r = BN_new();
    assert_true(BN_mod_add(t, r, s, n, bnctx));
    assert_false(BN_is_zero(t));
    assert_true(EC_POINT_mul(group, pt, s, pa, t, bnctx)); /* [s]G + [t]P_A */
    assert_true(EC_POINT_get_affine_coordinates(group, pt, x1, NULL, bnctx));
    assert_true(BN_mod_add(big_r, e, x1, n, bnctx));
    assert_int_equal(BN_cmp(big_r, r), 0);
    /* one bit of the message off: R != r */
    dig[31] ^= 1;
    BN_bin2bn(dig, 32, e);
    assert_true(BN_mod_add(big_r, e, x1, n, bnctx));
    assert_int_not_equal(BN_cmp(big_r, r), 0);

    BN_free(p);
    BN_free(a);
    BN_free(b);
    BN_free(n);
    BN_free(r);
    BN_free(s);
    BN_free(t);
    BN_free(e);
    BN_free(x1);
    BN_free(big_r);
    EC_POINT_free(gp);
    EC_POINT_free(pa);
    EC_POINT_free(pt);
    EC_GROUP_free(group);
    BN_CTX_free(bnctx);
    sc_buf_dispose(&g);
    sc_buf_dispose(&pub);
    sc_buf_dispose(&rs);
    sc_buf_dispose(&want_za);
    sc_buf_dispose(&want_e);
}

/* sc_sm2_sign() puts the default ID into Z: verifying with another ID must fail. (Signatures of
 * other implementations on the recommended curve are checked with the sample seals in tests/ses
 * and with the OpenSSL CLI below.) */
static void test_sm_sm2__custom_id(void **state)
{
    sc_key *key = NULL;
    sc_buf sig = SC_BUF_INIT;
    int valid;
    (void)state;
    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_sm2_sign(&sig, key, "m", 1));
    sc_assert_ok(
        sc_sm__verify_with_id(&valid, NULL, key, SC_SM2_DEFAULT_ID, 16, "m", 1, sig.ptr, sig.size));
    assert_int_equal(valid, 1);
    sc_assert_ok(sc_sm__verify_with_id(&valid, NULL, key, "ALICE123@YAHOO.COM", 18, "m", 1, sig.ptr,
                                       sig.size));
    assert_int_equal(valid, 0);
    sc_key_free(key);
    sc_buf_dispose(&sig);
}

static void test_sm_sm2__sign_verify_forms(void **state)
{
    sc_key *key = NULL, *other = NULL;
    sc_buf sig = SC_BUF_INIT, der = SC_BUF_INIT;
    unsigned char rs[64], lenient[72];
    sc_sm2_sig_form form;
    int valid;
    (void)state;
    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_key_generate(&other));
    assert_true(sc_key_has_private(key));
    sc_assert_ok(sc_sm2_sign(&sig, key, "hello", 5));
    assert_true(sig.size >= 8 && sig.size <= SC_SM2_MAX_SIG_LEN);
    sc_assert_ok(sc_sm2_verify(&valid, &form, key, "hello", 5, sig.ptr, sig.size));
    assert_int_equal(valid, 1);
    assert_int_equal(form, SC_SM2_SIG_DER);
    sc_assert_ok(sc_sm2_verify(&valid, NULL, key, "hellO", 5, sig.ptr, sig.size));
    assert_int_equal(valid, 0);
    sc_assert_ok(sc_sm2_verify(&valid, NULL, other, "hello", 5, sig.ptr, sig.size));
    assert_int_equal(valid, 0);

    /* raw r||s */
    sc_assert_ok(sc_sm2_sig_to_raw(rs, &form, sig.ptr, sig.size));
    sc_assert_ok(sc_sm2_verify(&valid, &form, key, "hello", 5, rs, 64));
    assert_int_equal(valid, 1);
    assert_int_equal(form, SC_SM2_SIG_RAW);
    sc_assert_ok(sc_sm2_sig_from_raw(&der, rs));
    assert_int_equal(der.size, sig.size);
    assert_memory_equal(der.ptr, sig.ptr, sig.size);

    /* DianJu: 32-byte INTEGERs without the 0x00 pad even when the top bit is set. */
    lenient[0] = 0x30;
    lenient[1] = 68;
    lenient[2] = 0x02;
    lenient[3] = 32;
    memcpy(lenient + 4, rs, 32);
    lenient[36] = 0x02;
    lenient[37] = 32;
    memcpy(lenient + 38, rs + 32, 32);
    sc_assert_ok(sc_sm2_verify(&valid, &form, key, "hello", 5, lenient, 70));
    assert_int_equal(valid, 1);
    assert_int_equal(form, (rs[0] & 0x80) || (rs[32] & 0x80) || !rs[0] || !rs[32]
                               ? SC_SM2_SIG_DER_LENIENT
                               : SC_SM2_SIG_DER);

    /* undecodable values are "not valid", not an error */
    sc_assert_ok(sc_sm2_verify(&valid, NULL, key, "hello", 5, sig.ptr, sig.size - 1));
    assert_int_equal(valid, 0);
    assert_int_equal(sc_sm2_sig_to_raw(rs, NULL, (const unsigned char *)"\x30\x00", 2), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "r||s"));
    sc_key_free(key);
    sc_key_free(other);
    sc_buf_dispose(&sig);
    sc_buf_dispose(&der);
}

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void write_file(const char *path, const void *p, size_t n)
{
    sc_assert_ok(sc_fs_write_atomic(path, p, n, true, 0600));
}

/* Interoperability: our signatures verify with `openssl pkeyutl -pkeyopt distid:...`, and the
 * CLI's verify with ours. */
/* A kept prefix state signs prefix || rest exactly as sc_sm2_sign does (the verifier hashes the
 * whole message), copies of it sign many messages, and it refuses another key and reuse. */
static void test_sm_sm2__prefix_state(void **state)
{
    (void)state;
    sc_key *key = NULL, *other = NULL;
    sc_sm3_ctx *st = NULL, *copy = NULL;
    sc_buf sig = SC_BUF_INIT;
    static const char msg[] = "TBS_Sign: a long seal first, then the time and the data hash";
    size_t cut = 26;
    int ok = 0;

    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_key_generate(&other));
    sc_assert_ok(sc_sm2_prefix_new(&st, key, msg, cut));
    assert_int_equal(sc_sm2_prefix_is_for(st, key), 1);
    assert_int_equal(sc_sm2_prefix_is_for(st, other), 0);
    for (int i = 0; i < 2; i++) {
        sc_assert_ok(sc_sm3_dup(&copy, st));
        sc_assert_ok(sc_sm2_sign_prefixed(&sig, key, copy, msg + cut, sizeof(msg) - 1 - cut));
        sc_assert_ok(sc_sm2_verify(&ok, NULL, key, msg, sizeof(msg) - 1, sig.ptr, sig.size));
        assert_int_equal(ok, 1);
        assert_int_equal(sc_sm2_sign_prefixed(&sig, key, copy, "x", 1), SC_EINVALID);
        sc_sm3_free(copy);
        copy = NULL;
    }
    assert_int_equal(sc_sm2_sign_prefixed(&sig, other, st, "x", 1), SC_EINVALID);
    sc_sm3_free(st);
    sc_key_free(key);
    sc_key_free(other);
    sc_buf_dispose(&sig);
}

static void test_sm_sm2__openssl_cli_cross_check(void **state)
{
    const char *keyf = sctest_tmp("x.key"), *msgf = sctest_tmp("x.msg"),
               *sigf = sctest_tmp("x.sig"), *sig2f = sctest_tmp("x2.sig");
    sc_key *key = NULL;
    sc_buf pem = SC_BUF_INIT, sig = SC_BUF_INIT, sig2 = SC_BUF_INIT;
    char cmd[2048];
    int valid;
    (void)state;
    sc_assert_ok(sc_key_generate(&key));
    sc_assert_ok(sc_key_write_pem(&pem, key, NULL));
    write_file(keyf, pem.ptr, pem.size);
    write_file(msgf, "interop", 7);
    sc_assert_ok(sc_sm2_sign(&sig, key, "interop", 7));
    write_file(sigf, sig.ptr, sig.size);
    snprintf(cmd, sizeof(cmd),
             "openssl pkeyutl -verify -inkey %s -rawin -digest sm3 -pkeyopt "
             "distid:1234567812345678 -in %s -sigfile %s >/dev/null 2>&1",
             keyf, msgf, sigf);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof(cmd),
             "openssl pkeyutl -sign -inkey %s -rawin -digest sm3 -pkeyopt "
             "distid:1234567812345678 -in %s -out %s 2>/dev/null",
             keyf, msgf, sig2f);
    assert_int_equal(run(cmd), 0);
    sig2 = sctest_read(sig2f);
    sc_assert_ok(sc_sm2_verify(&valid, NULL, key, "interop", 7, sig2.ptr, sig2.size));
    assert_int_equal(valid, 1);
    /* and OpenSSL's default empty ID would not verify: the pitfall this guards against */
    snprintf(cmd, sizeof(cmd),
             "openssl pkeyutl -verify -inkey %s -rawin -digest sm3 -in %s -sigfile %s "
             ">/dev/null 2>&1",
             keyf, msgf, sigf);
    assert_int_not_equal(run(cmd), 0);
    sc_key_free(key);
    sc_buf_dispose(&pem);
    sc_buf_dispose(&sig);
    sc_buf_dispose(&sig2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_sm2__standard_example_verifies),
        cmocka_unit_test(test_sm_sm2__custom_id),
        cmocka_unit_test(test_sm_sm2__sign_verify_forms),
        cmocka_unit_test(test_sm_sm2__prefix_state),
        cmocka_unit_test(test_sm_sm2__openssl_cli_cross_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
