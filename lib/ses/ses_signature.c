/* Seal signatures (SES_Signature): parsing and verification, GB/T 38540-2020 clause 7.2 and
 * 8.2, GM/T 0031-2014 clause 5.3 and 6.2, with the producer variants of docs/formats/ses.md. */
#include "ses/ses_int.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

/* ---- parsing ----------------------------------------------------------------------------- */

static size_t child_off(const sc_ses_signature *sig, const sc_ses_tlv *parent, size_t index,
                        sc_ses_tlv *out)
{
    if (sc_ses__der_child(out, sig->der, parent, index) < 0)
        *out = *parent;
    return out->off;
}

/* TBS_Sign.timeInfo of GM/T 0031: BIT STRING per the standard, read as time text (KingGrid
 * writes ASCII "20211014033404Z" in it); UTCTime or GeneralizedTime from other producers. */
static int parse_time_v1(sc_ses_signature *sig, const ASN1_TYPE *t, const sc_ses_tlv *tlv)
{
    const char *path = "SES_Signature.toSign.timeInfo";
    switch (t->type) {
    case V_ASN1_BIT_STRING: {
        const unsigned char *text;
        size_t len;
        int unused;
        sc_ses__bit_string(&text, &len, &unused, sig->der, tlv);
        /* Suwell (FJSEAL sample) counts the last byte's trailing zero bits as "unused": only
         * that count is tolerated, as the bits it declares unused are then zero anyway. */
        if (unused != 0 && (unused > 7 || len == 0 || (text[len - 1] & ((1u << unused) - 1))))
            return sc_error_set(SC_EFORMAT, "%s: time text with %d unused bits (offset %zu)", path,
                                unused, tlv->off);
        sig->time_unused = unused;
        sig->time_form = SC_SES_TIME_BIT_TEXT;
        return sc_ses__time_text(&sig->time, text, len, path, tlv->off);
    }
    case V_ASN1_UTCTIME:
        sig->time_form = SC_SES_TIME_UTC;
        return sc_ses__time(&sig->time, t->value.utctime, path, tlv->off);
    case V_ASN1_GENERALIZEDTIME:
        sig->time_form = SC_SES_TIME_GENERALIZED;
        return sc_ses__time(&sig->time, t->value.generalizedtime, path, tlv->off);
    default:
        return sc_error_set(SC_EFORMAT,
                            "%s: expected BIT STRING, UTCTime or GeneralizedTime, found tag 0x%02x "
                            "(offset %zu)",
                            path, tlv->tag, tlv->off);
    }
}

/* Fields present in both layouts. @p tbs_cert and @p alg come from SES_Signature (GB/T 38540)
 * or TBS_Sign (GM/T 0031); @p alg_tlv and @p sig_tlv locate them. */
