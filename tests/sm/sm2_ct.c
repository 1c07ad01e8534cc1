/* lib/sm/sm2_fast.c in constant time, checked the ctgrind way: under valgrind's memcheck
 * (ctest sm/sm2_ct_valgrind) the secret scalar is marked undefined, so any branch or memory
 * address that depends on it is reported as a use of an uninitialised value, and the test
 * fails. Run directly, the client requests do nothing and the results are still checked. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_sm2_ct__base_mul_secret_scalar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
