/* Seal verification: the maker's signature (GB/T 38540-2020 clause 8.1 / GM/T 0031-2014 clause
 * 6.1 conventions), the maker's certificate, the validity window, certList, chain and picture. */
#include "ses/ses_int.h"

#include <string.h>
#include <strings.h>

#include <openssl/err.h>

int sc_ses__check_der(sc_report *report, const char *field, const ASN1_VALUE *val,
                      const ASN1_ITEM *it, const unsigned char *signed_der, size_t len)
{
    unsigned char *enc = NULL;
    int enc_len, error = 0;

    /* OpenSSL re-encodes what it decoded in DER, so any difference is a BER liberty the producer
     * took (an explicit DEFAULT value, a non-canonical BOOLEAN, ...). Reported, never fatal: the
     * signature is over the producer's bytes, and those are what was checked. */
    if ((enc_len = ASN1_item_i2d(val, &enc, it)) <= 0)
        return sc_error_set_ossl(SC_ENOMEM, "cannot re-encode %s", it->sname);
    if ((size_t)enc_len != len || memcmp(enc, signed_der, len) != 0) {
        size_t i = 0, n = (size_t)enc_len < len ? (size_t)enc_len : len;
        while (i < n && enc[i] == signed_der[i])
            i++;
        error = sc_report_add(report, "format", SC_STATUS_WARN, field,
                              "not DER: %zu bytes as received, %d bytes re-encoded, first "
                              "difference at byte %zu; the signature was checked over the bytes "
                              "as received",
                              len, enc_len, i);
    }
    OPENSSL_free(enc);
    return error;
}

static const char *layout_name(sc_seal_layout layout)
{
    return layout == SC_SEAL_LAYOUT_GMT0031 ? "GM/T 0031-2014" : "GB/T 38540-2020";
}

static int add_format(sc_report *r, const sc_seal *seal)
{
    const char *sig_field = seal->v4 ? "SESeal.signedValue" : "SESeal.signInfo.signData";
    const ASN1_VALUE *info = seal->v4 ? (const ASN1_VALUE *)seal->v4->esealInfo
                                      : (const ASN1_VALUE *)seal->v1->esealInfo;
    const ASN1_ITEM *info_it =
        seal->v4 ? ASN1_ITEM_rptr(SES_SealInfo) : ASN1_ITEM_rptr(SES_SealInfo_v1);
    int error;

    if ((error = sc_report_add(r, "format", SC_STATUS_INFO, "SESeal",
                               "%s layout, header version %d, vid \"%s\"%s%s",
                               layout_name(seal->layout), seal->version, seal->vid,
                               seal->version == 5 ? " (ofdrw version 5)" : "",
                               seal->has_timestamp ? ", timeStamp present (not checked)" : "")) < 0)
        return error;
    /* KingGrid writes header version 2 with the GM/T 0031 layout. */
    if ((seal->quirks & SC_SEAL_QUIRK_VERSION_LAYOUT) &&
        (error =
             sc_report_add(r, "format", SC_STATUS_WARN, "SESeal.esealInfo.header.version",
                           "header version %d with the %s layout%s", seal->version,
                           layout_name(seal->layout), seal->version == 2 ? " (KingGrid)" : "")) < 0)
        return error;
    if ((seal->quirks & SC_SEAL_QUIRK_LOCAL_TIME) &&
        (error = sc_report_add(r, "format", SC_STATUS_WARN, "SESeal.esealInfo.property",
                               "GeneralizedTime without a time zone (Suwell SDK); read as "
                               "UTC+8")) < 0)
        return error;
    /* Suwell: a nonzero unused-bits count on a signature BIT STRING. */
    if ((seal->quirks & SC_SEAL_QUIRK_SIG_UNUSED_BITS) &&
        (error = sc_report_add(r, "format", SC_STATUS_WARN, sig_field,
                               "BIT STRING declares %d unused bits (Suwell); the signature bytes "
                               "were used unchanged",
                               seal->sig_unused)) < 0)
        return error;
    return sc_ses__check_der(r, "SESeal.esealInfo", info, info_it, seal->der + seal->info.off,
                             seal->info.hdr + seal->info.len);
}

