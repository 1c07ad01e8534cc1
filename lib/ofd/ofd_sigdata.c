/* Digital signatures of OFD Type="Sign" (GB/T 33190-2016 clause 18, GB/T 38540-2020 clause 9):
 * GB/T 35275-2017 SignedData (clause 8, ContentInfo OID 1.2.156.10197.6.1.4.2.2) with or without
 * authenticated attributes, and bare SM2 signatures (GB/T 35276) over the Signature.xml bytes.
 *
 * Why a DER walker and not d2i_PKCS7 or CMS: OpenSSL 3.0 knows neither the GB/T 35275 content
 * types (1.2.156.10197.6.1.4.2.x) nor SM2 as a PKCS#7 signer algorithm, so it leaves the
 * content opaque or refuses it; and the signature must be checked over the authenticated
 * attributes as received, which a decoded-then-re-encoded structure does not give. The walker
 * below is strict in the GmSSL manner (definite, minimal lengths that fit in their parent, no
 * trailing bytes) and yields slices of the input; certificates go through sc_cert_parse (d2i_X509).
 */
#include "sealcert/ofd.h"
#include "ofd/ofd_int.h"

#include <stdio.h>
#include <string.h>

/* ==== strict DER walking ===================================================================== */

typedef struct {
    unsigned tag;             /* the identifier octet (low tag numbers only) */
    const unsigned char *raw; /* first byte of the TLV */
    size_t raw_len;           /* bytes of the whole TLV */
    const unsigned char *v;   /* contents */
    size_t len;               /* bytes of the contents */
} tlv;

/* Read one TLV at *p (< end) and advance. -1 on anything not DER. */
static int tlv_next(tlv *t, const unsigned char **p, const unsigned char *end)
{
    const unsigned char *q = *p;
    size_t len;

    if (q >= end || end - q < 2)
        return -1;
    t->raw = q;
    t->tag = *q++;
    if ((t->tag & 0x1f) == 0x1f)
        return -1; /* high tag numbers: none in these structures */
    if (*q < 0x80) {
        len = *q++;
    } else {
        unsigned n = *q++ & 0x7f;
        if (n == 0 || n > 4 || (size_t)(end - q) < n || *q == 0)
            return -1; /* indefinite, too long, or not minimal */
        len = 0;
        for (unsigned i = 0; i < n; i++)
            len = len << 8 | *q++;
        if (len < 0x80)
            return -1; /* long form for a short length */
    }
    if ((size_t)(end - q) < len)
        return -1;
    t->v = q;
    t->len = len;
    t->raw_len = (size_t)(q + len - t->raw);
    *p = q + len;
    return 0;
}

/* Read a TLV that must have tag @p tag. */
static int tlv_expect(tlv *t, const unsigned char **p, const unsigned char *end, unsigned tag)
{
    return tlv_next(t, p, end) < 0 || t->tag != tag ? -1 : 0;
}

/* Dotted text of an OBJECT IDENTIFIER's contents. */
static void oid_text(char *out, size_t outlen, const unsigned char *v, size_t len)
{
    size_t pos = 0;
    unsigned long long arc = 0;
    int first = 1;
    out[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        if (arc > (~0ULL >> 8))
            break;
        arc = arc << 7 | (v[i] & 0x7f);
        if (v[i] & 0x80)
            continue;
        int n;
        if (first) {
            unsigned long long a = arc < 80 ? arc / 40 : 2;
            n = snprintf(out + pos, outlen - pos, "%llu.%llu", a, arc - 40 * a);
            first = 0;
        } else {
            n = snprintf(out + pos, outlen - pos, ".%llu", arc);
        }
        if (n < 0 || (size_t)n >= outlen - pos)
            break;
        pos += (size_t)n;
        arc = 0;
    }
}