static int parse_tail(sc_ses_signature *sig, const ASN1_INTEGER *version, const ASN1_TYPE *eseal,
                      const ASN1_BIT_STRING *data_hash, const ASN1_IA5STRING *property_info,
                      const ASN1_OCTET_STRING *cert, const ASN1_OBJECT *alg,
                      const sc_ses_tlv *alg_tlv, const sc_ses_tlv *sig_tlv, const char *alg_path,
                      sc_verify_cache *cache)
{
    sc_ses_tlv t;
    int64_t v;
    int error;

    (void)data_hash; /* read from the bytes as received, below */
    if ((error = sc_ses__int(&v, version, INT_MIN, INT_MAX, "SES_Signature.toSign.version",
                             child_off(sig, &sig->tbs, 0, &t))) < 0)
        return error;
    /* 4 (GB/T 38540), 1 (GM/T 0031), 2 (KingGrid), 5 (ofdrw); Suwell writes 4 with the GM/T 0031
     * layout, hence the layout is not derived from it. */
    if (v < 1 || v > 5)
        return sc_error_set(SC_EUNSUPPORTED,
                            "SES_Signature.toSign.version: unsupported version %lld (offset %zu)",
                            (long long)v, t.off);
    sig->version = (int)v;

    child_off(sig, &sig->tbs, 1, &t);
    if (eseal->type != V_ASN1_SEQUENCE)
        return sc_error_set(SC_EFORMAT,
                            "SES_Signature.toSign.eseal: expected an SESeal SEQUENCE, found tag "
                            "0x%02x (offset %zu)",
                            t.tag, t.off);
    if ((error = sc_ses__seal_parse(&sig->seal, sig->der + t.off, t.hdr + t.len, true,
                                    "SES_Signature.toSign.eseal", t.off, cache)) < 0)
        return error;

    child_off(sig, &sig->tbs, 3, &t);
    sc_ses__bit_string(&sig->data_hash, &sig->data_hash_len, &sig->data_hash_unused, sig->der, &t);

    if (ASN1_STRING_length(property_info) > 0 &&
        memchr(ASN1_STRING_get0_data(property_info), 0, (size_t)ASN1_STRING_length(property_info)))
        return sc_error_set(SC_EFORMAT, "SES_Signature.toSign.propertyInfo: NUL byte (offset %zu)",
                            child_off(sig, &sig->tbs, 4, &t));
    sig->property_info = (const char *)ASN1_STRING_get0_data(property_info);

    if ((error = sc_ses__check_sig_alg(alg, alg_path, alg_tlv->off)) < 0)
        return error;
    sc_ses__oid_text(sig->sig_alg, sizeof(sig->sig_alg), alg);
    sc_ses__bit_string(&sig->sig, &sig->sig_len, &sig->sig_unused, sig->der, sig_tlv);

    sig->cert_der = ASN1_STRING_get0_data(cert);
    sig->cert_der_len = (size_t)ASN1_STRING_length(cert);
    /* The signer's certificate is usually also in the seal's certList, already parsed: share
     * it. Certificate parsing is the most expensive step of parsing a signature (OpenSSL 3.0
     * decodes the public key through its provider decoders). */
    for (size_t i = 0; sig->seal->certs && i < sig->seal->cert_count; i++) {
        if (sig->seal->certs[i] && sig->seal->cert_der_lens[i] == sig->cert_der_len &&
            memcmp(sig->seal->cert_ders[i], sig->cert_der, sig->cert_der_len) == 0) {
            sig->cert = sc_cert_ref(sig->seal->certs[i]);
            return 0;
        }
    }
    error = sc_verify_cache_cert(&sig->cert, cache, sig->cert_der, sig->cert_der_len);
    if (error == SC_ENOMEM)
        return error;
    if (error < 0) /* reported by sc_ses_signature_verify ("signer_certificate") */
        sc_error_clear();
    return 0;
}

int sc_ses_signature_parse(sc_ses_signature **out, const void *der, size_t len)
{
    return sc_ses_signature_parse_cached(out, der, len, NULL);
}

