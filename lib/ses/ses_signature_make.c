/* Making seal signatures: SES_Signature version 4 (GB/T 38540-2020 clause 7.2). */
#include "ses/ses_int.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>

static int check_signer(const sc_seal *seal, const sc_key *key, const sc_cert *cert, sc_time at)
{
    char t_at[21], t_a[21], t_b[21];
    if (seal->layout != SC_SEAL_LAYOUT_GBT38540)
        return sc_error_set(SC_EUNSUPPORTED, "seal: a GM/T 0031-2014 seal cannot make a GB/T "
                                             "38540 signature; make a version 4 seal");
    if (!sc_key_has_private(key))
        return sc_error_set(SC_EINVALID, "key: no private key");
    if (!sc_cert_key(cert) || !sc_key_equal_public(key, sc_cert_key(cert)))
        return sc_error_set(SC_EINVALID, "key: does not match the certificate \"%s\"",
                            sc_cert_subject(cert));
    if (!sc_seal_lists_cert(seal, cert))
        return sc_error_set(SC_EINVALID,
                            "cert: \"%s\" is not in the seal's certList: the seal \"%s\" does "
                            "not allow this signer",
                            sc_cert_subject(cert), seal->name);
    sc_time_format(t_at, at);
    if (at < seal->valid_start || at > seal->valid_end) {
        sc_time_format(t_a, seal->valid_start);
        sc_time_format(t_b, seal->valid_end);
        return sc_error_set(SC_EINVALID, "seal: not valid at %s (valid %s to %s)", t_at, t_a, t_b);
    }
    if (at < sc_cert_not_before(cert) || at > sc_cert_not_after(cert)) {
        sc_time_format(t_a, sc_cert_not_before(cert));
        sc_time_format(t_b, sc_cert_not_after(cert));
        return sc_error_set(SC_EINVALID, "cert: \"%s\" is not valid at %s (valid %s to %s)",
                            sc_cert_subject(cert), t_at, t_a, t_b);
    }
    return 0;
}

/*
 * sc_sm2_sign(TBS_Sign), with the seal's part of the digest cached in the seal. TBS_Sign is
 * SEQUENCE { version INTEGER 4, eseal, timeInfo, dataHash, propertyInfo }: the bytes up to the end
 * of eseal (the seal with its picture, ~50 KB) are the same for every signature with one seal
 * and one TBS length, so their SM3 state after Z_A is kept for the last key and head seen. Any
 * other layout, or another key or length, is hashed in full (and cached for next time).
 */
static int sign_tbs(sc_buf *sig, const sc_seal *cseal, const sc_key *key, const unsigned char *tbs,
                    size_t len)
{
    sc_seal *seal = (sc_seal *)(uintptr_t)cseal; /* only the cache below changes */
    sc_sm3_ctx *state = NULL, *keep = NULL;
    size_t head = len > 2 && tbs[1] < 0x80 ? 2 : len > 2 ? 2 + (size_t)(tbs[1] & 0x7f) : len;
    int error;

    head += 3; /* version: 02 01 04 */
    if (!seal->has_tbs_lock || head > sizeof(seal->tbs_head) || len < head + seal->len ||
        tbs[0] != 0x30 || memcmp(tbs + head - 3, "\x02\x01\x04", 3) != 0 ||
        memcmp(tbs + head, seal->der, seal->len) != 0)
        return sc_sm2_sign(sig, key, tbs, len);
    pthread_mutex_lock(&seal->tbs_lock);
    error = seal->tbs_state && seal->tbs_head_len == head &&
                    memcmp(seal->tbs_head, tbs, head) == 0 &&
                    sc_sm2_prefix_is_for(seal->tbs_state, key)
                ? sc_sm3_dup(&state, seal->tbs_state)
                : 0;
    pthread_mutex_unlock(&seal->tbs_lock);
    if (error < 0)
        return error;
    if (!state) {
        if ((error = sc_sm2_prefix_new(&state, key, tbs, head + seal->len)) < 0 ||
            (error = sc_sm3_dup(&keep, state)) < 0)
            goto done;
        pthread_mutex_lock(&seal->tbs_lock);
        sc_sm3_ctx *old = seal->tbs_state;
        seal->tbs_state = keep;
        memcpy(seal->tbs_head, tbs, head);
        seal->tbs_head_len = head;
        pthread_mutex_unlock(&seal->tbs_lock);
        keep = old; /* freed below, outside the lock */
    }
    error = sc_sm2_sign_prefixed(sig, key, state, tbs + head + seal->len, len - head - seal->len);
done:
    sc_sm3_free(state);
    sc_sm3_free(keep);
    return error;
}