static int add_maker_certificate(sc_report *r, const sc_seal *seal, sc_time at)
{
    const char *field = seal->v4 ? "SESeal.cert" : "SESeal.signInfo.cert";
    sc_time nb, na;
    char t_at[21], t_nb[21], t_na[21], t_cd[21];
    int error;

    if (!seal->maker_cert) {
        sc_cert *tmp = NULL;
        /* Parse again only to say why (failure path only). */
        error = sc_cert_parse(&tmp, seal->maker_cert_der, seal->maker_cert_der_len);
        sc_cert_free(tmp);
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(r, "maker_certificate", SC_STATUS_FAIL, field,
                             "the maker's certificate does not parse: %s",
                             error < 0 ? sc_error_last()->message : "unknown reason");
    }
    if (!sc_cert_key(seal->maker_cert)) {
        if ((error = sc_report_add(r, "maker_certificate", SC_STATUS_FAIL, field,
                                   "the maker's certificate \"%s\" has no SM2 key",
                                   sc_cert_subject(seal->maker_cert))) < 0)
            return error;
    } else if ((error = sc_report_add(
                    r, "maker_certificate", SC_STATUS_OK, field, "\"%s\", issuer \"%s\", serial %s",
                    sc_cert_subject(seal->maker_cert), sc_cert_issuer(seal->maker_cert),
                    sc_cert_serial(seal->maker_cert))) < 0) {
        return error;
    }
    nb = sc_cert_not_before(seal->maker_cert);
    na = sc_cert_not_after(seal->maker_cert);
    sc_time_format(t_at, at);
    sc_time_format(t_nb, nb);
    sc_time_format(t_na, na);
    sc_time_format(t_cd, seal->create_date);
    if (at >= nb && at <= na)
        return sc_report_add(r, "maker_certificate_validity", SC_STATUS_OK, field,
                             "valid %s to %s, checked at %s", t_nb, t_na, t_at);
    /* A warning, not a failure: the maker's certificate vouches for the act of making the seal,
     * and a seal routinely outlives it (ofdrw's sample seals do); the seal's own window is what
     * "validity" checks. */
    return sc_report_add(r, "maker_certificate_validity", SC_STATUS_WARN, field,
                         "not valid at %s (valid %s to %s)%s", t_at, t_nb, t_na,
                         seal->create_date >= nb && seal->create_date <= na
                             ? "; it was valid at createDate"
                             : "; it was not valid at createDate either");
}

/* Verify the maker's signature over @p msg; *valid 0 when it does not verify. */
static int verify_over(int *valid, sc_sm2_sig_form *form, const sc_seal *seal,
                       const unsigned char *msg, size_t len)
{
    int error = sc_sm2_verify(valid, form, sc_cert_key(seal->maker_cert), msg, len, seal->sig,
                              seal->sig_len);
    if (error == SC_ENOMEM)
        return error;
    if (error < 0) { /* could not run: counts as not verified, the message says why */
        *valid = 0;
        sc_error_clear();
    }
    return 0;
}

/* Check the maker's signature: the layout's own convention first, the other as a fallback. */
static int check_maker(sc_ses_maker_result *res, const sc_seal *seal)
{
    const unsigned char *info = seal->der + seal->info.off;
    size_t info_len = seal->info.hdr + seal->info.len;
    sc_buf seq = SC_BUF_INIT;
    int first = seal->layout == SC_SEAL_LAYOUT_GBT38540 ? 0 : 1, error = 0;

    memset(res, 0, sizeof(*res));
    for (int k = 0; k < 2 && !res->valid; k++) {
        res->conv = (first + k) % 2;
        res->fallback = k;
        if (res->conv == 0) {
            error = verify_over(&res->valid, &res->form, seal, info, info_len);
        } else {
            if ((error = sc_ses__v1_tbs(&seq, info, info_len, seal->der + seal->certalg_off,
                                        seal->certalg_len)) < 0)
                break;
            error = verify_over(&res->valid, &res->form, seal, seq.ptr, seq.size);
        }
        if (error < 0)
            break;
    }
    sc_buf_dispose(&seq);
    return error;
}