int sc_ofd__is_content_info(const unsigned char *der, size_t len)
{
    const unsigned char *p = der, *end = der + len, *q;
    tlv seq, oid;
    if (tlv_expect(&seq, &p, end, 0x30) < 0)
        return 0;
    q = seq.v;
    return tlv_expect(&oid, &q, seq.v + seq.len, 0x06) == 0;
}

/* ==== findings =============================================================================== */

#define OID_PKCS7_SIGNED   "1.2.840.113549.1.7.2"
#define OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define OID_SIGNING_TIME   "1.2.840.113549.1.9.5"

static int add_cert_checks(sc_report *r, const sc_cert *cert, const char *field,
                           const sc_cert *const *others, size_t other_count, const sc_trust *trust,
                           sc_time at)
{
    char t_at[21], t_nb[21], t_na[21];
    sc_time nb = sc_cert_not_before(cert), na = sc_cert_not_after(cert);
    sc_chain_result res;
    int error;

    if ((error = sc_report_add(r, "signer_certificate",
                               sc_cert_key(cert) ? SC_STATUS_OK : SC_STATUS_UNSUPPORTED, field,
                               "\"%s\", issuer \"%s\", serial %s%s", sc_cert_subject(cert),
                               sc_cert_issuer(cert), sc_cert_serial(cert),
                               sc_cert_key(cert) ? "" : ": not an SM2 key")) < 0)
        return error;
    sc_time_format(t_at, at);
    sc_time_format(t_nb, nb);
    sc_time_format(t_na, na);
    if (at < nb || at > na)
        error = sc_report_add(r, "signer_certificate_validity", SC_STATUS_FAIL, field,
                              "%s at %s: valid %s to %s", at < nb ? "not yet valid" : "expired",
                              t_at, t_nb, t_na);
    else
        error = sc_report_add(r, "signer_certificate_validity", SC_STATUS_OK, field,
                              "valid %s to %s, checked at %s", t_nb, t_na, t_at);
    if (error < 0)
        return error;
    if (!trust)
        return sc_report_add(r, "signer_chain", SC_STATUS_SKIP, field, "no trust anchors given");
    memset(&res, 0, sizeof(res));
    if ((error = sc_cert_verify_chain(&res, cert, trust, others, other_count, at)) < 0) {
        if (error == SC_ENOMEM)
            return error;
        return sc_report_add(r, "signer_chain", SC_STATUS_FAIL, field, "cannot be checked: %s",
                             sc_error_last()->message);
    }
    return sc_report_add(r, "signer_chain", (sc_status)res.status, field, "%s", res.message);
}

/* An SM2 signature check as one "signature" finding. */
static int add_sm2(sc_report *r, const sc_cert *cert, const char *field, const char *over,
                   const unsigned char *msg, size_t msg_len, const unsigned char *sig,
                   size_t sig_len)
{
    sc_sm2_sig_form form = SC_SM2_SIG_DER;
    int valid = 0, error;

    if (!sc_cert_key(cert))
        return sc_report_add(r, "signature", SC_STATUS_UNSUPPORTED, field,
                             "the signer's key is not SM2 (%s)", sc_cert_sig_alg(cert));
    error = sc_sm2_verify(&valid, &form, sc_cert_key(cert), msg, msg_len, sig, sig_len);
    if (error == SC_ENOMEM)
        return error;
    if (error < 0)
        return sc_report_add(r, "signature", SC_STATUS_FAIL, field, "cannot be checked: %s",
                             sc_error_last()->message);
    if (!valid)
        return sc_report_add(r, "signature", SC_STATUS_FAIL, field,
                             "does not verify over %s with the signer's key", over);
    if ((error = sc_report_add(r, "signature", SC_STATUS_OK, field,
                               "verifies over %s with the signer's key", over)) < 0)
        return error;
    if (form == SC_SM2_SIG_RAW)
        return sc_report_add(r, "format", SC_STATUS_WARN, field,
                             "raw 64-byte r||s signature value, not DER SEQUENCE{r, s}");
    if (form == SC_SM2_SIG_DER_LENIENT)
        return sc_report_add(r, "format", SC_STATUS_WARN, field,
                             "signature value INTEGERs are not minimally encoded (not DER)");
    return 0;
}

