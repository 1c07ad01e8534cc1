/* lib/sm/sm2_fast.c: the constant-time SM2 signer against the standard's example and OpenSSL. */
#include "common/test.h"

#include <stdio.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "sm/sm_int.h"

static const char *const sm2_n_hex =
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123";

static BIGNUM *bn(const char *hex)
{
    BIGNUM *b = NULL;
    assert_true(BN_hex2bn(&b, hex) > 0);
    return b;
}

static void put_bn(unsigned char out[32], const BIGNUM *b)
{
    assert_int_equal(BN_bn2binpad(b, out, 32), 32);
}

/* (x, y) = k G with OpenSSL's own arithmetic. */
static void openssl_base_mul(unsigned char xy[64], const EC_GROUP *group, const BIGNUM *k)
{
    EC_POINT *p = EC_POINT_new(group);
    BIGNUM *x = BN_new(), *y = BN_new();
    assert_true(p && x && y);
    assert_int_equal(EC_POINT_mul(group, p, k, NULL, NULL, NULL), 1);
    assert_int_equal(EC_POINT_get_affine_coordinates(group, p, x, y, NULL), 1);
    put_bn(xy, x);
    put_bn(xy + 32, y);
    EC_POINT_free(p);
    BN_free(x);
    BN_free(y);
}

/* An sc_key for the private scalar d, its public point computed by OpenSSL. */
static sc_key *key_for(const EC_GROUP *group, const BIGNUM *d)
{
    unsigned char pub[65];
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
    EVP_PKEY *pkey = NULL;
    sc_key *key = NULL;
    pub[0] = 0x04;
    openssl_base_mul(pub + 1, group, d);
    assert_true(bld && ctx);
    assert_int_equal(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65), 1);
    assert_non_null(params = OSSL_PARAM_BLD_to_param(bld));
    assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
    assert_int_equal(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params), 1);
    sc_assert_ok(sc_sm__key_wrap(&key, pkey));
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return key;
}

/* e = SM3(Z_A || M) with the default ID. */
static void digest(unsigned char e[32], const sc_key *key, const void *msg, size_t len)
{
    sc_sm3_ctx *c = NULL;
    sc_assert_ok(sc_sm3_new(&c));
    sc_assert_ok(sc_sm3_update(c, key->z, sizeof(key->z)));
    sc_assert_ok(sc_sm3_update(c, msg, len));
    sc_assert_ok(sc_sm3_final(e, c));
    sc_sm3_free(c);
}

/* The example of GM/T 0003.5 / GB/T 32918 on the recommended curve with the default ID
 * "1234567812345678": key, k, message "message digest" and the printed (r, s). */
static void test_sm_sm2_fast__standard_example(void **state)
{
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_sm2);
    BIGNUM *d = bn("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8");
    sc_buf k = sctest_hex("59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21");
    sc_buf want = sctest_hex("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                             "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA");
    sc_buf pub = sctest_hex("09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
                            "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13");
    unsigned char e[32], rs[64], xy[64], dbe[32];
    sc_buf der = SC_BUF_INIT;
    sc_key *key;
    int valid = 0;
    (void)state;
    assert_non_null(group);
    key = key_for(group, d);
    assert_non_null(key->fast);
    /* the public key: d G by our comb equals the example's */
    put_bn(dbe, d);
    sc_sm__sm2_base_mul(xy, xy + 32, dbe);
    assert_memory_equal(xy, pub.ptr, 64);
    digest(e, key, "message digest", 14);
    assert_int_equal(sc_sm__sm2_fast_sign_k(rs, key->fast, e, k.ptr), 1);
    assert_memory_equal(rs, want.ptr, 64);
    sc_assert_ok(sc_sm2_sig_from_raw(&der, rs));
    sc_assert_ok(sc_sm2_verify(&valid, NULL, key, "message digest", 14, der.ptr, der.size));
    assert_int_equal(valid, 1);
    sc_key_free(key);
    sc_buf_dispose(&der);
    sc_buf_dispose(&k);
    sc_buf_dispose(&want);
    sc_buf_dispose(&pub);
    BN_free(d);
    EC_GROUP_free(group);
}

/* k G equals OpenSSL's for every single digit in every window, the ends of the range and
 * random scalars. */
