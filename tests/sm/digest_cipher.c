/* lib/sm: SM3 (GB/T 32905-2016 Annex A), HMAC-SM3, SM4 (GB/T 32907-2016 Annex A) CBC/CTR, AEAD. */
#include "common/test.h"

static void assert_hex(const unsigned char *p, size_t len, const char *hex)
{
    sc_buf want = sctest_hex(hex);
    assert_int_equal(len, want.size);
    assert_memory_equal(p, want.ptr, len);
    sc_buf_dispose(&want);
}

/* GB/T 32905-2016 Annex A.1 and A.2. */
static void test_sm_sm3__standard_examples(void **state)
{
    unsigned char d[32];
    char msg[65] = "";
    (void)state;
    sc_assert_ok(sc_sm3(d, "abc", 3));
    assert_hex(d, 32, "66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0");
    for (int i = 0; i < 16; i++)
        memcpy(msg + 4 * i, "abcd", 4);
    sc_assert_ok(sc_sm3(d, msg, 64));
    assert_hex(d, 32, "debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732");
}

static void test_sm_sm3__incremental_equals_oneshot(void **state)
{
    unsigned char a[32], b[32];
    sc_sm3_ctx *ctx = NULL;
    (void)state;
    sc_assert_ok(sc_sm3_new(&ctx));
    sc_assert_ok(sc_sm3_update(ctx, "a", 1));
    sc_assert_ok(sc_sm3_update(ctx, "bc", 2));
    sc_assert_ok(sc_sm3_final(a, ctx));
    sc_assert_ok(sc_sm3(b, "abc", 3));
    assert_memory_equal(a, b, 32);
    /* final resets: the context is reusable */
    sc_assert_ok(sc_sm3_update(ctx, "abc", 3));
    sc_assert_ok(sc_sm3_final(a, ctx));
    assert_memory_equal(a, b, 32);
    sc_sm3_free(ctx);
    sc_sm3_free(NULL);
}

static void test_sm_hmac__rfc2104_structure(void **state)
{
    /* HMAC-SM3 against a direct construction: SM3((K^opad) || SM3((K^ipad) || m)). */
    unsigned char key[20], ipad[64 + 3], opad[64 + 32], inner[32], want[32], got[32];
    (void)state;
    memset(key, 0x0b, sizeof(key));
    memset(ipad, 0x36, 64);
    memset(opad, 0x5c, 64);
    for (size_t i = 0; i < sizeof(key); i++) {
        ipad[i] ^= key[i];
        opad[i] ^= key[i];
    }
    memcpy(ipad + 64, "abc", 3);
    sc_assert_ok(sc_sm3(inner, ipad, sizeof(ipad)));
    memcpy(opad + 64, inner, 32);
    sc_assert_ok(sc_sm3(want, opad, sizeof(opad)));
    sc_assert_ok(sc_hmac_sm3(got, key, sizeof(key), "abc", 3));
    assert_memory_equal(got, want, 32);
}

/* GB/T 32907-2016 Annex A.1: one block. */
static void test_sm_sm4__standard_example(void **state)
{
    sc_buf key = sctest_hex("0123456789abcdeffedcba9876543210"), out = SC_BUF_INIT,
           back = SC_BUF_INIT;
    unsigned char iv[16] = {0};
    (void)state;
    /* CBC with a zero IV over one block is the bare block cipher. */
    sc_assert_ok(sc_sm4_cbc_encrypt(&out, key.ptr, iv, key.ptr, 16, 0));
    assert_hex(out.ptr, out.size, "681edf34d206965e86b3e94f536e4246");
    sc_assert_ok(sc_sm4_cbc_decrypt(&back, key.ptr, iv, out.ptr, out.size, 0));
    assert_memory_equal(back.ptr, key.ptr, 16);
    sc_buf_dispose(&key);
    sc_buf_dispose(&out);
    sc_buf_dispose(&back);
}