static int add_maker_signature(sc_report *r, const sc_seal *seal, sc_verify_cache *cache)
{
    static const char *conv_name[2] = {
        "DER(SES_SealInfo) (GB/T 38540 convention)",
        "DER(SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}) (GM/T 0031 convention)",
    };
    const char *field = seal->v4 ? "SESeal.signedValue" : "SESeal.signInfo.signData";
    sc_ses_maker_result res;
    int error;

    if (!seal->maker_cert || !sc_cert_key(seal->maker_cert))
        return sc_report_add(r, "maker_signature", SC_STATUS_FAIL, field,
                             "cannot be checked: no usable maker certificate");
    /* The cache is keyed by the whole seal DER: a hit means the same signed bytes, signature
     * value and maker certificate, hence the same outcome. */
    if (!sc_ses__cache_maker_get(cache, seal, &res)) {
        if ((error = check_maker(&res, seal)) < 0 ||
            (error = sc_ses__cache_maker_put(cache, seal, &res)) < 0)
            return error;
    }
    if (!res.valid) {
        unsigned char rs[SC_SM2_RAW_SIG_LEN];
        if (sc_sm2_sig_to_raw(rs, NULL, seal->sig, seal->sig_len) < 0)
            return sc_report_add(r, "maker_signature", SC_STATUS_FAIL, field,
                                 "not an SM2 signature value (%zu bytes): %s", seal->sig_len,
                                 sc_error_last()->message);
        return sc_report_add(r, "maker_signature", SC_STATUS_FAIL, field,
                             "does not verify with the maker's key; both conventions were "
                             "tried: %s and %s",
                             conv_name[0], conv_name[1]);
    }
    if (!res.fallback)
        error = sc_report_add(r, "maker_signature", SC_STATUS_OK, field, "verifies over %s",
                              conv_name[res.conv]);
    else
        error = sc_report_add(r, "maker_signature", SC_STATUS_WARN, field,
                              "verifies only over %s, not the convention of its %s layout",
                              conv_name[res.conv], layout_name(seal->layout));
    if (error < 0)
        return error;
    if (res.form == SC_SM2_SIG_RAW)
        return sc_report_add(r, "format", SC_STATUS_WARN, field,
                             "raw 64-byte r||s signature value, not DER SEQUENCE{r, s}");
    if (res.form == SC_SM2_SIG_DER_LENIENT)
        return sc_report_add(r, "format", SC_STATUS_WARN, field,
                             "signature value INTEGERs are not minimally encoded (not DER)");
    return 0;
}

static int add_validity(sc_report *r, const sc_seal *seal, sc_time at)
{
    char t_at[21], t_s[21], t_e[21];
    sc_time_format(t_at, at);
    sc_time_format(t_s, seal->valid_start);
    sc_time_format(t_e, seal->valid_end);
    if (at < seal->valid_start)
        return sc_report_add(r, "validity", SC_STATUS_FAIL, "SESeal.esealInfo.property.validStart",
                             "not yet valid: valid %s to %s, checked at %s", t_s, t_e, t_at);
    if (at > seal->valid_end)
        return sc_report_add(r, "validity", SC_STATUS_FAIL, "SESeal.esealInfo.property.validEnd",
                             "expired: valid %s to %s, checked at %s", t_s, t_e, t_at);
    return sc_report_add(r, "validity", SC_STATUS_OK, "SESeal.esealInfo.property",
                         "valid %s to %s, checked at %s", t_s, t_e, t_at);
}