/* GeneralizedTime or UTCTime contents to sc_time; SC_TIME_NOW when unreadable. */
static sc_time asn1_time(const tlv *t)
{
    int y, i = 0, f[6];
    const unsigned char *v = t->v;
    size_t ylen = t->tag == 0x18 ? 4 : 2;
    if ((t->tag != 0x17 && t->tag != 0x18) || t->len < ylen + 10)
        return SC_TIME_NOW;
    for (size_t k = 0; k < ylen + 10; k++)
        if (v[k] < '0' || v[k] > '9')
            return SC_TIME_NOW;
    y = 0;
    for (size_t k = 0; k < ylen; k++)
        y = y * 10 + (v[k] - '0');
    if (ylen == 2)
        y += y < 50 ? 2000 : 1900;
    for (i = 0; i < 5; i++)
        f[i] = (v[ylen + 2 * i] - '0') * 10 + (v[ylen + 2 * i + 1] - '0');
    return sc_time_from_utc(y, f[0], f[1], f[2], f[3], f[4]);
}

/* ==== GB/T 35275 SignedData ================================================================== */

/*
 * GB/T 35275-2017 clause 8 (after PKCS#7 v1.5, RFC 2315 clause 9):
 *   ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY }
 *   SignedData ::= SEQUENCE {
 *     version INTEGER, digestAlgorithms SET OF AlgorithmIdentifier, contentInfo ContentInfo,
 *     certificates [0] IMPLICIT SET OF Certificate OPTIONAL,
 *     crls [1] IMPLICIT SET OF CertificateList OPTIONAL, signerInfos SET OF SignerInfo }
 *   SignerInfo ::= SEQUENCE {
 *     version INTEGER, issuerAndSerialNumber IssuerAndSerialNumber,
 *     digestAlgorithm AlgorithmIdentifier,
 *     authenticatedAttributes [0] IMPLICIT SET OF Attribute OPTIONAL,
 *     digestEncryptionAlgorithm AlgorithmIdentifier, encryptedDigest OCTET STRING,
 *     unauthenticatedAttributes [1] IMPLICIT SET OF Attribute OPTIONAL }
 */
typedef struct {
    tlv content;         /* inner content OCTET STRING contents; len 0 when detached */
    bool has_content;    /* an inner [0] content is present */
    tlv certs;           /* [0] certificates (contents: the certificates); len 0 when absent */
    tlv serial;          /* issuerAndSerialNumber.serialNumber */
    char digest_alg[64]; /* SignerInfo.digestAlgorithm */
    tlv attrs;           /* [0] authenticatedAttributes; raw_len 0 when absent */
    tlv sig;             /* encryptedDigest contents */
    char outer_oid[64];  /* ContentInfo.contentType */
} signed_data;

