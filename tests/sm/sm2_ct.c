/* lib/sm/sm2_fast.c in constant time, checked the ctgrind way: under valgrind's memcheck
 * (ctest sm/sm2_ct_valgrind) the secrets (k, the private key) are marked undefined, so any branch
 * or memory address that depends on them is reported as a use of an uninitialised value, and the
 * test fails. This executable carries its own sm2_fast.c built with SC_CT_VALIDATION, whose
 * CT_PUBLIC() points declassify what is public (a verdict, the published signature). Run
 * directly, the client requests do nothing and the results are still checked. */
#include "common/test.h"

#include <valgrind/memcheck.h>

#include "sm/sm_int.h"

/* k G for scalars whose every bit is secret: the comb (table reads, masks, additions) and the
 * inversion. The mod-n arithmetic of the signature uses the same field functions. */
static void test_sm_sm2_ct__base_mul_secret_scalar(void **state)
{
    static const char *const scalars[] = {
        "0000000000000000000000000000000000000000000000000000000000000001",
        "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21",
        "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54122",
        "0000000000000000F00000000000000000000000000000000000000000000000"};
    /* (x of) 1 G and the example's public key 3945208F... G is known; for the others, the
     * result must equal the same call with the scalar defined. */
    unsigned char x[32], y[32], x2[32], y2[32];
    (void)state;
    for (size_t i = 0; i < sizeof(scalars) / sizeof(*scalars); i++) {
        sc_buf k = sctest_hex(scalars[i]);
        sc_sm__sm2_base_mul(x2, y2, k.ptr); /* reference, scalar defined */
        VALGRIND_MAKE_MEM_UNDEFINED(k.ptr, 32);

        sc_sm__sm2_base_mul(x, y, k.ptr);
        /* the point is public once computed (r is published) */
        VALGRIND_MAKE_MEM_DEFINED(x, 32);
        VALGRIND_MAKE_MEM_DEFINED(y, 32);
        assert_memory_equal(x, x2, 32);
        assert_memory_equal(y, y2, 32);
        sc_buf_dispose(&k);
    }
    {
        sc_buf g = sctest_hex("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7");
        sc_buf one = sctest_hex(scalars[0]);
        VALGRIND_MAKE_MEM_UNDEFINED(one.ptr, 32);
        sc_sm__sm2_base_mul(x, y, one.ptr);
        VALGRIND_MAKE_MEM_DEFINED(x, 32);
        assert_memory_equal(x, g.ptr, 32);
        sc_buf_dispose(&g);
        sc_buf_dispose(&one);
    }
}

/* The whole signature with k and d secret: the comb, the mod-n arithmetic, the range checks of
 * k and the checks of r, r + k and s. Known answer: GB/T 32918.5 A.2 (the default ID), and k
 * out of range (0, n, 2^256 - 1) rejected with a wiped signature, also without a branch. */
static void test_sm_sm2_ct__sign_secret_key_and_k(void **state)
{
    static const char d_hex[] = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
    static const char e_hex[] = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640";
    static const char k_hex[] = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";
    static const char rs_hex[] = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                                 "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";
    static const char *const bad_k[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"};
    sc_buf d = sctest_hex(d_hex), e = sctest_hex(e_hex), k = sctest_hex(k_hex);
    sc_buf want = sctest_hex(rs_hex);
    sc_sm__sm2_fast *f = NULL;
    unsigned char rs[64], zero[64] = {0};
    (void)state;

    VALGRIND_MAKE_MEM_UNDEFINED(d.ptr, 32);
    assert_int_equal(sc_sm__sm2_fast_new(&f, d.ptr), 0);
    VALGRIND_MAKE_MEM_UNDEFINED(k.ptr, 32);
    int ok = sc_sm__sm2_fast_sign_k(rs, f, e.ptr, k.ptr);
    assert_int_equal(ok, 1);
    assert_memory_equal(rs, want.ptr, 64);
    for (size_t i = 0; i < sizeof(bad_k) / sizeof(*bad_k); i++) {
        sc_buf b = sctest_hex(bad_k[i]);
        VALGRIND_MAKE_MEM_UNDEFINED(b.ptr, 32);
        memset(rs, 0xA5, sizeof(rs));
        assert_int_equal(sc_sm__sm2_fast_sign_k(rs, f, e.ptr, b.ptr), 0);
        assert_memory_equal(rs, zero, 64);
        sc_buf_dispose(&b);
    }
    /* and with random k, as signing runs */
    assert_int_equal(sc_sm__sm2_fast_sign(rs, f, e.ptr), 0);
    assert_memory_not_equal(rs, zero, 64);
    sc_sm__sm2_fast_free(f);
    sc_buf_dispose(&d);
    sc_buf_dispose(&e);
    sc_buf_dispose(&k);
    sc_buf_dispose(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_sm2_ct__base_mul_secret_scalar),
        cmocka_unit_test(test_sm_sm2_ct__sign_secret_key_and_k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
