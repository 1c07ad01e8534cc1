/* lib/ofd verification on every sample (ofdrw/README.txt, wild/expected.tsv), named findings of
 * known producers, options (--at, --cert), OOM injection over open + verify. */
#include "common/test.h"

#include <stdio.h>

#include "sealcert/sealcert.h"

static sc_ofd_report *verify(const char *rel, const sc_ofd_verify_options *o)
{
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    sc_assert_ok(sc_ofd_open_file(&ofd, sctest_sample(rel), NULL));
    sc_assert_ok(sc_ofd_verify(&rep, ofd, o));
    sc_ofd_free(ofd);
    return rep;
}

/* Does signature @p sig (SIZE_MAX: the file report) have a finding @p check with @p status
 * whose message contains @p fragment (may be NULL)? */
static int has(const sc_ofd_report *rep, size_t sig, const char *check, sc_status status,
               const char *fragment)
{
    const sc_report *r =
        sig == SIZE_MAX ? sc_ofd_report_file(rep) : sc_ofd_report_signature(rep, sig)->report;
    for (size_t i = 0; i < sc_report_count(r); i++) {
        const sc_finding *f = sc_report_get(r, i);
        if (strcmp(f->check, check) == 0 && f->status == status &&
            (!fragment || strstr(f->message, fragment)))
            return 1;
    }
    return 0;
}

static void test_ofd_verify__every_sample(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        sc_verdict verdict;
        size_t sigs;
    } cases[] = {
        {"ofdrw/einvoice_5pages_kinggrid_v4.ofd", SC_VERDICT_VALID, 1},
        {"ofdrw/einvoice_chongqing_test_gomain_v4.ofd", SC_VERDICT_VALID, 1},
        {"ofdrw/einvoice_list_antchain_v4.ofd", SC_VERDICT_VALID, 1},
        {"ofdrw/einvoice_zhejiang_gomain_v4.ofd", SC_VERDICT_VALID, 1},
        {"ofdrw/elicense_gbt35275_pkcs7_two_signs.ofd", SC_VERDICT_VALID, 2},
        {"ofdrw/gmt0099_integrity_protected.ofd", SC_VERDICT_INVALID, 0},
        {"ofdrw/iofd_v1_digest_mismatch.ofd", SC_VERDICT_INVALID, 1},
        {"ofdrw/ofdrw_plain_sm2_digital_sign.ofd", SC_VERDICT_UNSUPPORTED, 1},
        {"ofdrw/ofdrw_v4_riding_seal_5pages.ofd", SC_VERDICT_VALID, 1},
        /* signed in 2026 with the test certificate and seal that expired in 2022 */
        {"ofdrw/ofdrw_v4_seal_hello.ofd", SC_VERDICT_VALID, 1},
        {"ofdrw/ofdrw_v4_two_seals_first_broken.ofd", SC_VERDICT_INVALID, 2},
        {"ofdrw/unsigned_cert_customtags.ofd", SC_VERDICT_INVALID, 0},
        {"ofdrw/unsigned_einvoice_suwell_customtags.ofd", SC_VERDICT_INVALID, 0},
        {"wild/bankreceipt-ceb-suwellsdk_v4_raw_rs_padbits.ofd", SC_VERDICT_VALID, 1},
        {"wild/bankreceipt-cfc-dianju_v4_negative_der_integers.ofd", SC_VERDICT_VALID, 1},
        {"wild/einvoice-guangdong-gomain_v4.ofd", SC_VERDICT_VALID, 1},
        {"wild/eticket-railway12306_gbt35275_test_sample.ofd", SC_VERDICT_VALID, 1},
        {"wild/wps-koal_v4_one_test_seal.ofd", SC_VERDICT_VALID, 1},
        {"wild/suwell-fjseal_v1_tbsversion4_test_seal.ofd", SC_VERDICT_VALID, 1},
        {"wild/wps-koal_v4_four_seals_signedvalue_missing.ofd", SC_VERDICT_INVALID, 4},
        {"wild/wps-hnca_v1_2018_rsa_sha1_two_seals.ofd", SC_VERDICT_UNSUPPORTED, 2},
        {"wild/foxit-kinggrid_2018_base64_signedvalue_dup_zip_entry.ofd", SC_VERDICT_INVALID, 1},
        {"wild/conformance-6.1.001_entries_stored.ofd", SC_VERDICT_INVALID, 0},
        {"wild/conformance-6.2.003_relative_paths.ofd", SC_VERDICT_INVALID, 0},
        {"wild/conformance-6.2.006_decoy_files.ofd", SC_VERDICT_INVALID, 0},
        {"wild/einvoice-digital-special-suwell_unsigned.ofd", SC_VERDICT_INVALID, 0},
        {"wild/ofdrw-libreoffice_no_publicres_unsigned.ofd", SC_VERDICT_INVALID, 0},
        {"wild/unknown-producer_pages_as_xml_files_unsigned.ofd", SC_VERDICT_INVALID, 0},
        {"wild/wps_3pages_unsigned.ofd", SC_VERDICT_INVALID, 0},
        {"wild/suwell-virtual-printer_manual_16pages_unsigned.ofd", SC_VERDICT_INVALID, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sc_ofd_report *rep = verify(cases[i].file, NULL);
        if (sc_ofd_report_verdict(rep) != cases[i].verdict ||
            sc_ofd_report_signature_count(rep) != cases[i].sigs)
            fail_msg("%s: %s with %zu signatures, expected %s with %zu", cases[i].file,
                     sc_verdict_name(sc_ofd_report_verdict(rep)),
                     sc_ofd_report_signature_count(rep), sc_verdict_name(cases[i].verdict),
                     cases[i].sigs);
        if (cases[i].sigs == 0)
            assert_true(has(rep, SIZE_MAX, "signatures", SC_STATUS_FAIL, "no signature"));
        sc_ofd_report_free(rep);
    }
}