static int parse_signed_data(signed_data *sd, const unsigned char *der, size_t len)
{
    const unsigned char *p = der, *end = der + len, *q, *qe, *r, *re;
    tlv ci, t, sdseq, inner, si;

    memset(sd, 0, sizeof(*sd));
    if (tlv_expect(&ci, &p, end, 0x30) < 0 || p != end)
        return sc_error_set(SC_EFORMAT, "ContentInfo: not one DER SEQUENCE");
    q = ci.v;
    qe = ci.v + ci.len;
    if (tlv_expect(&t, &q, qe, 0x06) < 0)
        return sc_error_set(SC_EFORMAT, "ContentInfo.contentType: not an OBJECT IDENTIFIER");
    oid_text(sd->outer_oid, sizeof(sd->outer_oid), t.v, t.len);
    if (tlv_expect(&t, &q, qe, 0xa0) < 0 || q != qe)
        return sc_error_set(SC_EFORMAT, "ContentInfo.content: not [0] EXPLICIT");
    r = t.v;
    re = t.v + t.len;
    if (tlv_expect(&sdseq, &r, re, 0x30) < 0 || r != re)
        return sc_error_set(SC_EFORMAT, "SignedData: not a SEQUENCE");
    q = sdseq.v;
    qe = sdseq.v + sdseq.len;
    if (tlv_expect(&t, &q, qe, 0x02) < 0)
        return sc_error_set(SC_EFORMAT, "SignedData.version: not an INTEGER");
    if (tlv_expect(&t, &q, qe, 0x31) < 0)
        return sc_error_set(SC_EFORMAT, "SignedData.digestAlgorithms: not a SET");
    if (tlv_expect(&inner, &q, qe, 0x30) < 0)
        return sc_error_set(SC_EFORMAT, "SignedData.contentInfo: not a SEQUENCE");
    r = inner.v;
    re = inner.v + inner.len;
    if (tlv_expect(&t, &r, re, 0x06) < 0)
        return sc_error_set(SC_EFORMAT, "SignedData.contentInfo.contentType: not an OID");
    if (r < re) {
        tlv wrap;
        const unsigned char *w;
        if (tlv_expect(&wrap, &r, re, 0xa0) < 0 || r != re)
            return sc_error_set(SC_EFORMAT, "SignedData.contentInfo.content: not [0] EXPLICIT");
        w = wrap.v;
        if (tlv_next(&sd->content, &w, wrap.v + wrap.len) < 0 || w != wrap.v + wrap.len ||
            sd->content.tag != 0x04)
            return sc_error_set(SC_EFORMAT, "SignedData.contentInfo.content: not one OCTET STRING");
        sd->has_content = true;
    }
    if (tlv_next(&t, &q, qe) < 0)
        return sc_error_set(SC_EFORMAT, "SignedData: truncated after contentInfo");
    if (t.tag == 0xa0) {
        sd->certs = t;
        if (tlv_next(&t, &q, qe) < 0)
            return sc_error_set(SC_EFORMAT, "SignedData: no signerInfos");
    }
    if (t.tag == 0xa1 && tlv_next(&t, &q, qe) < 0)
        return sc_error_set(SC_EFORMAT, "SignedData: no signerInfos");
    if (t.tag != 0x31 || q != qe)
        return sc_error_set(SC_EFORMAT, "SignedData.signerInfos: not the last element, a SET");
    r = t.v;
    re = t.v + t.len;
    if (tlv_expect(&si, &r, re, 0x30) < 0)
        return sc_error_set(SC_EFORMAT, "SignedData.signerInfos: no SignerInfo");
    if (r != re)
        return sc_error_set(SC_EUNSUPPORTED, "SignedData.signerInfos: more than one signer");
    q = si.v;
    qe = si.v + si.len;
    tlv ias, alg, oid;
    const unsigned char *a;
    if (tlv_expect(&t, &q, qe, 0x02) < 0 || tlv_expect(&ias, &q, qe, 0x30) < 0)
        return sc_error_set(SC_EFORMAT, "SignerInfo: no version and issuerAndSerialNumber");
    a = ias.v;
    if (tlv_expect(&t, &a, ias.v + ias.len, 0x30) < 0 ||
        tlv_expect(&sd->serial, &a, ias.v + ias.len, 0x02) < 0 || a != ias.v + ias.len)
        return sc_error_set(SC_EFORMAT, "SignerInfo.issuerAndSerialNumber: malformed");
    if (tlv_expect(&alg, &q, qe, 0x30) < 0)
        return sc_error_set(SC_EFORMAT, "SignerInfo.digestAlgorithm: not a SEQUENCE");
    a = alg.v;
    if (tlv_expect(&oid, &a, alg.v + alg.len, 0x06) < 0)
        return sc_error_set(SC_EFORMAT, "SignerInfo.digestAlgorithm: no OID");
    oid_text(sd->digest_alg, sizeof(sd->digest_alg), oid.v, oid.len);
    if (tlv_next(&t, &q, qe) < 0)
        return sc_error_set(SC_EFORMAT, "SignerInfo: truncated");
    if (t.tag == 0xa0) {
        sd->attrs = t;
        if (tlv_next(&t, &q, qe) < 0)
            return sc_error_set(SC_EFORMAT, "SignerInfo: truncated");
    }
    if (t.tag != 0x30)
        return sc_error_set(SC_EFORMAT, "SignerInfo.digestEncryptionAlgorithm: not a SEQUENCE");
    if (tlv_expect(&sd->sig, &q, qe, 0x04) < 0)
        return sc_error_set(SC_EFORMAT, "SignerInfo.encryptedDigest: not an OCTET STRING");
    if (q < qe && (tlv_expect(&t, &q, qe, 0xa1) < 0 || q != qe))
        return sc_error_set(SC_EFORMAT, "SignerInfo: trailing elements");
    return 0;
}