int sc_ses_signature_parse_cached(sc_ses_signature **out, const void *der, size_t len,
                                  sc_verify_cache *cache)
{
    const char *root = "SES_Signature";
    sc_ses_signature *sig = NULL;
    sc_ses_tlv top, second, t, alg_tlv, sig_tlv;
    int error;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(der || len == 0);
    *out = NULL;
    if (len > SC_SES_MAX_SIGNATURE_SIZE)
        return sc_error_set(SC_ELIMIT, "%s: %zu bytes, over the limit of %zu", root, len,
                            SC_SES_MAX_SIGNATURE_SIZE);
    if (!der)
        return sc_error_set(SC_EFORMAT, "%s: empty input", root);
    if ((error = sc_ses__der_validate(der, len, 0x30, root, 0)) < 0)
        return error;
    if (!(sig = sc_calloc(1, sizeof(*sig))) || !(sig->der = sc_memdup(der, len))) {
        error = sc_error_oom();
        goto done;
    }
    sig->len = len;

    /* As for seals, the layout follows the structure: the second element is the signer's cert
     * OCTET STRING (GB/T 38540) or the signature BIT STRING (GM/T 0031). */
    sc_ses__der_root(&top, sig->der, len);
    if (sc_ses__der_child(&sig->tbs, sig->der, &top, 0) < 0 ||
        sc_ses__der_child(&second, sig->der, &top, 1) < 0) {
        error = sc_error_set(SC_EFORMAT, "%s: fewer than 2 elements (offset 0)", root);
        goto done;
    }
    if (second.tag == V_ASN1_OCTET_STRING) {
        TBS_Sign *tbs;
        sig->layout = SC_SEAL_LAYOUT_GBT38540;
        if ((error = sc_ses__d2i((ASN1_VALUE **)&sig->v4, ASN1_ITEM_rptr(SES_Signature), sig->der,
                                 len, root, 0)) < 0)
            goto done;
        tbs = sig->v4->toSign;
        child_off(sig, &top, 2, &alg_tlv);
        child_off(sig, &top, 3, &sig_tlv);
        if ((error = parse_tail(sig, tbs->version, tbs->eseal, tbs->dataHash, tbs->propertyInfo,
                                sig->v4->cert, sig->v4->signatureAlgID, &alg_tlv, &sig_tlv,
                                "SES_Signature.signatureAlgID", cache)) < 0)
            goto done;
        sig->time_form = ASN1_STRING_type(tbs->timeInfo) == V_ASN1_UTCTIME
                             ? SC_SES_TIME_UTC
                             : SC_SES_TIME_GENERALIZED;
        if ((error = sc_ses__time(&sig->time, tbs->timeInfo, "SES_Signature.toSign.timeInfo",
                                  child_off(sig, &sig->tbs, 2, &t))) < 0)
            goto done;
        sig->ext_count = tbs->extDatas ? (size_t)sk_ExtData_num(tbs->extDatas) : 0;
        sig->has_timestamp = sig->v4->timeStamp != NULL;
    } else if (second.tag == V_ASN1_BIT_STRING) {
        TBS_Sign_v1 *tbs;
        sig->layout = SC_SEAL_LAYOUT_GMT0031;
        if ((error = sc_ses__d2i((ASN1_VALUE **)&sig->v1, ASN1_ITEM_rptr(SES_Signature_v1),
                                 sig->der, len, root, 0)) < 0)
            goto done;
        tbs = sig->v1->toSign;
        child_off(sig, &sig->tbs, 6, &alg_tlv);
        if ((error = parse_tail(sig, tbs->version, tbs->eseal, tbs->dataHash, tbs->propertyInfo,
                                tbs->cert, tbs->signatureAlgorithm, &alg_tlv, &second,
                                "SES_Signature.toSign.signatureAlgorithm", cache)) < 0)
            goto done;
        child_off(sig, &sig->tbs, 2, &t);
        if ((error = parse_time_v1(sig, tbs->timeInfo, &t)) < 0)
            goto done;
    } else {
        error = sc_error_set(SC_EFORMAT,
                             "%s: second element is neither cert OCTET STRING (GB/T 38540) nor "
                             "signature BIT STRING (GM/T 0031), found tag 0x%02x (offset %zu)",
                             root, second.tag, second.off);
        goto done;
    }
    *out = sig;
    sig = NULL;
done:
    sc_ses_signature_free(sig);
    return error;
}

void sc_ses_signature_free(sc_ses_signature *sig)
{
    if (!sig)
        return;
    sc_seal_free(sig->seal);
    sc_cert_free(sig->cert);
    SES_Signature_free(sig->v4);
    SES_Signature_v1_free(sig->v1);
    sc_free(sig->der);
    sc_free(sig);
}

/* ---- accessors --------------------------------------------------------------------------- */

int sc_ses_signature_version(const sc_ses_signature *sig)
{
    return sig->version;
}

const sc_seal *sc_ses_signature_seal(const sc_ses_signature *sig)
{
    return sig->seal;
}

sc_time sc_ses_signature_time(const sc_ses_signature *sig)
{
    return sig->time;
}

const unsigned char *sc_ses_signature_data_hash(const sc_ses_signature *sig, size_t *len)
{
    if (len)
        *len = sig->data_hash_len;
    return sig->data_hash;
}

const char *sc_ses_signature_property_info(const sc_ses_signature *sig)
{
    return sig->property_info;
}

const sc_cert *sc_ses_signature_cert(const sc_ses_signature *sig)
{
    return sig->cert;
}

int sc_ses_signature_has_timestamp(const sc_ses_signature *sig)
{
    return sig->has_timestamp;
}

/* ---- verification ------------------------------------------------------------------------ */

