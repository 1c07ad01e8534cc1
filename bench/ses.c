/* Benchmarks of lib/ses: seal parse, and parse + full verification (maker signature, validity,
 * certList), on the ofdrw v4 sample seal. The baseline is the raw SM2 verify rate (bench_sm),
 * the floor for anything that checks one signature. */
#include "bench.h"

int main(int argc, char **argv)
{
    const char *dir = getenv("SEALCERT_SAMPLES");
    char path[4096];
    sc_buf der = SC_BUF_INIT;
    sc_seal_verify_options opts = SC_SEAL_VERIFY_OPTIONS_INIT;

    (void)argc;
    (void)argv;
    snprintf(path, sizeof(path), "%s/ofdrw/keys/UserV4.esl", dir ? dir : "../shared/samples");
    BENCH_CHECK(sc_init());
    BENCH_CHECK(sc_fs_read_file(&der, path, 1 << 24));
    opts.at = 1622505600; /* inside the sample's validity: every check runs and passes */

    BENCH_RUN("seal_parse", "ops/s", 1, {
        sc_seal *seal = NULL;
        BENCH_CHECK(sc_seal_parse(&seal, der.ptr, der.size));
        sc_seal_free(seal);
    });
    BENCH_RUN("seal_verify", "ops/s", 1, {
        sc_seal *seal = NULL;
        sc_report *report = NULL;
        BENCH_CHECK(sc_seal_parse(&seal, der.ptr, der.size));
        BENCH_CHECK(sc_seal_verify(&report, seal, &opts));
        if (sc_report_verdict(report) != SC_VERDICT_VALID)
            exit(2);
        sc_report_free(report);
        sc_seal_free(seal);
    });
    sc_buf_dispose(&der);
    return 0;
}
