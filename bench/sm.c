/* Benchmarks of lib/sm: SM2 sign and verify (small message, Z with the default ID), SM3. */
#include "bench.h"

int main(void)
{
    sc_key *key = NULL;
    sc_buf sig = SC_BUF_INIT;
    static unsigned char block[16384];
    unsigned char digest[32];
    int valid = 0;

    BENCH_CHECK(sc_init());
    BENCH_CHECK(sc_key_generate(&key));
    BENCH_CHECK(sc_sm2_sign(&sig, key, "sealcert bench msg", 18));

    BENCH_RUN("sm2_sign", "ops/s", 1,
              BENCH_CHECK(sc_sm2_sign(&sig, key, "sealcert bench msg", 18)));
    BENCH_RUN("sm2_verify", "ops/s", 1, {
        BENCH_CHECK(sc_sm2_verify(&valid, NULL, key, "sealcert bench msg", 18, sig.ptr, sig.size));
        if (!valid)
            exit(2);
    });
    BENCH_RUN("sm3_16k", "MB/s", sizeof(block) / 1e6,
              BENCH_CHECK(sc_sm3(digest, block, sizeof(block))));

    sc_key_free(key);
    sc_buf_dispose(&sig);
    return 0;
}