static int add_format(sc_report *r, const sc_ses_signature *sig)
{
    const char *sig_field = "SES_Signature.signature";
    const ASN1_VALUE *tbs =
        sig->v4 ? (const ASN1_VALUE *)sig->v4->toSign : (const ASN1_VALUE *)sig->v1->toSign;
    const ASN1_ITEM *tbs_it = sig->v4 ? ASN1_ITEM_rptr(TBS_Sign) : ASN1_ITEM_rptr(TBS_Sign_v1);
    int error;

    if ((error = sc_report_add(
             r, "format", SC_STATUS_INFO, "SES_Signature", "%s layout, TBS_Sign version %d%s%s",
             sig->layout == SC_SEAL_LAYOUT_GMT0031 ? "GM/T 0031-2014" : "GB/T 38540-2020",
             sig->version, sig->ext_count ? ", TBS_Sign.extDatas present" : "",
             sig->has_timestamp ? ", timeStamp present (not checked)" : "")) < 0)
        return error;
    /* KingGrid: timeInfo as a BIT STRING holding the time as ASCII text. */
    if (sig->time_form == SC_SES_TIME_BIT_TEXT &&
        (error = sc_report_add(r, "format", SC_STATUS_WARN, "SES_Signature.toSign.timeInfo",
                               "time given as ASCII text in a BIT STRING (KingGrid)")) < 0)
        return error;
    if (sig->time_unused &&
        (error = sc_report_add(r, "format", SC_STATUS_WARN, "SES_Signature.toSign.timeInfo",
                               "BIT STRING declares %d unused bits (Suwell); the text was used "
                               "unchanged",
                               sig->time_unused)) < 0)
        return error;
    /* Suwell: nonzero unused-bits counts on BIT STRINGs holding whole bytes. */
    if (sig->sig_unused &&
        (error = sc_report_add(r, "format", SC_STATUS_WARN, sig_field,
                               "BIT STRING declares %d unused bits (Suwell); the signature bytes "
                               "were used unchanged",
                               sig->sig_unused)) < 0)
        return error;
    if (sig->data_hash_unused &&
        (error = sc_report_add(r, "format", SC_STATUS_WARN, "SES_Signature.toSign.dataHash",
                               "BIT STRING declares %d unused bits (Suwell); the bytes were used "
                               "unchanged",
                               sig->data_hash_unused)) < 0)
        return error;
    return sc_ses__check_der(r, "SES_Signature.toSign", tbs, tbs_it, sig->der + sig->tbs.off,
                             sig->tbs.hdr + sig->tbs.len);
}

static int add_data_hash(sc_report *r, const sc_ses_signature *sig, const void *data, size_t len)
{
    const char *field = "SES_Signature.toSign.dataHash";
    unsigned char md[SC_SM3_DIGEST_LEN];
    int error;

    if (!data)
        return sc_report_add(r, "data_hash", SC_STATUS_SKIP, field, "no signed data given");
    if (sig->data_hash_len != SC_SM3_DIGEST_LEN)
        return sc_report_add(r, "data_hash", SC_STATUS_FAIL, field,
                             "%zu bytes, not an SM3 digest (32 bytes)", sig->data_hash_len);
    if ((error = sc_sm3(md, data, len)) < 0)
        return error;
    if (memcmp(md, sig->data_hash, SC_SM3_DIGEST_LEN) != 0)
        return sc_report_add(r, "data_hash", SC_STATUS_FAIL, field,
                             "SM3 of the %zu bytes of signed data differs from dataHash", len);
    return sc_report_add(r, "data_hash", SC_STATUS_OK, field, "SM3 of the %zu bytes matches", len);
}