static void test_sm_sm4__cbc_padding_and_errors(void **state)
{
    unsigned char key[16] = {1}, iv[16] = {2};
    sc_buf ct = SC_BUF_INIT, pt = SC_BUF_INIT;
    (void)state;
    sc_assert_ok(sc_sm4_cbc_encrypt(&ct, key, iv, "hello", 5, 1));
    assert_int_equal(ct.size, 16);
    sc_assert_ok(sc_sm4_cbc_decrypt(&pt, key, iv, ct.ptr, ct.size, 1));
    assert_int_equal(pt.size, 5);
    assert_memory_equal(pt.ptr, "hello", 5);
    assert_int_equal(sc_sm4_cbc_encrypt(&ct, key, iv, "hello", 5, 0), SC_EINVALID);
    assert_int_equal(sc_sm4_cbc_decrypt(&pt, key, iv, ct.ptr, 15, 1), SC_EFORMAT);
    key[0] ^= 1; /* wrong key: the padding check fails (almost always) */
    sc_assert_ok(sc_sm4_cbc_encrypt(&ct, key, iv, "0123456789abcdef", 16, 1));
    key[0] ^= 1;
    assert_int_equal(sc_sm4_cbc_decrypt(&pt, key, iv, ct.ptr, ct.size, 1), SC_EFORMAT);
    sc_buf_dispose(&ct);
    sc_buf_dispose(&pt);
}

static void test_sm_sm4__ctr_roundtrip(void **state)
{
    unsigned char key[16] = {9}, iv[16] = {0};
    sc_buf ct = SC_BUF_INIT, pt = SC_BUF_INIT;
    char msg[100];
    (void)state;
    memset(msg, 'x', sizeof(msg));
    iv[15] = 0xff; /* the counter carries into the next byte */
    sc_assert_ok(sc_sm4_ctr(&ct, key, iv, msg, sizeof(msg)));
    assert_int_equal(ct.size, sizeof(msg));
    sc_assert_ok(sc_sm4_ctr(&pt, key, iv, ct.ptr, ct.size));
    assert_memory_equal(pt.ptr, msg, sizeof(msg));
    sc_buf_dispose(&ct);
    sc_buf_dispose(&pt);
}

static void test_sm_aead__seal_open_tamper(void **state)
{
    unsigned char key[32] = {7};
    sc_buf sealed = SC_BUF_INIT, sealed2 = SC_BUF_INIT, pt = SC_BUF_INIT;
    (void)state;
    sc_assert_ok(sc_aead_seal(&sealed, key, "rec-1", 5, "secret data", 11));
    assert_int_equal(sealed.size, 1 + 16 + 11 + 32);
    sc_assert_ok(sc_aead_seal(&sealed2, key, "rec-1", 5, "secret data", 11));
    assert_memory_not_equal(sealed.ptr, sealed2.ptr, sealed.size); /* fresh nonce each time */
    sc_assert_ok(sc_aead_open(&pt, key, "rec-1", 5, sealed.ptr, sealed.size));
    assert_int_equal(pt.size, 11);
    assert_memory_equal(pt.ptr, "secret data", 11);
    /* wrong associated data, wrong key, any flipped byte: refused, nothing written */
    sc_buf_dispose(&pt);
    assert_int_equal(sc_aead_open(&pt, key, "rec-2", 5, sealed.ptr, sealed.size), SC_ECRYPTO);
    assert_null(pt.ptr);
    for (size_t i = 1; i < sealed.size; i += 7) {
        sealed.ptr[i] ^= 0x40;
        assert_int_equal(sc_aead_open(&pt, key, "rec-1", 5, sealed.ptr, sealed.size), SC_ECRYPTO);
        sealed.ptr[i] ^= 0x40;
    }
    key[31] ^= 1;
    assert_int_equal(sc_aead_open(&pt, key, "rec-1", 5, sealed.ptr, sealed.size), SC_ECRYPTO);
    assert_int_equal(sc_aead_open(&pt, key, NULL, 0, sealed.ptr, 20), SC_EFORMAT);
    sealed.ptr[0] = 2;
    assert_int_equal(sc_aead_open(&pt, key, NULL, 0, sealed.ptr, sealed.size), SC_EFORMAT);
    assert_non_null(strstr(sc_error_last()->message, "version"));
    sc_buf_dispose(&sealed);
    sc_buf_dispose(&sealed2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm_sm3__standard_examples),
        cmocka_unit_test(test_sm_sm3__incremental_equals_oneshot),
        cmocka_unit_test(test_sm_hmac__rfc2104_structure),
        cmocka_unit_test(test_sm_sm4__standard_example),
        cmocka_unit_test(test_sm_sm4__cbc_padding_and_errors),
        cmocka_unit_test(test_sm_sm4__ctr_roundtrip),
        cmocka_unit_test(test_sm_aead__seal_open_tamper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