static void test_ofd_verify__named_findings(void **state)
{
    (void)state;
    sc_ofd_report *rep = verify("ofdrw/ofdrw_v4_two_seals_first_broken.ofd", NULL);
    assert_int_equal(sc_report_verdict(sc_ofd_report_signature(rep, 0)->report),
                     SC_VERDICT_INVALID);
    assert_true(
        has(rep, 0, "reference", SC_STATUS_FAIL, "/Doc_0/Signs/Signatures.xml: digest mismatch"));
    assert_int_equal(sc_report_verdict(sc_ofd_report_signature(rep, 1)->report), SC_VERDICT_VALID);
    assert_true(has(rep, SIZE_MAX, "package", SC_STATUS_WARN, "MaxSignId"));
    sc_ofd_report_free(rep);

    /* iOFD: CheckMethod 1.2.156.10197.1.401.2 unsupported, Provider as child elements */
    rep = verify("ofdrw/iofd_v1_digest_mismatch.ofd", NULL);
    assert_true(has(rep, 0, "reference", SC_STATUS_UNSUPPORTED, "1.2.156.10197.1.401.2"));
    assert_string_equal(sc_ofd_report_signature(rep, 0)->provider,
                        "iOFD® 2.1.1 ©2019-2020 dms360.cn");
    sc_ofd_report_free(rep);

    /* Suwell SDK: raw r||s and BIT STRING unused bits */
    rep = verify("wild/bankreceipt-ceb-suwellsdk_v4_raw_rs_padbits.ofd", NULL);
    assert_true(has(rep, 0, "format", SC_STATUS_WARN, "Suwell"));
    assert_true(has(rep, 0, "format", SC_STATUS_WARN, "raw 64-byte"));
    sc_ofd_report_free(rep);

    /* DianJu: SignValue.dat beside Signature.xml, INTEGERs without the 0x00 pad */
    rep = verify("wild/bankreceipt-cfc-dianju_v4_negative_der_integers.ofd", NULL);
    assert_true(has(rep, 0, "format", SC_STATUS_WARN, "not minimally encoded"));
    assert_true(has(rep, 0, "signed_value", SC_STATUS_FAIL, NULL) == 0);
    sc_ofd_report_free(rep);

    /* KingGrid on Foxit: base64 SignedValue, duplicate zip entry, wrong namespace */
    rep = verify("wild/foxit-kinggrid_2018_base64_signedvalue_dup_zip_entry.ofd", NULL);
    assert_true(has(rep, 0, "format", SC_STATUS_WARN, "base64"));
    assert_true(has(rep, SIZE_MAX, "package", SC_STATUS_WARN, "stored twice"));
    assert_true(has(rep, SIZE_MAX, "package", SC_STATUS_WARN, "namespace"));
    assert_true(has(rep, 0, "reference", SC_STATUS_FAIL, "/OFD.xml: digest mismatch"));
    sc_ofd_report_free(rep);

    /* Koal: the fourth SignedValue is missing */
    rep = verify("wild/wps-koal_v4_four_seals_signedvalue_missing.ofd", NULL);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(sc_report_verdict(sc_ofd_report_signature(rep, i)->report),
                         SC_VERDICT_VALID);
    assert_true(has(rep, 3, "signed_value", SC_STATUS_FAIL, "not in the package"));
    sc_ofd_report_free(rep);

    /* HNCA: SHA1 and RSA */
    rep = verify("wild/wps-hnca_v1_2018_rsa_sha1_two_seals.ofd", NULL);
    assert_true(has(rep, 0, "reference", SC_STATUS_UNSUPPORTED, "SHA1"));
    assert_true(has(rep, 0, "signature_method", SC_STATUS_UNSUPPORTED, NULL));
    sc_ofd_report_free(rep);

    /* GB/T 35275 with authenticatedAttributes (12306) */
    rep = verify("wild/eticket-railway12306_gbt35275_test_sample.ofd", NULL);
    assert_int_equal(sc_ofd_report_signature(rep, 0)->type, SC_OFD_SIG_SIGN);
    assert_true(has(rep, 0, "message_digest", SC_STATUS_OK, NULL));
    assert_true(has(rep, 0, "signature", SC_STATUS_OK, "authenticatedAttributes"));
    sc_ofd_report_free(rep);

    /* GM/T 0099: recognised, the list's signature checked at its CreationDate */
    rep = verify("ofdrw/gmt0099_integrity_protected.ofd", NULL);
    assert_true(has(rep, SIZE_MAX, "integrity", SC_STATUS_INFO, "GM/T 0099"));
    assert_true(has(rep, SIZE_MAX, "signature", SC_STATUS_OK, NULL));
    assert_true(has(rep, SIZE_MAX, "signer_certificate_validity", SC_STATUS_OK, NULL));
    sc_ofd_report_free(rep);

    /* ofdrw continue-sign layout: Signatures.xml not reported as unprotected */
    rep = verify("ofdrw/ofdrw_v4_seal_hello.ofd", NULL);
    assert_true(has(rep, SIZE_MAX, "unprotected", SC_STATUS_OK, NULL));
    assert_true(has(rep, 0, "seal_file", SC_STATUS_OK, NULL));
    assert_int_equal(sc_ofd_report_signature(rep, 0)->page_count, 1);
    sc_ofd_report_free(rep);
}