static int add_signer(sc_report *r, const sc_ses_signature *sig, sc_time at)
{
    const char *field = sig->v4 ? "SES_Signature.cert" : "SES_Signature.toSign.cert";
    char t_at[21], t_nb[21], t_na[21];
    sc_time nb, na;
    int error;

    if (!sig->cert) {
        sc_cert *tmp = NULL;
        error = sc_cert_parse(&tmp, sig->cert_der, sig->cert_der_len);
        sc_cert_free(tmp);
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(r, "signer_certificate", SC_STATUS_FAIL, field,
                             "the signer's certificate does not parse: %s",
                             error < 0 ? sc_error_last()->message : "unknown reason");
    }
    if (!sc_cert_key(sig->cert))
        error = sc_report_add(r, "signer_certificate", SC_STATUS_FAIL, field,
                              "the signer's certificate \"%s\" has no SM2 key",
                              sc_cert_subject(sig->cert));
    else
        error = sc_report_add(r, "signer_certificate", SC_STATUS_OK, field,
                              "\"%s\", issuer \"%s\", serial %s", sc_cert_subject(sig->cert),
                              sc_cert_issuer(sig->cert), sc_cert_serial(sig->cert));
    if (error < 0)
        return error;
    nb = sc_cert_not_before(sig->cert);
    na = sc_cert_not_after(sig->cert);
    sc_time_format(t_at, at);
    sc_time_format(t_nb, nb);
    sc_time_format(t_na, na);
    if (at < nb || at > na)
        return sc_report_add(r, "signer_certificate_validity", SC_STATUS_FAIL, field,
                             "%s at %s: valid %s to %s", at < nb ? "not yet valid" : "expired",
                             t_at, t_nb, t_na);
    return sc_report_add(r, "signer_certificate_validity", SC_STATUS_OK, field,
                         "valid %s to %s, checked at %s", t_nb, t_na, t_at);
}

/* TBS_Sign starts with its header, version and seal: when that is long (a seal carries its
 * picture), the SM3 state after it is taken from the cache, so only the rest is hashed. */
#define TBS_PREFIX_MIN 4096
/* ... and at most this long: the cache keeps the prefix as its key (256 x 1 MB at the most). */
#define TBS_PREFIX_MAX (1024 * 1024)

/* sc_sm2_verify() over DER(TBS_Sign), through the cache's state after its seal when it has one. */
static int verify_tbs(int *valid, sc_sm2_sig_form *form, const sc_ses_signature *sig,
                      sc_verify_cache *cache)
{
    const unsigned char *tbs = sig->der + sig->tbs.off;
    const size_t tbs_len = sig->tbs.hdr + sig->tbs.len;
    const sc_key *key = sc_cert_key(sig->cert);
    sc_ses_tlv seal;
    sc_sm3_ctx *state = NULL;
    int error;
    if (cache && sc_ses__der_child(&seal, sig->der, &sig->tbs, 1) < 0)
        sc_error_clear(); /* no seal child: verified whole */
    else if (cache) {
        size_t prefix = seal.off + seal.hdr + seal.len - sig->tbs.off;
        if (prefix >= TBS_PREFIX_MIN && prefix <= TBS_PREFIX_MAX && prefix < tbs_len) {
            if ((error = sc_ses__cache_tbs_state(&state, cache, key, tbs, prefix)) < 0)
                return error;
            error = sc_sm2_verify_prefixed(valid, form, key, state, tbs + prefix, tbs_len - prefix,
                                           sig->sig, sig->sig_len);
            sc_sm3_free(state);
            return error;
        }
    }
    return sc_sm2_verify(valid, form, key, tbs, tbs_len, sig->sig, sig->sig_len);
}

static int add_signature(sc_report *r, const sc_ses_signature *sig, sc_verify_cache *cache)
{
    const char *field = "SES_Signature.signature";
    sc_sm2_sig_form form = SC_SM2_SIG_DER;
    int valid = 0, error;

    if (!sig->cert || !sc_cert_key(sig->cert))
        return sc_report_add(r, "signature", SC_STATUS_FAIL, field,
                             "cannot be checked: no usable signer certificate");
    /* GB/T 38540 clause 8.2 / GM/T 0031 clause 6.2: over DER(TBS_Sign), as received. */
    error = verify_tbs(&valid, &form, sig, cache);
    if (error == SC_ENOMEM)
        return error;
    if (error < 0)
        return sc_report_add(r, "signature", SC_STATUS_FAIL, field, "cannot be checked: %s",
                             sc_error_last()->message);
    if (!valid) {
        unsigned char rs[SC_SM2_RAW_SIG_LEN];
        if (sc_sm2_sig_to_raw(rs, NULL, sig->sig, sig->sig_len) < 0)
            return sc_report_add(r, "signature", SC_STATUS_FAIL, field,
                                 "not an SM2 signature value (%zu bytes): %s", sig->sig_len,
                                 sc_error_last()->message);
        return sc_report_add(r, "signature", SC_STATUS_FAIL, field,
                             "does not verify over DER(TBS_Sign) with the signer's key");
    }
    if ((error = sc_report_add(r, "signature", SC_STATUS_OK, field,
                               "verifies over DER(TBS_Sign) with the signer's key")) < 0)
        return error;
    /* tongz (oesplugin), Suwell, Koal: raw r||s instead of DER SEQUENCE{r, s}. */
    if (form == SC_SM2_SIG_RAW)
        return sc_report_add(r, "format", SC_STATUS_WARN, field,
                             "raw 64-byte r||s signature value, not DER SEQUENCE{r, s}");
    if (form == SC_SM2_SIG_DER_LENIENT)
        return sc_report_add(r, "format", SC_STATUS_WARN, field,
                             "signature value INTEGERs are not minimally encoded (not DER)");
    return 0;
}

