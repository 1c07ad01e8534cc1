/* Benchmark: open + verify a 1-page sealed OFD (ofdrw_v4_seal_hello.ofd: 5 References, one v4
 * seal signature), cold and with a verification cache shared across files (for opening and
 * verifying) as `sealcert verify` does. Baseline: the raw SM2 verify rate of the same run (a seal
 * signature needs at least one). */
#include "bench.h"

int main(void)
{
    const char *dir = getenv("SEALCERT_SAMPLES");
    char path[4096];
    sc_buf ofd_bytes = SC_BUF_INIT;
    sc_verify_cache *cache = NULL;
    sc_ofd_verify_options o = SC_OFD_VERIFY_OPTIONS_INIT;
    sc_ofd_open_options oo = SC_OFD_OPEN_OPTIONS_INIT;

    static const struct {
        const char *file, *name, *cached_name;
    } docs[] = {
        {"ofdrw_v4_seal_hello.ofd", "ofd_verify_1page", "ofd_verify_1page_cached"},
        /* 5 pages, a riding seal with a StampAnnot per page, 9 References */
        {"ofdrw_v4_riding_seal_5pages.ofd", "ofd_verify_5page", "ofd_verify_5page_cached"},
    };
    BENCH_CHECK(sc_init());
    BENCH_CHECK(sc_verify_cache_new(&cache, 0));
    for (size_t d = 0; d < 2; d++)
        for (int cached = 0; cached < 2; cached++) {
            snprintf(path, sizeof(path), "%s/ofdrw/%s", dir ? dir : "../shared/samples",
                     docs[d].file);
            BENCH_CHECK(sc_fs_read_file(&ofd_bytes, path, 1 << 26));
            o.cache = cached ? cache : NULL;
            oo.cache = o.cache;
            /* The samples were signed with test material that expired before their signing time:
             * check validity inside it, so the verdict is valid and every check runs. */
            o.at = 1622505600;
            BENCH_RUN(cached ? docs[d].cached_name : docs[d].name, "ops/s", 1, {
                sc_ofd *ofd = NULL;
                sc_ofd_report *rep = NULL;
                BENCH_CHECK(sc_ofd_open(&ofd, ofd_bytes.ptr, ofd_bytes.size, &oo));
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