/* Upper-case hex of an INTEGER's contents without leading zero bytes (as sc_cert_serial). */
static void serial_hex(char *out, size_t outlen, const tlv *t)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0, pos = 0;
    while (i + 1 < t->len && t->v[i] == 0)
        i++;
    for (; i < t->len && pos + 3 <= outlen; i++) {
        out[pos++] = hex[t->v[i] >> 4];
        out[pos++] = hex[t->v[i] & 15];
    }
    out[pos] = '\0';
}

static int verify_signed_data(sc_report *r, sc_ofd__sign_info *info, sc_ofd__pool *pool,
                              const unsigned char *sv, size_t sv_len, const unsigned char *data,
                              size_t data_len, const char *data_name, const sc_trust *trust,
                              sc_time at, sc_time fallback_at)
{
    const char *field = "SignedValue";
    signed_data sd;
    sc_cert **certs = NULL, *signer = NULL;
    size_t cert_count = 0;
    unsigned char md[SC_SM3_DIGEST_LEN];
    sc_buf msg = SC_BUF_INIT;
    const unsigned char *signed_bytes;
    size_t signed_len;
    const char *over;
    int error;

    if ((error = parse_signed_data(&sd, sv, sv_len)) < 0) {
        int code = error;
        if (code == SC_ENOMEM)
            return code;
        return sc_report_add(r, "signed_value",
                             code == SC_EUNSUPPORTED ? SC_STATUS_UNSUPPORTED : SC_STATUS_FAIL,
                             field, "GB/T 35275 SignedData: %s", sc_error_last()->message);
    }
    if (strcmp(sd.outer_oid, SC_OFD_OID_GBT35275_SIGNED) != 0 &&
        strcmp(sd.outer_oid, OID_PKCS7_SIGNED) != 0)
        return sc_report_add(r, "signed_value", SC_STATUS_UNSUPPORTED, field,
                             "ContentInfo.contentType %s is not signedData", sd.outer_oid);
    if ((error = sc_report_add(r, "signed_value", SC_STATUS_INFO, field,
                               "GB/T 35275 SignedData (%s), %s authenticatedAttributes",
                               sd.outer_oid, sd.attrs.raw_len ? "with" : "without")) < 0)
        return error;
    /* Some producers label the GB/T 35275 structure with the PKCS#7 OID. */
    if (strcmp(sd.outer_oid, OID_PKCS7_SIGNED) == 0 &&
        (error = sc_report_add(r, "format", SC_STATUS_WARN, "ContentInfo.contentType",
                               "PKCS#7 signedData OID instead of GB/T 35275's %s",
                               SC_OFD_OID_GBT35275_SIGNED)) < 0)
        return error;
    if (strcmp(sd.digest_alg, SC_OID_SM3) != 0)
        return sc_report_add(r, "signature", SC_STATUS_UNSUPPORTED, "SignerInfo.digestAlgorithm",
                             "digest algorithm %s is not SM3", sd.digest_alg);
    /* The certificates, and the signer among them by serial number. */
    const unsigned char *p = sd.certs.v, *end = sd.certs.v + sd.certs.len;
    char want[130];
    serial_hex(want, sizeof(want), &sd.serial);
    while (sd.certs.raw_len && p < end) {
        tlv c;
        sc_cert *cert = NULL;
        if (tlv_next(&c, &p, end) < 0)
            break;
        if ((error = sc_cert_parse(&cert, c.raw, c.raw_len)) < 0) {
            if (error == SC_ENOMEM)
                goto done;
            continue;
        }
        sc_cert **nc = sc_realloc(certs, (cert_count + 1) * sizeof(*certs));
        if (!nc) {
            sc_cert_free(cert);
            error = sc_error_oom();
            goto done;
        }
        certs = nc;
        certs[cert_count++] = cert;
        if (!signer && strcmp(sc_cert_serial(cert), want) == 0)
            signer = cert;
    }
    if (!signer) {
        error = sc_report_add(
            r, "signer_certificate", SC_STATUS_FAIL, "SignerInfo.issuerAndSerialNumber",
            "no certificate with serial %s among the %zu in SignedData", want, cert_count);
        goto done;
    }
    if (!(info->signer = sc_ofd__pstrdup(pool, sc_cert_subject(signer)))) {
        error = SC_ENOMEM;
        goto done;
    }
    if ((error = sc_sm3(md, data, data_len)) < 0)
        goto done;
    if (sd.attrs.raw_len) {
        /* PKCS#9 attributes: messageDigest must be SM3(Signature.xml); signingTime is when. */
        const unsigned char *a = sd.attrs.v, *ae = sd.attrs.v + sd.attrs.len;
        bool has_md = false;
        while (a < ae) {
            tlv attr, oid, set, val;
            const unsigned char *b, *s;
            char name[64];
            if (tlv_expect(&attr, &a, ae, 0x30) < 0)
                break;
            b = attr.v;
            if (tlv_expect(&oid, &b, attr.v + attr.len, 0x06) < 0 ||
                tlv_expect(&set, &b, attr.v + attr.len, 0x31) < 0)
                break;
            oid_text(name, sizeof(name), oid.v, oid.len);
            s = set.v;
            if (tlv_next(&val, &s, set.v + set.len) < 0)
                continue;
            if (strcmp(name, OID_MESSAGE_DIGEST) == 0 && val.tag == 0x04) {
                has_md = true;
                bool same = val.len == sizeof(md) && memcmp(val.v, md, sizeof(md)) == 0;
                if ((error =
                         sc_report_add(r, "message_digest", same ? SC_STATUS_OK : SC_STATUS_FAIL,
                                       "SignerInfo.authenticatedAttributes.messageDigest",
                                       same ? "SM3 of the %zu bytes of %s matches"
                                            : "differs from SM3 of the %zu bytes of %s",
                                       data_len, data_name)) < 0)
                    goto done;
            } else if (strcmp(name, OID_SIGNING_TIME) == 0) {
                info->signing_time = asn1_time(&val);
            }
        }
        if (!has_md && (error = sc_report_add(r, "message_digest", SC_STATUS_FAIL,
                                              "SignerInfo.authenticatedAttributes",
                                              "no messageDigest attribute")) < 0)
            goto done;
        /* RFC 2315 clause 9.3: the signature is over DER(SET OF Attribute), i.e. the [0]
         * IMPLICIT bytes as received with the tag replaced by SET (0x31). */
        if ((error = sc_buf_put(&msg, sd.attrs.raw, sd.attrs.raw_len)) < 0)
            goto done;
        msg.ptr[0] = 0x31;
        signed_bytes = msg.ptr;
        signed_len = msg.size;
        over = "DER(SET OF authenticatedAttributes)";
    } else if (sd.has_content) {
        /* ofdrw GBT35275DSContainer: content = SM3(Signature.xml), signed as is. */
        bool same = sd.content.len == sizeof(md) && memcmp(sd.content.v, md, sizeof(md)) == 0;
        if ((error = sc_report_add(r, "message_digest", same ? SC_STATUS_OK : SC_STATUS_FAIL,
                                   "SignedData.contentInfo.content",
                                   same ? "the content is SM3 of the %zu bytes of %s"
                                        : "the content (%zu bytes) is not SM3 of %s",
                                   same ? data_len : sd.content.len, data_name)) < 0)
            goto done;
        signed_bytes = sd.content.v;
        signed_len = sd.content.len;
        over = "the content";
    } else {
        /* Detached, no attributes: the signature is over Signature.xml itself. */
        signed_bytes = data;
        signed_len = data_len;
        over = "the Signature.xml bytes";
    }
    if ((error = add_sm2(r, signer, "SignerInfo.encryptedDigest", over, signed_bytes, signed_len,
                         sd.sig.v, sd.sig.len)) < 0)
        goto done;
    if (at == SC_TIME_NOW)
        at = info->signing_time != SC_TIME_NOW ? info->signing_time : fallback_at;
    error = add_cert_checks(r, signer, "SignedData.certificates", (const sc_cert *const *)certs,
                            cert_count, trust, at);
done:
    for (size_t i = 0; i < cert_count; i++)
        sc_cert_free(certs[i]);
    sc_free(certs);
    sc_buf_dispose(&msg);
    return error;
}