static int add_in_cert_list(sc_report *r, const sc_ses_signature *sig)
{
    const char *field = "SES_Signature.toSign.eseal.esealInfo.property.certList";
    if (!sig->cert)
        return sc_report_add(r, "signer_in_cert_list", SC_STATUS_FAIL, field,
                             "no signer certificate to look up");
    if (sc_seal_lists_cert(sig->seal, sig->cert))
        return sc_report_add(r, "signer_in_cert_list", SC_STATUS_OK, field,
                             "the signer's certificate is in the seal's certList");
    return sc_report_add(r, "signer_in_cert_list", SC_STATUS_FAIL, field,
                         "the signer's certificate is not in the seal's certList (%zu %s)",
                         sig->seal->cert_count,
                         sig->seal->cert_list_type == 2 ? "digests" : "certificates");
}

static int add_signer_chain(sc_report *r, const sc_ses_signature *sig, const sc_trust *trust,
                            sc_time at)
{
    const char *field = sig->v4 ? "SES_Signature.cert" : "SES_Signature.toSign.cert";
    sc_chain_result res;
    int error;

    if (!trust)
        return sc_report_add(r, "signer_chain", SC_STATUS_SKIP, field, "no trust anchors given");
    if (!sig->cert)
        return sc_report_add(r, "signer_chain", SC_STATUS_FAIL, field,
                             "no signer certificate to check");
    memset(&res, 0, sizeof(res));
    if ((error = sc_cert_verify_chain(&res, sig->cert, trust, NULL, 0, at)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(r, "signer_chain", SC_STATUS_FAIL, field, "cannot be checked: %s",
                             sc_error_last()->message);
    }
    return sc_report_add(r, "signer_chain", (sc_status)res.status, field, "%s", res.message);
}

int sc_ses_signature_verify(sc_report **out, const sc_ses_signature *sig,
                            const sc_ses_verify_options *opts)
{
    sc_ses_verify_options o = SC_SES_VERIFY_OPTIONS_INIT;
    sc_seal_verify_options so = SC_SEAL_VERIFY_OPTIONS_INIT;
    sc_report *r = NULL, *seal_report = NULL;
    sc_time at;
    int error;

    SC_ASSERT_ARG(out);
    SC_ASSERT_ARG(sig);
    *out = NULL;
    if (opts)
        o = *opts;
    /* The signer vouched for the data at timeInfo; that is when the signer's certificate and
     * the seal have to be valid unless the caller asks about another moment. */
    at = o.at == SC_TIME_NOW ? sig->time : o.at;
    so.at = at;
    so.trust = o.trust;
    so.cache = o.cache;
    if ((error = sc_report_new(&r)) < 0)
        goto done;
    if ((error = add_format(r, sig)) < 0 ||
        (error = add_data_hash(r, sig, o.data, o.data_len)) < 0 ||
        (error = add_signature(r, sig, o.cache)) < 0 || (error = add_signer(r, sig, at)) < 0 ||
        (error = add_in_cert_list(r, sig)) < 0 ||
        (error = add_signer_chain(r, sig, o.trust, at)) < 0)
        goto done;
    if ((error = sc_seal_verify(&seal_report, sig->seal, &so)) < 0 ||
        (error = sc_report_merge(r, seal_report, "eseal.")) < 0)
        goto done;
    *out = r;
    r = NULL;
done:
    sc_report_free(r);
    sc_report_free(seal_report);
    return error;
}
