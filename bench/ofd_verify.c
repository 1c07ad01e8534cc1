/* Benchmark: open + verify a 1-page sealed OFD (ofdrw_v4_seal_hello.ofd: 5 References, one v4
 * seal signature), cold and with a verification cache shared across files as `sealcert verify`
 * does. Baseline: the raw SM2 verify rate of the same run (a seal signature needs at least one). */
#include "bench.h"

int main(void)
{
    const char *dir = getenv("SEALCERT_SAMPLES");
    char path[4096];
    sc_buf ofd_bytes = SC_BUF_INIT;
    sc_verify_cache *cache = NULL;
    sc_ofd_verify_options o = SC_OFD_VERIFY_OPTIONS_INIT;

    snprintf(path, sizeof(path), "%s/ofdrw/ofdrw_v4_seal_hello.ofd",
             dir ? dir : "../shared/samples");
    BENCH_CHECK(sc_init());
    BENCH_CHECK(sc_fs_read_file(&ofd_bytes, path, 1 << 26));
    BENCH_CHECK(sc_verify_cache_new(&cache, 0));
    for (int cached = 0; cached < 2; cached++) {
        o.cache = cached ? cache : NULL;
        BENCH_RUN(cached ? "ofd_verify_1page_cached" : "ofd_verify_1page", "ops/s", 1, {
            sc_ofd *ofd = NULL;
            sc_ofd_report *rep = NULL;
            BENCH_CHECK(sc_ofd_open(&ofd, ofd_bytes.ptr, ofd_bytes.size, NULL));
            BENCH_CHECK(sc_ofd_verify(&rep, ofd, &o));
            if (sc_ofd_report_verdict(rep) != SC_VERDICT_VALID)
                exit(2);
            sc_ofd_report_free(rep);
            sc_ofd_free(ofd);
        });
    }
    sc_verify_cache_free(cache);
    sc_buf_dispose(&ofd_bytes);
    return 0;
}