int sc_ses_signature_make(sc_buf *out, const sc_seal *seal, const sc_key *key, const sc_cert *cert,
                          const void *data, size_t data_len, const sc_ses_sign_options *opts)
{
    sc_ses_sign_options o = SC_SES_SIGN_OPTIONS_INIT;
    SES_Signature *s = NULL;
    unsigned char hash[SC_SM3_DIGEST_LEN], *tbs = NULL, *der = NULL;
    const unsigned char *cert_der;
    size_t cert_len;
    sc_buf sig = SC_BUF_INIT;
    int tbs_len = 0, der_len = 0, error;
    sc_time at;

    SC_ASSERT_ARG(out && seal && key && cert && (data || data_len == 0));
    if (opts)
        o = *opts;
    at = o.time == SC_TIME_NOW ? sc_time_now() : o.time;
    if ((error = check_signer(seal, key, cert, at)) < 0)
        return error;
    if (o.property_info) {
        for (const char *c = o.property_info; *c; c++)
            if ((unsigned char)*c > 0x7e || (unsigned char)*c < 0x20)
                return sc_error_set(SC_EINVALID, "property_info: not printable ASCII (IA5String)");
    }
    if ((error = sc_sm3(hash, data, data_len)) < 0)
        return error;
    cert_der = sc_cert_der(cert, &cert_len);

    /* SES_Signature_new() allocates every non-optional field; they are filled in place. */
    if (!(s = SES_Signature_new())) {
        error = sc_error_set_ossl(SC_ENOMEM, "SES_Signature");
        goto done;
    }
    {
        /* The seal goes in exactly as it was made: its maker signed those bytes. */
        ASN1_STRING *seq = ASN1_STRING_type_new(V_ASN1_SEQUENCE);
        if (!seq || (error = sc_ses__set_string(seq, seal->der, seal->len)) < 0) {
            ASN1_STRING_free(seq);
            error = error < 0 ? error : sc_error_set_ossl(SC_ENOMEM, "SES_Signature");
            goto done;
        }
        ASN1_TYPE_set(s->toSign->eseal, V_ASN1_SEQUENCE, seq);
    }
    ASN1_TIME_free(s->toSign->timeInfo);
    ASN1_OBJECT_free(s->signatureAlgID);
    s->signatureAlgID = NULL;
    if (!ASN1_INTEGER_set(s->toSign->version, 4) ||
        !(s->toSign->timeInfo = ASN1_GENERALIZEDTIME_set(NULL, (time_t)at)) ||
        !(s->signatureAlgID = OBJ_txt2obj(SC_OID_SM2_WITH_SM3, 1))) {
        error = sc_error_set_ossl(SC_EINVALID, "TBS_Sign: time or algorithm cannot be written");
        goto done;
    }
    if ((error = sc_ses__set_bits(s->toSign->dataHash, hash, sizeof(hash))) < 0 ||
        (error = sc_ses__set_string(s->toSign->propertyInfo, o.property_info ? o.property_info : "",
                                    o.property_info ? strlen(o.property_info) : 0)) < 0 ||
        (error = sc_ses__set_string(s->cert, cert_der, cert_len)) < 0 ||
        (error = sc_ses__encode(&tbs, &tbs_len, (ASN1_VALUE *)s->toSign,
                                ASN1_ITEM_rptr(TBS_Sign))) < 0 ||
        (error = sign_tbs(&sig, seal, key, tbs, (size_t)tbs_len)) < 0 ||
        (error = sc_ses__set_bits(s->signature, sig.ptr, sig.size)) < 0 ||
        (error = sc_ses__encode(&der, &der_len, (ASN1_VALUE *)s, ASN1_ITEM_rptr(SES_Signature))) <
            0)
        goto done;
    error = sc_buf_set(out, der, (size_t)der_len);
done:
    OPENSSL_free(tbs);
    OPENSSL_free(der);
    SES_Signature_free(s);
    sc_buf_dispose(&sig);
    return error;
}