static int add_cert_list(sc_report *r, const sc_seal *seal)
{
    const char *field = "SESeal.esealInfo.property.certList";
    size_t bad = 0;
    int error;

    if (seal->cert_list_type == 2) {
        for (size_t i = 0; i < seal->cert_count; i++)
            if (strcasecmp(seal->digests[i].alg, "SM3") != 0 &&
                (error = sc_report_add(r, "cert_list", SC_STATUS_WARN, field,
                                       "entry %zu uses digest algorithm \"%s\", which cannot be "
                                       "matched (only SM3)",
                                       i, seal->digests[i].alg)) < 0)
                return error;
        return sc_report_add(r, "cert_list", SC_STATUS_OK, field, "%zu certificate digest%s",
                             seal->cert_count, seal->cert_count == 1 ? "" : "s");
    }
    for (size_t i = 0; i < seal->cert_count; i++) {
        sc_cert *tmp = NULL;
        if (seal->certs[i])
            continue;
        bad++;
        /* Parse again only to say why (failure path only). */
        error = sc_cert_parse(&tmp, seal->cert_ders[i], seal->cert_der_lens[i]);
        sc_cert_free(tmp);
        if (error == SC_ENOMEM)
            return error;
        if ((error = sc_report_add(r, "cert_list", SC_STATUS_FAIL, field,
                                   "entry %zu of %zu is not a certificate: %s", i, seal->cert_count,
                                   error < 0 ? sc_error_last()->message : "unknown reason")) < 0)
            return error;
    }
    if (bad)
        return 0;
    return sc_report_add(r, "cert_list", SC_STATUS_OK, field, "%zu certificate%s", seal->cert_count,
                         seal->cert_count == 1 ? "" : "s");
}

static int add_chain(sc_report *r, const sc_seal *seal, const sc_trust *trust, sc_time at)
{
    const char *field = seal->v4 ? "SESeal.cert" : "SESeal.signInfo.cert";
    sc_chain_result res;
    int error;

    if (!trust)
        return sc_report_add(r, "chain", SC_STATUS_SKIP, field, "no trust anchors given");
    if (!seal->maker_cert)
        return sc_report_add(r, "chain", SC_STATUS_FAIL, field, "no maker certificate to check");
    memset(&res, 0, sizeof(res));
    if ((error = sc_cert_verify_chain(&res, seal->maker_cert, trust, NULL, 0, at)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(r, "chain", SC_STATUS_FAIL, field, "cannot be checked: %s",
                             sc_error_last()->message);
    }
    return sc_report_add(r, "chain", (sc_status)res.status, field, "%s", res.message);
}

int sc_seal_verify(sc_report **out, const sc_seal *seal, const sc_seal_verify_options *opts)
{
    sc_seal_verify_options o = SC_SEAL_VERIFY_OPTIONS_INIT;
    sc_report *r = NULL;
    sc_time at;
    int error;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(seal);
    *out = NULL;
    if (opts)
        o = *opts;
    at = o.at == SC_TIME_NOW ? sc_time_now() : o.at;
    if ((error = sc_report_new(&r)) < 0)
        goto done;
    if ((error = add_format(r, seal)) < 0 || (error = add_maker_certificate(r, seal, at)) < 0 ||
        (error = add_maker_signature(r, seal, o.cache)) < 0 ||
        (error = add_validity(r, seal, at)) < 0 || (error = add_cert_list(r, seal)) < 0 ||
        (error = add_chain(r, seal, o.trust, at)) < 0)
        goto done;
    if ((error = sc_report_add(r, "picture", SC_STATUS_INFO, "SESeal.esealInfo.picture",
                               "%s, %zu bytes, %lldx%lld mm", seal->picture.type,
                               seal->picture.size, (long long)seal->picture.width_mm,
                               (long long)seal->picture.height_mm)) < 0)
        goto done;
    *out = r;
    r = NULL;
done:
    sc_report_free(r);
    return error;
}