static void test_sm_sm2_fast__base_mul_matches_openssl(void **state)
{
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_sm2);
    BIGNUM *n = bn(sm2_n_hex), *k = BN_new();
    unsigned char kb[32], ours[64], theirs[64];
    int count = 0;
    (void)state;
    assert_true(group && k);
    for (int c = 0; c < 64 * 15 + 8 + 200; c++) {
        if (c < 64 * 15) { /* digit (c % 15 + 1) at window c / 15, the other digits zero */
            BN_set_word(k, (BN_ULONG)(c % 15 + 1));
            BN_lshift(k, k, 4 * (c / 15));
            if (BN_cmp(k, n) >= 0)
                continue;             /* 15 * 16^63 > n - 1 */
        } else if (c < 64 * 15 + 8) { /* 1, 2, n - 1, n - 2, n - 16, 2^255, 2^256 - n, 16^63 */
            static const char *const ends[] = {
                "1",
                "2",
                "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54122",
                "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54121",
                "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54113",
                "8000000000000000000000000000000000000000000000000000000000000000",
                "10000000000000000000000008DFC2094DE39FAD4AC440BF6C62ABEDD",
                "1000000000000000000000000000000000000000000000000000000000000000"};
            BN_free(k);
            k = bn(ends[c - 64 * 15]);
        } else {
            assert_int_equal(BN_rand_range(k, n), 1);
            if (BN_is_zero(k))
                continue;
        }
        put_bn(kb, k);
        sc_sm__sm2_base_mul(ours, ours + 32, kb);
        openssl_base_mul(theirs, group, k);
        if (memcmp(ours, theirs, 64) != 0)
            fail_msg("k G differs from OpenSSL's for k = %s", BN_bn2hex(k));
        count++;
    }
    assert_true(count > 1100);
    BN_free(k);
    BN_free(n);
    EC_GROUP_free(group);
}

/* Signatures made with random k verify with OpenSSL, for random keys and the extreme keys
 * 1 and n - 2; wrong messages do not. */
static void test_sm_sm2_fast__openssl_verifies(void **state)
{
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_sm2);
    BIGNUM *n = bn(sm2_n_hex), *d = BN_new();
    sc_buf sig = SC_BUF_INIT;
    (void)state;
    assert_true(group && d);
    for (int i = 0; i < 24; i++) {
        sc_key *key;
        unsigned char msg[100];
        int valid = 0;
        if (i == 0)
            BN_one(d);
        else if (i == 1)
            BN_sub(d, n, BN_value_one()), BN_sub(d, d, BN_value_one());
        else
            assert_int_equal(BN_rand_range(d, n), 1), BN_add_word(d, 1);
        if (BN_cmp(d, n) >= 0)
            continue;
        key = key_for(group, d);
        assert_non_null(key->fast);
        for (int j = 0; j < 8; j++) {
            assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
            sc_assert_ok(sc_sm2_sign(&sig, key, msg, sizeof(msg) - (size_t)j));
            sc_assert_ok(
                sc_sm2_verify(&valid, NULL, key, msg, sizeof(msg) - (size_t)j, sig.ptr, sig.size));
            assert_int_equal(valid, 1);
            msg[0] ^= 1;
            sc_assert_ok(
                sc_sm2_verify(&valid, NULL, key, msg, sizeof(msg) - (size_t)j, sig.ptr, sig.size));
            assert_int_equal(valid, 0);
        }
        sc_key_free(key);
    }
    sc_buf_dispose(&sig);
    BN_free(d);
    BN_free(n);
    EC_GROUP_free(group);
}

/* A key whose scalar is unreadable (a token's) has no fast part and signs through OpenSSL; the
 * two signers' signatures verify alike. */
static void test_sm_sm2_fast__provider_path(void **state)
{
    sc_key *key = NULL;
    sc_sm__sm2_fast *fast;
    sc_buf sig = SC_BUF_INIT;
    int valid = 0;
    (void)state;
    sc_assert_ok(sc_key_generate(&key));
    assert_non_null(fast = key->fast);
    key->fast = NULL;
    sc_assert_ok(sc_sm2_sign(&sig, key, "abc", 3));
    key->fast = fast;
    sc_assert_ok(sc_sm2_verify(&valid, NULL, key, "abc", 3, sig.ptr, sig.size));
    assert_int_equal(valid, 1);
    sc_key_free(key);
    sc_buf_dispose(&sig);
}

/* Keys outside [1, n - 2] and k outside [1, n - 1] are refused. */
static void test_sm_sm2_fast__ranges(void **state)
{
    static const char *const bad[] = {
        "0", "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54122",
        "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"};
    unsigned char d[32], e[32] = {1}, rs[64];
    sc_sm__sm2_fast *f = NULL;
    BIGNUM *b;
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        b = BN_new();
        assert_true(BN_hex2bn(&b, bad[i]) > 0);
        put_bn(d, b);
        BN_free(b);
        assert_int_equal(sc_sm__sm2_fast_new(&f, d), SC_EINVALID);
        assert_null(f);
    }
    memset(d, 0, 32);
    d[31] = 7;
    sc_assert_ok(sc_sm__sm2_fast_new(&f, d));
    memset(d, 0, 32); /* k = 0 */
    assert_int_equal(sc_sm__sm2_fast_sign_k(rs, f, e, d), 0);
    b = bn(sm2_n_hex); /* k = n */
    put_bn(d, b);
    BN_free(b);
    assert_int_equal(sc_sm__sm2_fast_sign_k(rs, f, e, d), 0);
    sc_sm__sm2_fast_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_sm2_fast__standard_example),
        cmocka_unit_test(test_sm_sm2_fast__base_mul_matches_openssl),
        cmocka_unit_test(test_sm_sm2_fast__openssl_verifies),
        cmocka_unit_test(test_sm_sm2_fast__provider_path),
        cmocka_unit_test(test_sm_sm2_fast__ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
