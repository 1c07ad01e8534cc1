/* lib/sm: GB/T 32907-2016 Annex A.2: the example block encrypted 1,000,000 times. */
#include "common/test.h"

static void test_sm_sm4_slow__million_rounds(void **state)
{
    sc_buf key = sctest_hex("0123456789abcdeffedcba9876543210"),
           want = sctest_hex("595298c7c6fd271f0402f804c33d3f66");
    unsigned char block[16], iv[16] = {0};
    sc_buf out = SC_BUF_INIT;
    (void)state;
    memcpy(block, key.ptr, 16);
    for (int i = 0; i < 1000000; i++) {
        sc_assert_ok(sc_sm4_cbc_encrypt(&out, key.ptr, iv, block, 16, 0));
        memcpy(block, out.ptr, 16);
    }
    assert_memory_equal(block, want.ptr, 16);
    sc_buf_dispose(&key);
    sc_buf_dispose(&want);
    sc_buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_sm_sm4_slow__million_rounds)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