static void test_ofd_verify__options(void **state)
{
    (void)state;
    sc_ofd_verify_options o = SC_OFD_VERIFY_OPTIONS_INIT;
    sc_cert *cert = NULL;

    sc_assert_ok(sc_time_parse(&o.at, "2021-06-01"));
    sc_ofd_report *rep = verify("ofdrw/ofdrw_v4_seal_hello.ofd", &o);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    sc_ofd_report_free(rep);

    /* Signed in 2026 with a certificate and seal that expired in 2022: at the claimed signing
     * time that is a warning, with strict (or an explicit time) a failure. */
    o.at = SC_TIME_NOW;
    rep = verify("ofdrw/ofdrw_v4_seal_hello.ofd", &o);
    assert_true(has(rep, 0, "signer_certificate_validity", SC_STATUS_WARN, "claims"));
    assert_true(has(rep, 0, "validity", SC_STATUS_WARN, NULL));
    sc_ofd_report_free(rep);
    o.strict = 1;
    rep = verify("ofdrw/ofdrw_v4_seal_hello.ofd", &o);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_INVALID);
    assert_true(has(rep, 0, "signer_certificate_validity", SC_STATUS_FAIL, NULL));
    sc_ofd_report_free(rep);
    o.strict = 0;
    sc_assert_ok(sc_time_parse(&o.at, "2026-01-01"));
    rep = verify("ofdrw/ofdrw_v4_seal_hello.ofd", &o);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_INVALID);
    sc_ofd_report_free(rep);

    o.at = SC_TIME_NOW;
    sc_assert_ok(sc_cert_read_file(&cert, sctest_sample("ofdrw/keys/user_cert.pem"), NULL));
    o.cert = cert;
    rep = verify("ofdrw/ofdrw_plain_sm2_digital_sign.ofd", &o);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_VALID);
    sc_ofd_report_free(rep);
    sc_cert_free(cert);
    /* the wrong certificate: the signature fails */
    sc_assert_ok(sc_cert_read_file(&cert, sctest_sample("ofdrw/keys/sign_cert.pem"), NULL));
    o.cert = cert;
    rep = verify("ofdrw/ofdrw_plain_sm2_digital_sign.ofd", &o);
    assert_int_equal(sc_ofd_report_verdict(rep), SC_VERDICT_INVALID);
    assert_true(has(rep, 0, "signature", SC_STATUS_FAIL, NULL));
    sc_ofd_report_free(rep);
    sc_cert_free(cert);
}

/* OOM injection over open + verify of one signed sample. */
static sc_buf oom_file;

static int oom_run(void *payload)
{
    sc_ofd *ofd = NULL;
    sc_ofd_report *rep = NULL;
    int error;
    (void)payload;
    if ((error = sc_ofd_open(&ofd, oom_file.ptr, oom_file.size, NULL)) < 0)
        return error;
    error = sc_ofd_verify(&rep, ofd, NULL);
    sc_ofd_report_free(rep);
    sc_ofd_free(ofd);
    return error;
}

static void test_ofd_verify__oom(void **state)
{
    (void)state;
    oom_file = sctest_read(sctest_sample("ofdrw/ofdrw_v4_seal_hello.ofd"));
    sctest_oom_loop(oom_run, NULL);
    sc_buf_dispose(&oom_file);
    oom_file = sctest_read(sctest_sample("wild/eticket-railway12306_gbt35275_test_sample.ofd"));
    sctest_oom_loop(oom_run, NULL);
    sc_buf_dispose(&oom_file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ofd_verify__every_sample),
        cmocka_unit_test(test_ofd_verify__named_findings),
        cmocka_unit_test(test_ofd_verify__options),
        cmocka_unit_test(test_ofd_verify__oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
