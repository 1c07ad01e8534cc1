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
    sc_verify_cache *cache = NULL;
    BENCH_CHECK(sc_verify_cache_new(&cache, 0));
    opts.cache = cache;
    BENCH_RUN("seal_verify_cached", "ops/s", 1, {
        sc_seal *seal = NULL;
        sc_report *report = NULL;
        BENCH_CHECK(sc_seal_parse_cached(&seal, der.ptr, der.size, cache));
        BENCH_CHECK(sc_seal_verify(&report, seal, &opts));
        if (sc_report_verdict(report) != SC_VERDICT_VALID)
            exit(2);
        sc_report_free(report);
        sc_seal_free(seal);
    });

    /* A whole seal signature as an OFD verifier meets it: parse, dataHash over the
     * Signature.xml bytes, the signer's signature, the seal. */
    sc_buf sv = SC_BUF_INIT, xml = SC_BUF_INIT;
    sc_ses_verify_options so = SC_SES_VERIFY_OPTIONS_INIT;
    snprintf(path, sizeof(path), "%s/ofdrw/vectors/tongz_v4_raw_rs_SignedValue.dat",
             dir ? dir : "../shared/samples");
    BENCH_CHECK(sc_fs_read_file(&sv, path, 1 << 24));
    snprintf(path, sizeof(path), "%s/ofdrw/vectors/tongz_v4_raw_rs_Signature.xml",
             dir ? dir : "../shared/samples");
    BENCH_CHECK(sc_fs_read_file(&xml, path, 1 << 24));
    so.data = xml.ptr;
    so.data_len = xml.size;
    for (int cached = 0; cached < 2; cached++) {
        so.cache = cached ? cache : NULL;
        BENCH_RUN(cached ? "ses_signature_verify_cached" : "ses_signature_verify", "ops/s", 1, {
            sc_ses_signature *sig = NULL;
            sc_report *report = NULL;
            BENCH_CHECK(sc_ses_signature_parse_cached(&sig, sv.ptr, sv.size, so.cache));
            BENCH_CHECK(sc_ses_signature_verify(&report, sig, &so));
            if (sc_report_find(report, "signature")->status != SC_STATUS_OK)
                exit(2);
            sc_report_free(report);
            sc_ses_signature_free(sig);
        });
    }
    sc_verify_cache_free(cache);
    sc_buf_dispose(&sv);
    sc_buf_dispose(&xml);
    sc_buf_dispose(&der);
    return 0;
}