/* ==== entry point ============================================================================ */

int sc_ofd__verify_sign(sc_report *r, sc_ofd__sign_info *info, sc_ofd__pool *pool,
                        const unsigned char *sv, size_t sv_len, const unsigned char *data,
                        size_t data_len, const char *data_name, const sc_cert *cert,
                        const sc_trust *trust, sc_time at, sc_time fallback_at)
{
    const unsigned char *p = sv, *end = sv + sv_len, *q;
    tlv seq, a, b;
    int error;

    info->signer = "";
    info->signing_time = SC_TIME_NOW;
    if (sc_ofd__is_content_info(sv, sv_len))
        return verify_signed_data(r, info, pool, sv, sv_len, data, data_len, data_name, trust, at,
                                  fallback_at);
    /* ofdrw DigitalSign: a bare DER SM2 signature (SEQUENCE {r, s}) over Signature.xml. */
    bool is_bare = tlv_expect(&seq, &p, end, 0x30) == 0 && p == end &&
                   (q = seq.v, tlv_expect(&a, &q, seq.v + seq.len, 0x02) == 0) &&
                   tlv_expect(&b, &q, seq.v + seq.len, 0x02) == 0 && q == seq.v + seq.len;
    if (!is_bare && sv_len != SC_SM2_RAW_SIG_LEN)
        return sc_report_add(r, "signed_value", SC_STATUS_UNSUPPORTED, "SignedValue",
                             "neither GB/T 35275 SignedData nor an SM2 signature value (%zu "
                             "bytes)",
                             sv_len);
    if ((error = sc_report_add(r, "signed_value", SC_STATUS_INFO, "SignedValue",
                               "bare SM2 signature value (%zu bytes), no certificate inside",
                               sv_len)) < 0)
        return error;
    if (!cert)
        return sc_report_add(r, "signature", SC_STATUS_UNSUPPORTED, "SignedValue",
                             "no signer certificate: the SignedValue is a bare signature; give "
                             "the signer's certificate (--cert)");
    if (!(info->signer = sc_ofd__pstrdup(pool, sc_cert_subject(cert))))
        return SC_ENOMEM;
    if ((error = add_sm2(r, cert, "SignedValue", "the Signature.xml bytes", data, data_len, sv,
                         sv_len)) < 0)
        return error;
    return add_cert_checks(r, cert, "--cert", NULL, 0, trust, at == SC_TIME_NOW ? fallback_at : at);
}
